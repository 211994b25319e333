//! The platform's events (INTERFACE.md "Platform events"): parsing one line's fields into a
//! typed event, with one clear sentence naming the field when it cannot be taken.
use super::codes::normalize_code;
use super::money::{Money, MoneyError};
use super::text::{self, ID_MAX, TEXT_MAX};
use chrono::{DateTime, Utc};
use std::fmt::Write as _;

/// A field's value as the line carries it.
#[derive(Clone, Copy, Debug)]
pub enum Raw<'a> {
    Str(&'a str),
    Int(i128),
    /// A whole number beyond 64 bits (JSON reads it as a float, but it was written whole).
    Huge,
    Float,
    Other(&'static str),
}

/// A source of named fields: a JSON object or a CSV record with its header.
pub trait Fields {
    fn get(&self, name: &str) -> Option<Raw<'_>>;
}

impl Fields for serde_json::Map<String, serde_json::Value> {
    fn get(&self, name: &str) -> Option<Raw<'_>> {
        use serde_json::Value;
        match serde_json::Map::get(self, name)? {
            Value::Null => None,
            Value::String(s) => Some(Raw::Str(s)),
            Value::Number(n) => {
                if let Some(i) = n.as_i64() {
                    Some(Raw::Int(i128::from(i)))
                } else if let Some(u) = n.as_u64() {
                    Some(Raw::Int(i128::from(u)))
                } else if n.as_f64().is_some_and(|f| f.is_finite() && f.fract() == 0.0 && f.abs() >= 9.2e18) {
                    // serde_json keeps no text of a number past u64: a whole one this large
                    // is an amount too large, not a float with decimals.
                    Some(Raw::Huge)
                } else {
                    Some(Raw::Float)
                }
            }
            Value::Bool(_) => Some(Raw::Other("a true/false value")),
            Value::Array(_) => Some(Raw::Other("a list")),
            Value::Object(_) => Some(Raw::Other("an object")),
        }
    }
}

/// A CSV record with its header; an empty cell is an absent field.
pub struct CsvFields<'a> {
    pub header: &'a csv::StringRecord,
    pub record: &'a csv::StringRecord,
}

impl Fields for CsvFields<'_> {
    fn get(&self, name: &str) -> Option<Raw<'_>> {
        let i = self.header.iter().position(|h| h.trim() == name)?;
        let v = self.record.get(i)?;
        (!v.is_empty()).then_some(Raw::Str(v))
    }
}

/// One line that cannot be taken: the field (if one is to blame) and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineError {
    pub field: Option<String>,
    pub message: String,
    /// The fault is in the line's bytes (not UTF-8), so the report names its byte offset too:
    /// an editor that cannot open the file still finds the line by it.
    pub in_bytes: bool,
}

impl LineError {
    pub fn field(field: &str, message: impl Into<String>) -> LineError {
        LineError { field: Some(field.to_string()), message: message.into(), in_bytes: false }
    }

    pub fn line(message: impl Into<String>) -> LineError {
        LineError { field: None, message: message.into(), in_bytes: false }
    }

    pub fn in_bytes(message: impl Into<String>) -> LineError {
        LineError { field: None, message: message.into(), in_bytes: true }
    }
}

impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{field}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Contact {
    pub email: Option<String>,
    pub phone: Option<String>,
    pub iin: Option<String>,
    pub device_id: Option<String>,
    pub ip: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    PartnerRegistered {
        account_id: String,
        name: String,
        promo_code: Option<String>,
        contact: Contact,
    },
    ClientRegistered {
        account_id: String,
        promo_code: Option<String>,
        contact: Contact,
    },
    PaymentConfirmed {
        payment_id: String,
        account_id: String,
        package: String,
        list_price: Money,
        paid_amount: Money,
        promo_code: Option<String>,
        promotion: Option<String>,
    },
    PaymentRefunded {
        payment_id: String,
        amount: Option<Money>,
    },
}

