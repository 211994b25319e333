//! A believable demonstration program, generated deterministically from a seed: partners and
//! clients with Kazakh and Russian names, payments, refunds and the odd rule-breaker, as platform
//! events (INTERFACE.md "Platform events"), plus the contracts and code deactivations an operator
//! would have entered. Pure: no database and no clock; `now` comes with the options.
//!
//! Events come out in time order without holding them all: partners and clients are planned up
//! front (sorted by registration time), and what follows a registration (payments, refunds, repeat
//! purchases) waits in an agenda until the merge reaches its time.
use crate::domain::codes::{code_stem, transliterate};
use crate::domain::identity::{iban_with_check, iin_with_check};
use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};
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
    pub account_id: String,
    pub number: String,
    pub signed_on: NaiveDate,
    pub iban: String,
    pub iin_bin: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DemoData {
    /// NDJSON lines of platform events in time order, exactly the INTERFACE.md format
    pub events: Vec<String>,
    /// contracts for most partners (about 85%)
    pub contracts: Vec<DemoContract>,
    /// account ids of partners whose code an operator deactivated (a handful, ~1%), with a reason
    pub deactivations: Vec<(String, String)>,
}

/// The events, contracts and deactivations of a demonstration program.
pub fn generate(opts: &DemoOptions) -> DemoData {
    let plan = Plan::new(opts);
    let mut events = Vec::new();
    // Pushing to a vector cannot fail, so the only error the emitter passes on never happens.
    let _ = plan.emit(&mut |line: &str| {
        events.push(line.to_string());
        Ok(())
    });
    DemoData { events, contracts: plan.contracts(), deactivations: plan.deactivations() }
}

/// Writes the same events as `generate`, one newline-terminated NDJSON line each, without
/// keeping them in memory; returns how many were written.
pub fn generate_events_to(opts: &DemoOptions, out: &mut dyn Write) -> io::Result<usize> {
    let plan = Plan::new(opts);
    let mut w = io::BufWriter::with_capacity(1 << 16, out);
    let n = plan.emit(&mut |line: &str| {
        w.write_all(line.as_bytes())?;
        w.write_all(b"\n")
    })?;
    w.flush()?;
    Ok(n)
}

const MINUTE: i64 = 60;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;
/// The program's time zone, +05:00: events carry it, and "daytime" is judged in it.
const OFFSET: i64 = 5 * HOUR;
/// About seven months of history before `now`.
const PROGRAM_DAYS: i64 = 212;

// Shares of the population; RULES.md explains what each exercises.
const CLIENT_WITH_CODE: f64 = 0.90;
const CLIENT_PAYS: f64 = 0.75;
const CODE_ADDED_AT_PAYMENT: f64 = 0.30;
const UNKNOWN_CODE: f64 = 0.005;
const SITE_PROMOTION: f64 = 0.05;
const PROMOTION_KEEPS_CODE: f64 = 0.40;
const REFUND: f64 = 0.04;
const PARTIAL_REFUND: f64 = 0.25;
/// Of paying clients, so that about 3% of all clients have paid twice by `now`.
const SECOND_PAYMENT: f64 = 0.07;
const REPEAT_KEEPS_CODE: f64 = 0.80;
const CLIENTS_BECOMING_PARTNERS: f64 = 0.05;
const CONTRACT: f64 = 0.85;

struct Package {
    code: &'static str,
    list: u64,
    promo: u64,
    site10: u64,
}

/// The catalog of RULES.md: list price, with a promo code (−25%), with the site's 10%.
const PACKAGES: [Package; 3] = [
    Package { code: "P100", list: 100_000, promo: 75_000, site10: 90_000 },
    Package { code: "P200", list: 200_000, promo: 150_000, site10: 180_000 },
    Package { code: "P300", list: 300_000, promo: 225_000, site10: 270_000 },
];

const SITE_PROMOTION_NAME: &str = "site10";
const UNKNOWN_CODES: [&str; 4] = ["FREE2026", "SALE50", "WELCOME", "BLACKFRIDAY"];

