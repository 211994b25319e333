//! Everything decided before the first event is written: who registers when and with whom,
//! who becomes a partner later, who abuses the program ([`super::abuse`]), and the contracts and
//! code deactivations the operators enter.
use super::abuse::Abuse;
use super::data::{DemoContract, DemoOptions, pick, splitmix};
use super::format::{DAY, HOUR, OFFSET};
use super::people::{Names, Person, iin, person};
use crate::domain::Terms;
use crate::domain::codes::code_stem;
use crate::domain::identity::iban_with_check;
use crate::domain::terms::Package;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use std::collections::{HashMap, HashSet};

/// About seven months of history before `now`.
pub(super) const PROGRAM_DAYS: i64 = 212;

const CLIENTS_BECOMING_PARTNERS: f64 = 0.05;
const CONTRACT: f64 = 0.85;

const BANK_CODES: [&str; 8] = ["601", "722", "965", "826", "998", "551", "914", "856"];
const DEACTIVATION_REASONS: [&str; 5] = [
    "Код размещён на купонном агрегаторе без согласования",
    "Рассылка спама с промокодом в мессенджерах",
    "Партнёр попросил приостановить участие",
    "Контекстная реклама по бренду Atlantys вопреки договору",
    "Код перепродавался третьим лицам",
];

/// Moves most night-time instants (before 07:00 local) into the same day's waking hours: people
/// register and pay while awake. Only ever moves forward, by less than 23 hours, so "after"
/// stays after.
pub(super) fn daytime(rng: &mut SmallRng, t: i64) -> i64 {
    let sod = (t + OFFSET).rem_euclid(DAY);
    if sod < 7 * HOUR && rng.random_bool(0.85) { t - sod + 8 * HOUR + rng.random_range(0..15 * HOUR) } else { t }
}

/// `k` of `0..n`, each subset equally likely, in increasing order (Knuth's selection sampling):
/// one pass, no hashing, deterministic.
pub(super) fn choose_k(rng: &mut SmallRng, n: usize, k: usize) -> Vec<usize> {
    let mut need = k.min(n);
    let mut out = Vec::with_capacity(need);
    for i in 0..n {
        if need == 0 {
            break;
        }
        if rng.random_range(0..n - i) < need {
            out.push(i);
            need -= 1;
        }
    }
    out
}

pub(super) struct PartnerPlan {
    pub(super) at: i64,
    pub(super) account: String,
    pub(super) person: Person,
    pub(super) iin: String,
    pub(super) code: String,
    /// When the partner's own account pays for a package, and with whose code: its own (a
    /// self-referral) or the next partner's in a ring.
    pub(super) buys: Option<(i64, usize)>,
    /// Has a part in the planted abuse ([`super::abuse`]).
    pub(super) planted: bool,
}

/// Everything decided before the first event is written: who registers when, and who is whom.
pub(super) struct Plan {
    pub(super) seed: u64,
    pub(super) names: Names,
    /// Exclusive upper bound of event times: events are strictly before `now`.
    pub(super) end: i64,
    /// `now`'s date in the program's time zone: no contract is signed after it.
    pub(super) today: NaiveDate,
    pub(super) partners: Vec<PartnerPlan>,
    /// The partners' registration times, apart from the rest for a cache-friendly search.
    pub(super) partner_at: Vec<i64>,
    /// cum_weight[i] = weights of partners[..i]; sampling a prefix is a binary search.
    pub(super) cum_weight: Vec<u64>,
    pub(super) client_at: Vec<i64>,
    pub(super) converted: Vec<bool>,
    /// Global account number of client 0 (partners take 1..).
    pub(super) first_client_n: u64,
    /// The program's catalog, in its order: what clients buy and what they pay.
    pub(super) packages: Vec<Package>,
    /// The terms' new-client window, in seconds: how long after registering a payment earns.
    pub(super) new_client_window: i64,
    /// The abuse planted for the review queue.
    pub(super) abuse: Abuse,
}

pub(super) fn client_account(j: usize) -> String {
    format!("C{:07}", j + 1)
}

