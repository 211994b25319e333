//! Money: whole tiyn in an `i64`. Rates are `Decimal`; the one way from rate × amount to an
//! amount is [`Money::apply_rate`], rounding half away from zero once (RULES.md "Money").
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use std::fmt;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(i64);

/// Why a text is not an amount of money. The messages are the import contract's wording.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("a float is not money")]
    Float,
    #[error("more than two decimals")]
    TooManyDecimals,
    #[error("money cannot be negative")]
    Negative,
    #[error("not an amount of money")]
    NotANumber,
    #[error("the amount is too large")]
    Overflow,
}

impl Money {
    pub const ZERO: Money = Money(0);

    pub const fn from_tiyn(tiyn: i64) -> Money {
        Money(tiyn)
    }

    pub const fn tiyn(self) -> i64 {
        self.0
    }

    /// Whole tenge, for configuration and tests.
    pub const fn kzt(whole: i64) -> Money {
        Money(whole * 100)
    }

    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }

    pub fn checked_sub(self, other: Money) -> Option<Money> {
        self.0.checked_sub(other.0).map(Money)
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// `self × rate`, rounded to the tiyn half away from zero.
    pub fn apply_rate(self, rate: Decimal) -> Option<Money> {
        let exact = Decimal::from(self.0).checked_mul(rate)?;
        exact.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero).to_i64().map(Money)
    }

    /// `self × num / den`, rounded to the tiyn half away from zero: the share of a bonus that a
    /// (cumulative) partial refund takes back. `num == den` gives exactly `self`.
    pub fn proportion(self, num: Money, den: Money) -> Option<Money> {
        if den.0 == 0 {
            return None;
        }
        let n = i128::from(self.0) * i128::from(num.0);
        let d = i128::from(den.0);
        let (q, r) = (n / d, n % d);
        // Half away from zero: compare twice the remainder with the divisor.
        let q = if 2 * r.abs() >= d.abs() { q + if (n < 0) != (d < 0) { -1 } else { 1 } } else { q };
        i64::try_from(q).ok().map(Money)
    }

    /// Parses a KZT amount written as text: digits, optionally `.` and one or two decimals.
    pub fn parse_kzt(text: &str) -> Result<Money, MoneyError> {
        let t = text.trim();
        if t.is_empty() {
            return Err(MoneyError::NotANumber);
        }
        let (neg, body) = match t.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, t.strip_prefix('+').unwrap_or(t)),
        };
        if body.contains(['e', 'E']) && body.chars().all(|c| c.is_ascii_digit() || "eE.+-".contains(c)) {
            return Err(MoneyError::Float);
        }
        let (whole, frac) = match body.split_once('.') {
            Some((w, f)) => (w, f),
            None => (body, ""),
        };
        if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
            return Err(MoneyError::NotANumber);
        }
        if !frac.bytes().all(|b| b.is_ascii_digit()) || (body.contains('.') && frac.is_empty()) {
            return Err(MoneyError::NotANumber);
        }
        if frac.len() > 2 {
            return Err(MoneyError::TooManyDecimals);
        }
        let whole: i64 = whole.parse().map_err(|_| MoneyError::Overflow)?;
        let mut cents: i64 = 0;
        for (i, b) in frac.bytes().enumerate() {
            cents += i64::from(b - b'0') * if i == 0 { 10 } else { 1 };
        }
        let tiyn = whole.checked_mul(100).and_then(|w| w.checked_add(cents)).ok_or(MoneyError::Overflow)?;
        if neg && tiyn != 0 {
            return Err(MoneyError::Negative);
        }
        Ok(Money(tiyn))
    }

    /// Machine form: `"25000.00"` (JSON, CSV).
    pub fn plain(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }

    /// People's form in the given language: `25 000,00 ₸` (ru) or `25,000.00 KZT` (en).
    pub fn display(self, lang: Lang) -> String {
        let sign = if self.0 < 0 { "−" } else { "" };
        let abs = self.0.unsigned_abs();
        let (group, dec, suffix) = match lang {
            Lang::Ru => ('\u{a0}', ',', "\u{a0}₸"),
            Lang::En => (',', '.', " KZT"),
        };
        format!("{sign}{}{dec}{:02}{suffix}", group_digits(abs / 100, group), abs % 100)
    }

    /// People's form without the currency, for dense tables: `25 000,00` / `25,000.00`.
    pub fn display_bare(self, lang: Lang) -> String {
        let sign = if self.0 < 0 { "−" } else { "" };
        let abs = self.0.unsigned_abs();
        let (group, dec) = match lang {
            Lang::Ru => ('\u{a0}', ','),
            Lang::En => (',', '.'),
        };
        format!("{sign}{}{dec}{:02}", group_digits(abs / 100, group), abs % 100)
    }
}

fn group_digits(n: u64, sep: char) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.plain())
    }
}

/// Sums and differences of amounts. An overflow of 64-bit tiyn (about 92 trillion tenge) is a
/// bug, never a real amount: it stops the program rather than wrapping into a wrong number.
impl std::ops::Add for Money {
    type Output = Money;
    fn add(self, other: Money) -> Money {
        match self.checked_add(other) {
            Some(m) => m,
            None => panic!("money overflow: {self} + {other}"),
        }
    }
}

impl std::ops::Sub for Money {
    type Output = Money;
    fn sub(self, other: Money) -> Money {
        match self.checked_sub(other) {
            Some(m) => m,
            None => panic!("money overflow: {self} - {other}"),
        }
    }
}

