//! The program's rules as pure functions: eligibility of a payment, the bonus it books, when it
//! is released, what a refund takes back, and the state a bonus shows.
use super::money::Money;
use super::terms::{Approval, BonusBase, Terms};
use chrono::{DateTime, Duration, Utc};
use rust_decimal::Decimal;

/// Why a payment that carries a promo code earns nothing (RULES.md, in the order checked).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    UnknownCode,
    CodeInactive,
    SelfReferral,
    PromotionNotCombinable,
    ExistingClient,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::UnknownCode => "unknown_code",
            Reason::CodeInactive => "code_inactive",
            Reason::SelfReferral => "self_referral",
            Reason::PromotionNotCombinable => "promotion_not_combinable",
            Reason::ExistingClient => "existing_client",
        }
    }

    pub fn parse(s: &str) -> Option<Reason> {
        [
            Reason::UnknownCode,
            Reason::CodeInactive,
            Reason::SelfReferral,
            Reason::PromotionNotCombinable,
            Reason::ExistingClient,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }
}

/// What is known of a person for the self-referral check: normalised identity fields.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Identity {
    pub account_id: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub iin: Option<String>,
}

impl Identity {
    /// The identity fields the two share (never empty when they are the same account).
    pub fn shared_with(&self, other: &Identity) -> Vec<&'static str> {
        let mut shared = Vec::new();
        if self.account_id == other.account_id {
            shared.push("account");
        }
        let same = |a: &Option<String>, b: &Option<String>| matches!((a, b), (Some(x), Some(y)) if x == y);
        if same(&self.email, &other.email) {
            shared.push("email");
        }
        if same(&self.phone, &other.phone) {
            shared.push("phone");
        }
        if same(&self.iin, &other.iin) {
            shared.push("iin");
        }
        shared
    }
}

/// The facts eligibility is judged on, gathered at import.
#[derive(Clone, Debug)]
pub struct PaymentFacts<'a> {
    /// The code's state, when the code exists.
    pub code: Option<CodeFacts<'a>>,
    pub client: &'a Identity,
    pub promotion: bool,
    /// The client already has a confirmed payment.
    pub earlier_payment: bool,
    /// When the client's account registered (as a client or as a partner).
    pub registered_at: Option<DateTime<Utc>>,
    pub paid_at: DateTime<Utc>,
}

#[derive(Clone, Debug)]
pub struct CodeFacts<'a> {
    pub active: bool,
    pub partner_excluded: bool,
    pub partner: &'a Identity,
}

/// The first rule that fails, or `Ok` when the payment earns a bonus. For a self-referral the
/// shared identity fields come back as evidence.
pub fn judge(f: &PaymentFacts<'_>, terms: &Terms) -> Result<(), (Reason, Vec<&'static str>)> {
    let Some(code) = &f.code else {
        return Err((Reason::UnknownCode, vec![]));
    };
    if !code.active || code.partner_excluded {
        return Err((Reason::CodeInactive, vec![]));
    }
    let shared = f.client.shared_with(code.partner);
    if !shared.is_empty() {
        return Err((Reason::SelfReferral, shared));
    }
    if f.promotion {
        return Err((Reason::PromotionNotCombinable, vec![]));
    }
    if f.earlier_payment {
        return Err((Reason::ExistingClient, vec![]));
    }
    if let Some(reg) = f.registered_at {
        let window = Duration::days(i64::from(terms.new_client_window_days));
        if f.paid_at - reg > window {
            return Err((Reason::ExistingClient, vec![]));
        }
    }
    Ok(())
}

/// The terms a bonus is booked on, stored with it.
#[derive(Clone, Debug, PartialEq)]
pub struct BonusTerms {
    pub rate: Decimal,
    pub campaign: Option<String>,
    pub base_kind: BonusBase,
    pub base_amount: Money,
    pub amount: Money,
    pub hold_days: u32,
    pub release_at: DateTime<Utc>,
}

/// The bonus a qualifying payment books: the highest applicable rate at the payment's time,
/// on the configured base, rounded once.
pub fn book(terms: &Terms, code: &str, list_price: Money, paid: Money, paid_at: DateTime<Utc>) -> Option<BonusTerms> {
    let local_day = terms.local(paid_at).date_naive();
    let mut rate = terms.partner_bonus_rate;
    let mut campaign = None;
    for c in &terms.campaigns {
        let applies =
            c.from <= local_day && local_day <= c.to && (c.partners.is_empty() || c.partners.iter().any(|p| p == code));
        if applies && c.rate > rate {
            rate = c.rate;
            campaign = Some(c.name.clone());
        }
    }
    let base_amount = match terms.bonus_base {
        BonusBase::ListPrice => list_price,
        BonusBase::PaidAmount => paid,
    };
    Some(BonusTerms {
        amount: base_amount.apply_rate(rate)?,
        rate,
        campaign,
        base_kind: terms.bonus_base,
        base_amount,
        hold_days: terms.hold_days,
        release_at: terms.add_days(paid_at, terms.hold_days),
    })
}

/// How much of a bonus the cumulative refund takes back in total.
pub fn refund_reduction(booked: Money, refunded_total: Money, paid: Money) -> Money {
    if paid.is_zero() || refunded_total >= paid {
        return booked;
    }
    booked.proportion(refunded_total, paid).unwrap_or(booked)
}

/// The stored lifecycle state of a bonus; `due` and `frozen` are read from it with the clock and
/// the partner's open cases (see [`shown_state`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stored {
    Held,
    Available,
    Paid,
    Voided,
}

