//! What the console shows of payout runs beyond `payout show`: a run's head (its steps, and its
//! lines counted by status and reason) and its lines a page at a time, so that a run of a
//! hundred thousand lines opens at once; and the next run the dashboard announces, with what it
//! is expected to pay.
use super::payouts::{LineView, RunView, due_date, line_view, view};
use super::{Ctx, Missing, Result, ServiceError, ms, rfc3339};
use crate::domain::Money;
use crate::domain::payout::{self, LineStatus, RunState};
use crate::store::payouts::{self as store, LineTotal, NO_RUN};
use chrono::{Months, NaiveDate};

/// A run without its lines: who did each step when, and its lines counted by status and reason.
#[derive(Clone, Debug, PartialEq)]
pub struct RunHead {
    /// The run (its `lines` empty; `payable` and `held_back` counted from `totals`).
    pub run: RunView,
    pub totals: Vec<LineTotal>,
    pub exported_by: Option<String>,
    pub exported_at: Option<String>,
    pub completed_by: Option<String>,
    pub completed_at: Option<String>,
    pub discarded_by: Option<String>,
    pub discarded_at: Option<String>,
    /// Past its due date and not completed.
    pub late: bool,
}

impl RunHead {
    pub fn state(&self) -> RunState {
        RunState::parse(self.run.state).unwrap_or(RunState::Draft)
    }

    /// How many lines have `status`, and their amount (held back: the money that stays).
    pub fn of(&self, status: LineStatus) -> (i64, Money) {
        self.totals.iter().filter(|t| t.status == status).fold((0, Money::ZERO), |(n, m), t| {
            let v = if status == LineStatus::HeldBack { t.available } else { t.amount };
            (n + t.count, m + v)
        })
    }
}

pub async fn head(ctx: &Ctx, id: i64) -> Result<RunHead> {
    let db = &ctx.store.db;
    let run = store::run(db, id).await?.ok_or(ServiceError::NotFound(Missing::Run(id)))?;
    let totals = store::line_totals(db, id).await?;
    let mut shown = view(ctx, &run, &[], None);
    let count = |s: LineStatus| totals.iter().filter(|t| t.status == s).map(|t| t.count as usize).sum::<usize>();
    shown.payable = count(LineStatus::Payable) + count(LineStatus::Paid) + count(LineStatus::Failed);
    shown.held_back = count(LineStatus::HeldBack);
    let at = |t: Option<i64>| t.map(|t| rfc3339(&ctx.terms, t));
    let today = ctx.terms.local(ctx.now()).date_naive();
    let late = run.state.live() && payout::late(shown.due, Some(run.state), today);
    Ok(RunHead {
        run: shown,
        totals,
        exported_by: run.exported_by.clone(),
        exported_at: at(run.exported_at),
        completed_by: run.completed_by.clone(),
        completed_at: at(run.completed_at),
        discarded_by: run.discarded_by.clone(),
        discarded_at: at(run.discarded_at),
        late,
    })
}

/// A page of a run's lines (all, or of one status) in the codes' order, after the code `after`.
pub async fn lines_page(
    ctx: &Ctx,
    id: i64,
    status: Option<LineStatus>,
    after: Option<&str>,
    limit: u64,
) -> Result<Vec<LineView>> {
    let lines = store::lines_page(&ctx.store.db, id, status, after, limit).await?;
    Ok(lines.iter().map(|l| line_view(l, None)).collect())
}

/// The next payout run: the month it pays, when it is due, and what it is expected to pay.
#[derive(Clone, Debug, PartialEq)]
pub struct NextRun {
    /// `YYYY-MM`.
    pub month: String,
    pub due: NaiveDate,
    /// Its run, when it has been prepared.
    pub run: Option<(i64, RunState)>,
    /// What it pays (its run's total), or would pay if it were prepared now.
    pub total: Money,
    pub payable: i64,
    pub held_back: i64,
    /// The money its held-back lines keep in the balances.
    pub held_back_value: Money,
    /// The month is not over: the figures are what is available so far.
    pub so_far: bool,
    /// Months whose run is late (past due and not completed, or missing), oldest first.
    pub late: Vec<String>,
}

