//! Payout runs (RULES.md "Payouts"): prepare a month's run, approve it as a second operator,
//! discard a run not yet exported. Each change is one transaction with one audit entry, and a
//! compare-and-set on the run's state: of two operators acting at once, one wins and the other
//! is told it is already done.
use super::{Ctx, Field, Missing, Problem, Result, ServiceError, ms, rfc3339};
use crate::domain::Money;
use crate::domain::payout::{self, HoldBack, Line, LineStatus, RunState};
use crate::store::audit;
use crate::store::payouts::{self as store, NO_RUN, NewRun, Run};
use chrono::{Datelike, Months, NaiveDate};
use sea_orm::DatabaseTransaction;
use serde::Serialize;

/// Why a run cannot be prepared, approved or discarded now (exit 1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PayoutRefusal {
    /// The month has a live run already.
    MonthTaken { month: String, run: i64, state: RunState },
    /// The month is not over: what became available by its end is not known yet.
    MonthNotOver { month: String, ends: String },
    /// The preparer may not approve.
    OwnRun { run: i64, by: String },
    /// What the run would pay now differs from what it holds.
    Changed { run: i64 },
    /// The run is not in a state the step can start from.
    State { run: i64, state: RunState, step: Step },
}

/// A step of a run's life, as refusals name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Approve,
    Discard,
}

impl PayoutRefusal {
    pub fn text(&self, ru: bool) -> String {
        let (en, r) = match self {
            PayoutRefusal::MonthTaken { month, run, state } => (
                format!(
                    "the month {month} already has payout run {run} ({}); discard it to prepare the month again",
                    state.as_str()
                ),
                format!(
                    "у месяца {month} уже есть выплата {run} ({}); чтобы подготовить месяц заново, отмените её",
                    state.as_str()
                ),
            ),
            PayoutRefusal::MonthNotOver { month, ends } => (
                format!("the month {month} ends at {ends}; its run can be prepared from then"),
                format!("месяц {month} заканчивается {ends}; его выплату можно подготовить после этого"),
            ),
            PayoutRefusal::OwnRun { run, by } => (
                format!("payout run {run} was prepared by {by}; another operator must approve it"),
                format!("выплату {run} подготовил {by}; одобрить её должен другой оператор"),
            ),
            PayoutRefusal::Changed { run } => (
                format!(
                    "payout run {run} no longer matches what it would pay now (a refund, a case, a contract or an \
                     approval changed since it was prepared); discard it and prepare the month again"
                ),
                format!(
                    "выплата {run} уже не совпадает с тем, что полагалось бы сейчас (после подготовки изменились \
                     возвраты, дела, договоры или одобрения); отмените её и подготовьте месяц заново"
                ),
            ),
            PayoutRefusal::State { run, state, step } => {
                let (en_step, ru_step) = match step {
                    Step::Approve => ("only a draft can be approved", "одобрить можно только черновик"),
                    Step::Discard => {
                        ("only a run not yet exported can be discarded", "отменить можно только не выгруженную выплату")
                    }
                };
                (
                    format!("payout run {run} is {}: {en_step}", state.as_str()),
                    format!("выплата {run} в состоянии {}: {ru_step}", state.as_str()),
                )
            }
        };
        if ru { r } else { en }
    }
}

fn refuse<T>(r: PayoutRefusal) -> Result<T> {
    Err(ServiceError::Payout(r))
}

/// A line as shown (`payout show`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LineView {
    /// The partner's code.
    pub partner: String,
    pub name: String,
    pub amount: Money,
    pub available: Money,
    pub clawed_back: Money,
    pub status: &'static str,
    pub reason: Option<&'static str>,
    pub iban: Option<String>,
    pub contract: Option<String>,
    pub bonuses: Vec<i64>,
    pub clawbacks: Vec<i64>,
}

