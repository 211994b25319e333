//! The words for the program's values: states, statuses, sorts, ledger kinds and buckets.
use super::catalog::{K, t};
use crate::domain::Lang;
use crate::domain::bonus::ShownBonusState;
use crate::domain::rules::RefundMark;
use crate::service::bonuses::Happened;
use crate::service::partners::{Sort, Status};

pub fn state(lang: Lang, s: ShownBonusState) -> &'static str {
    t(
        lang,
        match s {
            ShownBonusState::Held => K::StateHeld,
            ShownBonusState::Due => K::StateDue,
            ShownBonusState::Frozen => K::StateFrozen,
            ShownBonusState::Available => K::StateAvailable,
            ShownBonusState::Paid => K::StatePaid,
            ShownBonusState::Voided => K::StateVoided,
        },
    )
}

pub fn status(lang: Lang, s: Status) -> &'static str {
    t(
        lang,
        match s {
            Status::Active => K::StatusActive,
            Status::CodeDeactivated => K::StatusCodeDeactivated,
            Status::Excluded => K::StatusExcluded,
        },
    )
}

/// A partner's standing with the mark of an open abuse case (its bonuses frozen), in words:
/// `active, frozen`.
pub fn standing(lang: Lang, s: Status, frozen: bool) -> String {
    if frozen { format!("{}, {}", status(lang, s), t(lang, K::FrozenMark)) } else { status(lang, s).to_string() }
}

pub fn status_filter(lang: Lang, s: Option<Status>) -> &'static str {
    s.map(|s| status(lang, s)).unwrap_or(t(lang, K::All))
}

pub fn state_filter(lang: Lang, s: Option<ShownBonusState>) -> &'static str {
    s.map(|s| state(lang, s)).unwrap_or(t(lang, K::All))
}

pub fn sort(lang: Lang, s: Sort) -> &'static str {
    t(
        lang,
        match s {
            Sort::Name => K::SortName,
            Sort::Code => K::SortCode,
            Sort::Registered => K::SortRegistered,
        },
    )
}

/// A ledger entry's kind in words; an unknown kind is shown as stored.
pub fn ledger_kind(lang: Lang, kind: &str) -> String {
    let k = match kind {
        "accrual" => K::KindAccrual,
        "release" => K::KindRelease,
        "void" => K::KindVoid,
        "clawback" => K::KindClawback,
        "payout" => K::KindPayout,
        "adjustment" => K::KindAdjustment,
        other => return other.to_string(),
    };
    t(lang, k).to_string()
}

pub fn ledger_bucket(lang: Lang, bucket: &str) -> String {
    let k = match bucket {
        "held" => K::BucketHeld,
        "available" => K::BucketAvailable,
        "paid" => K::BucketPaid,
        other => return other.to_string(),
    };
    t(lang, k).to_string()
}

pub fn payout_method(lang: Lang, method: &str) -> String {
    match method {
        "bank_transfer" => t(lang, K::MethodBankTransfer).to_string(),
        other => other.to_string(),
    }
}

/// The mark beside a paid amount: nothing, or how much of it came back.
pub fn refund_mark(lang: Lang, m: RefundMark) -> Option<&'static str> {
    match m {
        RefundMark::None => None,
        RefundMark::Partly => Some(t(lang, K::RefundPartly)),
        RefundMark::Fully => Some(t(lang, K::RefundFully)),
    }
}

/// A step of a bonus's history in words.
pub fn happened(lang: Lang, h: Happened) -> &'static str {
    t(
        lang,
        match h {
            Happened::Booked => K::HappenedBooked,
            Happened::Approved => K::HappenedApproved,
            Happened::Voided => K::HappenedVoided,
            Happened::Reduced => K::HappenedReduced,
            Happened::ClawedBack => K::HappenedClawedBack,
        },
    )
}

/// A bonus's base (`list_price`, `paid_amount`) in words; an unknown one as stored.
pub fn bonus_base(lang: Lang, base: &str) -> String {
    match base {
        "list_price" => t(lang, K::BaseListPrice).to_string(),
        "paid_amount" => t(lang, K::BasePaidAmount).to_string(),
        other => other.to_string(),
    }
}