impl Plan {
    pub(super) fn new(opts: &DemoOptions, terms: &Terms) -> Plan {
        let mut rng = SmallRng::seed_from_u64(opts.seed);
        let names = Names::new();
        let end = opts.now.timestamp();
        let span = PROGRAM_DAYS * DAY;
        let start = end - span;
        let within = |rng: &mut SmallRng, t: i64| {
            let moved = daytime(rng, t);
            if moved < end { moved } else { t }
        };

        // Clients come faster as the program grows, in proportion to its age: a slow start
        // also keeps the launch wave's few big partners from a burst of registrations.
        let mut client_at: Vec<i64> = (0..opts.clients)
            .map(|_| {
                let t = start + (span as f64 * rng.random::<f64>().sqrt()) as i64;
                within(&mut rng, t)
            })
            .collect();
        client_at.sort_unstable();

        // Some paying clients become partners later; they count among the partners asked for.
        let eligible = client_at.partition_point(|&t| t < end - 4 * DAY);
        let wanted = ((opts.clients as f64 * CLIENTS_BECOMING_PARTNERS).round() as usize).min(opts.partners / 3);
        let converted_idx = choose_k(&mut rng, eligible, wanted);
        let originals = opts.partners - converted_idx.len();
        let first_client_n = originals as u64 + 1;

        // Partners: a launch wave in the first three weeks, then fewer and fewer.
        let mut original_at: Vec<i64> = (0..originals)
            .map(|_| {
                let t = if rng.random_bool(0.25) {
                    start + rng.random_range(0..21 * DAY)
                } else {
                    start + (span as f64 * rng.random::<f64>().powf(1.4)) as i64
                };
                within(&mut rng, t)
            })
            .collect();
        original_at.sort_unstable();

        let mut converted = vec![false; opts.clients];
        // (time, account number, account id); originals before converted ones at equal times.
        let mut regs: Vec<(i64, u64, String)> =
            original_at.iter().enumerate().map(|(i, &t)| (t, i as u64 + 1, format!("A{:06}", i + 1))).collect();
        for &j in &converted_idx {
            converted[j] = true;
            let latest = (end - client_at[j] - HOUR).min(60 * DAY);
            let t = client_at[j] + rng.random_range(3 * DAY..latest);
            regs.push((within(&mut rng, t), first_client_n + j as u64, client_account(j)));
        }
        regs.sort_by_key(|r| r.0);

        let mut next_suffix: HashMap<String, u32> = HashMap::new();
        let mut partners = Vec::with_capacity(regs.len());
        let mut cum_weight = Vec::with_capacity(regs.len() + 1);
        cum_weight.push(0u64);
        for (at, n, account) in regs {
            let person = person(opts.seed, &names, n);
            let iin = iin(n, person.female, &mut rng);
            let stem = code_stem(&person.name);
            let suffix = next_suffix.entry(stem.clone()).or_insert(25);
            let code = format!("{stem}{suffix}");
            *suffix += 1;
            // Popularity, how likely a new client is to come with this code: most partners bring
            // a client or two, a heavy tail hundreds. Capped, so that no code gets a burst of
            // registrations for the abuse scan to flag even with a million clients.
            let weight = if rng.random_bool(0.35) {
                1
            } else {
                (8.0 * (1.0 - rng.random::<f64>()).powf(-1.0 / 1.3)).min(600.0) as u64
            };
            cum_weight.push(cum_weight[cum_weight.len() - 1] + weight);
            partners.push(PartnerPlan { at, account, person, iin, code, buys: None, planted: false });
        }

        let mut plan = Plan {
            seed: opts.seed,
            names,
            end,
            today: terms.local(opts.now).date_naive(),
            partner_at: partners.iter().map(|p| p.at).collect(),
            partners,
            cum_weight,
            client_at,
            converted,
            first_client_n,
            packages: terms.packages.clone(),
            new_client_window: i64::from(terms.new_client_window_days) * DAY,
            abuse: Abuse::default(),
        };
        plan.plant_abuse(opts.clients, terms);
        plan
    }

    /// The local calendar day of an instant, counted from 1970-01-01.
    fn local_day(t: i64) -> i64 {
        (t + OFFSET).div_euclid(DAY)
    }

    pub(super) fn contracts(&self) -> Vec<DemoContract> {
        let mut rng = SmallRng::seed_from_u64(splitmix(self.seed ^ 0x636f_6e74_7261_6374));
        let mut out = Vec::new();
        // A second account paid to the first one's bank account: both have signed.
        let same = &self.abuse.same_bank_account;
        let shared: HashSet<usize> = same.iter().flat_map(|(&a, &b)| [a, b]).collect();
        let mut ibans: HashMap<usize, String> = HashMap::new();
        for (p, partner) in self.partners.iter().enumerate() {
            if !rng.random_bool(CONTRACT) && !shared.contains(&p) {
                continue;
            }
            let day = Plan::local_day(partner.at) + rng.random_range(0..=10);
            let signed_on = DateTime::<Utc>::from_timestamp(day * DAY, 0).map_or(self.today, |d| d.date_naive());
            let signed_on = signed_on.min(self.today);
            // A bijection of the partner's index (coprime with 10^10): no two share an account
            // but the planted ones.
            let account = (p as u64).wrapping_mul(7_777_777_777).wrapping_add(1_000_003) % 10_000_000_000;
            let bban = format!("{}KZT{account:010}", pick(&mut rng, &BANK_CODES));
            let mut iban = iban_with_check(&bban);
            // The first account is the earlier one, so its contract is already made.
            if let Some(first) = same.get(&p).and_then(|f| ibans.get(f)) {
                iban = first.clone();
            }
            if shared.contains(&p) {
                ibans.insert(p, iban.clone());
            }
            out.push(DemoContract {
                code: partner.code.clone(),
                number: format!("AT-{}-{:05}", signed_on.year(), out.len() + 1),
                signed_on,
                iban,
                iin_bin: partner.iin.clone(),
            });
        }
        out
    }

    pub(super) fn deactivations(&self) -> Vec<(String, String)> {
        if self.partners.len() < 20 {
            return Vec::new();
        }
        let mut rng = SmallRng::seed_from_u64(splitmix(self.seed ^ 0x6465_6163_7469_7661));
        // The planted abusers stay active so that their case shows as what they did, not as an
        // inactive code.
        let candidates: Vec<usize> = (0..self.partners.len()).filter(|&p| !self.partners[p].planted).collect();
        let wanted = ((self.partners.len() as f64 * 0.01).round() as usize).max(1);
        choose_k(&mut rng, candidates.len(), wanted)
            .into_iter()
            .map(|c| {
                let reason = pick(&mut rng, &DEACTIVATION_REASONS);
                (self.partners[candidates[c]].code.clone(), reason.to_string())
            })
            .collect()
    }

    /// A partner registered before `t`, more popular ones more often; None before the first.
    pub(super) fn sample_partner(&self, rng: &mut SmallRng, t: i64) -> Option<usize> {
        let k = self.partner_at.partition_point(|&a| a < t);
        let total = self.cum_weight[k];
        if total == 0 {
            return None;
        }
        let r = rng.random_range(0..total);
        Some(self.cum_weight[1..=k].partition_point(|&c| c <= r))
    }
}