impl Body {
    pub fn kind(&self) -> &'static str {
        match self {
            Body::PartnerRegistered { .. } => "partner_registered",
            Body::ClientRegistered { .. } => "client_registered",
            Body::PaymentConfirmed { .. } => "payment_confirmed",
            Body::PaymentRefunded { .. } => "payment_refunded",
        }
    }
}

/// A parsed event: its id, its time, what it says, and a digest of its content (what makes
/// a repeat a duplicate rather than a conflict).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub event_id: String,
    pub at: DateTime<Utc>,
    pub body: Body,
    pub digest: i64,
}

/// The instants an event (and `--now`) may carry: `earliest` included, `latest` excluded;
/// by default 2000-01-01T00:00:00Z to 2100-01-01T00:00:00Z, set by the config's `[events]`.
/// Outside them a time is a typo: year 0000 would make a bonus due at once, and year 9999
/// cannot be shown back as RFC 3339 once the hold is added.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bounds {
    pub earliest: DateTime<Utc>,
    pub latest: DateTime<Utc>,
}

impl Bounds {
    pub const DEFAULT: Bounds = Bounds {
        earliest: DateTime::from_timestamp_nanos(946_684_800_000_000_000),
        latest: DateTime::from_timestamp_nanos(4_102_444_800_000_000_000),
    };
    /// The widest a config may set: 1970-01-01 to 2200-01-01.
    pub const WIDEST: Bounds = Bounds {
        earliest: DateTime::from_timestamp_nanos(0),
        latest: DateTime::from_timestamp_nanos(7_258_118_400_000_000_000),
    };

    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        self.earliest <= at && at < self.latest
    }

    /// `2000-01-01 to 2100-01-01`.
    pub fn span(&self) -> String {
        format!("{} to {}", self.earliest.date_naive(), self.latest.date_naive())
    }

    /// Why `text`, a time outside the bounds, is refused (an event's field or `--now`).
    pub fn outside(&self, text: &str) -> String {
        format!("{text:?} is outside the years an event may carry ({})", self.span())
    }
}

/// A field's value as text, before the text policy: a string, or a whole number written bare.
fn raw_text<'a>(f: &'a dyn Fields, name: &str) -> Result<Option<std::borrow::Cow<'a, str>>, LineError> {
    match f.get(name) {
        None => Ok(None),
        Some(Raw::Str(s)) => Ok(Some(s.into())),
        Some(Raw::Int(i)) => Ok(Some(i.to_string().into())),
        Some(Raw::Float | Raw::Huge) => Err(LineError::field(name, "a number where text was expected")),
        Some(Raw::Other(what)) => Err(LineError::field(name, format!("{what} where text was expected"))),
    }
}

/// Free text under the domain's text policy ([`text::text`]); empty is absent.
fn text(f: &dyn Fields, name: &str) -> Result<Option<String>, LineError> {
    let Some(s) = raw_text(f, name)? else { return Ok(None) };
    let s = text::text(&s, TEXT_MAX).map_err(|e| LineError::field(name, e.to_string()))?;
    Ok((!s.is_empty()).then_some(s))
}

fn required(f: &dyn Fields, name: &str) -> Result<String, LineError> {
    text(f, name)?.ok_or_else(|| LineError::field(name, "missing"))
}

/// An id (event, account, payment): taken exactly as given, at most [`ID_MAX`] characters,
/// none of them a control or format character.
fn id(f: &dyn Fields, name: &str) -> Result<String, LineError> {
    let s = raw_text(f, name)?.ok_or_else(|| LineError::field(name, "missing"))?;
    // Spaces around an id are a typing slip; any other whitespace (a tab, NEL, U+2028) is a
    // control or format character the check below refuses, not one to drop: `c1\u2028` and `c1`
    // must not become one id.
    let s = s.trim_matches(' ');
    if s.is_empty() {
        return Err(LineError::field(name, "missing"));
    }
    match text::id(s) {
        Ok(s) => Ok(s.to_string()),
        Err(text::TextError::TooLong(_)) => Err(LineError::field(name, format!("longer than {ID_MAX} characters"))),
        Err(e) => Err(LineError::field(name, format!("{s:?} {e}"))),
    }
}