/// A run as shown (`payout show`, `payout prepare --json`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunView {
    pub id: i64,
    pub month: String,
    pub state: &'static str,
    /// The last instant of the month that counts (exclusive), RFC 3339.
    pub cutoff: String,
    /// The payout day of the next month.
    pub due: NaiveDate,
    pub prepared_by: String,
    pub prepared_at: String,
    pub approved_by: Option<String>,
    pub approved_at: Option<String>,
    /// The payable lines' sum (the paid ones' once completed).
    pub total: Money,
    pub payable: usize,
    pub held_back: usize,
    pub content_hash: String,
    pub lines: Vec<LineView>,
}

fn line_view(l: &Line) -> LineView {
    LineView {
        partner: l.code.clone(),
        name: l.name.clone(),
        amount: l.amount,
        available: l.available,
        clawed_back: l.clawed,
        status: l.status.as_str(),
        reason: l.reason.map(HoldBack::as_str),
        iban: l.contract.as_ref().map(|k| k.iban.clone()),
        contract: l.contract.as_ref().map(|k| k.contract_number.clone()),
        bonuses: l.bonuses.iter().map(|b| b.0).collect(),
        clawbacks: l.clawbacks.iter().map(|c| c.0).collect(),
    }
}

fn view(ctx: &Ctx, run: &Run, lines: &[Line]) -> RunView {
    let first = payout::parse_month(&run.month).unwrap_or_default();
    RunView {
        id: run.id,
        month: run.month.clone(),
        state: run.state.as_str(),
        cutoff: rfc3339(&ctx.terms, run.cutoff),
        due: due_date(ctx, first),
        prepared_by: run.prepared_by.clone(),
        prepared_at: rfc3339(&ctx.terms, run.prepared_at),
        approved_by: run.approved_by.clone(),
        approved_at: run.approved_at.map(|t| rfc3339(&ctx.terms, t)),
        total: run.total,
        payable: lines.iter().filter(|l| l.status == LineStatus::Payable).count(),
        held_back: lines.iter().filter(|l| l.status == LineStatus::HeldBack).count(),
        content_hash: run.content_hash.clone(),
        lines: lines.iter().map(line_view).collect(),
    }
}

/// The run of month M is due on the payout day of M+1.
pub fn due_date(ctx: &Ctx, first: NaiveDate) -> NaiveDate {
    let next = first.checked_add_months(Months::new(1)).unwrap_or(first);
    next.with_day(ctx.terms.payout_day).unwrap_or(next)
}

/// The month's first day and where it ends (the next month's local midnight, unix ms).
fn month_bounds(ctx: &Ctx, text: &str) -> Result<(NaiveDate, i64)> {
    let first = payout::parse_month(text)
        .ok_or_else(|| ServiceError::invalid(Field::Month, Problem::NotMonth(text.to_string())))?;
    let next = first.checked_add_months(Months::new(1)).unwrap_or(first);
    Ok((first, ms(ctx.terms.start_of_day(next))))
}

/// The lines a run of the month ending at `cutoff` would have now (`run`: its own bonuses and
/// clawbacks count as free).
async fn lines_now(ctx: &Ctx, txn: &DatabaseTransaction, cutoff: i64, run: i64) -> Result<Vec<Line>> {
    let candidates = store::candidates(txn, cutoff, ctx.terms.approval, run).await?;
    Ok(candidates.into_iter().map(|c| payout::line(c, ctx.terms.min_payout)).collect())
}

