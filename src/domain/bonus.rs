//! The bonus lifecycle (RULES.md "Bonus"), owned here: the state a bonus is stored in, the state
//! an operator sees, its value, what a refund does to it, and whether it may be approved or
//! voided now. The store reads and writes these; nothing else spells them out.
use super::ledger::Bucket;
use super::money::Money;
use super::terms::Approval;
use chrono::{DateTime, FixedOffset, Utc};

/// The state a bonus is stored in. `due` and `frozen` are not stored: they are read from it
/// with the clock and the partner's open cases ([`ShownBonusState::of`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StoredBonusState {
    Held,
    Available,
    Paid,
    Voided,
}

impl StoredBonusState {
    pub const ALL: [StoredBonusState; 4] =
        [StoredBonusState::Held, StoredBonusState::Available, StoredBonusState::Paid, StoredBonusState::Voided];

    pub fn as_str(self) -> &'static str {
        match self {
            StoredBonusState::Held => "held",
            StoredBonusState::Available => "available",
            StoredBonusState::Paid => "paid",
            StoredBonusState::Voided => "voided",
        }
    }

    pub fn parse(s: &str) -> Option<StoredBonusState> {
        StoredBonusState::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The ledger bucket an unpaid bonus sits in.
    pub fn bucket(self) -> Option<Bucket> {
        match self {
            StoredBonusState::Held => Some(Bucket::Held),
            StoredBonusState::Available => Some(Bucket::Available),
            StoredBonusState::Paid | StoredBonusState::Voided => None,
        }
    }
}

/// The state an operator sees; each bonus is in exactly one at any moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ShownBonusState {
    Held,
    Due,
    Frozen,
    Available,
    Paid,
    Voided,
}

impl serde::Serialize for ShownBonusState {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl ShownBonusState {
    pub const ALL: [ShownBonusState; 6] = [
        ShownBonusState::Held,
        ShownBonusState::Due,
        ShownBonusState::Frozen,
        ShownBonusState::Available,
        ShownBonusState::Paid,
        ShownBonusState::Voided,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ShownBonusState::Held => "held",
            ShownBonusState::Due => "due",
            ShownBonusState::Frozen => "frozen",
            ShownBonusState::Available => "available",
            ShownBonusState::Paid => "paid",
            ShownBonusState::Voided => "voided",
        }
    }

    pub fn parse(s: &str) -> Option<ShownBonusState> {
        ShownBonusState::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// What a bonus stored as `stored` shows: an open fraud case on its partner freezes every
    /// unpaid bonus; a held one whose hold has ended (`released`) is due with manual approval,
    /// and already counts as available with automatic approval (the next sweep books it).
    pub fn of(stored: StoredBonusState, released: bool, frozen: bool, approval: Approval) -> ShownBonusState {
        match stored {
            StoredBonusState::Voided => ShownBonusState::Voided,
            StoredBonusState::Paid => ShownBonusState::Paid,
            _ if frozen => ShownBonusState::Frozen,
            StoredBonusState::Available => ShownBonusState::Available,
            StoredBonusState::Held if released => match approval {
                Approval::Manual => ShownBonusState::Due,
                Approval::Auto => ShownBonusState::Available,
            },
            StoredBonusState::Held => ShownBonusState::Held,
        }
    }
}

/// The fewest characters (after trimming) a void's reason may have: a few words, so that the
/// audit log says why, not "x".
pub const VOID_REASON_MIN: usize = 10;

/// Whether `reason` says enough to void a bonus for it.
pub fn void_reason_enough(reason: &str) -> bool {
    reason.trim().chars().count() >= VOID_REASON_MIN
}

/// Who made a change to a bonus, and when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub by: String,
    pub at: DateTime<Utc>,
}

/// A bonus as its lifecycle sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bonus {
    pub id: i64,
    pub state: StoredBonusState,
    pub booked: Money,
    /// What partial refunds took back while it was unpaid.
    pub reduced: Money,
    /// What refunds took back once it was paid.
    pub clawed: Money,
    pub release_at: DateTime<Utc>,
    pub approved: Option<Change>,
    pub voided: Option<(Change, String)>,
}

