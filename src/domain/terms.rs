//! The program's terms, read from `refdesk.toml`. The built-in defaults are the repository's
//! `config/refdesk.toml`, compiled in, so the binary runs without any file.
use super::event::Bounds;
use super::money::Money;
use chrono::{DateTime, Days, FixedOffset, NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::str::FromStr;

pub const DEFAULT_CONFIG: &str = include_str!("../../config/refdesk.toml");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BonusBase {
    ListPrice,
    PaidAmount,
}

impl BonusBase {
    pub fn as_str(self) -> &'static str {
        match self {
            BonusBase::ListPrice => "list_price",
            BonusBase::PaidAmount => "paid_amount",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Approval {
    Manual,
    Auto,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Package {
    pub code: String,
    pub list_price: Money,
    pub promo_price: Money,
    pub site_price: Money,
    pub site_discount_price: Money,
    pub atl: i64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Campaign {
    pub name: String,
    pub rate: Decimal,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Upper-case codes; empty means every partner.
    pub partners: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Payer {
    pub name: String,
    pub iban: String,
    pub bic: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AbuseTerms {
    pub burst_registrations: u32,
    pub burst_window_minutes: u32,
    pub refund_rate_threshold: Decimal,
    pub refund_rate_min_clients: u32,
}

/// Every term of RULES.md.
#[derive(Clone, Debug, PartialEq)]
pub struct Terms {
    pub currency: String,
    pub timezone: FixedOffset,
    pub partner_bonus_rate: Decimal,
    pub bonus_base: BonusBase,
    pub client_discount: Decimal,
    pub hold_days: u32,
    pub approval: Approval,
    pub payout_day: u32,
    pub min_payout: Money,
    pub new_client_window_days: u32,
    pub partner_trial_days: u32,
    pub package_access_months: u32,
    pub atl_price: Money,
    pub packages: Vec<Package>,
    pub campaigns: Vec<Campaign>,
    pub payer: Payer,
    pub abuse: AbuseTerms,
    /// The console reads the screen shown again after this many seconds without a key; 0: never.
    pub auto_refresh_seconds: u32,
    /// The instants an event may carry (`[events]`); `--now` too.
    pub events: Bounds,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    program: RawProgram,
    catalog: Option<RawCatalog>,
    #[serde(default)]
    packages: Vec<RawPackage>,
    #[serde(default)]
    campaigns: Vec<RawCampaign>,
    payer: RawPayer,
    abuse: RawAbuse,
    #[serde(default)]
    console: RawConsole,
    #[serde(default)]
    events: RawEvents,
    /// Where the data is: a setting of the installation, not a term of the program, so it is
    /// read by `app::config_db_url` (which refuses a typo in it) and only let through here.
    #[serde(default, rename = "database")]
    _database: Option<serde::de::IgnoredAny>,
}

/// Days (`YYYY-MM-DD`, UTC midnight): the first an event may carry, and the first it may not.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawEvents {
    earliest: Option<String>,
    latest: Option<String>,
}

impl RawEvents {
    fn bounds(&self) -> Result<Bounds, String> {
        let day = |name: &str, v: &Option<String>, default: DateTime<Utc>| -> Result<DateTime<Utc>, String> {
            let Some(v) = v else { return Ok(default) };
            let widest = Bounds::WIDEST;
            NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|d| d.and_utc())
                .filter(|d| widest.earliest <= *d && *d <= widest.latest)
                .ok_or_else(|| format!("events.{name}: {v:?} is not a day from {}", widest.span()))
        };
        let b = Bounds {
            earliest: day("earliest", &self.earliest, Bounds::DEFAULT.earliest)?,
            latest: day("latest", &self.latest, Bounds::DEFAULT.latest)?,
        };
        if b.earliest >= b.latest {
            return Err(format!(
                "events: earliest ({}) is not before latest ({})",
                b.earliest.date_naive(),
                b.latest.date_naive()
            ));
        }
        Ok(b)
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawConsole {
    #[serde(default)]
    auto_refresh_seconds: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProgram {
    currency: String,
    timezone: String,
    partner_bonus_rate: String,
    bonus_base: String,
    client_discount: String,
    hold_days: u32,
    approval: String,
    payout_day: u32,
    min_payout: String,
    new_client_window_days: u32,
    partner_trial_days: u32,
    package_access_months: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalog {
    atl_price: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPackage {
    code: String,
    list_price: String,
    promo_price: String,
    site_price: String,
    site_discount_price: String,
    atl: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCampaign {
    name: String,
    rate: String,
    from: String,
    to: String,
    #[serde(default)]
    partners: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPayer {
    name: String,
    iban: String,
    bic: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAbuse {
    burst_registrations: u32,
    burst_window_minutes: u32,
    refund_rate_threshold: String,
    refund_rate_min_clients: u32,
}

/// `"25%"` or `"0.25"` → 0.25.
pub fn parse_rate(s: &str) -> Result<Decimal, String> {
    let t = s.trim();
    let (num, pct) = match t.strip_suffix('%') {
        Some(n) => (n.trim(), true),
        None => (t, false),
    };
    let d = Decimal::from_str(num).map_err(|_| format!("{s:?} is not a rate (write \"25%\" or \"0.25\")"))?;
    let d = if pct { d / Decimal::from(100) } else { d };
    if d.is_sign_negative() || d > Decimal::ONE {
        return Err(format!("{s:?} is not a rate between 0% and 100%"));
    }
    Ok(d)
}

/// `"+05:00"` → the fixed offset.
pub fn parse_offset(s: &str) -> Result<FixedOffset, String> {
    let t = s.trim();
    let bad = || format!("timezone {s:?} is not a UTC offset such as \"+05:00\"");
    if t == "Z" || t.eq_ignore_ascii_case("utc") {
        return FixedOffset::east_opt(0).ok_or_else(bad);
    }
    let sign = match t.chars().next() {
        Some('+') => 1,
        Some('-') => -1,
        _ => return Err(bad()),
    };
    let (h, m) = t[1..].split_once(':').unwrap_or((&t[1..], "0"));
    let h: i32 = h.parse().map_err(|_| bad())?;
    let m: i32 = m.parse().map_err(|_| bad())?;
    if h > 14 || m > 59 {
        return Err(bad());
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60)).ok_or_else(bad)
}

fn money(field: &str, s: &str) -> Result<Money, String> {
    Money::parse_kzt(s).map_err(|e| format!("{field}: {s:?}: {e}"))
}

impl Terms {
    pub fn defaults() -> Terms {
        match Terms::from_toml(DEFAULT_CONFIG) {
            Ok(t) => t,
            // The built-in file is checked by a unit test; reaching this is a build defect.
            Err(e) => panic!("built-in config/refdesk.toml is invalid: {e}"),
        }
    }

    pub fn from_toml(text: &str) -> Result<Terms, String> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| e.to_string())?;
        let p = raw.program;
        let bonus_base = match p.bonus_base.as_str() {
            "list_price" => BonusBase::ListPrice,
            "paid_amount" => BonusBase::PaidAmount,
            other => return Err(format!("program.bonus_base: {other:?} is not \"list_price\" or \"paid_amount\"")),
        };
        let approval = match p.approval.as_str() {
            "manual" => Approval::Manual,
            "auto" => Approval::Auto,
            other => return Err(format!("program.approval: {other:?} is not \"manual\" or \"auto\"")),
        };
        if !(1..=28).contains(&p.payout_day) {
            return Err(format!("program.payout_day: {} is not a day from 1 to 28", p.payout_day));
        }
        // A window of no time holds no burst, and the signal divides by it.
        if raw.abuse.burst_window_minutes == 0 {
            return Err("abuse.burst_window_minutes: 0 is not a window; give minutes from 1".to_string());
        }
        let mut packages = Vec::new();
        for rp in raw.packages {
            let code = rp.code.trim().to_uppercase();
            if packages.iter().any(|x: &Package| x.code == code) {
                return Err(format!("packages: {code} is listed twice"));
            }
            packages.push(Package {
                list_price: money(&format!("packages.{code}.list_price"), &rp.list_price)?,
                promo_price: money(&format!("packages.{code}.promo_price"), &rp.promo_price)?,
                site_price: money(&format!("packages.{code}.site_price"), &rp.site_price)?,
                site_discount_price: money(&format!("packages.{code}.site_discount_price"), &rp.site_discount_price)?,
                atl: rp.atl,
                code,
            });
        }
        if packages.is_empty() {
            return Err("packages: the catalog is empty".into());
        }
        let mut campaigns = Vec::new();
        for c in raw.campaigns {
            let date = |f: &str, s: &str| {
                NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .map_err(|_| format!("campaigns.{}.{f}: {s:?} is not a date YYYY-MM-DD", c.name))
            };
            let (from, to) = (date("from", &c.from)?, date("to", &c.to)?);
            if to < from {
                return Err(format!("campaigns.{}: ends before it starts", c.name));
            }
            campaigns.push(Campaign {
                rate: parse_rate(&c.rate).map_err(|e| format!("campaigns.{}.rate: {e}", c.name))?,
                from,
                to,
                partners: c.partners.iter().map(|p| p.trim().to_uppercase()).collect(),
                name: c.name,
            });
        }
        Ok(Terms {
            currency: p.currency,
            timezone: parse_offset(&p.timezone).map_err(|e| format!("program.{e}"))?,
            partner_bonus_rate: parse_rate(&p.partner_bonus_rate)
                .map_err(|e| format!("program.partner_bonus_rate: {e}"))?,
            bonus_base,
            client_discount: parse_rate(&p.client_discount).map_err(|e| format!("program.client_discount: {e}"))?,
            hold_days: p.hold_days,
            approval,
            payout_day: p.payout_day,
            min_payout: money("program.min_payout", &p.min_payout)?,
            new_client_window_days: p.new_client_window_days,
            partner_trial_days: p.partner_trial_days,
            package_access_months: p.package_access_months,
            atl_price: match raw.catalog {
                Some(c) => money("catalog.atl_price", &c.atl_price)?,
                None => Money::ZERO,
            },
            packages,
            campaigns,
            payer: Payer { name: raw.payer.name, iban: raw.payer.iban, bic: raw.payer.bic },
            abuse: AbuseTerms {
                burst_registrations: raw.abuse.burst_registrations,
                burst_window_minutes: raw.abuse.burst_window_minutes,
                refund_rate_threshold: parse_rate(&raw.abuse.refund_rate_threshold)
                    .map_err(|e| format!("abuse.refund_rate_threshold: {e}"))?,
                refund_rate_min_clients: raw.abuse.refund_rate_min_clients,
            },
            auto_refresh_seconds: raw.console.auto_refresh_seconds,
            events: raw.events.bounds()?,
        })
    }

    pub fn package(&self, code: &str) -> Option<&Package> {
        self.packages.iter().find(|p| p.code.eq_ignore_ascii_case(code))
    }

    /// Where the catalog disagrees with itself: site price against ATL × the ATL price.
    pub fn catalog_mismatches(&self) -> Vec<String> {
        if self.atl_price.is_zero() {
            return Vec::new();
        }
        self.packages
            .iter()
            .filter_map(|p| {
                let expected = Money::from_tiyn(self.atl_price.tiyn() * p.atl);
                (expected != p.site_price).then(|| {
                    format!(
                        "{}: site price {} differs from {} ATL × {} = {}",
                        p.code,
                        p.site_price.plain(),
                        p.atl,
                        self.atl_price.plain(),
                        expected.plain()
                    )
                })
            })
            .collect()
    }

    /// The instant in the program's time zone.
    pub fn local(&self, at: DateTime<Utc>) -> DateTime<FixedOffset> {
        at.with_timezone(&self.timezone)
    }

    /// `at` plus whole local calendar days.
    pub fn add_days(&self, at: DateTime<Utc>, days: u32) -> DateTime<Utc> {
        let local = self.local(at);
        local.checked_add_days(Days::new(u64::from(days))).unwrap_or(local).with_timezone(&Utc)
    }

    /// The first instant of a local date.
    pub fn start_of_day(&self, d: NaiveDate) -> DateTime<Utc> {
        let naive = d.and_hms_opt(0, 0, 0).unwrap_or_default();
        self.timezone
            .from_local_datetime(&naive)
            .single()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|| Utc.from_utc_datetime(&naive))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn built_in_config_is_the_program() {
        let t = Terms::defaults();
        assert_eq!(t.partner_bonus_rate, dec!(0.25));
        assert_eq!(t.hold_days, 14);
        assert_eq!(t.timezone.local_minus_utc(), 5 * 3600);
        assert_eq!(t.package("p100").map(|p| p.list_price), Some(Money::kzt(100_000)));
        assert_eq!(
            t.catalog_mismatches(),
            vec!["P300: site price 300000.00 differs from 1305 ATL × 230.00 = 300150.00".to_string()]
        );
    }

    #[test]
    fn rejects_bad_terms() {
        let bad = DEFAULT_CONFIG.replace("bonus_base = \"list_price\"", "bonus_base = \"paid\"");
        assert!(Terms::from_toml(&bad).unwrap_err().contains("bonus_base"));
        let bad = DEFAULT_CONFIG.replace("partner_bonus_rate = \"25%\"", "partner_bonus_rate = \"250%\"");
        assert!(Terms::from_toml(&bad).unwrap_err().contains("partner_bonus_rate"));
        let bad = DEFAULT_CONFIG.replace("burst_window_minutes = 60", "burst_window_minutes = 0");
        assert_eq!(
            Terms::from_toml(&bad).unwrap_err(),
            "abuse.burst_window_minutes: 0 is not a window; give minutes from 1"
        );
    }

    #[test]
    fn a_database_section_is_no_term_and_a_misspelt_section_is_still_refused() {
        let with_db = format!("{DEFAULT_CONFIG}\n[database]\nurl = \"postgres://refdesk:secret@db/refdesk\"\n");
        assert_eq!(Terms::from_toml(&with_db), Ok(Terms::defaults()));
        let typo = format!("{DEFAULT_CONFIG}\n[databse]\nurl = \"postgres://db/refdesk\"\n");
        assert!(Terms::from_toml(&typo).unwrap_err().contains("unknown field `databse`"), "{typo}");
    }

    #[test]
    fn the_years_of_events_are_set_and_checked() {
        assert_eq!(Terms::defaults().events, Bounds::DEFAULT);
        let set = |e: &str, l: &str| {
            let t = DEFAULT_CONFIG.replace("earliest = \"2000-01-01\"", e).replace("latest = \"2100-01-01\"", l);
            Terms::from_toml(&t).map(|t| t.events.span())
        };
        assert_eq!(set("earliest = \"2020-01-01\"", "latest = \"2030-06-01\""), Ok("2020-01-01 to 2030-06-01".into()));
        assert_eq!(set("", ""), Ok("2000-01-01 to 2100-01-01".into()));
        assert_eq!(
            set("earliest = \"1969-12-31\"", ""),
            Err("events.earliest: \"1969-12-31\" is not a day from 1970-01-01 to 2200-01-01".into())
        );
        assert_eq!(
            set("", "latest = \"2026-13-01\""),
            Err("events.latest: \"2026-13-01\" is not a day from 1970-01-01 to 2200-01-01".into())
        );
        assert_eq!(
            set("earliest = \"2100-01-01\"", ""),
            Err("events: earliest (2100-01-01) is not before latest (2100-01-01)".into())
        );
    }

    #[test]
    fn local_days() {
        let t = Terms::defaults();
        let at = "2026-10-31T20:00:00Z".parse::<DateTime<Utc>>().unwrap_or_default();
        assert_eq!(t.local(at).date_naive().to_string(), "2026-11-01");
    }
}