// Names, separated by spaces: one word each.
const KZ_MALE: &str = "\
    Ерлан Нурлан Даурен Азамат Ержан Арман Бауыржан Асхат Айдос \
    Нурсултан Данияр Ерболат Канат Серик Тимур Алмас Жандос Мурат \
    Ерғали Бекзат Ильяс Санжар Диас Олжас";
const KZ_FEMALE: &str = "\
    Асель Айгерим Динара Жанар Гульнара Мадина Камила Аружан Дана \
    Жансая Алия Салтанат Айдана Томирис Меруерт Балжан Назерке Сауле \
    Ботагоз Әсем Гүлжан Индира Шолпан Айжан";
const RU_MALE: &str = "\
    Дмитрий Алексей Сергей Андрей Иван Михаил Павел Артём Денис \
    Евгений Максим Николай Владимир Роман Константин Игорь";
const RU_FEMALE: &str = "\
    Анна Елена Ольга Наталья Татьяна Ирина Екатерина Мария Светлана \
    Юлия Анастасия Виктория Дарья Ксения Людмила Полина";
/// Masculine forms; `feminine` derives the others.
const KZ_SURNAMES: &str = "\
    Нурланов Жумабаев Сейткали Ахметов Касымов Омаров Сулейменов \
    Абдрахманов Тулегенов Искаков Бекмуханов Есенов Мусин Кенжебаев \
    Серікұлы Байжанов Ермеков Жакупов Садыков Утепов Нургалиев \
    Оспанов Әбенов Толеуов Ибраев Досмухамедов";
const RU_SURNAMES: &str = "\
    Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов \
    Новиков Фёдоров Морозов Волков Алексеев Лебедев Семёнов Егоров \
    Павлов Козлов Степанов Николаев Орлов Ким Пак Шевченко";
const EMAIL_DOMAINS: [(&str, u32); 6] =
    [("mail.ru", 30), ("gmail.com", 30), ("mail.kz", 20), ("yandex.kz", 10), ("inbox.ru", 5), ("list.ru", 5)];
const PHONE_PREFIXES: [&str; 12] = ["700", "701", "702", "705", "707", "708", "747", "771", "775", "776", "777", "778"];
const IP_NETWORKS: [&str; 8] = ["95.56", "95.57", "2.132", "2.134", "37.99", "37.150", "178.89", "92.46"];
const BANK_CODES: [&str; 8] = ["601", "722", "965", "826", "998", "551", "914", "856"];
const DEACTIVATION_REASONS: [&str; 5] = [
    "Код размещён на купонном агрегаторе без согласования",
    "Рассылка спама с промокодом в мессенджерах",
    "Партнёр попросил приостановить участие",
    "Контекстная реклама по бренду Atlantys вопреки договору",
    "Код перепродавался третьим лицам",
];

/// Female form of a surname: -ов/-ев/-ин take -а, -ұлы ("son of") becomes -қызы, others stay.
fn feminine(surname: &str) -> String {
    if let Some(stem) = surname.strip_suffix("ұлы") {
        format!("{stem}қызы")
    } else if ["ов", "ев", "ёв", "ин", "ын"].iter().any(|s| surname.ends_with(s)) {
        format!("{surname}а")
    } else {
        surname.to_string()
    }
}

/// A name in Cyrillic with its lower-case Latin spelling, for e-mail addresses.
struct Name {
    cyr: String,
    latin: String,
}

impl Name {
    fn new(cyr: String) -> Name {
        let latin = transliterate(&cyr).to_lowercase();
        Name { cyr, latin }
    }
}

/// First names and surnames by origin and gender: [Kazakh male, Kazakh female, Russian male,
/// Russian female], each with the surnames that go with it.
struct Names {
    lists: [(Vec<Name>, Vec<Name>); 4],
}

impl Names {
    fn new() -> Names {
        let firsts = |l: &str| l.split_whitespace().map(|s| Name::new(s.to_string())).collect::<Vec<_>>();
        let lasts = |l: &str, female: bool| {
            l.split_whitespace()
                .map(|s| Name::new(if female { feminine(s) } else { s.to_string() }))
                .collect::<Vec<_>>()
        };
        Names {
            lists: [
                (firsts(KZ_MALE), lasts(KZ_SURNAMES, false)),
                (firsts(KZ_FEMALE), lasts(KZ_SURNAMES, true)),
                (firsts(RU_MALE), lasts(RU_SURNAMES, false)),
                (firsts(RU_FEMALE), lasts(RU_SURNAMES, true)),
            ],
        }
    }
}