/// What a refund does to a bonus. Amounts are positive: what leaves the partner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefundEffect {
    /// Nothing more to take back (already voided, or this refund's share rounds to nothing).
    Nothing,
    /// The whole payment was refunded before payout: what is left of the bonus is voided.
    Void { bucket: Bucket, amount: Money },
    /// A partial refund before payout: the bonus is reduced in proportion.
    Reduce { bucket: Bucket, amount: Money },
    /// A refund after payout: the share is clawed back; the balance may go negative.
    Clawback { amount: Money },
}

/// Why a bonus cannot be approved or voided now: facts, said in each language by the caller.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("there is no bonus {0}")]
    NoSuchBonus(i64),
    #[error("bonus {id} was already approved by {by} at {}", at.format("%Y-%m-%d %H:%M"))]
    Approved { id: i64, by: String, at: DateTime<FixedOffset> },
    #[error("bonus {id} was voided by {by} at {}: {reason}", at.format("%Y-%m-%d %H:%M"))]
    Voided { id: i64, by: String, at: DateTime<FixedOffset>, reason: String },
    #[error("bonus {0} is already paid")]
    Paid(i64),
    #[error("bonus {0} is frozen: a fraud case is open on its partner")]
    Frozen(i64),
    #[error("bonus {id} is not due yet: its hold ends at {}", at.format("%Y-%m-%d %H:%M"))]
    NotDue { id: i64, at: DateTime<FixedOffset> },
    #[error("another operator changed these bonuses a moment ago; nothing was changed, look again")]
    Changed,
    #[error("approval is automatic in this program (approval = \"auto\")")]
    AutoApproval,
}

impl Bonus {
    /// What the bonus is worth now: booked, less what partial refunds took back.
    pub fn value(&self) -> Money {
        self.booked - self.reduced
    }

    /// What the partner keeps of it now: nothing once voided; else its value less what was
    /// clawed back after payout.
    pub fn kept(&self) -> Money {
        match self.state {
            StoredBonusState::Voided => Money::ZERO,
            _ => self.value() - self.clawed,
        }
    }

    pub fn released(&self, now: DateTime<Utc>) -> bool {
        now >= self.release_at
    }

    pub fn shown(&self, now: DateTime<Utc>, frozen: bool, approval: Approval) -> ShownBonusState {
        ShownBonusState::of(self.state, self.released(now), frozen, approval)
    }

    /// What a refund does, given the payment's cumulative refunds: the bonus's share of them,
    /// computed on the total and rounded once, less what was already taken back, so that
    /// refunds adding up to the whole payment leave exactly zero. A bonus paid, or `sent` (in a
    /// payout run already exported: the money is on its way), is clawed back; one not yet sent
    /// is voided or reduced.
    pub fn refund(&self, refunded_total: Money, paid: Money, sent: bool) -> RefundEffect {
        let take_back = refund_reduction(self.booked, refunded_total, paid);
        let more = take_back - self.reduced - self.clawed;
        let settled = self.state == StoredBonusState::Paid || (sent && self.state == StoredBonusState::Available);
        match self.state.bucket() {
            _ if settled && more > Money::ZERO => RefundEffect::Clawback { amount: more },
            _ if settled => RefundEffect::Nothing,
            Some(bucket) if refunded_total >= paid => RefundEffect::Void { bucket, amount: self.value() },
            Some(bucket) if more > Money::ZERO => RefundEffect::Reduce { bucket, amount: more },
            _ => RefundEffect::Nothing,
        }
    }

    /// The bonus after the effect: voided (by `change`, for `reason`), reduced or clawed back.
    pub fn apply(&mut self, effect: RefundEffect, change: Change, reason: &str) {
        match effect {
            RefundEffect::Nothing => {}
            RefundEffect::Void { .. } => {
                self.state = StoredBonusState::Voided;
                self.voided = Some((change, reason.to_string()));
            }
            RefundEffect::Reduce { amount, .. } => self.reduced += amount,
            RefundEffect::Clawback { amount } => self.clawed += amount,
        }
    }