fn money(f: &dyn Fields, name: &str) -> Result<Option<Money>, LineError> {
    let m = match f.get(name) {
        None => return Ok(None),
        Some(Raw::Str(s)) => Money::parse_kzt(s),
        Some(Raw::Int(i)) if i < 0 => Err(MoneyError::Negative),
        Some(Raw::Int(i)) => {
            i64::try_from(i).ok().and_then(|i| i.checked_mul(100)).map(Money::from_tiyn).ok_or(MoneyError::Overflow)
        }
        Some(Raw::Huge) => Err(MoneyError::Overflow),
        Some(Raw::Float) => Err(MoneyError::Float),
        Some(Raw::Other(_)) => Err(MoneyError::NotANumber),
    };
    m.map(Some).map_err(|e| LineError::field(name, e.to_string()))
}

fn required_money(f: &dyn Fields, name: &str) -> Result<Money, LineError> {
    money(f, name)?.ok_or_else(|| LineError::field(name, "missing"))
}

fn instant(f: &dyn Fields, name: &str, bounds: &Bounds) -> Result<DateTime<Utc>, LineError> {
    let s = required(f, name)?;
    let at = DateTime::parse_from_rfc3339(&s)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|_| LineError::field(name, format!("{s:?} is not an RFC 3339 time with an offset")))?;
    if !bounds.contains(at) {
        return Err(LineError::field(name, bounds.outside(&s)));
    }
    Ok(at)
}

fn contact(f: &dyn Fields) -> Result<Contact, LineError> {
    Ok(Contact {
        email: text(f, "email")?,
        phone: text(f, "phone")?,
        iin: text(f, "iin")?,
        device_id: text(f, "device_id")?,
        ip: text(f, "ip")?,
    })
}

fn code(f: &dyn Fields) -> Result<Option<String>, LineError> {
    Ok(text(f, "promo_code")?.map(|c| normalize_code(&c)))
}

/// Parses one event from its fields; unknown fields are ignored.
pub fn parse(f: &dyn Fields, bounds: &Bounds) -> Result<Event, LineError> {
    let kind = required(f, "type")?;
    let event_id = id(f, "event_id")?;
    let at = instant(f, "at", bounds)?;
    let body = match kind.as_str() {
        "partner_registered" => Body::PartnerRegistered {
            account_id: id(f, "account_id")?,
            name: required(f, "name")?,
            promo_code: code(f)?,
            contact: contact(f)?,
        },
        "client_registered" => {
            Body::ClientRegistered { account_id: id(f, "account_id")?, promo_code: code(f)?, contact: contact(f)? }
        }
        "payment_confirmed" => Body::PaymentConfirmed {
            payment_id: id(f, "payment_id")?,
            account_id: id(f, "account_id")?,
            package: required(f, "package")?.to_uppercase(),
            list_price: required_money(f, "list_price")?,
            paid_amount: required_money(f, "paid_amount")?,
            promo_code: code(f)?,
            promotion: text(f, "promotion")?,
        },
        "payment_refunded" => {
            let amount = money(f, "amount")?;
            if amount == Some(Money::ZERO) {
                return Err(LineError::field("amount", "a refund of zero refunds nothing"));
            }
            Body::PaymentRefunded { payment_id: id(f, "payment_id")?, amount }
        }
        other => return Err(LineError::field("type", format!("unknown event type {other:?}"))),
    };
    let digest = digest(&event_id, at, &body);
    Ok(Event { event_id, at, body, digest })
}

