//! The ledger's vocabulary: what an entry records (its kind), which of a partner's buckets it
//! moves (held or available), and the posting that one module writes. Entries are append-only;
//! a correction is a new entry that references what it corrects.
use super::money::Money;
use chrono::{DateTime, Utc};

/// Why an entry was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EntryKind {
    /// A bonus booked, into `held`.
    Accrual,
    /// An approved bonus moved from `held` to `available` (two entries).
    Release,
    /// A bonus, or the part a partial refund took back, cancelled before it was paid.
    Void,
    /// A paid bonus taken back after a refund; the balance may go negative.
    Clawback,
    /// A payout run's line paid: its amount leaves available (bonuses less clawbacks netted).
    Payout,
}

impl EntryKind {
    pub const ALL: [EntryKind; 5] =
        [EntryKind::Accrual, EntryKind::Release, EntryKind::Void, EntryKind::Clawback, EntryKind::Payout];

    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Accrual => "accrual",
            EntryKind::Release => "release",
            EntryKind::Void => "void",
            EntryKind::Clawback => "clawback",
            EntryKind::Payout => "payout",
        }
    }

    pub fn parse(s: &str) -> Option<EntryKind> {
        EntryKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A partner's two buckets: money earned but not yet approved, and money owed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Bucket {
    Held,
    Available,
}

impl Bucket {
    pub fn as_str(self) -> &'static str {
        match self {
            Bucket::Held => "held",
            Bucket::Available => "available",
        }
    }

    pub fn parse(s: &str) -> Option<Bucket> {
        [Bucket::Held, Bucket::Available].into_iter().find(|b| b.as_str() == s)
    }
}

/// Who records entries, and when: `at` is when the money moved in the program's terms (a
/// payment's time, a hold's end), `recorded_at` when refdesk wrote it.
#[derive(Clone, Debug, PartialEq)]
pub struct Stamp {
    pub at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    pub operator: String,
}

/// One ledger entry to write.
#[derive(Clone, Debug, PartialEq)]
pub struct Posting {
    /// The partner's account id.
    pub partner_id: String,
    pub bonus_id: Option<i64>,
    pub kind: EntryKind,
    pub bucket: Bucket,
    pub amount: Money,
    pub stamp: Stamp,
    pub reason: Option<String>,
    /// What it came from: the payment of an accrual, the refund event of a void or clawback.
    pub reference: Option<String>,
}

impl Posting {
    /// A bonus booked on a payment: `+amount` into held.
    pub fn accrual(partner_id: &str, bonus_id: i64, amount: Money, stamp: Stamp, payment_id: &str) -> Posting {
        Posting {
            partner_id: partner_id.to_string(),
            bonus_id: Some(bonus_id),
            kind: EntryKind::Accrual,
            bucket: Bucket::Held,
            amount,
            stamp,
            reason: None,
            reference: Some(payment_id.to_string()),
        }
    }

    /// An approval: `value` leaves held and enters available.
    pub fn release(partner_id: &str, bonus_id: i64, value: Money, stamp: Stamp) -> [Posting; 2] {
        let leg = |bucket, amount| Posting {
            partner_id: partner_id.to_string(),
            bonus_id: Some(bonus_id),
            kind: EntryKind::Release,
            bucket,
            amount,
            stamp: stamp.clone(),
            reason: None,
            reference: None,
        };
        [leg(Bucket::Held, -value), leg(Bucket::Available, value)]
    }

    /// `amount` of a bonus taken out of its bucket (a void, or a partial refund's reduction).
    pub fn void(
        partner_id: &str,
        bonus_id: i64,
        bucket: Bucket,
        amount: Money,
        stamp: Stamp,
        reason: &str,
        reference: Option<&str>,
    ) -> Posting {
        Posting {
            partner_id: partner_id.to_string(),
            bonus_id: Some(bonus_id),
            kind: EntryKind::Void,
            bucket,
            amount: -amount,
            stamp,
            reason: Some(reason.to_string()),
            reference: reference.map(String::from),
        }
    }

    /// `amount` of a paid bonus taken back from available.
    pub fn clawback(
        partner_id: &str,
        bonus_id: i64,
        amount: Money,
        stamp: Stamp,
        reason: &str,
        reference: &str,
    ) -> Posting {
        Posting {
            partner_id: partner_id.to_string(),
            bonus_id: Some(bonus_id),
            kind: EntryKind::Clawback,
            bucket: Bucket::Available,
            amount: -amount,
            stamp,
            reason: Some(reason.to_string()),
            reference: Some(reference.to_string()),
        }
    }

    /// A payout run's line paid: `amount` (its bonuses less the clawbacks it recovers) leaves
    /// available; `reference` names the run.
    pub fn payout(partner_id: &str, amount: Money, stamp: Stamp, reference: &str) -> Posting {
        Posting {
            partner_id: partner_id.to_string(),
            bonus_id: None,
            kind: EntryKind::Payout,
            bucket: Bucket::Available,
            amount: -amount,
            stamp,
            reason: None,
            reference: Some(reference.to_string()),
        }
    }
}