    /// Whether an operator may approve it now (`tz` dates the refusal for people).
    pub fn approvable(&self, now: DateTime<Utc>, frozen: bool, tz: FixedOffset) -> Result<(), Refusal> {
        match self.state {
            StoredBonusState::Held if frozen => Err(Refusal::Frozen(self.id)),
            StoredBonusState::Held if !self.released(now) => {
                Err(Refusal::NotDue { id: self.id, at: self.release_at.with_timezone(&tz) })
            }
            StoredBonusState::Held => Ok(()),
            _ => Err(self.settled(tz)),
        }
    }

    /// Whether it may be voided now, and from which bucket.
    pub fn voidable(&self, tz: FixedOffset) -> Result<Bucket, Refusal> {
        self.state.bucket().ok_or_else(|| self.settled(tz))
    }

    /// The refusal for a bonus that is no longer held: who approved or voided it, or that it is
    /// paid.
    fn settled(&self, tz: FixedOffset) -> Refusal {
        let local = |c: &Change| c.at.with_timezone(&tz);
        match (self.state, &self.approved, &self.voided) {
            (StoredBonusState::Voided, _, Some((c, reason))) => {
                Refusal::Voided { id: self.id, by: c.by.clone(), at: local(c), reason: reason.clone() }
            }
            (StoredBonusState::Paid, _, _) => Refusal::Paid(self.id),
            (_, Some(c), _) => Refusal::Approved { id: self.id, by: c.by.clone(), at: local(c) },
            // A voided or available bonus always records who changed it; without that record
            // the facts are still these.
            (StoredBonusState::Voided, _, None) => Refusal::Voided {
                id: self.id,
                by: String::new(),
                at: self.release_at.with_timezone(&tz),
                reason: String::new(),
            },
            _ => Refusal::Approved { id: self.id, by: String::new(), at: self.release_at.with_timezone(&tz) },
        }
    }
}