impl Stored {
    pub fn as_str(self) -> &'static str {
        match self {
            Stored::Held => "held",
            Stored::Available => "available",
            Stored::Paid => "paid",
            Stored::Voided => "voided",
        }
    }

    pub fn parse(s: &str) -> Option<Stored> {
        match s {
            "held" => Some(Stored::Held),
            "available" => Some(Stored::Available),
            "paid" => Some(Stored::Paid),
            "voided" => Some(Stored::Voided),
            _ => None,
        }
    }
}

/// The state an operator sees; each bonus is in exactly one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum State {
    Held,
    Due,
    Frozen,
    Available,
    Paid,
    Voided,
}

impl serde::Serialize for State {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl State {
    pub const ALL: [State; 6] = [State::Held, State::Due, State::Frozen, State::Available, State::Paid, State::Voided];

    pub fn as_str(self) -> &'static str {
        match self {
            State::Held => "held",
            State::Due => "due",
            State::Frozen => "frozen",
            State::Available => "available",
            State::Paid => "paid",
            State::Voided => "voided",
        }
    }

    pub fn parse(s: &str) -> Option<State> {
        State::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// What a stored bonus shows at `now`: an open fraud case freezes every unpaid bonus; a held one
/// whose hold has ended is due (with manual approval).
pub fn shown_state(
    stored: Stored,
    release_at: DateTime<Utc>,
    now: DateTime<Utc>,
    frozen: bool,
    approval: Approval,
) -> State {
    match stored {
        Stored::Voided => State::Voided,
        Stored::Paid => State::Paid,
        _ if frozen => State::Frozen,
        Stored::Available => State::Available,
        Stored::Held if now >= release_at => match approval {
            Approval::Manual => State::Due,
            // Auto-approval books the release at the next sweep; it already counts as available.
            Approval::Auto => State::Available,
        },
        Stored::Held => State::Held,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).map(|d| d.with_timezone(&Utc)).unwrap_or_default()
    }

    fn who(id: &str, phone: Option<&str>) -> Identity {
        Identity { account_id: id.into(), phone: phone.map(String::from), ..Default::default() }
    }

    #[test]
    fn example_one_books_25000_released_after_14_local_days() {
        let terms = Terms::defaults();
        let b =
            book(&terms, "ASEL25", Money::kzt(100_000), Money::kzt(75_000), t("2026-10-05T10:00:00+05:00")).unwrap();
        assert_eq!(b.amount, Money::kzt(25_000));
        assert_eq!(b.release_at, t("2026-10-19T10:00:00+05:00"));
    }

    #[test]
    fn rules_are_checked_in_order() {
        let terms = Terms::defaults();
        let asel = who("a", Some("77050000000"));
        let client = who("c", Some("77050000000"));
        let at = t("2026-10-05T10:00:00+05:00");
        let mut f = PaymentFacts {
            code: Some(CodeFacts { active: false, partner_excluded: false, partner: &asel }),
            client: &client,
            promotion: true,
            earlier_payment: true,
            registered_at: None,
            paid_at: at,
        };
        assert_eq!(judge(&f, &terms).map_err(|e| e.0), Err(Reason::CodeInactive));
        f.code = Some(CodeFacts { active: true, partner_excluded: false, partner: &asel });
        assert_eq!(judge(&f, &terms), Err((Reason::SelfReferral, vec!["phone"])));
        let other = who("c", None);
        f.client = &other;
        assert_eq!(judge(&f, &terms).map_err(|e| e.0), Err(Reason::PromotionNotCombinable));
        f.promotion = false;
        assert_eq!(judge(&f, &terms).map_err(|e| e.0), Err(Reason::ExistingClient));
        f.earlier_payment = false;
        f.registered_at = Some(at - Duration::days(30));
        assert_eq!(judge(&f, &terms), Ok(()));
        f.registered_at = Some(at - Duration::days(30) - Duration::seconds(1));
        assert_eq!(judge(&f, &terms).map_err(|e| e.0), Err(Reason::ExistingClient));
        f.code = None;
        assert_eq!(judge(&f, &terms).map_err(|e| e.0), Err(Reason::UnknownCode));
    }

    #[test]
    fn partial_refunds_add_up_to_exactly_the_bonus() {
        let booked = Money::from_tiyn(2_500_001);
        let paid = Money::from_tiyn(7_500_000);
        let r1 = refund_reduction(booked, Money::from_tiyn(2_500_000), paid);
        let r2 = refund_reduction(booked, Money::from_tiyn(5_000_000), paid);
        let r3 = refund_reduction(booked, paid, paid);
        assert_eq!((r1.tiyn(), r2.tiyn(), r3.tiyn()), (833_334, 1_666_667, 2_500_001));
    }

    #[test]
    fn shown_states() {
        let now = t("2026-10-20T00:00:00Z");
        let past = now - Duration::days(1);
        assert_eq!(shown_state(Stored::Held, past, now, false, Approval::Manual), State::Due);
        assert_eq!(shown_state(Stored::Held, now + Duration::days(1), now, false, Approval::Manual), State::Held);
        assert_eq!(shown_state(Stored::Held, past, now, true, Approval::Manual), State::Frozen);
        assert_eq!(shown_state(Stored::Paid, past, now, true, Approval::Manual), State::Paid);
        assert_eq!(shown_state(Stored::Held, past, now, false, Approval::Auto), State::Available);
    }
}
