//! Issue 12, "probes as tests": a corpus of malformed lines, as data. Each kind is one physical
//! line (its line end included) and what the contract makes of it. Every line that must leave
//! nothing behind carries `zq` in its ids, so that a dump of the database after the import can be
//! searched for it; a line the contract accepts carries `fine` instead.

/// What the import must make of a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Want {
    /// Rejected, its stderr line holding this text after `line N`.
    Rejected(&'static str),
    /// Accepted: the contract allows it (see the kind's comment).
    Accepted,
    /// A blank line: skipped, neither counted nor copied to `.rejected`.
    Skipped,
}
use Want::{Accepted, Rejected, Skipped};

pub struct Kind {
    pub name: &'static str,
    pub line: Vec<u8>,
    pub want: Want,
}

const AT: &str = "2026-10-03T12:00:00+05:00";

/// A client event's fields with the `zq` ids of kind `k`.
fn client(k: usize) -> String {
    format!(r#""type":"client_registered","event_id":"zq{k}","at":"{AT}","account_id":"ZQ{k}""#)
}

/// A partner event with `name` (JSON text, quotes included) and one more field.
fn partner(k: usize, name: &str, tag: &str) -> String {
    format!(
        r#""type":"partner_registered","event_id":"{tag}{k}","at":"{AT}","account_id":"{tag}A{k}","name":{name},"promo_code":"{tag}C{k}""#
    )
}

/// A payment of kind `k` with its two amounts given as JSON.
fn pay(k: usize, list: &str, paid: &str) -> String {
    format!(
        r#""type":"payment_confirmed","event_id":"zq{k}","at":"{AT}","payment_id":"ZQP{k}","account_id":"GA1","package":"P100","list_price":{list},"paid_amount":{paid}"#
    )
}

fn obj(fields: &str) -> Vec<u8> {
    format!("{{{fields}}}\n").into_bytes()
}

/// `fields` with `from` replaced by the bytes `to` (which need not be UTF-8).
fn splice(fields: &str, from: &str, to: &[u8]) -> Vec<u8> {
    let at = fields.find(from).expect("the text to replace is in the fields");
    let mut v = b"{".to_vec();
    v.extend_from_slice(&fields.as_bytes()[..at]);
    v.extend_from_slice(to);
    v.extend_from_slice(&fields.as_bytes()[at + from.len()..]);
    v.extend_from_slice(b"}\n");
    v
}

/// `fields` without `"name":value`.
fn without(fields: &str, name: &str) -> String {
    let parts: Vec<&str> = fields.split(',').filter(|p| !p.starts_with(&format!("\"{name}\":"))).collect();
    parts.join(",")
}

/// `fields` with the value of `name` replaced by `value` (JSON).
fn with(fields: &str, name: &str, value: &str) -> String {
    let key = format!("\"{name}\":");
    let parts: Vec<String> =
        fields.split(',').map(|p| if p.starts_with(&key) { format!("{key}{value}") } else { p.to_string() }).collect();
    parts.join(",")
}

/// The NDJSON corpus.
pub fn ndjson() -> Vec<Kind> {
    let mut v: Vec<(&'static str, Vec<u8>, Want)> = Vec::new();
    let c = client(0);
    // -- bytes that are not UTF-8
    v.push(("utf8 invalid at start", [b"\xff".as_slice(), &obj(&c)].concat(), Rejected("not valid UTF-8 at byte 1")));
    v.push(("utf8 invalid in the middle", splice(&c, "ZQ", b"Z\xfe"), Rejected("not valid UTF-8 at byte")));
    v.push(("utf8 invalid at end", [&obj(&c)[..obj(&c).len() - 1], b"\x80\n"].concat(), Rejected("not valid UTF-8")));
    v.push(("overlong '/'", splice(&c, "ZQ", b"\xc0\xafZQ"), Rejected("not valid UTF-8")));
    v.push(("overlong NUL", splice(&c, "zq", b"\xc0\x80zq"), Rejected("not valid UTF-8")));
    v.push(("overlong 3-byte", splice(&c, "ZQ", b"\xe0\x80\xafZQ"), Rejected("not valid UTF-8")));
    v.push(("utf8 cut short", splice(&c, "ZQ", b"\xe2\x82ZQ"), Rejected("not valid UTF-8")));
    v.push(("surrogate as UTF-8 bytes", splice(&c, "ZQ", b"\xed\xa0\x80ZQ"), Rejected("not valid UTF-8")));
    v.push(("beyond U+10FFFF", splice(&c, "ZQ", b"\xf4\x90\x80\x80ZQ"), Rejected("not valid UTF-8")));
    // -- escapes JSON has no text for
    v.push(("lone high surrogate escape", obj(&partner(0, r#""\ud800x""#, "zq")), Rejected("not valid JSON")));
    v.push(("lone low surrogate escape", obj(&partner(0, r#""\udc00""#, "zq")), Rejected("not valid JSON")));
    v.push(("surrogate escape in event_id", obj(&with(&c, "event_id", r#""zq\ud800""#)), Rejected("not valid JSON")));
    // -- NUL, raw (JSON forbids a raw control character in a string) and escaped
    v.push(("raw NUL in event_id", splice(&c, "zq", b"zq\0"), Rejected("not valid JSON")));
    v.push(("raw NUL in name", splice(&partner(0, "\"N\"", "zq"), "\"N\"", b"\"N\0\""), Rejected("not valid JSON")));
    v.push(("raw NUL outside strings", splice(&c, ",\"at\"", b",\0\"at\""), Rejected("not valid JSON")));
    for (name, field) in [
        ("escaped NUL in event_id", "event_id"),
        ("escaped NUL in account_id", "account_id"),
        ("escaped NUL in type", "type"),
        ("escaped NUL in at", "at"),
    ] {
        v.push((name, obj(&with(&c, field, r#""zq\u0000""#)), Rejected(field)));
    }
    let p = partner(0, r#""Nul Name""#, "zq");
    for (name, field) in [
        ("escaped NUL in name", "name"),
        ("escaped NUL in promo_code", "promo_code"),
        ("escaped NUL in email", "email"),
        ("escaped NUL in phone", "phone"),
        ("escaped NUL in iin", "iin"),
        ("escaped NUL in device_id", "device_id"),
        ("escaped NUL in ip", "ip"),
    ] {
        v.push((name, obj(&format!("{p},\"{field}\":\"x\\u0000y\"")), Rejected(field)));
    }
    let pp = pay(0, "\"100000\"", "\"75000\"");
    for (name, field) in [
        ("escaped NUL in payment_id", "payment_id"),
        ("escaped NUL in package", "package"),
        ("escaped NUL in promotion", "promotion"),
    ] {
        v.push((name, obj(&format!("{},\"{field}\":\"P\\u0000\"", without(&pp, field))), Rejected(field)));
    }
    // -- every control class: raw C0 breaks JSON; escaped C0, DEL and C1 are taken out of free
    // text (README: "Its other control characters ... are taken out") and refuse an id.
    v.push(("raw tab in a string", splice(&c, "ZQ", b"\tZQ"), Rejected("not valid JSON")));
    v.push(("raw ESC in a string", splice(&c, "ZQ", b"\x1bZQ"), Rejected("not valid JSON")));
    v.push(("raw CR inside a string", splice(&c, "ZQ", b"\rZQ"), Rejected("not valid JSON")));
    v.push(("escaped ESC in event_id", obj(&with(&c, "event_id", r#""zq\u001b[2J""#)), Rejected("event_id")));
    v.push(("DEL in account_id", obj(&with(&c, "account_id", "\"ZQ\u{7f}\"")), Rejected("account_id")));
    v.push(("C1 CSI in event_id", obj(&with(&c, "event_id", "\"zq\u{9b}\"")), Rejected("event_id")));
    v.push(("zero-width space in event_id", obj(&with(&c, "event_id", "\"zq\u{200b}\"")), Rejected("event_id")));
    v.push(("BOM inside event_id", obj(&with(&c, "event_id", "\"zq\u{feff}\"")), Rejected("event_id")));
    // Free text is cleaned, not refused: accepted.
    v.push(("escaped ESC and tab in name", obj(&partner(1, r#""Fine\u001b[31m\tName""#, "fine")), Accepted));
    v.push(("DEL and C1 in name", obj(&partner(2, "\"Fine\u{7f}\u{85}Name\"", "fine")), Accepted));
    v.push(("bidi override in name", obj(&partner(3, "\"Fine\u{202e}emaN\u{202c}\"", "fine")), Accepted));
    v.push(("U+2028 in name", obj(&partner(4, "\"Fine\u{2028}Name\"", "fine")), Accepted));
    v.push(("bidi override in account_id", obj(&with(&c, "account_id", "\"ZQ\u{202e}1\"")), Rejected("account_id")));
    v.push(("U+2028 inside event_id", obj(&with(&c, "event_id", "\"zq\u{2028}x\"")), Rejected("event_id")));
    // At an id's end too: only spaces are trimmed, so a U+2028, a NEL (U+0085) or a tab there is
    // refused, not dropped (once `fine9\u{2028}` was taken as `fine9`: two ids made one).
    let fine = |k: usize| client(k).replace("zq", "fine").replace("ZQ", "FINE");
    v.push(("U+2028 ending event_id", obj(&with(&fine(9), "event_id", "\"fine9\u{2028}\"")), Rejected("event_id")));
    v.push(("NEL ending event_id", obj(&with(&fine(10), "event_id", "\"fine10\u{85}\"")), Rejected("event_id")));
    v.push((
        "escaped tab ending account_id",
        obj(&with(&fine(13), "account_id", r#""FINE13\t""#)),
        Rejected("account_id"),
    ));
    // -- line ends and blank lines
    // A BOM starting a line is taken off (read.rs `content`), on any line: the line is accepted.
    v.push((
        "BOM at line start",
        [b"\xef\xbb\xbf".as_slice(), &obj(&partner(5, "\"Bom\"", "fine"))].concat(),
        Accepted,
    ));
    // CRLF is a line end like LF (README: `\r\n` kept in `.rejected`): a good CRLF line is taken,
    // a bad one is copied with its `\r\n`.
    v.push(("good line with CRLF", obj(&partner(6, "\"Crlf\"", "fine")).replace_lf(), Accepted));
    v.push(("bad line with CRLF", obj(&with(&c, "at", "\"2026-10-03 12:00\"")).replace_lf(), Rejected("at: ")));
    v.push((
        "CR alone between two objects",
        [&obj(&c)[..obj(&c).len() - 1], b"\r", &obj(&c)].concat(),
        Rejected("not valid JSON"),
    ));
    // A CR before the object is JSON whitespace: the line is a valid object, accepted.
    v.push(("CR alone, no LF after", [b"\r".as_slice(), &obj(&fine(12))].concat(), Accepted));
    v.push(("empty line", b"\n".to_vec(), Skipped));
    v.push(("whitespace only", b" \t  \x0c \n".to_vec(), Skipped));
    // A vertical tab is whitespace neither to JSON nor to `u8::is_ascii_whitespace`.
    v.push(("vertical tab only", b" \x0b \n".to_vec(), Rejected("not valid JSON")));
    v.push(("CRLF only", b"\r\n".to_vec(), Skipped));
    // -- not one JSON object
    v.push(("truncated JSON", format!("{{{}\n", &c[..30]).into_bytes(), Rejected("not valid JSON")));
    v.push(("no closing brace", format!("{{{c}\n").into_bytes(), Rejected("not valid JSON")));
    v.push(("trailing garbage", format!("{{{c}}} x\n").into_bytes(), Rejected("not valid JSON")));
    v.push(("two objects on a line", format!("{{{c}}}{{{c}}}\n").into_bytes(), Rejected("not valid JSON")));
    v.push(("JSON array", format!("[{{{c}}}]\n").into_bytes(), Rejected("not a JSON object")));
    v.push(("JSON number", b"42\n".to_vec(), Rejected("not a JSON object")));
    v.push(("JSON string", b"\"zq\"\n".to_vec(), Rejected("not a JSON object")));
    v.push(("JSON null", b"null\n".to_vec(), Rejected("not a JSON object")));
    v.push(("JSON true", b"true\n".to_vec(), Rejected("not a JSON object")));
    v.push(("empty object", b"{}\n".to_vec(), Rejected("type")));
    v.push(("1e400", obj(&format!("{c},\"x\":1e400")), Rejected("not valid JSON")));
    v.push(("deeply nested array", format!("{}\n", "[".repeat(10_000)).into_bytes(), Rejected("not valid JSON")));
    v.push((
        "deeply nested value",
        obj(&format!("{c},\"x\":{}{}", "[".repeat(10_000), "]".repeat(10_000))),
        Rejected("not valid JSON"),
    ));
    // Duplicate keys: one reader keeps the first, another the last (serde_json), so a line
    // that names a field twice is no event at all.
    v.push((
        "duplicate keys",
        obj(&format!("{},\"event_id\":\"zq7\",\"account_id\":\"ZQ7\"", client(0))),
        Rejected("the field \"event_id\" is given twice"),
    ));
    v.push((
        "duplicate amount",
        obj(&format!("{},\"paid_amount\":\"1\"", pay(0, "\"100000\"", "\"75000\""))),
        Rejected("the field \"paid_amount\" is given twice"),
    ));
    // -- the event's fields
    v.push(("unknown type", obj(&with(&c, "type", "\"client_deleted\"")), Rejected("type")));
    v.push(("missing type", obj(&without(&c, "type")), Rejected("type")));
    for f in ["event_id", "at", "account_id"] {
        v.push((leak(format!("client without {f}")), obj(&without(&c, f)), Rejected(f)));
    }
    v.push(("partner without name", obj(&without(&partner(0, "\"N\"", "zq"), "name")), Rejected("name")));
    for f in ["event_id", "at", "payment_id", "account_id", "package", "list_price", "paid_amount"] {
        v.push((leak(format!("payment without {f}")), obj(&without(&pp, f)), Rejected(f)));
    }
    let refund = format!(r#""type":"payment_refunded","event_id":"zq0","at":"{AT}","payment_id":"GP1""#);
    for f in ["event_id", "at", "payment_id"] {
        v.push((leak(format!("refund without {f}")), obj(&without(&refund, f)), Rejected(f)));
    }
    v.push(("refund of an unknown payment", obj(&with(&refund, "payment_id", "\"ZQNOPAY\"")), Rejected("payment_id")));
    v.push(("unknown package", obj(&with(&pp, "package", "\"P999\"")), Rejected("package")));
    // A whole number written bare is taken as its text (event.rs `raw_text`): id "11".
    v.push(("number for event_id", obj(&with(&fine(11), "event_id", "11")), Accepted));
    v.push(("float for event_id", obj(&with(&c, "event_id", "5.5")), Rejected("event_id: a number where text")));
    v.push(("number for at", obj(&with(&c, "at", "1759474800")), Rejected("at")));
    v.push(("bool for account_id", obj(&with(&c, "account_id", "true")), Rejected("account_id")));
    v.push(("object for name", obj(&partner(0, "{\"first\":\"N\"}", "zq")), Rejected("name")));
    v.push(("array for event_id", obj(&with(&c, "event_id", "[\"zq\"]")), Rejected("event_id")));
    v.push(("number for type", obj(&with(&c, "type", "1")), Rejected("type")));
    v.push(("text for paid_amount", obj(&pay(0, "\"100000\"", "\"lots\"")), Rejected("paid_amount")));
    v.push(("bool for list_price", obj(&pay(0, "true", "75000")), Rejected("list_price")));
    v.push(("object for paid_amount", obj(&pay(0, "100000", "{\"kzt\":1}")), Rejected("paid_amount")));
    // -- money
    v.push(("float money", obj(&pay(0, "100000", "75000.5")), Rejected("paid_amount: a float is not money")));
    v.push(("exponent money", obj(&pay(0, "100000", "1e5")), Rejected("paid_amount: a float is not money")));
    v.push(("exponent money as text", obj(&pay(0, "100000", "\"1e5\"")), Rejected("paid_amount")));
    v.push(("negative money", obj(&pay(0, "100000", "-75000")), Rejected("paid_amount")));
    v.push(("negative money as text", obj(&pay(0, "\"-100000\"", "\"75000\"")), Rejected("list_price")));
    v.push(("money with 3 decimals", obj(&pay(0, "100000", "\"75000.001\"")), Rejected("paid_amount")));
    v.push(("money overflowing u64", obj(&pay(0, "18446744073709551616", "1")), Rejected("list_price")));
    v.push((
        "money overflowing as text",
        obj(&pay(0, "\"100000\"", "\"92233720368547758070000\"")),
        Rejected("paid_amount"),
    ));
    v.push(("money 1e400", obj(&pay(0, "100000", "1e400")), Rejected("not valid JSON")));
    // -- sizes
    v.push(("10 000-char name", obj(&partner(0, &format!("\"{}\"", "Я".repeat(10_000)), "zq")), Rejected("name")));
    v.push((
        "10 000-char event_id",
        obj(&with(&c, "event_id", &format!("\"zq{}\"", "e".repeat(10_000)))),
        Rejected("event_id"),
    ));
    v.push((
        "101-char event_id",
        obj(&with(&c, "event_id", &format!("\"zq{}\"", "e".repeat(99)))),
        Rejected("event_id"),
    ));
    v.push((
        "101-char account_id",
        obj(&with(&c, "account_id", &format!("\"ZQ{}\"", "a".repeat(99)))),
        Rejected("account_id"),
    ));
    v.push((
        "101-char payment_id",
        obj(&with(&pp, "payment_id", &format!("\"ZQ{}\"", "p".repeat(99)))),
        Rejected("payment_id"),
    ));
    v.push(("2 MB line", obj(&partner(0, &format!("\"{}\"", "x".repeat(2 << 20)), "zq")), Rejected("name")));
    v.push(("2 MB of garbage", [vec![b'z'; 2 << 20], b"q\n".to_vec()].concat(), Rejected("not valid JSON")));
    // -- instants
    for (name, at) in [
        ("year 0000", "0000-01-01T00:00:00Z"),
        ("year 9999", "9999-12-31T23:59:59Z"),
        ("year 1999", "1999-12-31T23:59:59Z"),
        ("year 2100", "2100-06-01T00:00:00Z"),
        ("no offset", "2026-10-03T12:00:00"),
        ("date only", "2026-10-03"),
        ("space, no offset", "2026-10-03 12:00"),
        ("February 30", "2026-02-30T12:00:00Z"),
        ("month 13", "2026-13-01T12:00:00Z"),
        ("hour 25", "2026-10-03T25:00:00Z"),
        ("offset +25:00", "2026-10-03T12:00:00+25:00"),
    ] {
        v.push((name, obj(&with(&c, "at", &format!("\"{at}\""))), Rejected("at: ")));
    }
    // A leap second is RFC 3339 (`time-second` 00-60); the contract asks for RFC 3339 with an
    // offset, so it is accepted.
    let leap = with(&client(8).replace("zq", "fine").replace("ZQ", "FINE"), "at", "\"2016-12-31T23:59:60Z\"");
    v.push(("leap second", obj(&leap), Accepted));
    v.into_iter().map(|(name, line, want)| Kind { name, line, want }).collect()
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

trait ReplaceLf {
    fn replace_lf(self) -> Vec<u8>;
}

impl ReplaceLf for Vec<u8> {
    /// The line's final `\n` (and any `\n` after it) as `\r\n`.
    fn replace_lf(mut self) -> Vec<u8> {
        while self.last() == Some(&b'\n') {
            self.pop();
        }
        self.extend_from_slice(b"\r\n");
        self
    }
}

/// The CSV header of the CSV corpus, and its rows: the same fields as [`partner`].
pub const CSV_HEADER: &str = "type,event_id,at,account_id,name,promo_code\r\n";

pub fn csv() -> Vec<Kind> {
    let row = |rest: &str| format!("partner_registered,zq0,{AT},ZQA0,{rest}\n").into_bytes();
    let fine =
        |k: usize, name: &str| format!("partner_registered,fine{k},{AT},FINEA{k},{name},FINEC{k}\r\n").into_bytes();
    let v: Vec<(&'static str, Vec<u8>, Want)> = vec![
        ("csv too many fields", row("Name,ZQC0,extra"), Rejected("7 fields where the header has 6")),
        ("csv too few fields", row("Name"), Rejected("5 fields where the header has 6")),
        ("csv one field", b"zq\n".to_vec(), Rejected("1 fields where the header has 6")),
        (
            "csv invalid UTF-8",
            [&row("N")[..2], b"\xff", &row("N")[2..]].concat(),
            Rejected("not valid UTF-8 at byte 3"),
        ),
        ("csv unknown type", format!("partner_gone,zq0,{AT},ZQA0,N,ZQC0\n").into_bytes(), Rejected("type")),
        ("csv empty cells", b",,,,,\n".to_vec(), Rejected("type")),
        ("csv bad instant", b"partner_registered,zq0,2026-02-30T00:00:00Z,ZQA0,N,ZQC0\n".to_vec(), Rejected("at: ")),
        (
            "csv NUL in event_id",
            format!("partner_registered,zq\0,{AT},ZQA0,N,ZQC0\n").into_bytes(),
            Rejected("event_id"),
        ),
        // RFC 4180 has no quote inside an unquoted field; the csv crate takes it as a character.
        ("csv quote inside unquoted field", fine(1, "Fine\"Name"), Accepted),
        // A quoted field may hold a line break (README); the record is one line of the count.
        ("csv quoted comma", fine(2, "\"Fine, Name\""), Accepted),
        ("csv empty line", b"\r\n".to_vec(), Skipped),
        // Last: a quote opened here and never closed (no `"` follows in the file) rejects this
        // line alone, and the good line after it is read again as a line of its own.
        ("csv unclosed quote", row("\"Never closed,ZQC0"), Rejected("a quoted field opens on this line")),
    ];
    v.into_iter().map(|(name, line, want)| Kind { name, line, want }).collect()
}
