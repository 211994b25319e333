//! The abuse the demonstration plants, so that a newcomer's review queue is alive: a handful of
//! each signal of RULES.md "Abuse", made of platform events like everything else (the import and
//! the scan find them; nothing is written to a case by hand). Chosen with a random stream of its
//! own, so that the program's partners and clients stay who they are (names, identities, times);
//! what they buy shifts, as the planted events take their turns among theirs.
//!
//! - a ring: partners who registered within days of each other and then each bought a package
//!   with the next one's code (the first payment's code makes an account's parent, so their
//!   parents go round in a circle);
//! - a shared identity: a second partner account of the same person, registered later from the
//!   same phone and device, or paid to the same bank account under an alias of the same mailbox;
//!   and a family registered from one tablet, which the operators have dismissed;
//! - a self-referral: the partner's own account, or a second account with the partner's phone,
//!   paying with the partner's code;
//! - a registration burst: a code posted somewhere and hammered by more than
//!   `burst_registrations` sign-ups within `burst_window_minutes` one evening;
//! - a refund rate: a partner whose clients mostly ask for their money back;
//! - a price mismatch: a payment with a partner's code at a price the program does not offer
//!   (a side deal, or the discount not applied); the operators voided the first one's bonus.
use super::data::{DemoDecision, Planted, splitmix};
use super::events::{CLIENT_PAYS, CLIENT_WITH_CODE};
use super::format::{DAY, HOUR, MINUTE, OFFSET};
use super::plan::{Plan, choose_k, daytime};
use crate::domain::Terms;
use crate::domain::fraud::{CaseKind, Decision};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use rust_decimal::prelude::ToPrimitive;
use std::collections::HashMap;

/// How a planted payment's price differs from the catalog's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Mispriced {
    /// 60% of the list price: a discount the partner arranged on the side.
    SideDeal,
    /// The whole list price: the checkout took the code but not its discount.
    NoDiscount,
}

/// What the plan decided about abuse; the emitter and the contracts read it.
#[derive(Default)]
pub(super) struct Abuse {
    /// Client → the partner whose code it registered with: a self-referral by a second account
    /// with the partner's phone.
    pub(super) twins: HashMap<usize, usize>,
    /// Client → (the partner whose code it registered with, when): a registration burst.
    pub(super) burst: HashMap<usize, (usize, i64)>,
    /// Partner → the chance that a payment with its code is refunded.
    pub(super) refund_rate: HashMap<usize, f64>,
    /// Partner → how the first qualifying payment with its code is mispriced.
    pub(super) mispriced: HashMap<usize, Mispriced>,
    /// Partner → the partner whose bank account its contract names (both have a contract).
    pub(super) same_bank_account: HashMap<usize, usize>,
    /// What was planted, by partner code and the case kind it should open.
    pub(super) planted: Vec<Planted>,
    /// The operators' decisions on planted cases.
    pub(super) decisions: Vec<DemoDecision>,
}

/// How many of each kind: the square root of the program's size, so that abuse stays a handful
/// at the default sizes (2 at 200 partners, 3 at 300) and about 50 at 100 000 partners; none
/// below 20 partners, where the roles would take most of the program.
pub(super) fn handful(partners: usize) -> usize {
    if partners < 20 { 0 } else { ((partners as f64).sqrt() / 6.0).round().max(1.0) as usize }
}

/// An identity that a partner's second account shares with the first.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shared {
    /// The same person on the same phone: phone and device.
    PhoneAndDevice,
    /// Payouts to the same bank account, registered with an alias of the same mailbox.
    BankAccountAndEmail,
    /// A family on one tablet: a device only (dismissed by the operators).
    Device,
}

impl Plan {
    pub(super) fn plant_abuse(&mut self, clients: usize, terms: &Terms) {
        let k = handful(self.partners.len());
        if k == 0 {
            return;
        }
        let mut rng = SmallRng::seed_from_u64(splitmix(self.seed ^ 0x0061_6275_7365));
        self.plant_rings(&mut rng, k.div_ceil(2));
        self.plant_shared(&mut rng, k.div_ceil(2));
        self.plant_self_referrals(&mut rng, k);
        let expected = self.expected_paying_clients();
        self.plant_bursts(&mut rng, k, clients, terms);
        self.plant_refunds(&mut rng, k, &expected, terms);
        self.plant_mispriced(&mut rng, k + 1, &expected);
    }

    fn mark(&mut self, p: usize, kind: CaseKind) {
        self.partners[p].planted = true;
        self.abuse.planted.push(Planted { code: self.partners[p].code.clone(), kind });
    }