/// Who an account is. Derived from the account's number alone, so that a client who later
/// registers as a partner is the same person without anything being remembered.
struct Person {
    name: String,
    female: bool,
    email: String,
    phone: String,
    device_id: String,
    ip: String,
}

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

fn pick<T: Copy>(rng: &mut SmallRng, items: &[T]) -> T {
    items[rng.random_range(0..items.len())]
}

/// `n` is the account's global number (partners first, then clients): it makes the e-mail and,
/// through a bijection, the phone unique, so that no two accounts share an identity by accident
/// (that would be a fraud signal).
fn person(seed: u64, names: &Names, n: u64) -> Person {
    let mut rng = SmallRng::seed_from_u64(splitmix(seed ^ 0x7065_7273_6f6e) ^ n);
    let kazakh = rng.random_bool(0.65);
    let female = rng.random_bool(0.5);
    let (firsts, lasts) = &names.lists[usize::from(!kazakh) * 2 + usize::from(female)];
    let first = &firsts[rng.random_range(0..firsts.len())];
    let last = &lasts[rng.random_range(0..lasts.len())];
    let total: u32 = EMAIL_DOMAINS.iter().map(|d| d.1).sum();
    let mut r = rng.random_range(0..total);
    let mut domain = EMAIL_DOMAINS[0].0;
    for (d, w) in EMAIL_DOMAINS {
        if r < w {
            domain = d;
            break;
        }
        r -= w;
    }
    // Built by hand rather than with format!: a million clients make this a hot path.
    let (f, l) = (first.latin.as_str(), last.latin.as_str());
    let mut num = String::new();
    push_num(&mut num, n, 0);
    let email = match rng.random_range(0..10) {
        0..=5 => [f, ".", l, &num, "@", domain].concat(),
        6 | 7 => [f, &num, "@", domain].concat(),
        8 => [l, ".", f, &num, "@", domain].concat(),
        _ => [f, "_", l, &num, "@", domain].concat(),
    };
    // 7_654_321 is coprime with 10^7, so distinct accounts get distinct subscriber numbers.
    let sub = (n.wrapping_mul(7_654_321).wrapping_add(3_141_593)) % 10_000_000;
    let mut phone = String::with_capacity(16);
    phone.push_str("+7 ");
    phone.push_str(pick(&mut rng, &PHONE_PREFIXES));
    for (part, width) in [(sub / 10_000, 3), (sub / 100 % 100, 2), (sub % 100, 2)] {
        phone.push(' ');
        push_num(&mut phone, part, width);
    }
    let mut device_id = String::with_capacity(16);
    device_id.push_str(pick(&mut rng, &["and-", "ios-", "web-"]));
    let bits = rng.random::<u64>();
    device_id.extend((0..12).map(|i| char::from(b"0123456789abcdef"[((bits >> (4 * i)) & 15) as usize])));
    let mut ip = String::with_capacity(16);
    ip.push_str(pick(&mut rng, &IP_NETWORKS));
    ip.push('.');
    push_num(&mut ip, rng.random_range(0..=255), 0);
    ip.push('.');
    push_num(&mut ip, rng.random_range(1..=254), 0);
    Person { name: [first.cyr.as_str(), " ", last.cyr.as_str()].concat(), female, email, phone, device_id, ip }
}

/// Days in the birth range 1965-01-01 ..= 2004-12-22 that IINs are drawn from.
const BIRTH_DAYS: u64 = 14_600;
const BIRTH_EPOCH_DAY: i64 = -1826; // 1965-01-01, in days since 1970-01-01

