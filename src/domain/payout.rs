//! Payout runs (RULES.md "Payouts"): what a month's run owes each partner, why a line is held
//! back, and the content hash an approval binds to. Pure: the service loads the candidates, this
//! decides, the store writes.
use super::identity::validate_iban_kz;
use super::money::Money;
use chrono::{Datelike, NaiveDate};
use sha2::{Digest, Sha256};

/// A run's life: `draft → approved → exported → completed`; a draft or an approved run not yet
/// exported can be discarded instead (and the month prepared again).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RunState {
    Draft,
    Approved,
    Exported,
    Completed,
    Discarded,
}

impl RunState {
    pub const ALL: [RunState; 5] =
        [RunState::Draft, RunState::Approved, RunState::Exported, RunState::Completed, RunState::Discarded];

    pub fn as_str(self) -> &'static str {
        match self {
            RunState::Draft => "draft",
            RunState::Approved => "approved",
            RunState::Exported => "exported",
            RunState::Completed => "completed",
            RunState::Discarded => "discarded",
        }
    }

    pub fn parse(s: &str) -> Option<RunState> {
        RunState::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Whether the run still holds its month and its bonuses (every state but discarded).
    pub fn live(self) -> bool {
        self != RunState::Discarded
    }

    /// Live but not exported yet (draft or approved): its bonuses are its own by rule, not yet
    /// bound to it (the first export binds them).
    pub fn pending(self) -> bool {
        matches!(self, RunState::Draft | RunState::Approved)
    }
}

/// A line's standing in its run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LineStatus {
    Payable,
    HeldBack,
    Paid,
    Failed,
}

impl LineStatus {
    pub const ALL: [LineStatus; 4] = [LineStatus::Payable, LineStatus::HeldBack, LineStatus::Paid, LineStatus::Failed];

    pub fn as_str(self) -> &'static str {
        match self {
            LineStatus::Payable => "payable",
            LineStatus::HeldBack => "held_back",
            LineStatus::Paid => "paid",
            LineStatus::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<LineStatus> {
        LineStatus::ALL.into_iter().find(|l| l.as_str() == s)
    }
}

/// Why a partner's money stays in the balance this month, most fundamental first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HoldBack {
    Excluded,
    OpenCase,
    NoContract,
    NoBankAccount,
    NetNotPositive,
    BelowMinimum,
}

impl HoldBack {
    pub const ALL: [HoldBack; 6] = [
        HoldBack::Excluded,
        HoldBack::OpenCase,
        HoldBack::NoContract,
        HoldBack::NoBankAccount,
        HoldBack::NetNotPositive,
        HoldBack::BelowMinimum,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            HoldBack::Excluded => "excluded",
            HoldBack::OpenCase => "open_case",
            HoldBack::NoContract => "no_contract",
            HoldBack::NoBankAccount => "no_valid_bank_account",
            HoldBack::NetNotPositive => "net_not_positive",
            HoldBack::BelowMinimum => "below_min_payout",
        }
    }

    pub fn parse(s: &str) -> Option<HoldBack> {
        HoldBack::ALL.into_iter().find(|h| h.as_str() == s)
    }
}

/// The partner's contract as the bank file needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BankDetails {
    pub contract_number: String,
    pub iban: String,
}

/// The bonuses a line covers, as the database sums them: how many, their value, and the sum of
/// their ids (with the count and the value, it tells one set of bonuses from another).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Covered {
    pub count: i64,
    pub value: Money,
    pub id_sum: i64,
}

/// What one partner brings to a month's run, as loaded when it is prepared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub partner_id: String,
    pub code: String,
    pub name: String,
    pub contract: Option<BankDetails>,
    pub excluded: bool,
    pub open_case: bool,
    /// Bonuses available by the end of the month and in no other live run.
    pub bonuses: Covered,
    /// Clawbacks not yet recovered by a paid line and in no other live run: (ledger entry id,
    /// what was taken back, > 0).
    pub clawbacks: Vec<(i64, Money)>,
}

/// A partner's line of a run: what it would pay, and the bonuses and clawbacks it covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub partner_id: String,
    pub code: String,
    pub name: String,
    /// The bank details as they were when the run was prepared (the bank file uses these).
    pub contract: Option<BankDetails>,
    /// Bonuses less clawbacks.
    pub amount: Money,
    pub available: Money,
    pub clawed: Money,
    pub status: LineStatus,
    pub reason: Option<HoldBack>,
    pub bonuses: Covered,
    pub clawbacks: Vec<(i64, Money)>,
}

