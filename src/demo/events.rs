//! The events themselves: the merge of registrations with the payments and refunds they lead
//! to, in time order, each written as one NDJSON line.
use super::abuse::Mispriced;
use super::data::{pick, splitmix};
use super::format::{DAY, MINUTE, push_json_str, push_money, push_num, push_time};
use super::people::person;
use super::plan::{PROGRAM_DAYS, Plan, client_account, daytime};
use crate::domain::Money;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};
use std::io;

// Shares of the population; RULES.md explains what each exercises.
pub(super) const CLIENT_WITH_CODE: f64 = 0.90;
pub(super) const CLIENT_PAYS: f64 = 0.75;
/// Of the sign-ups of a registration burst: most came for the code, not to buy.
const BURST_PAYS: f64 = 0.25;
const CODE_ADDED_AT_PAYMENT: f64 = 0.30;
const UNKNOWN_CODE: f64 = 0.005;
const SITE_PROMOTION: f64 = 0.05;
const PROMOTION_KEEPS_CODE: f64 = 0.40;
const REFUND: f64 = 0.04;
const PARTIAL_REFUND: f64 = 0.25;
/// Of paying clients, so that about 3% of all clients have paid twice by `now`.
const SECOND_PAYMENT: f64 = 0.07;
const REPEAT_KEEPS_CODE: f64 = 0.80;

const SITE_PROMOTION_NAME: &str = "site10";
pub(super) const UNKNOWN_CODES: [&str; 4] = ["FREE2026", "SALE50", "WELCOME", "BLACKFRIDAY"];

impl Plan {
    pub(super) fn emit(&self, sink: &mut dyn FnMut(&str) -> io::Result<()>) -> io::Result<usize> {
        let mut e = Emitter {
            plan: self,
            rng: SmallRng::seed_from_u64(splitmix(self.seed ^ 0x6576_656e_7473)),
            agenda: Agenda::new(self.end - PROGRAM_DAYS * DAY, self.end),
            seq: 0,
            events: 0,
            payments: 0,
            line: String::with_capacity(512),
            mispriced: self.abuse.mispriced.clone(),
        };
        // A burst's sign-ups wait in the agenda for their evening, in time order.
        let mut burst: Vec<(i64, usize, usize)> = self.abuse.burst.iter().map(|(&j, &(p, at))| (at, j, p)).collect();
        burst.sort_unstable();
        for (at, client, partner) in burst {
            e.schedule(at, Pending::Registration { client, partner });
        }
        let (mut p, mut c) = (0, 0);
        loop {
            // Ties go to partners, then clients, then follow-ups in the order they were planned.
            let partner = self.partners.get(p).map(|x| (x.at, 0));
            let client = self.client_at.get(c).map(|&t| (t, 1));
            let until = partner.into_iter().chain(client).map(|x| x.0).min().unwrap_or(i64::MAX);
            let next = [partner, client, e.agenda.peek_at(until).map(|at| (at, 2))].into_iter().flatten().min();
            match next {
                None => break,
                Some((_, 0)) => {
                    e.partner(p);
                    p += 1;
                }
                Some((_, 1)) => {
                    // A burst's client registers on its evening instead, from the agenda.
                    if !self.abuse.burst.contains_key(&c) {
                        e.client(c, self.client_at[c], None);
                    }
                    c += 1;
                }
                Some(_) => match e.agenda.pop() {
                    Some(s) => e.follow_up(s),
                    None => break,
                },
            }
            if !e.line.is_empty() {
                sink(&e.line)?;
                e.line.clear();
            }
        }
        Ok(e.events)
    }
}

#[derive(Clone, Copy)]
enum Payer {
    Client(usize),
    Partner(usize),
}