/// Prepares the run of `month`: a line per partner with anything to pay or hold back.
pub async fn prepare(ctx: &Ctx, month: &str) -> Result<RunView> {
    let (first, cutoff) = month_bounds(ctx, month)?;
    let month = payout::month_text(first);
    let now = ms(ctx.now());
    if now < cutoff {
        return refuse(PayoutRefusal::MonthNotOver { month, ends: rfc3339(&ctx.terms, cutoff) });
    }
    let txn = ctx.store.begin_write().await?;
    if let Some(r) = store::live_run_of(&txn, &month).await? {
        return refuse(PayoutRefusal::MonthTaken { month, run: r.id, state: r.state });
    }
    let lines = lines_now(ctx, &txn, cutoff, NO_RUN).await?;
    let total = payout::total(&lines);
    let hash = payout::content_hash(&month, &lines);
    let new = NewRun { month: &month, cutoff, lines: &lines, total, hash: &hash, by: &ctx.operator, at: now };
    let id = store::insert(&txn, &new).await?;
    let payable = lines.iter().filter(|l| l.status == LineStatus::Payable).count();
    audit::append(
        &txn,
        audit::Entry {
            at: now,
            operator: &ctx.operator,
            action: "payout.prepare",
            subject: &format!("payout run {id}"),
            detail: serde_json::json!({
                "month": month, "total": total.plain(), "lines": lines.len(), "payable": payable,
                "held_back": lines.len() - payable, "content_hash": hash,
            }),
            reason: None,
        },
    )
    .await?;
    txn.commit().await?;
    show(ctx, id).await
}

async fn load(txn: &DatabaseTransaction, id: i64) -> Result<Run> {
    store::run(txn, id).await?.ok_or(ServiceError::NotFound(Missing::Run(id)))
}

/// Approves a draft: by another operator than its preparer, and only while it still holds
/// exactly what a preparation now would (its content hash).
pub async fn approve(ctx: &Ctx, id: i64) -> Result<RunView> {
    let txn = ctx.store.begin_write().await?;
    let run = load(&txn, id).await?;
    if run.state != RunState::Draft {
        return refuse(PayoutRefusal::State { run: id, state: run.state, step: Step::Approve });
    }
    if run.prepared_by == ctx.operator {
        return refuse(PayoutRefusal::OwnRun { run: id, by: run.prepared_by });
    }
    let now_lines = lines_now(ctx, &txn, run.cutoff, id).await?;
    if payout::content_hash(&run.month, &now_lines) != run.content_hash {
        return refuse(PayoutRefusal::Changed { run: id });
    }
    let at = ms(ctx.now());
    if store::transition(&txn, id, &[RunState::Draft], RunState::Approved, &ctx.operator, at).await? != 1 {
        let state = load(&txn, id).await?.state;
        return refuse(PayoutRefusal::State { run: id, state, step: Step::Approve });
    }
    audit_step(&txn, ctx, "payout.approve", &run, None).await?;
    txn.commit().await?;
    show(ctx, id).await
}

/// Discards a run not yet exported: its month can be prepared again, its bonuses go back.
pub async fn discard(ctx: &Ctx, id: i64) -> Result<RunView> {
    let txn = ctx.store.begin_write().await?;
    let run = load(&txn, id).await?;
    let from = [RunState::Draft, RunState::Approved];
    if !from.contains(&run.state)
        || store::transition(&txn, id, &from, RunState::Discarded, &ctx.operator, ms(ctx.now())).await? != 1
    {
        let state = load(&txn, id).await?.state;
        return refuse(PayoutRefusal::State { run: id, state, step: Step::Discard });
    }
    store::unbind(&txn, id).await?;
    audit_step(&txn, ctx, "payout.discard", &run, None).await?;
    txn.commit().await?;
    show(ctx, id).await
}

async fn audit_step(txn: &DatabaseTransaction, ctx: &Ctx, action: &str, run: &Run, reason: Option<&str>) -> Result<()> {
    audit::append(
        txn,
        audit::Entry {
            at: ms(ctx.now()),
            operator: &ctx.operator,
            action,
            subject: &format!("payout run {}", run.id),
            detail: serde_json::json!({
                "month": run.month, "from": run.state.as_str(), "total": run.total.plain(),
                "content_hash": run.content_hash,
            }),
            reason,
        },
    )
    .await?;
    Ok(())
}

/// One run with its lines.
pub async fn show(ctx: &Ctx, id: i64) -> Result<RunView> {
    let db = &ctx.store.db;
    let run = store::run(db, id).await?.ok_or(ServiceError::NotFound(Missing::Run(id)))?;
    let lines = store::lines(db, id).await?;
    Ok(view(ctx, &run, &lines))
}