/// The line a candidate makes: payable, or held back for the first reason that applies.
pub fn line(mut c: Candidate, min_payout: Money) -> Line {
    c.clawbacks.sort_unstable();
    let available = c.bonuses.value;
    let clawed = c.clawbacks.iter().fold(Money::ZERO, |s, b| s + b.1);
    let amount = available - clawed;
    let valid_bank = c.contract.as_ref().is_some_and(|k| validate_iban_kz(&k.iban).is_ok());
    let reason = if c.excluded {
        Some(HoldBack::Excluded)
    } else if c.open_case {
        Some(HoldBack::OpenCase)
    } else if c.contract.is_none() {
        Some(HoldBack::NoContract)
    } else if !valid_bank {
        Some(HoldBack::NoBankAccount)
    } else if amount <= Money::ZERO {
        Some(HoldBack::NetNotPositive)
    } else if amount < min_payout {
        Some(HoldBack::BelowMinimum)
    } else {
        None
    };
    Line {
        partner_id: c.partner_id,
        code: c.code,
        name: c.name,
        contract: c.contract,
        amount,
        available,
        clawed,
        status: if reason.is_some() { LineStatus::HeldBack } else { LineStatus::Payable },
        reason,
        bonuses: c.bonuses,
        clawbacks: c.clawbacks,
    }
}

/// What the payable lines pay.
pub fn total(lines: &[Line]) -> Money {
    lines.iter().filter(|l| l.status == LineStatus::Payable).fold(Money::ZERO, |s, l| s + l.amount)
}