impl std::ops::Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        match self.0.checked_neg() {
            Some(t) => Money(t),
            None => panic!("money overflow: -({self})"),
        }
    }
}

impl std::ops::AddAssign for Money {
    fn add_assign(&mut self, other: Money) {
        *self = *self + other;
    }
}

impl std::ops::SubAssign for Money {
    fn sub_assign(&mut self, other: Money) {
        *self = *self - other;
    }
}

impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, |a, b| a + b)
    }
}

/// The interface languages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    Ru,
    #[default]
    En,
}

impl Lang {
    /// From `--lang`/`REFDESK_LANG` or a locale such as `ru_RU.UTF-8`.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let t = tag.trim().to_ascii_lowercase();
        if t.starts_with("ru") {
            Some(Lang::Ru)
        } else if t.starts_with("en") || t == "c" || t == "posix" || t.starts_with("c.") {
            Some(Lang::En)
        } else {
            None
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }
}

/// Machine form in serialised output: a plain decimal string (`"25000.00"`).
impl serde::Serialize for Money {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.plain())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    #[test]
    fn parses_contract_forms() {
        assert_eq!(Money::parse_kzt("75000"), Ok(Money::kzt(75000)));
        assert_eq!(Money::parse_kzt("75000.5"), Ok(Money::from_tiyn(7_500_050)));
        assert_eq!(Money::parse_kzt("0.01"), Ok(Money::from_tiyn(1)));
        assert_eq!(Money::parse_kzt("1e5"), Err(MoneyError::Float));
        assert_eq!(Money::parse_kzt("1.234"), Err(MoneyError::TooManyDecimals));
        assert_eq!(Money::parse_kzt("-5"), Err(MoneyError::Negative));
        assert_eq!(Money::parse_kzt("abc"), Err(MoneyError::NotANumber));
        assert_eq!(Money::parse_kzt("1."), Err(MoneyError::NotANumber));
        assert_eq!(Money::parse_kzt("99999999999999999999"), Err(MoneyError::Overflow));
    }

    #[test]
    fn rounds_half_away_from_zero_once() {
        assert_eq!(Money::from_tiyn(2).apply_rate(dec!(0.25)), Some(Money::from_tiyn(1)));
        assert_eq!(Money::from_tiyn(6).apply_rate(dec!(0.25)), Some(Money::from_tiyn(2)));
        assert_eq!(Money::from_tiyn(-6).apply_rate(dec!(0.25)), Some(Money::from_tiyn(-2)));
        assert_eq!(Money::from_tiyn(5).apply_rate(dec!(0.25)), Some(Money::from_tiyn(1)));
        assert_eq!(Money::kzt(100_000).apply_rate(dec!(0.25)), Some(Money::kzt(25_000)));
        assert_eq!(Money::kzt(75_000).apply_rate(dec!(0.25)), Some(Money::kzt(18_750)));
        assert_eq!(Money::from_tiyn(1).proportion(Money::from_tiyn(1), Money::from_tiyn(2)), Some(Money::from_tiyn(1)));
        assert_eq!(Money::from_tiyn(3).proportion(Money::from_tiyn(1), Money::from_tiyn(3)), Some(Money::from_tiyn(1)));
        assert_eq!(
            Money::from_tiyn(10).proportion(Money::from_tiyn(1), Money::from_tiyn(4)),
            Some(Money::from_tiyn(3))
        );
    }

    #[test]
    fn formats_per_language() {
        let m = Money::kzt(25_000);
        assert_eq!(m.plain(), "25000.00");
        assert_eq!(m.display(Lang::Ru), "25\u{a0}000,00\u{a0}₸");
        assert_eq!(m.display(Lang::En), "25,000.00 KZT");
        assert_eq!(Money::from_tiyn(-2_500_000).display(Lang::En), "−25,000.00 KZT");
        assert_eq!(Money::from_tiyn(-5).plain(), "-0.05");
        assert_eq!(Money::kzt(1_234_567).display_bare(Lang::En), "1,234,567.00");
    }

    proptest! {
        #[test]
        fn plain_round_trips(t in 0i64..10_000_000_000_000) {
            prop_assert_eq!(Money::parse_kzt(&Money::from_tiyn(t).plain()), Ok(Money::from_tiyn(t)));
        }

        #[test]
        fn proportion_of_the_whole_is_exact(b in 0i64..1_000_000_000, p in 1i64..1_000_000_000) {
            prop_assert_eq!(Money::from_tiyn(b).proportion(Money::from_tiyn(p), Money::from_tiyn(p)), Some(Money::from_tiyn(b)));
        }

        #[test]
        fn proportion_is_monotonic(b in 0i64..100_000_000, p in 1i64..100_000_000, x in 0i64..100_000_000, y in 0i64..100_000_000) {
            let (lo, hi) = (x.min(y) % (p + 1), x.max(y) % (p + 1));
            let (lo, hi) = (lo.min(hi), lo.max(hi));
            let a = Money::from_tiyn(b).proportion(Money::from_tiyn(lo), Money::from_tiyn(p)).unwrap();
            let c = Money::from_tiyn(b).proportion(Money::from_tiyn(hi), Money::from_tiyn(p)).unwrap();
            prop_assert!(a <= c && c.tiyn() <= b);
        }
    }
}
