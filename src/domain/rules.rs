//! The program's rules as pure functions: eligibility of a payment, and the bonus it books and
//! when it is released. The bonus's life after booking is in [`super::bonus`].
use super::money::Money;
use super::terms::{BonusBase, Terms};
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

/// How much of a payment has been refunded: the mark shown beside its paid amount wherever a
/// payment is shown, so that a refunded payment never passes for a paid one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RefundMark {
    None,
    Partly,
    Fully,
}

impl RefundMark {
    pub fn of(paid: Money, refunded: Money) -> RefundMark {
        if refunded <= Money::ZERO {
            RefundMark::None
        } else if refunded >= paid {
            RefundMark::Fully
        } else {
            RefundMark::Partly
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RefundMark::None => "none",
            RefundMark::Partly => "partly",
            RefundMark::Fully => "fully",
        }
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
    fn a_refund_is_marked_by_how_much_came_back() {
        let paid = Money::kzt(75_000);
        assert_eq!(RefundMark::of(paid, Money::ZERO), RefundMark::None);
        assert_eq!(RefundMark::of(paid, Money::from_tiyn(1)), RefundMark::Partly);
        assert_eq!(RefundMark::of(paid, paid), RefundMark::Fully);
        assert_eq!(RefundMark::of(Money::ZERO, Money::ZERO).as_str(), "none");
    }
}