/// The content hash of a run: SHA-256 over its month and each line in partner order, with the
/// bank details, amounts, standing and the exact bonuses and clawbacks it covers. Any change to
/// what the run would pay, to whom or where, changes it.
pub fn content_hash(month: &str, lines: &[Line]) -> String {
    use std::fmt::Write as _;
    let mut sorted: Vec<&Line> = lines.iter().collect();
    sorted.sort_unstable_by(|a, b| a.partner_id.cmp(&b.partner_id));
    let mut h = Sha256::new();
    // The text is written into one buffer, hashed a few kilobytes at a time (a large run has a
    // line per partner: no string made per line).
    let mut text = String::with_capacity(16 * 1024);
    let _ = write!(text, "refdesk payout run v1\nmonth {month}\n");
    for l in sorted {
        let (number, iban) = l.contract.as_ref().map_or(("", ""), |k| (k.contract_number.as_str(), k.iban.as_str()));
        let _ = writeln!(
            text,
            "line {:?} {:?} {:?} {number:?} {iban:?} {} {} {} {} {}",
            l.partner_id,
            l.code,
            l.name,
            l.amount.tiyn(),
            l.available.tiyn(),
            l.clawed.tiyn(),
            l.status.as_str(),
            l.reason.map_or("-", HoldBack::as_str)
        );
        let b = &l.bonuses;
        let _ = writeln!(text, " bonuses {} {} {}", b.count, b.value.tiyn(), b.id_sum);
        for (id, v) in &l.clawbacks {
            let _ = writeln!(text, " clawback {id} {}", v.tiyn());
        }
        if text.len() >= 15 * 1024 {
            h.update(text.as_bytes());
            text.clear();
        }
    }
    h.update(text.as_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether a month's run is late on `today`: its due date has passed and it is not completed
/// (or there is none).
pub fn late(due: NaiveDate, state: Option<RunState>, today: NaiveDate) -> bool {
    today > due && state != Some(RunState::Completed)
}

/// The run of the month starting `first` is due on the payout day of the month after.
pub fn due(first: NaiveDate, payout_day: u32) -> NaiveDate {
    let next = first.checked_add_months(chrono::Months::new(1)).unwrap_or(first);
    next.with_day(payout_day).unwrap_or(next)
}

/// The months a run is owed for, as of `today`: from the first month with a run (last month when
/// there is none) to last month, each with its live run's state (`None`: missing).
pub fn owed(runs: &[(NaiveDate, RunState)], today: NaiveDate) -> Vec<(NaiveDate, Option<RunState>)> {
    let this_month = today.with_day(1).unwrap_or(today);
    let Some(last) = this_month.checked_sub_months(chrono::Months::new(1)) else { return vec![] };
    let mut m = runs.iter().map(|r| r.0).min().unwrap_or(last).min(last);
    let mut out = Vec::new();
    while m <= last {
        let live = runs.iter().find(|r| r.0 == m && r.1.live()).map(|r| r.1);
        out.push((m, live));
        let Some(next) = m.checked_add_months(chrono::Months::new(1)) else { break };
        m = next;
    }
    out
}

/// The month the next run pays (its first day): the earliest owed month whose run is not
/// completed; this month when every one is.
pub fn next_month(runs: &[(NaiveDate, RunState)], today: NaiveDate) -> NaiveDate {
    owed(runs, today)
        .into_iter()
        .find(|(_, s)| *s != Some(RunState::Completed))
        .map(|(m, _)| m)
        .unwrap_or_else(|| today.with_day(1).unwrap_or(today))
}

/// The owed months whose run is late (past its due date and not completed, or missing).
pub fn late_months(runs: &[(NaiveDate, RunState)], today: NaiveDate, payout_day: u32) -> Vec<NaiveDate> {
    owed(runs, today).into_iter().filter(|(m, s)| late(due(*m, payout_day), *s, today)).map(|(m, _)| m).collect()
}

/// A month as `YYYY-MM`: its first day, or `None` when the text is not one.
pub fn parse_month(s: &str) -> Option<NaiveDate> {
    let (y, m) = s.trim().split_once('-')?;
    if y.len() != 4 || m.len() != 2 {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, 1)
}

pub fn month_text(first: NaiveDate) -> String {
    format!("{:04}-{:02}", first.year(), first.month())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Money {
        match s.strip_prefix('-') {
            Some(pos) => Money::ZERO - m(pos),
            None => Money::parse_kzt(s).unwrap_or_else(|e| panic!("{s}: {e:?}")),
        }
    }

    fn one(id: i64, value: &str) -> Covered {
        Covered { count: 1, value: m(value), id_sum: id }
    }

    fn asel() -> Candidate {
        Candidate {
            partner_id: "A1".into(),
            code: "ASEL25".into(),
            name: "Асель".into(),
            contract: Some(BankDetails { contract_number: "K-1".into(), iban: "KZ86125KZT5004100100".into() }),
            excluded: false,
            open_case: false,
            bonuses: one(7, "25000.00"),
            clawbacks: vec![],
        }
    }

    #[test]
    fn the_next_run_is_the_earliest_month_owed_and_late_ones_are_named() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default();
        let today = d(2026, 11, 25);
        // No run yet: last month is owed, due on the 10th of this month, so late.
        assert_eq!(next_month(&[], today), d(2026, 10, 1));
        assert_eq!(late_months(&[], today, 10), vec![d(2026, 10, 1)]);
        assert_eq!(late_months(&[], d(2026, 11, 10), 10), vec![], "due today is not late");
        // September completed, October exported: October is next, and late.
        let runs = [(d(2026, 9, 1), RunState::Completed), (d(2026, 10, 1), RunState::Exported)];
        assert_eq!(next_month(&runs, today), d(2026, 10, 1));
        assert_eq!(late_months(&runs, today, 10), vec![d(2026, 10, 1)]);
        // A discarded run leaves its month owed; a gap is owed too.
        let runs = [(d(2026, 7, 1), RunState::Completed), (d(2026, 9, 1), RunState::Discarded)];
        assert_eq!(next_month(&runs, today), d(2026, 8, 1));
        assert_eq!(late_months(&runs, today, 10), vec![d(2026, 8, 1), d(2026, 9, 1), d(2026, 10, 1)]);
        // Everything completed up to last month: this month is next, nothing late.
        let runs = [(d(2026, 10, 1), RunState::Completed)];
        assert_eq!(next_month(&runs, today), d(2026, 11, 1));
        assert!(late_months(&runs, today, 10).is_empty());
        // Across the year's end.
        assert_eq!(next_month(&[], d(2027, 1, 5)), d(2026, 12, 1));
        assert_eq!(due(d(2026, 12, 1), 10), d(2027, 1, 10));
    }

    #[test]
    fn the_october_run_pays_asel_her_bonus() {
        let l = line(asel(), Money::ZERO);
        assert_eq!((l.status, l.reason, l.amount), (LineStatus::Payable, None, m("25000.00")));
        assert_eq!(total(&[l]), m("25000.00"));
    }

    /// Worked example 3: a clawback of 25 000 alone holds November back; December's 50 000 bonus
    /// nets it to 25 000.
    #[test]
    fn a_clawback_is_netted_and_a_negative_net_held_back() {
        let november = Candidate { bonuses: Covered::default(), clawbacks: vec![(40, m("25000.00"))], ..asel() };
        let l = line(november, Money::ZERO);
        assert_eq!(
            (l.status, l.reason, l.amount),
            (LineStatus::HeldBack, Some(HoldBack::NetNotPositive), m("-25000.00"))
        );
        assert_eq!(total(&[l]), Money::ZERO);
        let december = Candidate { bonuses: one(9, "50000.00"), clawbacks: vec![(40, m("25000.00"))], ..asel() };
        let l = line(december, Money::ZERO);
        assert_eq!(
            (l.status, l.amount, l.available, l.clawed),
            (LineStatus::Payable, m("25000.00"), m("50000.00"), m("25000.00"))
        );
    }

    #[test]
    fn each_reason_holds_a_line_back_the_most_fundamental_first() {
        let cases = [
            (Candidate { excluded: true, open_case: true, contract: None, ..asel() }, HoldBack::Excluded),
            (Candidate { open_case: true, contract: None, ..asel() }, HoldBack::OpenCase),
            (Candidate { contract: None, ..asel() }, HoldBack::NoContract),
            (
                Candidate {
                    contract: Some(BankDetails { contract_number: "K".into(), iban: "KZ00125KZT5004100100".into() }),
                    ..asel()
                },
                HoldBack::NoBankAccount,
            ),
            (
                Candidate { bonuses: one(1, "10.00"), clawbacks: vec![(2, m("10.00"))], ..asel() },
                HoldBack::NetNotPositive,
            ),
        ];
        for (c, why) in cases {
            let l = line(c, Money::ZERO);
            assert_eq!((l.status, l.reason), (LineStatus::HeldBack, Some(why)));
        }
        let l = line(asel(), m("25000.01"));
        assert_eq!(l.reason, Some(HoldBack::BelowMinimum));
        assert_eq!(line(asel(), m("25000.00")).status, LineStatus::Payable, "the minimum itself is paid");
    }

    #[test]
    fn the_hash_changes_with_anything_the_run_pays_and_not_with_order() {
        let a = line(asel(), Money::ZERO);
        let b = line(Candidate { partner_id: "B2".into(), code: "BOTA26".into(), ..asel() }, Money::ZERO);
        let h = content_hash("2026-10", &[a.clone(), b.clone()]);
        assert_eq!(h.len(), 64);
        assert_eq!(h, content_hash("2026-10", &[b.clone(), a.clone()]));
        assert_ne!(h, content_hash("2026-11", &[a.clone(), b.clone()]));
        let mut other_iban = a.clone();
        other_iban.contract = Some(BankDetails { contract_number: "K-1".into(), iban: "KZ17125KZT5004100101".into() });
        assert_ne!(h, content_hash("2026-10", &[other_iban, b.clone()]));
        let mut other = a.clone();
        other.bonuses.id_sum += 1;
        assert_ne!(h, content_hash("2026-10", &[other, b.clone()]), "the same sum from other bonuses");
        let mut more = a.clone();
        more.bonuses.count += 1;
        assert_ne!(h, content_hash("2026-10", &[more, b]));
    }

    /// The hash of a run is kept in the database and checked again later: its bytes must not
    /// change from one build to the next (a draft would no longer match).
    #[test]
    fn the_hash_of_a_known_run_is_pinned() {
        let a = line(asel(), Money::ZERO);
        let clawed = Candidate {
            partner_id: "B2".into(),
            code: "BOTA26".into(),
            name: "Бота \"Б\"\u{301}".into(),
            contract: None,
            clawbacks: vec![(40, m("100.00")), (41, m("0.01"))],
            ..asel()
        };
        let b = line(clawed, Money::ZERO);
        assert_eq!(
            content_hash("2026-10", &[b, a]),
            "5a392da2b91b2b151221a087f891049bccbdcb513974a137a1d038cb76e370cd"
        );
    }

    #[test]
    fn a_run_is_late_after_its_due_date_until_completed() {
        let due = NaiveDate::from_ymd_opt(2026, 11, 10).unwrap_or_default();
        let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap_or_default();
        assert!(!late(due, Some(RunState::Approved), day(10)), "the due date itself is in time");
        assert!(late(due, Some(RunState::Exported), day(11)));
        assert!(late(due, None, day(11)), "a missing run is late too");
        assert!(!late(due, Some(RunState::Completed), day(30)));
    }

    #[test]
    fn months_are_yyyy_mm() {
        assert_eq!(parse_month("2026-10"), NaiveDate::from_ymd_opt(2026, 10, 1));
        for bad in ["2026-13", "2026-1", "26-10", "2026/10", "", "2026-10-01"] {
            assert_eq!(parse_month(bad), None, "{bad}");
        }
        assert_eq!(parse_month("2026-10").map(month_text).as_deref(), Some("2026-10"));
    }
}
