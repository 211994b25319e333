//! A believable demonstration program, generated deterministically from a seed: partners and
//! clients with Kazakh and Russian names, payments, refunds, the odd rule-breaker and a handful
//! of each kind of abuse ([`super::abuse`]), as platform events (INTERFACE.md "Platform events"),
//! plus the contracts, code deactivations and abuse decisions the operators would have entered.
//! Pure: no database and no clock; `now` comes with the options.
//!
//! Events come out in time order without holding them all: partners and clients are planned up
//! front (sorted by registration time, [`super::plan`]), and what follows a registration (payments,
//! refunds, repeat purchases) waits in an agenda until the merge reaches its time
//! ([`super::events`]). Who each account is comes from [`super::people`].
use super::plan::Plan;
use crate::domain::Terms;
use crate::domain::fraud::{CaseKind, Decision};
use chrono::{DateTime, NaiveDate, Utc};
use rand::Rng;
use rand::rngs::SmallRng;
use std::io::{self, Write};

#[derive(Clone, Debug)]
pub struct DemoOptions {
    pub partners: usize,
    pub clients: usize,
    pub seed: u64,
    pub now: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoContract {
    /// the partner's promo code
    pub code: String,
    pub number: String,
    pub signed_on: NaiveDate,
    pub iban: String,
    pub iin_bin: String,
}

/// A partner planted to show one kind of abuse ([`super::abuse`]): the case it should open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Planted {
    pub code: String,
    pub kind: CaseKind,
}

/// An operator's decision on a planted partner's case of `kind`, taken `after_days` after the
/// case opened (or now, if that is sooner).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoDecision {
    pub code: String,
    pub kind: CaseKind,
    pub decision: Decision,
    pub reason: String,
    pub after_days: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DemoData {
    /// NDJSON lines of platform events in time order, exactly the INTERFACE.md format
    pub events: Vec<String>,
    /// contracts for most partners (about 85%)
    pub contracts: Vec<DemoContract>,
    /// codes an operator deactivated (a handful, ~1% of the partners'), with a reason
    pub deactivations: Vec<(String, String)>,
    /// the partners planted to show each kind of abuse (a handful of each)
    pub planted: Vec<Planted>,
    /// the operators' decisions on some of their cases
    pub decisions: Vec<DemoDecision>,
}

/// The events, contracts and deactivations of a demonstration program. Clients buy the terms'
/// packages (`[[packages]]`) and pay what the catalog says: the promo price with a partner's
/// code, the site discount price with the site's promotion, the list price otherwise.
pub fn generate(opts: &DemoOptions, terms: &Terms) -> DemoData {
    let plan = Plan::new(opts, terms);
    let mut events = Vec::new();
    // Pushing to a vector cannot fail, so the only error the emitter passes on never happens.
    let _ = plan.emit(&mut |line: &str| {
        events.push(line.to_string());
        Ok(())
    });
    DemoData {
        events,
        contracts: plan.contracts(),
        deactivations: plan.deactivations(),
        planted: plan.abuse.planted.clone(),
        decisions: plan.abuse.decisions.clone(),
    }
}

/// Writes the same events as `generate`, one newline-terminated NDJSON line each, without
/// keeping them in memory; returns how many were written.
pub fn generate_events_to(opts: &DemoOptions, terms: &Terms, out: &mut dyn Write) -> io::Result<usize> {
    let plan = Plan::new(opts, terms);
    let mut w = io::BufWriter::with_capacity(1 << 16, out);
    let n = plan.emit(&mut |line: &str| {
        w.write_all(line.as_bytes())?;
        w.write_all(b"\n")
    })?;
    w.flush()?;
    Ok(n)
}