#[derive(Clone, Copy)]
enum Code {
    None,
    Partner(usize),
    Unknown(&'static str),
}

struct Payment {
    payer: Payer,
    package: usize,
    code: Code,
    /// The site's 10% promotion was applied.
    promotion: bool,
    refundable: bool,
    /// A client's first payment, which may be followed by a second one.
    first: bool,
    /// Paid at a price the catalog does not have (planted abuse).
    mispriced: Option<Mispriced>,
}

enum Pending {
    Payment(Payment),
    Refund {
        payment: u64,
        amount: Option<Money>,
    },
    /// A client of a registration burst signs up with the partner's code.
    Registration {
        client: usize,
        partner: usize,
    },
}

/// A follow-up event waiting for its time; ordered earliest first, then in planning order.
struct Scheduled {
    at: i64,
    seq: u64,
    what: Pending,
}

impl Ord for Scheduled {
    fn cmp(&self, other: &Self) -> Ordering {
        // Reversed: BinaryHeap pops the greatest.
        (other.at, other.seq).cmp(&(self.at, self.seq))
    }
}

impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Scheduled {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Scheduled {}

/// Follow-ups waiting for their time: a heap for the day being emitted and a plain list for each
/// later day. One heap for all would hold weeks of pending payments and spend its time on cache
/// misses; this one holds about a day's.
struct Agenda {
    first_day: i64,
    /// Days `..next` (from `first_day`) have been moved into `soon`.
    next: usize,
    soon: BinaryHeap<Scheduled>,
    later: Vec<Vec<Scheduled>>,
}

impl Agenda {
    fn new(start: i64, end: i64) -> Agenda {
        let first_day = start.div_euclid(DAY);
        let days = (end.div_euclid(DAY) - first_day + 1).max(0) as usize;
        Agenda { first_day, next: 0, soon: BinaryHeap::new(), later: (0..days).map(|_| Vec::new()).collect() }
    }

    fn push(&mut self, s: Scheduled) {
        let day = usize::try_from(s.at.div_euclid(DAY) - self.first_day).ok().filter(|&d| d >= self.next);
        match day.and_then(|d| self.later.get_mut(d)) {
            Some(bucket) => bucket.push(s),
            None => self.soon.push(s),
        }
    }

    /// The earliest pending time, if it is on `until`'s day or earlier (the caller has something
    /// else to do before anything later). Days are moved into the heap only as far as that: an
    /// empty heap must not run ahead, or every later push would land in it.
    fn peek_at(&mut self, until: i64) -> Option<i64> {
        let last = until.div_euclid(DAY) - self.first_day;
        while self.soon.is_empty() && self.next < self.later.len() && (self.next as i64) <= last {
            self.soon = BinaryHeap::from(std::mem::take(&mut self.later[self.next]));
            self.next += 1;
        }
        self.soon.peek().map(|s| s.at)
    }

    fn pop(&mut self) -> Option<Scheduled> {
        self.soon.pop()
    }
}

struct Emitter<'p> {
    plan: &'p Plan,
    rng: SmallRng,
    agenda: Agenda,
    seq: u64,
    events: usize,
    payments: u64,
    /// The line being built; emptied once handed to the sink.
    line: String,
    /// Partners whose mispriced payment is still to come.
    mispriced: HashMap<usize, Mispriced>,
}

/// How often a package is bought, by its place in the catalog: the first 50 parts, the second
/// 35, each later one 15 (for RULES.md's P100, P200, P300: 50%, 35%, 15%).
fn package_weight(i: usize) -> u32 {
    match i {
        0 => 50,
        1 => 35,
        _ => 15,
    }
}

/// A package of a catalog of `n`, as often as [`package_weight`] says; none from an empty one.
fn package_index(rng: &mut SmallRng, n: usize) -> Option<usize> {
    let total: u32 = (0..n).map(package_weight).sum();
    if total == 0 {
        return None;
    }
    let mut r = rng.random_range(0..total);
    for i in 0..n {
        let w = package_weight(i);
        if r < w {
            return Some(i);
        }
        r -= w;
    }
    None
}

impl Emitter<'_> {
    fn begin(&mut self, kind: &str, at: i64) {
        self.events += 1;
        self.line.push_str("{\"type\":\"");
        self.line.push_str(kind);
        self.line.push_str("\",\"event_id\":\"ev-");
        push_num(&mut self.line, self.events as u64, 7);
        self.line.push_str("\",\"at\":\"");
        push_time(&mut self.line, at);
        self.line.push('"');
    }

    fn key(&mut self, key: &str) {
        self.line.push_str(",\"");
        self.line.push_str(key);
        self.line.push_str("\":");
    }