/// A valid IIN for account number `n`: birth date, century and gender digit, a serial, the
/// check digit. Date and serial come from a bijection of `n` (7_777_777 is coprime with
/// 1000 × BIRTH_DAYS), so IINs are unique.
fn iin(n: u64, female: bool, rng: &mut SmallRng) -> String {
    let h = (n.wrapping_mul(7_777_777).wrapping_add(12_345)) % (1000 * BIRTH_DAYS);
    let (y, m, d) = civil_from_days(BIRTH_EPOCH_DAY + (h / 1000) as i64);
    let century = if y < 2000 { 3 } else { 5 };
    let gender = century + u64::from(female);
    let mut head = String::with_capacity(12);
    for (part, width) in [((y % 100) as u64, 2), (u64::from(m), 2), (u64::from(d), 2), (gender, 1), (h % 1000, 3)] {
        push_num(&mut head, part, width);
    }
    let r = rng.random_range(0..10);
    // The last digit weighs 11 ≡ 0 and then 2 in the two check sums, so of two neighbouring
    // values at most one lacks a check digit: the search always succeeds by its second try.
    (0..10)
        .find_map(|k| {
            let mut first11 = head.clone();
            push_num(&mut first11, (r + k) % 10, 1);
            iin_with_check(&first11)
        })
        .unwrap_or_default()
}

