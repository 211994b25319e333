//! Hardening (issue 12, findings 1, 6 and 7), through the real binary on both backends: an
//! import is judged line by line on its bytes, so one bad byte rejects its own line and no
//! other, and `.rejected` is a byte-exact copy; CSV is read as RFC 4180 and needs its header;
//! values out of bounds are refused by name; what cannot be shown is never shown; an import
//! that changed nothing leaves no audit entry.
use super::{R, client, example_one, lines, partner};
use crate::common::TestDb;
use crate::{check, check_eq};
use refdesk::domain::terms::DEFAULT_CONFIG;
use serde_json::{Value, json};

const NOW: &str = "2026-11-25T12:00:00+05:00";
const AT: &str = "2026-10-03T12:00:00+05:00";

fn read(path: &str) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{path}: {e}"))
}

/// Writes raw bytes (not necessarily UTF-8) into the test's directory.
fn bytes_file(db: &TestDb, name: &str, content: &[u8]) -> Result<String, String> {
    let p = db.path(name);
    std::fs::write(&p, content).map_err(|e| format!("{}: {e}", p.display()))?;
    Ok(p.display().to_string())
}

fn count(db: &TestDb, args: &[&str]) -> Result<usize, String> {
    Ok(db.json(NOW, args)?.as_array().map_or(0, Vec::len))
}

/// Finding 1: `\xff` on line 60 of 80 rejects line 60 alone, named with its byte offset; the
/// 79 others are imported; `.rejected` holds line 60 byte for byte, its line end included.
pub fn a_bad_byte_rejects_its_own_line_only(db: &TestDb) -> R {
    let (mut input, mut offset, mut bad) = (Vec::new(), 0, Vec::new());
    for i in 1..=80 {
        let mut line = client(&format!("b{i}"), AT, &format!("B{i}"), None).into_bytes();
        line.push(b'\n');
        if i == 60 {
            // The `B` of `"account_id":"B60"` becomes a byte no UTF-8 text has.
            let at = line.windows(4).position(|w| w == b"B60\"").ok_or("no account id")?;
            line[at] = 0xff;
            (offset, bad) = (input.len(), line.clone());
        }
        input.extend_from_slice(&line);
    }
    let k = bad.iter().position(|&b| b == 0xff).ok_or("no bad byte")? + 1;
    let f = bytes_file(db, "bad-byte.ndjson", &input)?;
    let out = db.run(NOW, &["import", &f]);
    check_eq!(out.code, 1);
    let want = format!("line 60 (byte {offset}): not valid UTF-8 at byte {k} of the line");
    check!(out.stderr.contains(&want), "stderr lacks {want:?}:\n{}", out.stderr);
    check!(out.stdout.contains("79 accepted, 0 duplicates, 1 rejected"), "summary: {}", out.stdout);
    check_eq!(read(&format!("{f}.rejected"))?, bad);
    // The lines after the bad one are in: a duplicate now, each of them.
    let again = db.run(NOW, &["import", &f]);
    check!(again.stdout.contains("0 accepted, 79 duplicates, 1 rejected"), "again: {}", again.stdout);
    Ok(())
}

/// Finding 6: a rejected CRLF line keeps its `\r\n` in `.rejected`; the good CRLF lines are taken.
pub fn a_rejected_crlf_line_keeps_its_line_end(db: &TestDb) -> R {
    let bad = r#"{"type":"client_registered","event_id":"r2","at":"2026-10-03 12:00","account_id":"R2"}"#;
    let input = format!("{}\r\n{bad}\r\n{}\r\n", client("r1", AT, "R1", None), client("r3", AT, "R3", None));
    let f = db.file("crlf.ndjson", &input);
    let out = db.run(NOW, &["import", &f]);
    check_eq!(out.code, 1);
    check!(out.stderr.contains("line 2: at: "), "{}", out.stderr);
    check!(out.stdout.contains("2 accepted, 0 duplicates, 1 rejected"), "summary: {}", out.stdout);
    check_eq!(read(&format!("{f}.rejected"))?, format!("{bad}\r\n").into_bytes());
    Ok(())
}

/// Finding 6: a NUL inside `event_id` refuses the line naming the field, instead of being
/// stripped into another id (`n5\0x` and `n5x` collided).
pub fn a_nul_in_an_id_is_refused_not_stripped(db: &TestDb) -> R {
    let nul = json!({"type":"client_registered","event_id":"n5\u{0}x","at":AT,"account_id":"N1"}).to_string();
    let f = db.file("nul.ndjson", &lines(&[nul, client("n5x", AT, "N2", None)]));
    let out = db.run(NOW, &["import", &f]);
    check_eq!(out.code, 1);
    let want = "line 1: event_id: \"n5\\0x\" holds the control character U+0000";
    check!(out.stderr.contains(want), "stderr lacks {want:?}:\n{}", out.stderr);
    check!(out.stdout.contains("1 accepted, 0 duplicates, 1 rejected"), "summary: {}", out.stdout);
    Ok(())
}