/// How much of a bonus the cumulative refund takes back in total.
pub fn refund_reduction(booked: Money, refunded_total: Money, paid: Money) -> Money {
    if paid.is_zero() || refunded_total >= paid {
        return booked;
    }
    booked.proportion(refunded_total, paid).unwrap_or(booked)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;
    use proptest::prelude::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).map(|d| d.with_timezone(&Utc)).unwrap_or_default()
    }

    fn held(booked: i64) -> Bonus {
        Bonus {
            id: 1,
            state: StoredBonusState::Held,
            booked: Money::from_tiyn(booked),
            reduced: Money::ZERO,
            clawed: Money::ZERO,
            release_at: t("2026-10-19T05:00:00Z"),
            approved: None,
            voided: None,
        }
    }

    #[test]
    fn shown_states() {
        use ShownBonusState as S;
        use StoredBonusState as St;
        assert_eq!(S::of(St::Held, true, false, Approval::Manual), S::Due);
        assert_eq!(S::of(St::Held, false, false, Approval::Manual), S::Held);
        assert_eq!(S::of(St::Held, true, true, Approval::Manual), S::Frozen);
        assert_eq!(S::of(St::Available, false, true, Approval::Manual), S::Frozen);
        assert_eq!(S::of(St::Paid, true, true, Approval::Manual), S::Paid);
        assert_eq!(S::of(St::Voided, true, true, Approval::Manual), S::Voided);
        assert_eq!(S::of(St::Held, true, false, Approval::Auto), S::Available);
        let b = held(100);
        assert_eq!(b.shown(b.release_at - Duration::seconds(1), false, Approval::Manual), S::Held);
        assert_eq!(b.shown(b.release_at, false, Approval::Manual), S::Due);
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
    fn refunds_void_reduce_or_claw_back() {
        let paid = Money::kzt(75_000);
        let mut b = held(2_500_000);
        let third = b.refund(Money::kzt(25_000), paid, false);
        assert_eq!(third, RefundEffect::Reduce { bucket: Bucket::Held, amount: Money::from_tiyn(833_333) });
        let change = Change { by: "import".into(), at: b.release_at };
        b.apply(third, change.clone(), "refund");
        assert_eq!(b.value(), Money::from_tiyn(1_666_667));
        let rest = b.refund(paid, paid, false);
        assert_eq!(rest, RefundEffect::Void { bucket: Bucket::Held, amount: Money::from_tiyn(1_666_667) });
        b.apply(rest, change.clone(), "refund");
        assert_eq!(b.state, StoredBonusState::Voided);
        assert_eq!(b.kept(), Money::ZERO);
        assert_eq!(b.refund(paid, paid, false), RefundEffect::Nothing);

        let mut p = held(2_500_000);
        p.state = StoredBonusState::Paid;
        let half = p.refund(Money::kzt(37_500), paid, false);
        assert_eq!(half, RefundEffect::Clawback { amount: Money::kzt(12_500) });
        p.apply(half, change, "refund");
        assert_eq!(p.kept(), Money::kzt(12_500));
        assert_eq!(p.refund(paid, paid, false), RefundEffect::Clawback { amount: Money::kzt(12_500) });

        // Available and in an exported run (sent): clawed back like a paid one, never voided.
        let mut s = held(2_500_000);
        s.state = StoredBonusState::Available;
        assert_eq!(s.refund(paid, paid, true), RefundEffect::Clawback { amount: Money::kzt(25_000) });
        assert_eq!(
            s.refund(paid, paid, false),
            RefundEffect::Void { bucket: Bucket::Available, amount: Money::kzt(25_000) }
        );
        let part = s.refund(Money::kzt(25_000), paid, true);
        assert_eq!(part, RefundEffect::Clawback { amount: Money::from_tiyn(833_333) });
        s.apply(part, Change { by: "import".into(), at: s.release_at }, "refund");
        assert_eq!((s.state, s.value()), (StoredBonusState::Available, Money::kzt(25_000)), "the run pays it whole");
    }

    #[test]
    fn approval_and_void_refusals_name_who_and_when() {
        let tz = FixedOffset::east_opt(5 * 3600).unwrap();
        let mut b = held(100);
        let before = b.release_at - Duration::hours(1);
        assert_eq!(
            b.approvable(before, false, tz).unwrap_err().to_string(),
            "bonus 1 is not due yet: its hold ends at 2026-10-19 10:00"
        );
        assert_eq!(b.approvable(b.release_at, true, tz), Err(Refusal::Frozen(1)));
        assert_eq!(b.approvable(b.release_at, false, tz), Ok(()));
        b.state = StoredBonusState::Available;
        b.approved = Some(Change { by: "bolat".into(), at: t("2026-10-20T04:00:00Z") });
        assert_eq!(
            b.approvable(b.release_at, false, tz).unwrap_err().to_string(),
            "bonus 1 was already approved by bolat at 2026-10-20 09:00"
        );
        assert_eq!(b.voidable(tz), Ok(Bucket::Available));
        b.state = StoredBonusState::Voided;
        b.voided = Some((Change { by: "aigerim".into(), at: t("2026-10-21T04:00:00Z") }, "dispute".into()));
        assert_eq!(
            b.voidable(tz).unwrap_err().to_string(),
            "bonus 1 was voided by aigerim at 2026-10-21 09:00: dispute"
        );
        b.state = StoredBonusState::Paid;
        assert_eq!(b.voidable(tz), Err(Refusal::Paid(1)));
    }

    proptest! {
        /// Whatever the refunds, a bonus never loses more than it was booked, and a refund of the
        /// whole payment leaves nothing of an unpaid bonus.
        #[test]
        fn refunds_never_take_more_than_booked(booked in 0i64..10_000_000, paid in 1i64..100_000_000, cuts in proptest::collection::vec(1i64..100_000_000, 1..6), pay_first in any::<bool>()) {
            let paid = Money::from_tiyn(paid);
            let mut b = held(booked);
            if pay_first { b.state = StoredBonusState::Paid; }
            let mut total = Money::ZERO;
            for c in cuts {
                total = (total + Money::from_tiyn(c)).min(paid);
                let e = b.refund(total, paid, false);
                b.apply(e, Change { by: "x".into(), at: b.release_at }, "refund");
                prop_assert!(b.reduced + b.clawed <= b.booked);
            }
            if total == paid {
                prop_assert!(b.state == StoredBonusState::Voided || b.clawed == b.booked);
            }
        }
    }
}
