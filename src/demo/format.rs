//! The events' text, made by hand: decimal numbers, instants in the program's offset, JSON
//! strings. `write!` and chrono's formatting would cost more than the rest of the generator.
use crate::domain::Money;

pub(super) const MINUTE: i64 = 60;
pub(super) const HOUR: i64 = 60 * MINUTE;
pub(super) const DAY: i64 = 24 * HOUR;
/// The program's time zone, +05:00: events carry it, and "daytime" is judged in it.
pub(super) const OFFSET: i64 = 5 * HOUR;

/// (year, month, day) of a day counted from 1970-01-01 (H. Hinnant's algorithm): formatting
/// two million instants through chrono would take most of the time budget.
pub(super) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = (if mp < 10 { mp + 3 } else { mp - 9 }) as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Appends an instant (seconds since the epoch) as RFC 3339 in the program's offset.
pub(super) fn push_time(buf: &mut String, t: i64) {
    let local = t + OFFSET;
    let (y, m, d) = civil_from_days(local.div_euclid(DAY));
    let s = local.rem_euclid(DAY) as u64;
    push_num(buf, y.max(0) as u64, 4);
    buf.push('-');
    push_num(buf, u64::from(m), 2);
    buf.push('-');
    push_num(buf, u64::from(d), 2);
    buf.push('T');
    push_num(buf, s / 3600, 2);
    buf.push(':');
    push_num(buf, s / 60 % 60, 2);
    buf.push(':');
    push_num(buf, s % 60, 2);
    buf.push_str("+05:00");
}

/// Appends `n` in decimal, zero-padded to `width`: `write!` costs more than the rest of an
/// event's line together.
pub(super) fn push_num(buf: &mut String, mut n: u64, width: usize) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for _ in digits.len() - i..width {
        buf.push('0');
    }
    buf.extend(digits[i..].iter().map(|&b| char::from(b)));
}

/// Appends an amount as the platform writes it: whole tenge as an integer ("75000"), otherwise
/// with two decimals ("75000.50").
pub(super) fn push_money(buf: &mut String, amount: Money) {
    match u64::try_from(amount.tiyn()) {
        Ok(tiyn) if tiyn.is_multiple_of(100) => push_num(buf, tiyn / 100, 0),
        _ => buf.push_str(&amount.plain()),
    }
}

/// Appends a JSON string. Every value is made here from the fixed lists above, digits and
/// Latin letters, none of which needs escaping; scanning two million lines for quotes would cost
/// a good part of the time budget, so only debug builds check.
pub(super) fn push_json_str(buf: &mut String, s: &str) {
    debug_assert!(!s.bytes().any(|b| b == b'"' || b == b'\\' || b < b' '), "{s:?} needs escaping");
    buf.push('"');
    buf.push_str(s);
    buf.push('"');
}
