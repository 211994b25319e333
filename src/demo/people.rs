//! Who the demonstration's accounts are: names in Kazakh and Russian, e-mail addresses, phones,
//! devices and IINs, each derived from the account's number so that nobody shares an identity
//! by accident.
use super::data::{pick, splitmix};
use super::format::{civil_from_days, push_num};
use crate::domain::codes::transliterate;
use crate::domain::identity::iin_with_check;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

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

/// Female form of a surname: -ов/-ев/-ин take -а, -ұлы ("son of") becomes -қызы, others stay.
pub(super) fn feminine(surname: &str) -> String {
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
pub(super) struct Names {
    lists: [(Vec<Name>, Vec<Name>); 4],
}

impl Names {
    pub(super) fn new() -> Names {
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
#[derive(Clone)]
pub(super) struct Person {
    pub(super) name: String,
    pub(super) female: bool,
    pub(super) email: String,
    pub(super) phone: String,
    pub(super) device_id: String,
    pub(super) ip: String,
}

/// `n` is the account's global number (partners first, then clients): it makes the e-mail and,
/// through a bijection, the phone unique, so that no two accounts share an identity by accident
/// (that would be a fraud signal).
pub(super) fn person(seed: u64, names: &Names, n: u64) -> Person {
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
pub(super) const BIRTH_DAYS: u64 = 14_600;
const BIRTH_EPOCH_DAY: i64 = -1826; // 1965-01-01, in days since 1970-01-01

/// A valid IIN for account number `n`: birth date, century and gender digit, a serial, the
/// check digit. Date and serial come from a bijection of `n` (7_777_777 is coprime with
/// 1000 × BIRTH_DAYS), so IINs are unique.
pub(super) fn iin(n: u64, female: bool, rng: &mut SmallRng) -> String {
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