/// Finding 6: CSV is RFC 4180: a quoted name holding a line break is one record; a quote never
/// closed rejects the line it opens on, alone (the lines after it are read as lines again); a
/// file whose first row is no header is refused whole, exit 2, before anything is written.
pub fn csv_is_read_as_records_and_needs_its_header(db: &TestDb) -> R {
    let csv = "type,event_id,at,account_id,name,promo_code\r\n\
               partner_registered,q1,2026-10-01T09:00:00+05:00,Q1,\"Асель\r\nНурланова\",QUOTE1\r\n\
               partner_registered,q2,2026-10-01T09:00:00+05:00,Q2,\"Ерлан\",QUOTE2\r\n\
               partner_registered,q3,2026-10-01T09:00:00+05:00,Q3,\"Cut short,CUT1\r\n\
               partner_registered,q4,2026-10-01T09:00:00+05:00,Q4,Lost,LOST1\r\n";
    let f = db.file("quoted.csv", csv);
    let out = db.run(NOW, &["import", &f]);
    check_eq!(out.code, 1);
    check!(out.stdout.contains("3 accepted, 0 duplicates, 1 rejected"), "summary: {}{}", out.stdout, out.stderr);
    let want = "line 5: a quoted field opens on this line and is not closed within 1 MiB or by the end of the file";
    check!(out.stderr.contains(want), "stderr lacks {want:?}:\n{}", out.stderr);
    check_eq!(db.json(NOW, &["partner", "show", "QUOTE1"])?["name"], json!("Асель  Нурланова"));
    check_eq!(db.json(NOW, &["partner", "show", "LOST1"])?["name"], json!("Lost"));
    let rejected = String::from_utf8(read(&format!("{f}.rejected"))?).map_err(|e| e.to_string())?;
    let header_and_cut = csv.split("\r\n").enumerate().filter(|(i, _)| [0, 4].contains(i));
    check_eq!(rejected, header_and_cut.map(|(_, l)| format!("{l}\r\n")).collect::<String>());

    let partners = count(db, &["partner", "list"])?;
    let audit = count(db, &["audit", "list"])?;
    let headless = db.file("headless.csv", "partner_registered,h1,2026-10-01T09:00:00+05:00,H1,Нет Шапки,HEAD1\n");
    let out = db.run(NOW, &["import", &headless]);
    check_eq!(out.code, 2);
    check!(
        out.stderr.contains(&headless) && out.stderr.contains("not a header") && out.stderr.trim().lines().count() == 1,
        "stderr: {}",
        out.stderr
    );
    check_eq!((count(db, &["partner", "list"])?, count(db, &["audit", "list"])?), (partners, audit));
    check!(!std::path::Path::new(&format!("{headless}.rejected")).exists(), "a .rejected was written");
    Ok(())
}

/// Finding 6 and 4: instants outside 2000–2100, money past 64 bits and ids past 100 characters
/// are refused, each naming its field.
pub fn values_out_of_bounds_are_refused_by_name(db: &TestDb) -> R {
    let reg = |id: &str, at: &str| json!({"type":"client_registered","event_id":id,"at":at,"account_id":"V1"});
    let pay = r#"{"type":"payment_confirmed","event_id":"v4","at":"2026-10-05T10:00:00+05:00","payment_id":"VP","account_id":"V1","package":"P100","list_price":"100000","paid_amount":92233720368547758070000}"#;
    let long = "e".repeat(101);
    let ls = [
        reg("v1", "9999-01-14T10:00:00+05:00").to_string(),
        reg("v2", "0000-01-01T00:00:00Z").to_string(),
        pay.to_string(),
        reg(&long, AT).to_string(),
        reg(&"e".repeat(100), AT).to_string(),
    ];
    let f = db.file("bounds.ndjson", &lines(&ls));
    let out = db.run(NOW, &["import", &f]);
    check_eq!(out.code, 1);
    for want in [
        "line 1: at: \"9999-01-14T10:00:00+05:00\" is outside the years an event may carry (2000-01-01 to 2100-01-01)",
        "line 2: at: \"0000-01-01T00:00:00Z\" is outside the years an event may carry (2000-01-01 to 2100-01-01)",
        "line 3: paid_amount: the amount is too large",
        "line 4: event_id: longer than 100 characters",
    ] {
        check!(out.stderr.contains(want), "stderr lacks {want:?}:\n{}", out.stderr);
    }
    check!(out.stdout.contains("1 accepted, 0 duplicates, 4 rejected"), "summary: {}", out.stdout);

    // The years are the config's `[events]`: narrowed to 2026, a 2025 event is rejected and a
    // 2026 one taken; `--now` is held to them too (exit 2, nothing run).
    let narrow = DEFAULT_CONFIG.replace("earliest = \"2000-01-01\"", "earliest = \"2026-01-01\"");
    let cfg = db.file("narrow.toml", &narrow.replace("latest = \"2100-01-01\"", "latest = \"2027-01-01\""));
    let env = [("REFDESK_CONFIG", cfg.as_str())];
    let year =
        |id: &str, at: &str| json!({"type":"client_registered","event_id":id,"at":at,"account_id":id}).to_string();
    let f = db.file("years.ndjson", &lines(&[year("y1", "2025-12-31T23:59:59Z"), year("y2", AT)]));
    let out = db.run_env(NOW, &["import", &f], &env);
    check_eq!(out.code, 1);
    let want =
        "line 1: at: \"2025-12-31T23:59:59Z\" is outside the years an event may carry (2026-01-01 to 2027-01-01)";
    check!(out.stderr.contains(want), "stderr lacks {want:?}:\n{}", out.stderr);
    check!(out.stdout.contains("1 accepted, 0 duplicates, 1 rejected"), "summary: {}", out.stdout);
    let out = db.run_env("2027-01-01T00:00:00Z", &["partner", "list"], &env);
    check_eq!(out.code, 2);
    check_eq!(
        out.stderr.trim_end(),
        "--now: \"2027-01-01T00:00:00Z\" is outside the years an event may carry (2026-01-01 to 2027-01-01)"
    );
    let out = db.run("0000-01-01T00:00:00Z", &["partner", "list"]);
    check!(out.code == 2 && out.stderr.contains("(2000-01-01 to 2100-01-01)"), "{}", out.stderr);
    Ok(())
}