/// The month the next run pays and its due date (the dashboard's "next payout").
pub async fn next_month(ctx: &Ctx) -> Result<(NaiveDate, NaiveDate)> {
    let runs = store::runs(&ctx.store.db).await?;
    let today = ctx.terms.local(ctx.now()).date_naive();
    let month = payout::next_month(&months_of(&runs), today);
    Ok((month, due_date(ctx, month)))
}

fn months_of(runs: &[store::Run]) -> Vec<(NaiveDate, RunState)> {
    runs.iter().filter_map(|r| Some((payout::parse_month(&r.month)?, r.state))).collect()
}

/// The next run and its expected total: its run's figures once prepared, else the lines a
/// preparation would make now (up to now, while the month is not over).
pub async fn next_run(ctx: &Ctx) -> Result<NextRun> {
    let db = &ctx.store.db;
    let runs = store::runs(db).await?;
    let now = ctx.now();
    let today = ctx.terms.local(now).date_naive();
    let months = months_of(&runs);
    let first = payout::next_month(&months, today);
    let month = payout::month_text(first);
    let due = due_date(ctx, first);
    let late: Vec<String> =
        payout::late_months(&months, today, ctx.terms.payout_day).into_iter().map(payout::month_text).collect();
    if let Some(r) = runs.iter().find(|r| r.month == month && r.state.live()) {
        let totals = store::line_totals(db, r.id).await?;
        let (mut payable, mut held_back, mut held_back_value) = (0, 0, Money::ZERO);
        for t in &totals {
            if t.status == LineStatus::HeldBack {
                held_back += t.count;
                held_back_value += t.available;
            } else if t.status != LineStatus::Failed {
                payable += t.count;
            }
        }
        let run = Some((r.id, r.state));
        return Ok(NextRun {
            month,
            due,
            run,
            total: r.total,
            payable,
            held_back,
            held_back_value,
            so_far: false,
            late,
        });
    }
    let end = first.checked_add_months(Months::new(1)).unwrap_or(first);
    let end_ms = ms(ctx.terms.start_of_day(end));
    // To the minute: the dashboard is read again and again, and only a change (an audit entry)
    // or the clock moves what a preparation would pay.
    let cutoff = end_ms.min(ms(now) / 60_000 * 60_000);
    let key = Expected {
        database: ctx.store.describe(),
        cutoff,
        approval: ctx.terms.approval,
        min_payout: ctx.terms.min_payout,
        last_change: crate::store::audit::last_id(db).await?,
    };
    if let Some((total, payable, held_back, held_back_value)) = remembered(&key) {
        return Ok(NextRun {
            month,
            due,
            run: None,
            total,
            payable,
            held_back,
            held_back_value,
            so_far: cutoff < end_ms,
            late,
        });
    }
    let candidates = store::candidates(db, cutoff, ctx.terms.approval, NO_RUN).await?;
    let lines: Vec<_> = candidates.into_iter().map(|c| payout::line(c, ctx.terms.min_payout)).collect();
    let payable = lines.iter().filter(|l| l.status == LineStatus::Payable).count() as i64;
    let held: Vec<_> = lines.iter().filter(|l| l.status == LineStatus::HeldBack).collect();
    let figures =
        (payout::total(&lines), payable, held.len() as i64, held.iter().fold(Money::ZERO, |s, l| s + l.available));
    remember(key, figures);
    let (total, payable, held_back, held_back_value) = figures;
    Ok(NextRun { month, due, run: None, total, payable, held_back, held_back_value, so_far: cutoff < end_ms, late })
}

/// What an expected total was computed from: the database, where the month is cut, the terms
/// that decide a line, and the last change written.
#[derive(Clone, Debug, PartialEq)]
struct Expected {
    database: String,
    cutoff: i64,
    approval: crate::domain::terms::Approval,
    min_payout: Money,
    last_change: Option<i64>,
}

type Figures = (Money, i64, i64, Money);

/// The last expected total computed in this process (the console's dashboard asks for it each
/// time it is shown; a program of 100 000 partners takes a second to sum).
static LAST: std::sync::Mutex<Option<(Expected, Figures)>> = std::sync::Mutex::new(None);

fn remembered(key: &Expected) -> Option<Figures> {
    let last = LAST.lock().ok()?;
    last.as_ref().filter(|(k, _)| k == key).map(|(_, f)| *f)
}

fn remember(key: Expected, figures: Figures) {
    if let Ok(mut last) = LAST.lock() {
        *last = Some((key, figures));
    }
}