/// A stable 64-bit digest of the event's meaning (not its spelling): the same event sent as
/// NDJSON or as CSV, or with fields in another order, has the same digest.
fn digest(event_id: &str, at: DateTime<Utc>, body: &Body) -> i64 {
    let mut s = String::with_capacity(128);
    let _ = write!(s, "{event_id}\u{1f}{}\u{1f}{}", at.timestamp_micros(), body.kind());
    let opt = |s: &mut String, v: &Option<String>| {
        s.push('\u{1f}');
        if let Some(v) = v {
            s.push_str(v);
        } else {
            s.push('\u{0}');
        }
    };
    let contact = |s: &mut String, c: &Contact| {
        for v in [&c.email, &c.phone, &c.iin, &c.device_id, &c.ip] {
            opt(s, v);
        }
    };
    match body {
        Body::PartnerRegistered { account_id, name, promo_code, contact: c } => {
            let _ = write!(s, "\u{1f}{account_id}\u{1f}{name}");
            opt(&mut s, promo_code);
            contact(&mut s, c);
        }
        Body::ClientRegistered { account_id, promo_code, contact: c } => {
            let _ = write!(s, "\u{1f}{account_id}");
            opt(&mut s, promo_code);
            contact(&mut s, c);
        }
        Body::PaymentConfirmed { payment_id, account_id, package, list_price, paid_amount, promo_code, promotion } => {
            let _ = write!(
                s,
                "\u{1f}{payment_id}\u{1f}{account_id}\u{1f}{package}\u{1f}{}\u{1f}{}",
                list_price.tiyn(),
                paid_amount.tiyn()
            );
            opt(&mut s, promo_code);
            opt(&mut s, promotion);
        }
        Body::PaymentRefunded { payment_id, amount } => {
            let _ = write!(s, "\u{1f}{payment_id}\u{1f}{:?}", amount.map(|a| a.tiyn()));
        }
    }
    xxhash_rust::xxh3::xxh3_64(s.as_bytes()) as i64
}

/// Parses one NDJSON line.
pub fn parse_json_line(line: &str, bounds: &Bounds) -> Result<Event, LineError> {
    match serde_json::from_str::<Object>(line) {
        Ok(Object { twice: Some(name), .. }) => {
            // The name is the line's own text: shown escaped, and cut if long.
            let shown: String = name.chars().take(ID_MAX).collect();
            let cut = if shown.len() < name.len() { "…" } else { "" };
            Err(LineError::line(format!("the field {shown:?}{cut} is given twice")))
        }
        Ok(Object { map, .. }) => parse(&map, bounds),
        // Not an object: perhaps not JSON either (read whole to tell).
        Err(e) if e.is_data() => match serde_json::from_str::<serde_json::Value>(line) {
            Ok(_) => Err(LineError::line("not a JSON object")),
            Err(e) => Err(LineError::line(format!("not valid JSON ({e})"))),
        },
        Err(e) => Err(LineError::line(format!("not valid JSON ({e})"))),
    }
}

/// A line's JSON object, with the first field it gives twice. `{"amount":"1","amount":"1000"}`
/// means one amount to one reader and another to the next (serde_json keeps the last), so a
/// line that names a field twice is rejected, not read one way silently.
struct Object {
    map: serde_json::Map<String, serde_json::Value>,
    twice: Option<String>,
}

impl<'de> serde::Deserialize<'de> for Object {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Object, D::Error> {
        struct Keys;
        impl<'de> serde::de::Visitor<'de> for Keys {
            type Value = Object;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut a: A) -> Result<Object, A::Error> {
                let mut o = Object { map: serde_json::Map::new(), twice: None };
                while let Some(k) = a.next_key::<String>()? {
                    let v = a.next_value()?;
                    if o.map.contains_key(&k) {
                        o.twice.get_or_insert(k);
                    } else {
                        o.map.insert(k, v);
                    }
                }
                Ok(o)
            }
        }
        d.deserialize_map(Keys)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(line: &str) -> String {
        parse_json_line(line, &Bounds::DEFAULT).err().map(|e| e.to_string()).unwrap_or_default()
    }