    /// Partners with no part in the abuse yet, registered before `before`; with `originals`,
    /// only those who registered as partners (no parent, no payment of their own).
    fn free(&self, before: i64, originals: bool) -> Vec<usize> {
        (0..self.partners.len())
            .filter(|&p| {
                let x = &self.partners[p];
                !x.planted && x.at < before && (!originals || x.account.starts_with('A'))
            })
            .collect()
    }

    /// `n` rings of two or three partners registered within two weeks of each other, each paying
    /// for a package with the next one's code while still a new client.
    fn plant_rings(&mut self, rng: &mut SmallRng, n: usize) {
        let window = self.new_client_window;
        for r in 0..n {
            let size = 2 + r % 2;
            let free = self.free(self.end - 8 * DAY, true);
            for _ in 0..20 {
                let Some(&first) = free.get(rng.random_range(0..free.len().max(1))) else { break };
                let from = self.partners[first].at;
                let members: Vec<usize> = free
                    .iter()
                    .copied()
                    .filter(|&p| p >= first && self.partners[p].at < from + 14 * DAY)
                    .take(size)
                    .collect();
                if members.len() < size {
                    continue;
                }
                let last = members.iter().map(|&p| self.partners[p].at).max().unwrap_or(from);
                for (i, &p) in members.iter().enumerate() {
                    let after = rng.random_range(HOUR..4 * DAY);
                    let at = daytime(rng, last + after);
                    // Within the new-client window (a bonus for the other) and before `now`.
                    let at = at.min(self.partners[p].at + window - DAY).min(self.end - HOUR);
                    self.partners[p].buys = Some((at, members[(i + 1) % size]));
                    self.mark(p, CaseKind::ReferralRing);
                }
                break;
            }
        }
    }

    /// `n` people with a second partner account registered at least a week after the first,
    /// and one family sharing a tablet.
    fn plant_shared(&mut self, rng: &mut SmallRng, n: usize) {
        let ways = (0..n).map(|i| if i % 2 == 0 { Shared::PhoneAndDevice } else { Shared::BankAccountAndEmail });
        for how in ways.chain([Shared::Device]) {
            let free = self.free(self.end - 3 * DAY, true);
            for _ in 0..20 {
                let Some(&second) = free.get(rng.random_range(0..free.len().max(1))) else { break };
                let earlier: Vec<usize> = free
                    .iter()
                    .copied()
                    .filter(|&p| self.partners[p].at < self.partners[second].at - 7 * DAY)
                    .collect();
                let Some(&first) = earlier.get(rng.random_range(0..earlier.len().max(1))) else { continue };
                let one = self.partners[first].person.clone();
                let two = &mut self.partners[second].person;
                match how {
                    Shared::PhoneAndDevice => {
                        two.phone = one.phone;
                        two.device_id = one.device_id;
                    }
                    Shared::BankAccountAndEmail => {
                        // A `+tag` alias: another address to the platform, the same mailbox.
                        two.email = one.email.replacen('@', "+atl@", 1);
                        self.abuse.same_bank_account.insert(second, first);
                    }
                    Shared::Device => two.device_id = one.device_id,
                }
                self.mark(first, CaseKind::SharedIdentity);
                self.mark(second, CaseKind::SharedIdentity);
                if how == Shared::Device {
                    for p in [first, second] {
                        self.abuse.decisions.push(DemoDecision {
                            code: self.partners[p].code.clone(),
                            kind: CaseKind::SharedIdentity,
                            decision: Decision::Dismiss,
                            reason:
                                "one family on a shared household tablet; their IINs, phones and bank accounts differ"
                                    .into(),
                            after_days: 0,
                        });
                    }
                }
                break;
            }
        }
    }

    /// `n` self-referrals, alternately the partner's own account paying with its code and a
    /// second account with the partner's phone registering and paying with it.
    fn plant_self_referrals(&mut self, rng: &mut SmallRng, n: usize) {
        let candidates = self.free(self.end - 12 * DAY, true);
        for (k, c) in choose_k(rng, candidates.len(), n).into_iter().enumerate() {
            let p = candidates[c];
            let twin = if k % 2 == 1 {
                let from = self.client_at.partition_point(|&t| t < self.partners[p].at + DAY);
                (from..self.client_at.len().min(from + 200))
                    .take_while(|&j| self.client_at[j] < self.end - 4 * DAY)
                    .find(|&j| !self.converted[j] && !self.abuse.twins.contains_key(&j))
            } else {
                None
            };
            match twin {
                Some(j) => {
                    self.abuse.twins.insert(j, p);
                }
                None => {
                    let after = rng.random_range(DAY..10 * DAY);
                    let at = daytime(rng, self.partners[p].at + after);
                    self.partners[p].buys = Some((at.min(self.end - HOUR), p));
                }
            }
            self.mark(p, CaseKind::SelfReferral);
        }
    }