    fn field(&mut self, key: &str, value: &str) {
        self.key(key);
        push_json_str(&mut self.line, value);
    }

    fn money(&mut self, key: &str, amount: Money) {
        self.key(key);
        self.line.push('"');
        push_money(&mut self.line, amount);
        self.line.push('"');
    }

    fn end(&mut self) {
        self.line.push('}');
    }

    /// Plans an event, unless it would fall at or after `now`: it has not happened yet.
    fn schedule(&mut self, at: i64, what: Pending) {
        if at < self.plan.end {
            self.seq += 1;
            self.agenda.push(Scheduled { at, seq: self.seq, what });
        }
    }

    fn partner(&mut self, p: usize) {
        let plan = self.plan;
        let partner = &plan.partners[p];
        self.begin("partner_registered", partner.at);
        self.field("account_id", &partner.account);
        self.field("name", &partner.person.name);
        self.field("promo_code", &partner.code);
        self.field("email", &partner.person.email);
        self.field("phone", &partner.person.phone);
        self.field("iin", &partner.iin);
        self.field("device_id", &partner.person.device_id);
        self.field("ip", &partner.person.ip);
        self.end();
        if let Some((at, code)) = partner.buys
            && let Some(package) = package_index(&mut self.rng, plan.packages.len())
        {
            let what = Pending::Payment(Payment {
                payer: Payer::Partner(p),
                package,
                code: Code::Partner(code),
                promotion: false,
                refundable: false,
                first: false,
                mispriced: None,
            });
            self.schedule(at, what);
        }
    }

    /// Client `j` registers at `at`: with the code of `burst`'s partner when it is one of a
    /// registration burst's sign-ups.
    fn client(&mut self, j: usize, at: i64, burst: Option<usize>) {
        let plan = self.plan;
        let twin = plan.abuse.twins.get(&j).copied();
        let person = person(plan.seed, &plan.names, plan.first_client_n + j as u64);
        let code = match twin.or(burst) {
            Some(p) => Some(p),
            None if self.rng.random_bool(CLIENT_WITH_CODE) => plan.sample_partner(&mut self.rng, at),
            None => None,
        };
        self.begin("client_registered", at);
        self.field("account_id", &client_account(j));
        if let Some(p) = code {
            self.field("promo_code", &plan.partners[p].code);
        }
        self.field("email", &person.email);
        let phone = twin.map_or(person.phone.as_str(), |p| plan.partners[p].person.phone.as_str());
        self.field("phone", phone);
        self.field("device_id", &person.device_id);
        self.field("ip", &person.ip);
        self.end();

        let forced = twin.is_some() || plan.converted[j];
        let pays = if burst.is_some() { BURST_PAYS } else { CLIENT_PAYS };
        if !forced && !self.rng.random_bool(pays) {
            return;
        }
        let delay = if forced {
            // With `daytime`, under three days: before a converted client's partner registration.
            self.rng.random_range(30 * MINUTE..2 * DAY)
        } else {
            match self.rng.random_range(0..100) {
                0..55 => self.rng.random_range(5 * MINUTE..2 * DAY),
                55..96 => self.rng.random_range(2 * DAY..29 * DAY),
                // Too late for the new-client window: existing_client.
                _ => self.rng.random_range(31 * DAY..120 * DAY),
            }
        };
        let pay_at = daytime(&mut self.rng, at + delay);
        let mut pay_code = match code {
            Some(p) => Code::Partner(p),
            // Registered without a code, typed one at the checkout: that partner brought them.
            None if self.rng.random_bool(CODE_ADDED_AT_PAYMENT) => {
                plan.sample_partner(&mut self.rng, at).map_or(Code::None, Code::Partner)
            }
            None => Code::None,
        };
        let mut promotion = false;
        if twin.is_none() {
            if self.rng.random_bool(UNKNOWN_CODE) {
                pay_code = Code::Unknown(pick(&mut self.rng, &UNKNOWN_CODES));
            }
            if self.rng.random_bool(SITE_PROMOTION) {
                promotion = true;
                if !self.rng.random_bool(PROMOTION_KEEPS_CODE) {
                    pay_code = Code::None;
                }
            }
        }
        let Some(package) = package_index(&mut self.rng, plan.packages.len()) else { return };
        // A planted mispriced payment: the partner's first client still new when paying (so that
        // the payment earns a bonus), without the site's promotion.
        let mut mispriced = None;
        if let Code::Partner(p) = pay_code
            && twin.is_none()
            && !promotion
            && pay_at - at < plan.new_client_window - DAY
        {
            mispriced = self.mispriced.remove(&p);
        }
        let what = Pending::Payment(Payment {
            payer: Payer::Client(j),
            package,
            code: pay_code,
            promotion,
            refundable: twin.is_none(),
            first: twin.is_none(),
            mispriced,
        });
        self.schedule(pay_at, what);
    }