/// Finding 6: U+061C and U+2028 in a name never reach a screen, and `partner add` holds a name
/// (and a phone) to the import's policy (a 10 000-character one is refused naming --name, exit 2).
pub fn text_is_held_to_one_policy(db: &TestDb) -> R {
    let name = "Ай\u{61c}гүл\u{2028}Серік";
    let f = db.file("names.ndjson", &lines(&[partner("t1", AT, "T1", name, "AIGUL1", "+7 701 000 00 01")]));
    let out = db.run(NOW, &["import", &f]);
    check!(out.code == 0, "import: {}", out.stderr);
    check_eq!(db.json(NOW, &["partner", "show", "AIGUL1"])?["name"], json!("Айгүл Серік"));
    let list = db.run(NOW, &["partner", "list"]);
    check!(list.stdout.contains("Айгүл Серік") && !list.stdout.contains('\u{61c}'), "list: {}", list.stdout);

    let before = count(db, &["partner", "list"])?;
    let long = "Я".repeat(10_000);
    let out = db.run(NOW, &["partner", "add", "--name", &long, "--code", "LONG1"]);
    check_eq!(out.code, 2);
    check!(out.stderr.contains("--name") && out.stderr.contains("longer than 500 characters"), "{}", out.stderr);
    let out = db.run(NOW, &["partner", "add", "--name", "Nul\u{1}ok", "--code", "FINE1"]);
    check!(out.code == 0, "a name with a control character is cleaned, not refused: {}", out.stderr);
    check_eq!(count(db, &["partner", "list"])?, before + 1);
    // The phone is held to the same policy: too long is refused naming --phone; a format
    // character is taken out before it is stored.
    let out = db.run(NOW, &["partner", "add", "--name", "Long Phone", "--code", "LONGP", "--phone", &"7".repeat(501)]);
    check_eq!(out.code, 2);
    check!(out.stderr.contains("--phone") && out.stderr.contains("longer than 500 characters"), "{}", out.stderr);
    let out = db.run(
        NOW,
        &["partner", "add", "--name", "Bidi Phone", "--code", "BIDIP", "--phone", "+7 701\u{202e} 555 01 02"],
    );
    check!(out.code == 0, "{}", out.stderr);
    check_eq!(db.json(NOW, &["partner", "show", "BIDIP"])?["phone"], json!("+7 701 555 01 02"));
    check_eq!(count(db, &["partner", "list"])?, before + 2);
    Ok(())
}

/// Finding 7: an import that changed nothing (all duplicates, or all rejected) writes no audit
/// entry; its summary still says what it saw.
pub fn an_import_that_changed_nothing_writes_no_audit(db: &TestDb) -> R {
    let f = db.file("e.ndjson", &lines(&example_one()));
    let first = db.run(NOW, &["import", &f]);
    check!(first.code == 0, "{}", first.stderr);
    let audit: Value = db.json(NOW, &["audit", "list"])?;
    let n = audit.as_array().map_or(0, Vec::len);
    let again = db.run(NOW, &["import", &f]);
    check!(again.code == 0 && again.stdout.contains("0 accepted, 3 duplicates, 0 rejected"), "{}", again.stdout);
    check_eq!(count(db, &["audit", "list"])?, n);
    let bad = db.file("bad.ndjson", "{\"type\":\"nothing\"}\n");
    let out = db.run(NOW, &["import", &bad]);
    check!(out.code == 1 && out.stdout.contains("0 accepted, 0 duplicates, 1 rejected"), "{}", out.stdout);
    check_eq!(count(db, &["audit", "list"])?, n);
    Ok(())
}