    /// About how many paying clients each partner's code will bring: a client with a code picks
    /// among the partners registered before it by popularity (`sample_partner`), so partner p's
    /// share of each later client is its weight over the total then.
    fn expected_paying_clients(&self) -> Vec<f64> {
        let n = self.partners.len();
        // by_known[k]: the share each unit of weight gets of the clients who saw k partners.
        let mut by_known = vec![0.0; n + 1];
        let mut k = 0;
        for &t in &self.client_at {
            while k < n && self.partner_at[k] < t {
                k += 1;
            }
            if self.cum_weight[k] > 0 {
                by_known[k] += 1.0 / self.cum_weight[k] as f64;
            }
        }
        let mut out = vec![0.0; n];
        let mut later = 0.0;
        for k in (1..=n).rev() {
            later += by_known[k];
            let weight = (self.cum_weight[k] - self.cum_weight[k - 1]) as f64;
            out[k - 1] = later * weight * CLIENT_WITH_CODE * CLIENT_PAYS;
        }
        out
    }

    /// Bursts of `burst_registrations + 5` to twice that many sign-ups through one code within
    /// less than `burst_window_minutes`, one evening: the code posted where it should not be.
    /// The clients are taken from those who would have registered in the days around it, so the
    /// program keeps its number of clients: no more than about 3% of them, but for the one burst
    /// a small program gets (from ten bursts' worth of clients on).
    fn plant_bursts(&mut self, rng: &mut SmallRng, n: usize, clients: usize, terms: &Terms) {
        let limit = terms.abuse.burst_registrations as usize;
        let window = i64::from(terms.abuse.burst_window_minutes) * MINUTE;
        let typical = (limit * 3 / 2 + 5).max(1);
        let n = n.min(clients * 3 / 100 / typical).max(usize::from(clients >= 10 * typical));
        for _ in 0..n {
            let free = self.free(self.end - 5 * DAY, false);
            let Some(&p) = free.get(rng.random_range(0..free.len().max(1))) else { break };
            let first_day = (self.partners[p].at + OFFSET).div_euclid(DAY) + 2;
            let last_day = (self.end + OFFSET).div_euclid(DAY) - 2;
            if first_day > last_day {
                continue;
            }
            let day = rng.random_range(first_day..=last_day);
            let start = day * DAY - OFFSET + 19 * HOUR + rng.random_range(0..3 * HOUR);
            let size = rng.random_range(limit + 5..=(2 * limit).max(limit + 5));
            let span = rng.random_range(window / 3..(window - 5 * MINUTE).max(window / 3 + 1));
            let usable = |j: &usize| {
                !self.converted[*j] && !self.abuse.twins.contains_key(j) && !self.abuse.burst.contains_key(j)
            };
            let from = self.client_at.partition_point(|&t| t < start - 2 * DAY);
            let mut who: Vec<usize> = (from..self.client_at.len()).filter(usable).take(size).collect();
            who.extend((0..from).rev().filter(usable).take(size - who.len()));
            if who.len() < size {
                break;
            }
            let mut offsets: Vec<i64> = (0..size).map(|i| if i == 0 { 0 } else { rng.random_range(0..span) }).collect();
            offsets.sort_unstable();
            who.sort_unstable();
            for (j, off) in who.into_iter().zip(offsets) {
                self.abuse.burst.insert(j, (p, start + off));
            }
            self.mark(p, CaseKind::RegistrationBurst);
        }
    }

    /// Partners whose clients mostly ask for their money back: among those expected to bring
    /// enough paying clients for the signal to judge, but not the program's biggest.
    fn plant_refunds(&mut self, rng: &mut SmallRng, n: usize, expected: &[f64], terms: &Terms) {
        let min = f64::from(terms.abuse.refund_rate_min_clients).max(1.0);
        let threshold = terms.abuse.refund_rate_threshold.to_f64().unwrap_or(0.3);
        let free = self.free(self.end - 30 * DAY, false);
        let mut fit: Vec<usize> =
            free.iter().copied().filter(|&p| (1.6 * min..8.0 * min).contains(&expected[p])).collect();
        if fit.is_empty() {
            // A small program: its busiest free partner, if it can reach the signal at all.
            fit.extend(
                free.iter()
                    .copied()
                    .filter(|&p| expected[p] >= min)
                    .max_by(|a, b| expected[*a].total_cmp(&expected[*b])),
            );
        }
        for c in choose_k(rng, fit.len(), n) {
            let p = fit[c];
            let rate = (threshold + rng.random_range(0.25..0.45)).min(0.9);
            self.abuse.refund_rate.insert(p, rate);
            self.mark(p, CaseKind::RefundRate);
        }
    }