    fn follow_up(&mut self, s: Scheduled) {
        match s.what {
            Pending::Payment(pay) => self.payment(s.at, pay),
            Pending::Registration { client, partner } => self.client(client, s.at, Some(partner)),
            Pending::Refund { payment, amount } => {
                self.begin("payment_refunded", s.at);
                self.field("payment_id", &format!("PAY{payment:07}"));
                if let Some(amount) = amount {
                    self.money("amount", amount);
                }
                self.end();
            }
        }
    }

    fn payment(&mut self, at: i64, pay: Payment) {
        let Payment { payer, package, code, promotion, refundable, first, mispriced } = pay;
        let plan = self.plan;
        self.payments += 1;
        let id = self.payments;
        let pkg = &plan.packages[package];
        // The platform charged the site's promotion when it applied, the promo price for a
        // code it knew, and the list price otherwise.
        let paid = match code {
            _ if promotion => pkg.site_discount_price,
            _ if mispriced == Some(Mispriced::NoDiscount) => pkg.list_price,
            // 60% of the list price, in whole tenge.
            _ if mispriced == Some(Mispriced::SideDeal) => Money::kzt(pkg.list_price.tiyn() / 100 * 3 / 5),
            Code::Partner(_) => pkg.promo_price,
            Code::None | Code::Unknown(_) => pkg.list_price,
        };
        self.begin("payment_confirmed", at);
        self.field("payment_id", &format!("PAY{id:07}"));
        let account = match payer {
            Payer::Client(j) => client_account(j),
            Payer::Partner(p) => plan.partners[p].account.clone(),
        };
        self.field("account_id", &account);
        self.field("package", &pkg.code);
        self.money("list_price", pkg.list_price);
        self.money("paid_amount", paid);
        match code {
            Code::Partner(p) => self.field("promo_code", &plan.partners[p].code),
            Code::Unknown(c) => self.field("promo_code", c),
            Code::None => {}
        }
        if promotion {
            self.field("promotion", SITE_PROMOTION_NAME);
        }
        self.end();

        // A planted partner's clients ask for their money back far more often.
        let refund = match code {
            Code::Partner(p) => plan.abuse.refund_rate.get(&p).copied().unwrap_or(REFUND),
            _ => REFUND,
        };
        if refundable && self.rng.random_bool(refund) {
            // A half or a third, in whole tenge.
            let amount = self
                .rng
                .random_bool(PARTIAL_REFUND)
                .then(|| Money::kzt(paid.tiyn() / 100 / self.rng.random_range(2..=3)));
            let refund_at = at + self.rng.random_range(DAY..20 * DAY);
            let refund_at = daytime(&mut self.rng, refund_at);
            self.schedule(refund_at, Pending::Refund { payment: id, amount });
        }
        if first && self.rng.random_bool(SECOND_PAYMENT) {
            // Another package, usually with the same code again: an existing client by then.
            let n = plan.packages.len();
            let package = if n > 1 { (package + self.rng.random_range(1..n)) % n } else { package };
            let code = match code {
                Code::Partner(p) if self.rng.random_bool(REPEAT_KEEPS_CODE) => Code::Partner(p),
                _ => Code::None,
            };
            let again = at + self.rng.random_range(10 * DAY..90 * DAY);
            let again = daytime(&mut self.rng, again);
            let what = Pending::Payment(Payment {
                payer,
                package,
                code,
                promotion: false,
                refundable: true,
                first: false,
                mispriced: None,
            });
            self.schedule(again, what);
        }
    }
}
