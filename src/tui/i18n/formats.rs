//! Dates, months and compact figures, as each language writes them.
use super::catalog::pick;
use crate::domain::Lang;
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, TimeZone, Utc};

/// A calendar date: `25.11.2026` (ru) or `2026-11-25` (en).
pub fn date(lang: Lang, d: NaiveDate) -> String {
    d.format(pick(lang, ("%Y-%m-%d", "%d.%m.%Y"))).to_string()
}

fn local(tz: FixedOffset, ms: i64) -> DateTime<FixedOffset> {
    tz.from_utc_datetime(&Utc.timestamp_millis_opt(ms).single().unwrap_or_default().naive_utc())
}

/// The local date of an instant (unix millis).
pub fn date_ms(lang: Lang, tz: FixedOffset, ms: i64) -> String {
    date(lang, local(tz, ms).date_naive())
}

/// The local date and time of an instant (unix millis): `2026-11-25 10:00` / `25.11.2026 10:00`.
pub fn datetime_ms(lang: Lang, tz: FixedOffset, ms: i64) -> String {
    local(tz, ms).format(pick(lang, ("%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"))).to_string()
}

/// A rate as stored (`0.25`) in percent: `25%` / `25 %`; one that does not parse, as stored.
pub fn percent(lang: Lang, rate: &str) -> String {
    match rate.trim().parse::<rust_decimal::Decimal>() {
        Ok(r) => {
            let p = (r * rust_decimal::Decimal::ONE_HUNDRED).normalize().to_string();
            pick(lang, (format!("{p}%"), format!("{}\u{a0}%", p.replace('.', ","))))
        }
        Err(_) => rate.to_string(),
    }
}

/// The status line's clock: `2026-11-25 10:00`, in the program's time zone.
pub fn clock(tz: FixedOffset, now: DateTime<Utc>) -> String {
    now.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string()
}

/// Each month: (English, Russian, Russian short). English is shortened to its first three letters.
const MONTHS: [(&str, &str, &str); 12] = [
    ("January", "январь", "янв"),
    ("February", "февраль", "фев"),
    ("March", "март", "мар"),
    ("April", "апрель", "апр"),
    ("May", "май", "май"),
    ("June", "июнь", "июн"),
    ("July", "июль", "июл"),
    ("August", "август", "авг"),
    ("September", "сентябрь", "сен"),
    ("October", "октябрь", "окт"),
    ("November", "ноябрь", "ноя"),
    ("December", "декабрь", "дек"),
];

/// `Jun` / `июн`: the chart's labels.
pub fn month_short(lang: Lang, d: NaiveDate) -> String {
    let (en, _, ru_short) = MONTHS[d.month0() as usize];
    pick(lang, (en.chars().take(3).collect(), ru_short.to_string()))
}

/// `November 2026` / `ноябрь 2026`.
pub fn month_year(lang: Lang, d: NaiveDate) -> String {
    let (en, ru, _) = MONTHS[d.month0() as usize];
    format!("{} {}", pick(lang, (en, ru)), d.year())
}

/// A figure for the chart: `12.3` / `12,3` in the chart's unit.
pub fn compact(lang: Lang, tenge: u64, unit: u64) -> String {
    let tenths = (tenge * 10 + unit / 2) / unit;
    let (whole, frac) = (tenths / 10, tenths % 10);
    if whole >= 100 {
        return whole.to_string();
    }
    format!("{whole}{}{frac}", pick(lang, (".", ",")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_months_and_figures() {
        let d = NaiveDate::from_ymd_opt(2026, 6, 5).unwrap_or_default();
        assert_eq!(date(Lang::Ru, d), "05.06.2026");
        assert_eq!(date(Lang::En, d), "2026-06-05");
        assert_eq!(month_short(Lang::Ru, d), "июн");
        assert_eq!(month_short(Lang::En, d), "Jun");
        assert_eq!(compact(Lang::Ru, 12_345_678, 1_000_000), "12,3");
        assert_eq!(compact(Lang::En, 950, 1_000), "1.0");
    }
}