    /// `n` partners with one payment at a price the program does not offer; the operators voided
    /// the first one's bonus two days after its case opened.
    fn plant_mispriced(&mut self, rng: &mut SmallRng, n: usize, expected: &[f64]) {
        let free = self.free(self.end - 20 * DAY, false);
        let mut fit: Vec<usize> = free.iter().copied().filter(|&p| expected[p] >= 5.0).collect();
        if fit.len() < n {
            // A small program: its busiest free partners, if clients come to them at all.
            fit = free.into_iter().filter(|&p| expected[p] >= 1.0).collect();
            fit.sort_by(|a, b| expected[*b].total_cmp(&expected[*a]));
            fit.truncate(n);
            fit.sort_unstable();
        }
        for (i, c) in choose_k(rng, fit.len(), n).into_iter().enumerate() {
            let p = fit[c];
            let how = if i % 2 == 0 { Mispriced::SideDeal } else { Mispriced::NoDiscount };
            self.abuse.mispriced.insert(p, how);
            self.mark(p, CaseKind::PriceMismatch);
            if i == 0 {
                self.abuse.decisions.push(DemoDecision {
                    code: self.partners[p].code.clone(),
                    kind: CaseKind::PriceMismatch,
                    decision: Decision::Void,
                    reason: "a side deal at 60% of the list price; the program pays no bonus on it".into(),
                    after_days: 2,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::data::tests::{opts, parsed, planted};
    use crate::demo::data::{DemoData, generate};
    use crate::domain::Money;
    use crate::domain::event::Body;
    use crate::domain::identity::{normalize_email, normalize_phone};
    use std::collections::{BTreeMap, HashSet};

    #[test]
    fn a_handful_growing_with_the_square_root() {
        let sizes = [19, 20, 40, 200, 300, 20_000, 100_000];
        assert_eq!(sizes.map(handful), [0, 1, 1, 2, 3, 24, 53]);
    }

    /// What the events show of each planted pattern, judged from the events alone (the scenario
    /// `the_demo_has_a_living_abuse_queue` runs the real import and scan over them).
    struct Seen {
        bursts: HashSet<String>,
        refunds: HashSet<String>,
        mispriced: Vec<String>,
        rings: usize,
        shared: HashSet<String>,
    }

    fn seen(data: &DemoData) -> Seen {
        let terms = Terms::defaults();
        let mut partner_of: HashMap<String, String> = HashMap::new(); // code → account
        let mut code_of: HashMap<String, String> = HashMap::new(); // account → code
        let mut registrations: HashMap<String, Vec<i64>> = HashMap::new();
        let mut payments: HashMap<String, (String, String)> = HashMap::new(); // payment → (code, account)
        let mut paying: HashMap<String, HashSet<String>> = HashMap::new();
        let mut refunded: HashMap<String, HashSet<String>> = HashMap::new();
        let mut brought: BTreeMap<String, String> = BTreeMap::new(); // partner account → partner account
        let mut identities: HashMap<String, Vec<String>> = HashMap::new(); // identity → codes
        let mut mispriced = Vec::new();
        for e in parsed(data) {
            match e.body {
                Body::PartnerRegistered { account_id, promo_code, contact, .. } => {
                    let code = promo_code.unwrap_or_default();
                    let phone = contact.phone.as_deref().and_then(normalize_phone);
                    let email = contact.email.as_deref().and_then(normalize_email);
                    for id in [phone, email, contact.device_id].into_iter().flatten() {
                        identities.entry(id).or_default().push(code.clone());
                    }
                    partner_of.insert(code.clone(), account_id.clone());
                    code_of.insert(account_id, code);
                }
                Body::ClientRegistered { promo_code: Some(code), .. } => {
                    registrations.entry(code).or_default().push(e.at.timestamp());
                }
                Body::ClientRegistered { .. } => {}
                Body::PaymentConfirmed {
                    payment_id,
                    account_id,
                    list_price,
                    paid_amount,
                    promo_code,
                    promotion,
                    ..
                } => {
                    let Some(code) = promo_code.filter(|c| partner_of.contains_key(c)) else { continue };
                    if promotion.is_none() && Some(paid_amount) != promo_price(list_price, &terms) {
                        mispriced.push(code.clone());
                    }
                    if code_of.contains_key(&account_id) && code_of.get(&account_id) != Some(&code) {
                        brought.entry(account_id.clone()).or_insert(partner_of[&code].clone());
                    }
                    paying.entry(code.clone()).or_default().insert(account_id.clone());
                    payments.insert(payment_id, (code, account_id));
                }
                Body::PaymentRefunded { payment_id, .. } => {
                    if let Some((code, account)) = payments.get(&payment_id) {
                        refunded.entry(code.clone()).or_default().insert(account.clone());
                    }
                }
            }
        }
        let limit = terms.abuse.burst_registrations as usize;
        let window = i64::from(terms.abuse.burst_window_minutes) * MINUTE;
        let bursts = registrations
            .into_iter()
            .filter(|(_, at)| at.iter().any(|t| at.iter().filter(|u| (*t..*t + window).contains(u)).count() > limit))
            .map(|(code, _)| code)
            .collect();
        let refunds = paying
            .iter()
            .filter(|(code, clients)| {
                let back = refunded.get(*code).map_or(0, |r| r.len());
                clients.len() >= 10 && back * 10 > clients.len() * 3
            })
            .map(|(code, _)| code.clone())
            .collect();
        // Walking up the parents from each partner: a ring comes back to where it started.
        let rings = brought
            .keys()
            .filter(|start| {
                let mut at = brought.get(*start);
                (0..brought.len()).any(|_| match at {
                    Some(a) if a == *start => true,
                    Some(a) => {
                        at = brought.get(a);
                        false
                    }
                    None => false,
                })
            })
            .count();
        let shared = identities.into_values().filter(|codes| codes.len() > 1).flatten().collect();
        Seen { bursts, refunds, mispriced, rings, shared }
    }

    fn promo_price(list: Money, terms: &Terms) -> Option<Money> {
        Some(list - list.apply_rate(terms.client_discount)?)
    }

    #[test]
    fn a_small_program_shows_each_kind_for_each_seed() {
        for seed in 1..=6 {
            let data = generate(&opts(40, 400, seed), &Terms::defaults());
            let s = seen(&data);
            let kinds: HashSet<CaseKind> = data.planted.iter().map(|p| p.kind).collect();
            assert_eq!(kinds.len(), CaseKind::ALL.len(), "seed {seed}: {:?}", data.planted);
            assert!(
                !s.bursts.is_empty() && s.bursts.is_subset(&planted(&data, CaseKind::RegistrationBurst)),
                "seed {seed}"
            );
            assert!(!s.refunds.is_empty() && s.refunds.is_subset(&planted(&data, CaseKind::RefundRate)), "seed {seed}");
            assert_eq!(s.mispriced.iter().collect::<HashSet<_>>().len(), 2, "seed {seed}: {:?}", s.mispriced);
            assert_eq!(s.rings, 2, "seed {seed}: one ring of two");
            // One pair on a phone and a device, one family on a tablet (dismissed by the operators).
            assert_eq!(s.shared, planted(&data, CaseKind::SharedIdentity), "seed {seed}");
            assert_eq!(s.shared.len(), 4, "seed {seed}");
            let decided: Vec<(CaseKind, Decision)> = data.decisions.iter().map(|d| (d.kind, d.decision)).collect();
            assert_eq!(
                decided,
                [
                    (CaseKind::SharedIdentity, Decision::Dismiss),
                    (CaseKind::SharedIdentity, Decision::Dismiss),
                    (CaseKind::PriceMismatch, Decision::Void)
                ],
                "seed {seed}"
            );
        }
    }

    #[test]
    fn a_larger_program_keeps_abuse_to_a_few_percent() {
        let data = generate(&opts(2000, 30_000, 9), &Terms::defaults());
        let s = seen(&data);
        let k = handful(2000);
        assert_eq!(k, 7);
        assert_eq!(s.bursts.len(), k, "{:?}", s.bursts);
        assert!(s.refunds.len() >= k, "{:?}", s.refunds);
        assert_eq!(s.mispriced.len(), k + 1);
        // Rings of two and three, alternately.
        assert_eq!(s.rings, (0..k.div_ceil(2)).map(|r| 2 + r % 2).sum::<usize>());
        let partners: HashSet<&str> = data.planted.iter().map(|p| p.code.as_str()).collect();
        assert!(partners.len() * 100 < 2000 * 4, "{} of 2000 partners planted", partners.len());
        assert_eq!(partners.len(), data.planted.len(), "one part each");
    }
}