/// SplitMix64's finaliser: a well-mixed seed for each of the generator's independent streams
/// (people, contracts, deactivations, events), so that one does not shift when another changes.
pub(super) fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// One of `items`, uniformly.
pub(super) fn pick<T: Copy>(rng: &mut SmallRng, items: &[T]) -> T {
    items[rng.random_range(0..items.len())]
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::demo::events::UNKNOWN_CODES;
    use crate::demo::format::{DAY, civil_from_days, push_time};
    use crate::demo::people::{BIRTH_DAYS, feminine};
    use crate::demo::plan::PROGRAM_DAYS;
    use crate::domain::Money;
    use crate::domain::event::{Body, Bounds, parse_json_line};
    use crate::domain::identity::{normalize_email, validate_iban_kz, validate_iin};
    use chrono::{Datelike, TimeDelta, TimeZone};
    use std::collections::{HashMap, HashSet};

    pub(crate) fn opts(partners: usize, clients: usize, seed: u64) -> DemoOptions {
        let now = Utc.with_ymd_and_hms(2026, 10, 20, 9, 30, 0).single().unwrap_or_default();
        DemoOptions { partners, clients, seed, now }
    }

    pub(crate) fn parsed(data: &DemoData) -> Vec<crate::domain::event::Event> {
        data.events
            .iter()
            .enumerate()
            .map(|(i, l)| match parse_json_line(l, &Bounds::DEFAULT) {
                Ok(e) => e,
                Err(err) => panic!("line {}: {err}: {l}", i + 1),
            })
            .collect()
    }

    #[test]
    fn deterministic_for_a_seed() {
        let a = generate(&opts(60, 400, 7), &Terms::defaults());
        let b = generate(&opts(60, 400, 7), &Terms::defaults());
        let c = generate(&opts(60, 400, 8), &Terms::defaults());
        assert_eq!(a, b);
        assert_ne!(a.events, c.events);
    }

    #[test]
    fn writer_gives_the_same_lines() {
        let o = opts(40, 300, 3);
        let data = generate(&o, &Terms::defaults());
        let mut out = Vec::new();
        let n = generate_events_to(&o, &Terms::defaults(), &mut out).unwrap_or_default();
        assert_eq!(n, data.events.len());
        let expected: String = data.events.iter().map(|l| format!("{l}\n")).collect();
        assert_eq!(String::from_utf8(out).unwrap_or_default(), expected);
    }

    #[test]
    fn every_line_parses_in_time_order_before_now() {
        let o = opts(200, 2000, 1);
        let data = generate(&o, &Terms::defaults());
        let events = parsed(&data);
        assert!(events.len() > 3000, "{} events", events.len());
        for (i, pair) in events.windows(2).enumerate() {
            assert!(pair[0].at <= pair[1].at, "line {} goes back in time", i + 2);
        }
        assert!(events.iter().all(|e| e.at < o.now));
        assert!(events.first().is_some_and(|e| e.at >= o.now - TimeDelta::days(PROGRAM_DAYS)));
        for (i, e) in events.iter().enumerate() {
            assert_eq!(e.event_id, format!("ev-{:07}", i + 1));
        }
        assert!(data.events.iter().all(|l| l.contains("+05:00\"")));
    }

    /// The codes planted to show `kind`.
    pub(crate) fn planted(data: &DemoData, kind: CaseKind) -> HashSet<String> {
        data.planted.iter().filter(|p| p.kind == kind).map(|p| p.code.clone()).collect()
    }

    #[test]
    fn partners_codes_and_identities_are_unique() {
        let data = generate(&opts(500, 3000, 11), &Terms::defaults());
        // But for the second accounts planted to share one ([`super::super::abuse`]).
        let shared = planted(&data, CaseKind::SharedIdentity);
        assert_eq!(shared.len(), 6, "{shared:?}");
        let mut codes = HashSet::new();
        let mut accounts = HashSet::new();
        let mut iins = HashSet::new();
        let mut phones = HashSet::new();
        let mut emails = HashSet::new();
        let mut partners = 0;
        for e in parsed(&data) {
            if let Body::PartnerRegistered { account_id, promo_code, contact, name } = e.body {
                partners += 1;
                assert!(name.contains(' '), "{name}");
                let code = promo_code.unwrap_or_default();
                assert!(code.len() >= 4 && code.ends_with(|c: char| c.is_ascii_digit()), "{code}");
                assert!(codes.insert(code.clone()));
                assert!(accounts.insert(account_id));
                let iin = contact.iin.unwrap_or_default();
                assert_eq!(validate_iin(&iin), Ok(iin.clone()));
                assert!(iins.insert(iin));
                let phone = phones.insert(contact.phone.unwrap_or_default());
                let email = emails.insert(contact.email.as_deref().and_then(normalize_email).unwrap_or_default());
                assert!((phone && email) || shared.contains(&code), "{code} shares an identity");
            }
        }
        assert_eq!(partners, 500);
    }

    #[test]
    fn contracts_and_deactivations() {
        let o = opts(300, 1000, 5);
        let data = generate(&o, &Terms::defaults());
        let regs: HashMap<String, NaiveDate> = parsed(&data)
            .into_iter()
            .filter_map(|e| match e.body {
                Body::PartnerRegistered { promo_code, .. } => {
                    Some((promo_code.unwrap_or_default(), (e.at + TimeDelta::hours(5)).date_naive()))
                }
                _ => None,
            })
            .collect();
        assert!((220..=290).contains(&data.contracts.len()), "{} contracts", data.contracts.len());
        let today = (o.now + TimeDelta::hours(5)).date_naive();
        let shared = planted(&data, CaseKind::SharedIdentity);
        let mut ibans = HashSet::new();
        for c in &data.contracts {
            assert_eq!(validate_iban_kz(&c.iban), Ok(c.iban.clone()));
            assert_eq!(validate_iin(&c.iin_bin), Ok(c.iin_bin.clone()));
            assert!(ibans.insert(c.iban.clone()) || shared.contains(&c.code), "{} shares a bank account", c.code);
            assert!(c.number.starts_with("AT-20"), "{}", c.number);
            let reg = regs.get(&c.code).copied().unwrap_or(NaiveDate::MAX);
            assert!(reg <= c.signed_on && c.signed_on <= today && c.signed_on <= reg + TimeDelta::days(10));
        }
        assert_eq!(data.deactivations.len(), 3);
        assert!(data.deactivations.iter().all(|(code, r)| regs.contains_key(code) && !r.is_empty()));
    }

    #[test]
    fn exercises_the_rules() {
        let data = generate(&opts(300, 3000, 2), &Terms::defaults());
        let events = parsed(&data);
        let mut partner_code = HashMap::new();
        let mut partner_phone = HashMap::new();
        let mut client_reg = HashMap::new();
        let mut paid = HashMap::new();
        let (mut not_combinable, mut unknown, mut full, mut partial, mut self_referrals, mut converted) =
            (0, 0, 0, 0, 0, 0);
        for e in &events {
            match &e.body {
                Body::PartnerRegistered { account_id, promo_code, contact, .. } => {
                    let code = promo_code.clone().unwrap_or_default();
                    partner_code.insert(account_id.clone(), code.clone());
                    partner_phone.insert(contact.phone.clone().unwrap_or_default(), code);
                    if client_reg.get(account_id).is_some_and(|&t| t < e.at) {
                        converted += 1;
                    }
                }
                Body::ClientRegistered { account_id, promo_code, contact } => {
                    client_reg.insert(account_id.clone(), e.at);
                    let phone = contact.phone.clone().unwrap_or_default();
                    if promo_code.is_some() && partner_phone.get(&phone) == promo_code.as_ref() {
                        self_referrals += 1;
                    }
                }
                Body::PaymentConfirmed { payment_id, account_id, promo_code, promotion, paid_amount, .. } => {
                    paid.insert(payment_id.clone(), *paid_amount);
                    if promotion.is_some() && promo_code.is_some() {
                        not_combinable += 1;
                    }
                    if promo_code.as_deref().is_some_and(|c| UNKNOWN_CODES.contains(&c)) {
                        unknown += 1;
                    }
                    if promo_code.is_some() && partner_code.get(account_id) == promo_code.as_ref() {
                        self_referrals += 1;
                    }
                    assert!(
                        client_reg.contains_key(account_id) || partner_code.contains_key(account_id),
                        "{account_id} pays before registering"
                    );
                }
                Body::PaymentRefunded { payment_id, amount } => {
                    let Some(&p) = paid.get(payment_id) else { panic!("refund of unknown {payment_id}") };
                    match amount {
                        Some(a) => {
                            assert!(*a < p && !a.is_zero());
                            partial += 1;
                        }
                        None => full += 1,
                    }
                }
            }
        }
        assert!(not_combinable > 0 && unknown > 0 && full > 0 && partial > 0);
        assert!(self_referrals > 0);
        assert!(converted > 0);
    }

    #[test]
    fn packages_and_prices_come_from_the_terms() {
        let mut terms = Terms::defaults();
        terms.packages[0].list_price = Money::kzt(110_000);
        terms.packages[0].promo_price = Money::from_tiyn(8_250_050);
        let mut p400 = terms.packages[2].clone();
        p400.code = "P400".into();
        p400.list_price = Money::kzt(400_000);
        p400.promo_price = Money::kzt(300_000);
        p400.site_discount_price = Money::kzt(360_000);
        terms.packages.push(p400);
        let data = generate(&opts(100, 3000, 3), &terms);
        let mispriced = planted(&data, CaseKind::PriceMismatch);
        let mut bought = HashSet::new();
        let mut off = Vec::new();
        for e in parsed(&data) {
            if let Body::PaymentConfirmed { package, list_price, paid_amount, promo_code, promotion, .. } = e.body {
                let Some(pkg) = terms.package(&package) else { panic!("{package} is not in the catalog") };
                assert_eq!(list_price, pkg.list_price, "{package}");
                let partner_code = promo_code.as_deref().is_some_and(|c| !UNKNOWN_CODES.contains(&c));
                let expected = match promotion {
                    Some(_) => pkg.site_discount_price,
                    None if partner_code => pkg.promo_price,
                    None => pkg.list_price,
                };
                if paid_amount != expected {
                    // Only the planted price mismatches: the list price, or 60% of it.
                    let code = promo_code.clone().unwrap_or_default();
                    assert!(mispriced.contains(&code), "{package} with {promo_code:?} paid {paid_amount:?}");
                    let side_deal = Money::kzt(pkg.list_price.tiyn() / 100 * 3 / 5);
                    assert!(paid_amount == pkg.list_price || paid_amount == side_deal, "{paid_amount:?}");
                    off.push(code);
                }
                bought.insert(package);
            }
        }
        assert_eq!(bought.len(), 4, "{bought:?}");
        assert_eq!(off.iter().collect::<HashSet<_>>().len(), off.len(), "one mispriced payment a partner: {off:?}");
        assert_eq!(off.len(), mispriced.len(), "{off:?}");

        let mut one = Terms::defaults();
        one.packages.truncate(1);
        let payments: Vec<String> = parsed(&generate(&opts(50, 500, 3), &one))
            .into_iter()
            .filter_map(|e| match e.body {
                Body::PaymentConfirmed { package, .. } => Some(package),
                _ => None,
            })
            .collect();
        assert!(!payments.is_empty() && payments.iter().all(|p| p == "P100"));

        let mut none = Terms::defaults();
        none.packages.clear();
        let events = parsed(&generate(&opts(50, 500, 3), &none));
        assert!(events.len() >= 550);
        assert!(events.iter().all(|e| !matches!(e.body, Body::PaymentConfirmed { .. } | Body::PaymentRefunded { .. })));
    }

    #[test]
    fn empty_sizes_work() {
        assert_eq!(generate(&opts(0, 0, 1), &Terms::defaults()), DemoData::default());
        let only_clients = generate(&opts(0, 50, 1), &Terms::defaults());
        assert!(parsed(&only_clients).iter().all(|e| match &e.body {
            Body::ClientRegistered { promo_code, .. } => promo_code.is_none(),
            Body::PaymentConfirmed { promo_code, .. } =>
                promo_code.as_deref().is_none_or(|c| UNKNOWN_CODES.contains(&c)),
            _ => true,
        }));
        let only_partners = generate(&opts(25, 0, 1), &Terms::defaults());
        assert!(parsed(&only_partners).len() >= 25);
        assert!(!only_partners.contracts.is_empty());
    }

    #[test]
    fn calendar_and_bijections() {
        for days in [-1826, -1, 0, 59, 365, 10_957, 20_000, 20_746] {
            let t = Utc.timestamp_opt(days * DAY, 0).single().unwrap_or_default().date_naive();
            assert_eq!(civil_from_days(days), (i64::from(t.year()), t.month(), t.day()), "{days}");
        }
        let mut buf = String::new();
        push_time(&mut buf, Utc.with_ymd_and_hms(2026, 10, 31, 20, 0, 0).single().unwrap_or_default().timestamp());
        assert_eq!(buf, "2026-11-01T01:00:00+05:00");
        let gcd = |mut a: u64, mut b: u64| {
            while b != 0 {
                (a, b) = (b, a % b);
            }
            a
        };
        assert_eq!(gcd(7_654_321, 10_000_000), 1);
        assert_eq!(gcd(7_777_777, 1000 * BIRTH_DAYS), 1);
        assert_eq!(gcd(7_777_777_777, 10_000_000_000), 1);
        assert_eq!(feminine("Нурланов"), "Нурланова");
        assert_eq!(feminine("Серікұлы"), "Серікқызы");
        assert_eq!(feminine("Сейткали"), "Сейткали");
    }
}