/// (year, month, day) of a day counted from 1970-01-01 (H. Hinnant's algorithm): formatting
/// two million instants through chrono would take most of the time budget.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
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
fn push_time(buf: &mut String, t: i64) {
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
fn push_num(buf: &mut String, mut n: u64, width: usize) {
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

/// Moves most night-time instants (before 07:00 local) into the same day's waking hours: people
/// register and pay while awake. Only ever moves forward, by less than 23 hours, so "after"
/// stays after.
fn daytime(rng: &mut SmallRng, t: i64) -> i64 {
    let sod = (t + OFFSET).rem_euclid(DAY);
    if sod < 7 * HOUR && rng.random_bool(0.85) { t - sod + 8 * HOUR + rng.random_range(0..15 * HOUR) } else { t }
}

/// `k` of `0..n`, each subset equally likely, in increasing order (Knuth's selection sampling):
/// one pass, no hashing, deterministic.
fn choose_k(rng: &mut SmallRng, n: usize, k: usize) -> Vec<usize> {
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

struct PartnerPlan {
    at: i64,
    account: String,
    person: Person,
    iin: String,
    code: String,
    /// When the partner's own account pays with the partner's own code (a self-referral).
    own_payment: Option<i64>,
    self_referrer: bool,
}

/// Everything decided before the first event is written: who registers when, and who is whom.
struct Plan {
    seed: u64,
    names: Names,
    /// Exclusive upper bound of event times: events are strictly before `now`.
    end: i64,
    now: DateTime<Utc>,
    partners: Vec<PartnerPlan>,
    /// The partners' registration times, apart from the rest for a cache-friendly search.
    partner_at: Vec<i64>,
    /// cum_weight[i] = weights of partners[..i]; sampling a prefix is a binary search.
    cum_weight: Vec<u64>,
    client_at: Vec<i64>,
    converted: Vec<bool>,
    /// Client index → partner index, for a client sharing that partner's phone and using the code.
    twins: HashMap<usize, usize>,
    /// Global account number of client 0 (partners take 1..).
    first_client_n: u64,
}

fn client_account(j: usize) -> String {
    format!("C{:07}", j + 1)
}

impl Plan {
    fn new(opts: &DemoOptions) -> Plan {
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
            partners.push(PartnerPlan { at, account, person, iin, code, own_payment: None, self_referrer: false });
        }

        // A few self-referrals (~0.2%, at least one from 20 partners on), alternately the
        // partner's own account and a second account with the partner's phone.
        let mut twins = HashMap::new();
        if opts.partners >= 20 {
            let wanted = ((opts.partners as f64 * 0.002).round() as usize).max(1);
            let candidates: Vec<usize> = (0..partners.len())
                .filter(|&p| partners[p].account.starts_with('A') && partners[p].at < end - 12 * DAY)
                .collect();
            for (k, c) in choose_k(&mut rng, candidates.len(), wanted).into_iter().enumerate() {
                let p = candidates[c];
                let twin = if k % 2 == 1 {
                    let from = client_at.partition_point(|&t| t < partners[p].at + DAY);
                    (from..client_at.len().min(from + 200))
                        .take_while(|&j| client_at[j] < end - 4 * DAY)
                        .find(|&j| !converted[j] && !twins.contains_key(&j))
                } else {
                    None
                };
                match twin {
                    Some(j) => {
                        twins.insert(j, p);
                    }
                    None => {
                        let at = partners[p].at + rng.random_range(DAY..10 * DAY);
                        partners[p].own_payment = Some(within(&mut rng, at));
                    }
                }
                partners[p].self_referrer = true;
            }
        }

        Plan {
            seed: opts.seed,
            names,
            end,
            now: opts.now,
            partner_at: partners.iter().map(|p| p.at).collect(),
            partners,
            cum_weight,
            client_at,
            converted,
            twins,
            first_client_n,
        }
    }

    /// The local calendar day of an instant, counted from 1970-01-01.
    fn local_day(t: i64) -> i64 {
        (t + OFFSET).div_euclid(DAY)
    }

    fn contracts(&self) -> Vec<DemoContract> {
        let mut rng = SmallRng::seed_from_u64(splitmix(self.seed ^ 0x636f_6e74_7261_6374));
        let today = Plan::local_day(self.end);
        let today_date = (self.now + TimeDelta::seconds(OFFSET)).date_naive();
        let mut out = Vec::new();
        for (p, partner) in self.partners.iter().enumerate() {
            if !rng.random_bool(CONTRACT) {
                continue;
            }
            let day = (Plan::local_day(partner.at) + rng.random_range(0..=10)).min(today);
            let signed_on = today_date - TimeDelta::days(today - day);
            // A bijection of the partner's index (coprime with 10^10): no two share an account.
            let account = (p as u64).wrapping_mul(7_777_777_777).wrapping_add(1_000_003) % 10_000_000_000;
            let bban = format!("{}KZT{account:010}", pick(&mut rng, &BANK_CODES));
            out.push(DemoContract {
                account_id: partner.account.clone(),
                number: format!("AT-{}-{:05}", signed_on.year(), out.len() + 1),
                signed_on,
                iban: iban_with_check(&bban),
                iin_bin: partner.iin.clone(),
            });
        }
        out
    }

    fn deactivations(&self) -> Vec<(String, String)> {
        if self.partners.len() < 20 {
            return Vec::new();
        }
        let mut rng = SmallRng::seed_from_u64(splitmix(self.seed ^ 0x6465_6163_7469_7661));
        // Self-referrers stay active so that their case shows as a self-referral, not as an
        // inactive code.
        let candidates: Vec<usize> = (0..self.partners.len()).filter(|&p| !self.partners[p].self_referrer).collect();
        let wanted = ((self.partners.len() as f64 * 0.01).round() as usize).max(1);
        choose_k(&mut rng, candidates.len(), wanted)
            .into_iter()
            .map(|c| {
                let reason = pick(&mut rng, &DEACTIVATION_REASONS);
                (self.partners[candidates[c]].account.clone(), reason.to_string())
            })
            .collect()
    }

    /// A partner registered before `t`, more popular ones more often; None before the first.
    fn sample_partner(&self, rng: &mut SmallRng, t: i64) -> Option<usize> {
        let k = self.partner_at.partition_point(|&a| a < t);
        let total = self.cum_weight[k];
        if total == 0 {
            return None;
        }
        let r = rng.random_range(0..total);
        Some(self.cum_weight[1..=k].partition_point(|&c| c <= r))
    }

    fn emit(&self, sink: &mut dyn FnMut(&str) -> io::Result<()>) -> io::Result<usize> {
        let mut e = Emitter {
            plan: self,
            rng: SmallRng::seed_from_u64(splitmix(self.seed ^ 0x6576_656e_7473)),
            agenda: Agenda::new(self.end - PROGRAM_DAYS * DAY, self.end),
            seq: 0,
            events: 0,
            payments: 0,
            line: String::with_capacity(512),
        };
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
                    e.client(c);
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
}

enum Pending {
    Payment(Payment),
    Refund { payment: u64, amount: Option<u64> },
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
}

/// Appends a JSON string. Every value is made here from the fixed lists above, digits and
/// Latin letters, none of which needs escaping; scanning two million lines for quotes would cost
/// a good part of the time budget, so only debug builds check.
fn push_json_str(buf: &mut String, s: &str) {
    debug_assert!(!s.bytes().any(|b| b == b'"' || b == b'\\' || b < b' '), "{s:?} needs escaping");
    buf.push('"');
    buf.push_str(s);
    buf.push('"');
}

fn package_index(rng: &mut SmallRng) -> usize {
    match rng.random_range(0..100) {
        0..50 => 0,
        50..85 => 1,
        _ => 2,
    }
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

    fn money(&mut self, key: &str, kzt: u64) {
        self.key(key);
        self.line.push('"');
        push_num(&mut self.line, kzt, 0);
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
        if let Some(at) = partner.own_payment {
            let package = package_index(&mut self.rng);
            let what = Pending::Payment(Payment {
                payer: Payer::Partner(p),
                package,
                code: Code::Partner(p),
                promotion: false,
                refundable: false,
                first: false,
            });
            self.schedule(at, what);
        }
    }

    fn client(&mut self, j: usize) {
        let plan = self.plan;
        let at = plan.client_at[j];
        let twin = plan.twins.get(&j).copied();
        let person = person(plan.seed, &plan.names, plan.first_client_n + j as u64);
        let code = match twin {
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
        if !forced && !self.rng.random_bool(CLIENT_PAYS) {
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
        let package = package_index(&mut self.rng);
        let what = Pending::Payment(Payment {
            payer: Payer::Client(j),
            package,
            code: pay_code,
            promotion,
            refundable: twin.is_none(),
            first: twin.is_none(),
        });
        self.schedule(pay_at, what);
    }

    fn follow_up(&mut self, s: Scheduled) {
        match s.what {
            Pending::Payment(pay) => self.payment(s.at, pay),
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
        let Payment { payer, package, code, promotion, refundable, first } = pay;
        let plan = self.plan;
        self.payments += 1;
        let id = self.payments;
        let pkg = &PACKAGES[package];
        // The platform charged the site's promotion when it applied, the promo price for a
        // code it knew, and the list price otherwise.
        let paid = match code {
            _ if promotion => pkg.site10,
            Code::Partner(_) => pkg.promo,
            Code::None | Code::Unknown(_) => pkg.list,
        };
        self.begin("payment_confirmed", at);
        self.field("payment_id", &format!("PAY{id:07}"));
        let account = match payer {
            Payer::Client(j) => client_account(j),
            Payer::Partner(p) => plan.partners[p].account.clone(),
        };
        self.field("account_id", &account);
        self.field("package", pkg.code);
        self.money("list_price", pkg.list);
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

        if refundable && self.rng.random_bool(REFUND) {
            let amount = self.rng.random_bool(PARTIAL_REFUND).then(|| paid / self.rng.random_range(2..=3));
            let refund_at = at + self.rng.random_range(DAY..20 * DAY);
            let refund_at = daytime(&mut self.rng, refund_at);
            self.schedule(refund_at, Pending::Refund { payment: id, amount });
        }
        if first && self.rng.random_bool(SECOND_PAYMENT) {
            // Another package, usually with the same code again: an existing client by then.
            let package = (package + self.rng.random_range(1..PACKAGES.len())) % PACKAGES.len();
            let code = match code {
                Code::Partner(p) if self.rng.random_bool(REPEAT_KEEPS_CODE) => Code::Partner(p),
                _ => Code::None,
            };
            let again = at + self.rng.random_range(10 * DAY..90 * DAY);
            let again = daytime(&mut self.rng, again);
            let what =
                Pending::Payment(Payment { payer, package, code, promotion: false, refundable: true, first: false });
            self.schedule(again, what);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::event::{Body, parse_json_line};
    use crate::domain::identity::{validate_iban_kz, validate_iin};
    use chrono::TimeZone;
    use std::collections::HashSet;

    fn opts(partners: usize, clients: usize, seed: u64) -> DemoOptions {
        let now = Utc.with_ymd_and_hms(2026, 10, 20, 9, 30, 0).single().unwrap_or_default();
        DemoOptions { partners, clients, seed, now }
    }

    fn parsed(data: &DemoData) -> Vec<crate::domain::event::Event> {
        data.events
            .iter()
            .enumerate()
            .map(|(i, l)| match parse_json_line(l) {
                Ok(e) => e,
                Err(err) => panic!("line {}: {err}: {l}", i + 1),
            })
            .collect()
    }

    #[test]
    fn deterministic_for_a_seed() {
        let a = generate(&opts(60, 400, 7));
        let b = generate(&opts(60, 400, 7));
        let c = generate(&opts(60, 400, 8));
        assert_eq!(a, b);
        assert_ne!(a.events, c.events);
    }

    #[test]
    fn writer_gives_the_same_lines() {
        let o = opts(40, 300, 3);
        let data = generate(&o);
        let mut out = Vec::new();
        let n = generate_events_to(&o, &mut out).unwrap_or_default();
        assert_eq!(n, data.events.len());
        let expected: String = data.events.iter().map(|l| format!("{l}\n")).collect();
        assert_eq!(String::from_utf8(out).unwrap_or_default(), expected);
    }

    #[test]
    fn every_line_parses_in_time_order_before_now() {
        let o = opts(200, 2000, 1);
        let data = generate(&o);
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

    #[test]
    fn partners_codes_and_identities_are_unique() {
        let data = generate(&opts(500, 3000, 11));
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
                assert!(codes.insert(code));
                assert!(accounts.insert(account_id));
                let iin = contact.iin.unwrap_or_default();
                assert_eq!(validate_iin(&iin), Ok(iin.clone()));
                assert!(iins.insert(iin));
                assert!(phones.insert(contact.phone.unwrap_or_default()));
                assert!(emails.insert(contact.email.unwrap_or_default()));
            }
        }
        assert_eq!(partners, 500);
    }

    #[test]
    fn contracts_and_deactivations() {
        let o = opts(300, 1000, 5);
        let data = generate(&o);
        let regs: HashMap<String, NaiveDate> = parsed(&data)
            .into_iter()
            .filter_map(|e| match e.body {
                Body::PartnerRegistered { account_id, .. } => {
                    Some((account_id, (e.at + TimeDelta::hours(5)).date_naive()))
                }
                _ => None,
            })
            .collect();
        assert!((220..=290).contains(&data.contracts.len()), "{} contracts", data.contracts.len());
        let today = (o.now + TimeDelta::hours(5)).date_naive();
        let mut ibans = HashSet::new();
        for c in &data.contracts {
            assert_eq!(validate_iban_kz(&c.iban), Ok(c.iban.clone()));
            assert_eq!(validate_iin(&c.iin_bin), Ok(c.iin_bin.clone()));
            assert!(ibans.insert(c.iban.clone()));
            assert!(c.number.starts_with("AT-20"), "{}", c.number);
            let reg = regs.get(&c.account_id).copied().unwrap_or(NaiveDate::MAX);
            assert!(reg <= c.signed_on && c.signed_on <= today && c.signed_on <= reg + TimeDelta::days(10));
        }
        assert_eq!(data.deactivations.len(), 3);
        assert!(data.deactivations.iter().all(|(a, r)| regs.contains_key(a) && !r.is_empty()));
    }

    #[test]
    fn exercises_the_rules() {
        let data = generate(&opts(300, 3000, 2));
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
    fn empty_sizes_work() {
        assert_eq!(generate(&opts(0, 0, 1)), DemoData::default());
        let only_clients = generate(&opts(0, 50, 1));
        assert!(parsed(&only_clients).iter().all(|e| match &e.body {
            Body::ClientRegistered { promo_code, .. } => promo_code.is_none(),
            Body::PaymentConfirmed { promo_code, .. } =>
                promo_code.as_deref().is_none_or(|c| UNKNOWN_CODES.contains(&c)),
            _ => true,
        }));
        let only_partners = generate(&opts(25, 0, 1));
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