    const PAY: &str = r#""type":"payment_confirmed","event_id":"e1","at":"2026-10-05T10:00:00+05:00","payment_id":"p1","account_id":"c1","package":"P100","list_price":"100000""#;

    #[test]
    fn reads_a_payment() {
        let e = parse_json_line(
            &format!("{{{PAY},\"paid_amount\":75000,\"promo_code\":\"asel25\",\"extra\":1}}"),
            &Bounds::DEFAULT,
        );
        let Ok(Event { body: Body::PaymentConfirmed { paid_amount, promo_code, .. }, .. }) = e else {
            panic!("not a payment: {e:?}");
        };
        assert_eq!(paid_amount, Money::kzt(75_000));
        assert_eq!(promo_code.as_deref(), Some("ASEL25"));
    }

    #[test]
    fn names_the_bad_field() {
        assert_eq!(err(&format!("{{{PAY},\"paid_amount\":1e5}}")), "paid_amount: a float is not money");
        assert_eq!(err(&format!("{{{PAY},\"paid_amount\":75000.5}}")), "paid_amount: a float is not money");
        assert_eq!(err(&format!("{{{PAY},\"paid_amount\":\"1.234\"}}")), "paid_amount: more than two decimals");
        assert_eq!(err(&format!("{{{PAY},\"paid_amount\":-1}}")), "paid_amount: money cannot be negative");
        assert_eq!(err(&format!("{{{PAY}}}")), "paid_amount: missing");
        assert_eq!(err(r#"{"type":"x","event_id":"e","at":"2026-10-05T10:00:00Z"}"#), "type: unknown event type \"x\"");
        assert_eq!(
            err(r#"{"type":"client_registered","event_id":"e","at":"2026-10-05 10:00","account_id":"a"}"#),
            "at: \"2026-10-05 10:00\" is not an RFC 3339 time with an offset"
        );
        assert!(err("{nope").starts_with("not valid JSON"));
    }

    #[test]
    fn bounded_values() {
        let client = |at: &str, id: &str| {
            err(&serde_json::json!({"type":"client_registered","event_id":id,"at":at,"account_id":"a"}).to_string())
        };
        assert_eq!(
            client("9999-01-01T00:00:00Z", "e"),
            "at: \"9999-01-01T00:00:00Z\" is outside the years an event may carry (2000-01-01 to 2100-01-01)"
        );
        assert!(client("0000-01-01T00:00:00Z", "e").starts_with("at: \"0000-01-01T00:00:00Z\" is outside"));
        assert_eq!(client("2000-01-01T00:00:00Z", "e"), "");
        assert!(client("2100-01-01T00:00:00Z", "e").contains("outside"));
        assert_eq!(
            client("2026-10-05T10:00:00Z", "n5\u{0}x"),
            "event_id: \"n5\\0x\" holds the control character U+0000"
        );
        assert_eq!(client("2026-10-05T10:00:00Z", &"e".repeat(101)), "event_id: longer than 100 characters");
        assert_eq!(client("2026-10-05T10:00:00Z", &"e".repeat(100)), "");
        assert_eq!(
            err(&format!("{{{PAY},\"paid_amount\":92233720368547758070000}}")),
            "paid_amount: the amount is too large"
        );
    }

    #[test]
    fn digest_ignores_spelling() {
        let a = parse_json_line(&format!("{{{PAY},\"paid_amount\":75000}}"), &Bounds::DEFAULT).map(|e| e.digest);
        let b = parse_json_line(&format!("{{\"paid_amount\":\"75000.00\",{PAY},\"note\":\"x\"}}"), &Bounds::DEFAULT)
            .map(|e| e.digest);
        let c = parse_json_line(&format!("{{{PAY},\"paid_amount\":75001}}"), &Bounds::DEFAULT).map(|e| e.digest);
        assert_eq!(a, b);
        assert_ne!(a, c);
    }
}
