//! Payout runs (RULES.md "Payouts"): prepare a month's run, approve it as a second operator,
//! discard a run not yet exported. Each change is one transaction with one audit entry, and a
//! compare-and-set on the run's state: of two operators acting at once, one wins and the other
//! is told it is already done.
use super::payout_files;
use super::{Ctx, Field, Missing, Problem, Result, ServiceError, ms, rfc3339};
use crate::domain::Money;
use crate::domain::payout::{self, HoldBack, Line, LineStatus, RunState};
use crate::store::audit;
use crate::store::payouts::{self as store, NO_RUN, NewRun, Run};
use chrono::{Months, NaiveDate};
use sea_orm::{DatabaseTransaction, DbErr};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

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
    /// A run that pays nothing has no transfer for a bank file.
    NothingToPay { run: i64 },
    /// A bonus of a line to be paid is no longer available (voided since the export).
    BonusGone { run: i64, code: String },
}

/// A step of a run's life, as refusals name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Approve,
    Discard,
    Export,
    Complete,
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
                    state_words(*state).1
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
            PayoutRefusal::NothingToPay { run } => (
                format!("payout run {run} pays nothing: there is no transfer for a bank file"),
                format!("выплата {run} ничего не платит: для банковского файла нет ни одного перевода"),
            ),
            PayoutRefusal::BonusGone { run, code } => (
                format!("a bonus of {code}'s line in payout run {run} is no longer available; nothing was completed"),
                format!("бонус из строки {code} в выплате {run} больше не доступен; ничего не завершено"),
            ),
            PayoutRefusal::State { run, state, step } => {
                let (en_step, ru_step) = match step {
                    Step::Approve => ("only a draft can be approved", "одобрить можно только черновик"),
                    Step::Discard => {
                        ("only a run not yet exported can be discarded", "отменить можно только не выгруженную выплату")
                    }
                    Step::Export => {
                        ("only an approved run can be exported", "выгрузить можно только одобренную выплату")
                    }
                    Step::Complete => {
                        ("only an exported run can be completed", "завершить можно только выгруженную выплату")
                    }
                };
                (
                    format!("payout run {run} is {}: {en_step}", state.as_str()),
                    format!("выплата {run} ({}): {ru_step}", state_words(*state).1),
                )
            }
        };
        if ru { r } else { en }
    }
}

/// A run's state in words: (English, Russian). The English word is the state's name.
pub fn state_words(s: RunState) -> (&'static str, &'static str) {
    match s {
        RunState::Draft => ("draft", "черновик"),
        RunState::Approved => ("approved", "одобрена"),
        RunState::Exported => ("exported", "выгружена"),
        RunState::Completed => ("completed", "завершена"),
        RunState::Discarded => ("discarded", "отменена"),
    }
}

pub(super) fn refuse<T>(r: PayoutRefusal) -> Result<T> {
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
    /// How many bonuses the line covers, and their ids (those `payout show` lists).
    pub bonus_count: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bonuses: Option<Vec<i64>>,
    /// The clawback entries it nets.
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

pub(super) fn line_view(l: &Line, ids: Option<&BTreeMap<String, Vec<i64>>>) -> LineView {
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
        bonus_count: l.bonuses.count,
        bonuses: ids.map(|m| m.get(&l.partner_id).cloned().unwrap_or_default()),
        clawbacks: l.clawbacks.iter().map(|c| c.0).collect(),
    }
}

pub(super) fn view(ctx: &Ctx, run: &Run, lines: &[Line], ids: Option<&BTreeMap<String, Vec<i64>>>) -> RunView {
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
        lines: lines.iter().map(|l| line_view(l, ids)).collect(),
    }
}

/// The run of month M is due on the payout day of M+1.
pub fn due_date(ctx: &Ctx, first: NaiveDate) -> NaiveDate {
    payout::due(first, ctx.terms.payout_day)
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

/// Refuses when a preparation now would not give the run's content hash (a refund, a case, a
/// contract or an approval changed what it would pay).
async fn ensure_unchanged(ctx: &Ctx, txn: &DatabaseTransaction, run: &Run) -> Result<()> {
    let now_lines = lines_now(ctx, txn, run.cutoff, run.id).await?;
    if payout::content_hash(&run.month, &now_lines) != run.content_hash {
        return refuse(PayoutRefusal::Changed { run: run.id });
    }
    Ok(())
}

/// Prepares the run of `month`: a line per partner with anything to pay or hold back.
pub async fn prepare(ctx: &Ctx, month: &str) -> Result<RunView> {
    crate::service::access::allow(ctx, crate::domain::access::Deed::PreparePayout).await?;
    let (first, cutoff) = month_bounds(ctx, month)?;
    let month = payout::month_text(first);
    let now = ms(ctx.now());
    if now < cutoff {
        return refuse(PayoutRefusal::MonthNotOver { month, ends: rfc3339(&ctx.terms, cutoff) });
    }
    // With automatic approval, the releases due are booked first, so that every bonus a run
    // covers has left held for available in the ledger.
    super::bonuses::auto_release(ctx).await?;
    let txn = ctx.store.begin_write().await?;
    if let Some(r) = store::live_run_of(&txn, &month).await? {
        return refuse(PayoutRefusal::MonthTaken { month, run: r.id, state: r.state });
    }
    let lines = Arc::new(lines_now(ctx, &txn, cutoff, NO_RUN).await?);
    let total = payout::total(&lines);
    let id = store::insert(&txn, &NewRun { month: &month, cutoff, total, by: &ctx.operator, at: now }).await?;
    // The hash is computed on another core while the database writes the lines.
    let hashing = tokio::task::spawn_blocking({
        let (month, lines) = (month.clone(), lines.clone());
        move || payout::content_hash(&month, &lines)
    });
    store::insert_lines(&txn, id, &lines).await?;
    let hash = hashing.await.map_err(|e| DbErr::Custom(format!("the run's content hash was not computed: {e}")))?;
    store::set_figures(&txn, id, total, &hash).await?;
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
    let run = load(&txn, id).await?;
    txn.commit().await?;
    // Shown in the codes' order, as `payout show` gives them (the hash is done with them).
    let mut lines = Arc::try_unwrap(lines).unwrap_or_else(|shared| (*shared).clone());
    lines.sort_unstable_by(|a, b| a.code.cmp(&b.code));
    Ok(view(ctx, &run, &lines, None))
}

/// A draft run whose lines were written again ([`refresh_drafts`]): its total before and after.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Refreshed {
    pub run: i64,
    pub month: String,
    pub before: Money,
    pub after: Money,
}

/// Writes every draft run's lines again as a preparation now would give them, inside the
/// caller's transaction: after a partner's exclusion its line is gone (or held back), and the
/// draft stays approvable. Approved runs are left as their approver saw them (their export
/// refuses while they differ from a preparation now).
pub(crate) async fn refresh_drafts(ctx: &Ctx, txn: &DatabaseTransaction) -> Result<Vec<Refreshed>> {
    let mut out = Vec::new();
    for p in store::pending(txn).await? {
        let run = load(txn, p.id).await?;
        if run.state != RunState::Draft {
            continue;
        }
        let lines = lines_now(ctx, txn, run.cutoff, run.id).await?;
        let hash = payout::content_hash(&run.month, &lines);
        if hash == run.content_hash {
            continue;
        }
        let total = payout::total(&lines);
        store::clear_lines(txn, run.id).await?;
        store::insert_lines(txn, run.id, &lines).await?;
        store::set_figures(txn, run.id, total, &hash).await?;
        out.push(Refreshed { run: run.id, month: run.month, before: run.total, after: total });
    }
    Ok(out)
}

async fn load(txn: &DatabaseTransaction, id: i64) -> Result<Run> {
    store::run(txn, id).await?.ok_or(ServiceError::NotFound(Missing::Run(id)))
}

/// Approves a draft: by another operator than its preparer, and only while it still holds
/// exactly what a preparation now would (its content hash).
pub async fn approve(ctx: &Ctx, id: i64) -> Result<RunView> {
    crate::service::access::allow(ctx, crate::domain::access::Deed::ApprovePayout).await?;
    let txn = ctx.store.begin_write().await?;
    let run = load(&txn, id).await?;
    if run.state != RunState::Draft {
        return refuse(PayoutRefusal::State { run: id, state: run.state, step: Step::Approve });
    }
    if run.prepared_by == ctx.operator {
        return refuse(PayoutRefusal::OwnRun { run: id, by: run.prepared_by });
    }
    ensure_unchanged(ctx, &txn, &run).await?;
    let at = ms(ctx.now());
    if store::transition(&txn, id, &[RunState::Draft], RunState::Approved, &ctx.operator, at).await? != 1 {
        let state = load(&txn, id).await?.state;
        return refuse(PayoutRefusal::State { run: id, state, step: Step::Approve });
    }
    audit_step(&txn, ctx, "payout.approve", &run, serde_json::json!({})).await?;
    txn.commit().await?;
    summary(ctx, id).await
}

/// Discards a run not yet exported: its month can be prepared again, its bonuses go back.
pub async fn discard(ctx: &Ctx, id: i64) -> Result<RunView> {
    crate::service::access::allow(ctx, crate::domain::access::Deed::DiscardPayout).await?;
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
    audit_step(&txn, ctx, "payout.discard", &run, serde_json::json!({})).await?;
    txn.commit().await?;
    summary(ctx, id).await
}

/// The audit entry of a step of `run` (as it was before the step), with what the step adds.
async fn audit_step(
    txn: &DatabaseTransaction,
    ctx: &Ctx,
    action: &str,
    run: &Run,
    extra: serde_json::Value,
) -> Result<()> {
    // Before → after: the state the step found and the one it left.
    let to = load(txn, run.id).await?.state;
    let mut detail = serde_json::json!({
        "month": run.month, "from": run.state.as_str(), "to": to.as_str(), "total": run.total.plain(),
        "content_hash": run.content_hash,
    });
    if let (Some(d), serde_json::Value::Object(more)) = (detail.as_object_mut(), extra) {
        d.extend(more);
    }
    let subject = format!("payout run {}", run.id);
    let entry =
        audit::Entry { at: ms(ctx.now()), operator: &ctx.operator, action, subject: &subject, detail, reason: None };
    audit::append(txn, entry).await?;
    Ok(())
}

/// One run with its lines and the ids of the bonuses each covers.
pub async fn show(ctx: &Ctx, id: i64) -> Result<RunView> {
    let db = &ctx.store.db;
    let run = store::run(db, id).await?.ok_or(ServiceError::NotFound(Missing::Run(id)))?;
    let lines = store::lines(db, id).await?;
    let ids = store::bonus_ids(db, &run, ctx.terms.approval).await?;
    Ok(view(ctx, &run, &lines, Some(&ids)))
}

/// One run with its lines, without the bonuses' ids (what a step answers with).
pub async fn summary(ctx: &Ctx, id: i64) -> Result<RunView> {
    let db = &ctx.store.db;
    let run = store::run(db, id).await?.ok_or(ServiceError::NotFound(Missing::Run(id)))?;
    let lines = store::lines(db, id).await?;
    Ok(view(ctx, &run, &lines, None))
}

/// Which bank file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileFormat {
    Csv,
    Pain001,
}

/// A bank file written: where, and its SHA-256.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Written {
    pub file: String,
    pub sha256: String,
    pub bytes: usize,
    /// The companion report beside it, which ends with the audit chain's head.
    pub report: String,
}

/// Writes a bank file of an approved (or already exported) run. The first export fixes the
/// message id and creation time, binds the run's bonuses to it (the point of no return: until
/// then they were its own by rule) and moves the run to exported, only while the run still holds
/// what it would pay now; later exports give the same bytes. Export marks nothing paid.
pub async fn export(ctx: &Ctx, id: i64, format: FileFormat, out: &std::path::Path) -> Result<Written> {
    crate::service::access::allow(ctx, crate::domain::access::Deed::ExportPayout).await?;
    let txn = ctx.store.begin_write().await?;
    let before = load(&txn, id).await?;
    let mut run = before.clone();
    let first = run.state == RunState::Approved;
    let lines = store::lines(&txn, id).await?;
    if first {
        ensure_unchanged(ctx, &txn, &run).await?;
        // Exactly the bonuses the payable lines cover, or nothing: the transaction is dropped.
        let covered: i64 = lines.iter().filter(|l| l.status == LineStatus::Payable).map(|l| l.bonuses.count).sum();
        if store::bind(&txn, &run, ctx.terms.approval).await? != covered as u64 {
            return refuse(PayoutRefusal::Changed { run: id });
        }
        let message_id = crate::domain::bank_file::message_id(id, &run.month);
        let at = ms(ctx.now());
        if store::mark_exported(&txn, id, &message_id, &ctx.operator, at).await? != 1 {
            let state = load(&txn, id).await?.state;
            return refuse(PayoutRefusal::State { run: id, state, step: Step::Export });
        }
        run = load(&txn, id).await?;
    } else if !matches!(run.state, RunState::Exported | RunState::Completed) {
        return refuse(PayoutRefusal::State { run: id, state: run.state, step: Step::Export });
    }
    let file = payout_files::bank_run(ctx, &run, &lines);
    let bytes = payout_files::render(&file, format)?;
    let sha: String = {
        use sha2::{Digest, Sha256};
        Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect()
    };
    payout_files::write_atomically(out, &bytes)?;
    store::record_file(&txn, id, format == FileFormat::Pain001, &sha).await?;
    // Every bank file written is on the record: which, where, and its digest.
    let format_name = if format == FileFormat::Pain001 { "pain001" } else { "csv" };
    let extra = serde_json::json!({"format": format_name, "file": out.display().to_string(), "sha256": sha});
    audit_step(&txn, ctx, "payout.export", &before, extra).await?;
    let report = payout_files::write_report(&txn, &file, &run, out, &sha).await?;
    txn.commit().await?;
    Ok(Written { file: out.display().to_string(), sha256: sha, bytes: bytes.len(), report })
}

/// Completes an exported run: every payable line paid (its bonuses paid, a payout entry booked,
/// its clawbacks recovered) but those of the partners in `failed`, whose bonuses and clawbacks
/// go back for the next run.
pub async fn complete(ctx: &Ctx, id: i64, failed: &[String]) -> Result<RunView> {
    crate::service::access::allow(ctx, crate::domain::access::Deed::CompletePayout).await?;
    use crate::domain::ledger::{Posting, Stamp};
    let txn = ctx.store.begin_write().await?;
    let run = load(&txn, id).await?;
    if run.state != RunState::Exported {
        return refuse(PayoutRefusal::State { run: id, state: run.state, step: Step::Complete });
    }
    let lines = store::lines(&txn, id).await?;
    let payable: Vec<&Line> = lines.iter().filter(|l| l.status == LineStatus::Payable).collect();
    let mut failing: Vec<String> = Vec::new();
    for code in failed {
        let code = code.trim().to_uppercase();
        match payable.iter().find(|l| l.code == code) {
            Some(l) => failing.push(l.partner_id.clone()),
            None => {
                return Err(ServiceError::invalid(Field::Failed, Problem::NotALine { code, run: id }));
            }
        }
    }
    let (fail, pay): (Vec<&Line>, Vec<&Line>) = payable.into_iter().partition(|l| failing.contains(&l.partner_id));
    let now = ctx.now();
    let stamp = Stamp { at: now, recorded_at: now, operator: ctx.operator.clone() };
    let reference = format!("payout run {id}");
    let paid_ids: Vec<String> = pay.iter().map(|l| l.partner_id.clone()).collect();
    let failed_ids: Vec<String> = fail.iter().map(|l| l.partner_id.clone()).collect();
    // The failed lines' bonuses and clawbacks go back; every other bonus of the run is paid.
    store::unbind_partners(&txn, id, &failed_ids).await?;
    let expected: i64 = pay.iter().map(|l| l.bonuses.count).sum();
    if store::mark_paid(&txn, id).await? != expected as u64 {
        let code = pay.first().map(|l| l.code.clone()).unwrap_or_default();
        return refuse(PayoutRefusal::BonusGone { run: id, code });
    }
    let postings: Vec<Posting> =
        pay.iter().map(|l| Posting::payout(&l.partner_id, l.amount, stamp.clone(), &reference)).collect();
    crate::store::ledger::post(&txn, &postings).await?;
    store::set_lines(&txn, id, &paid_ids, LineStatus::Paid).await?;
    store::set_lines(&txn, id, &failed_ids, LineStatus::Failed).await?;
    let total = pay.iter().fold(Money::ZERO, |s, l| s + l.amount);
    store::set_total(&txn, id, total).await?;
    if store::transition(&txn, id, &[RunState::Exported], RunState::Completed, &ctx.operator, ms(now)).await? != 1 {
        let state = load(&txn, id).await?.state;
        return refuse(PayoutRefusal::State { run: id, state, step: Step::Complete });
    }
    let failed_codes: Vec<String> = fail.iter().map(|l| l.code.clone()).collect();
    let extra = serde_json::json!({"paid": pay.len(), "failed": failed_codes, "paid_total": total.plain()});
    audit_step(&txn, ctx, "payout.complete", &run, extra).await?;
    txn.commit().await?;
    summary(ctx, id).await
}

/// A month in the list of runs: its live run (or the last discarded one), or none yet.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MonthRun {
    pub month: String,
    pub due: NaiveDate,
    /// The run's id and state; none when the month has no run.
    pub id: Option<i64>,
    pub state: Option<&'static str>,
    pub total: Option<Money>,
    /// Past its due date and not completed (or missing).
    pub late: bool,
}

/// Every run, newest month first, with the months owed a run that have no live one (since the
/// first run, up to last month), so that a missing run shows.
pub async fn list(ctx: &Ctx) -> Result<Vec<MonthRun>> {
    let today = ctx.terms.local(ctx.now()).date_naive();
    let runs = store::runs(&ctx.store.db).await?;
    let months: Vec<(NaiveDate, RunState)> =
        runs.iter().filter_map(|r| Some((payout::parse_month(&r.month)?, r.state))).collect();
    let mut out: Vec<MonthRun> = payout::owed(&months, today)
        .into_iter()
        .filter(|(_, live)| live.is_none())
        .map(|(m, _)| {
            let due = due_date(ctx, m);
            MonthRun {
                month: payout::month_text(m),
                due,
                id: None,
                state: None,
                total: None,
                late: payout::late(due, None, today),
            }
        })
        .collect();
    for r in &runs {
        let due = due_date(ctx, payout::parse_month(&r.month).unwrap_or_default());
        let late = r.state.live() && payout::late(due, Some(r.state), today);
        out.push(MonthRun {
            month: r.month.clone(),
            due,
            id: Some(r.id),
            state: Some(r.state.as_str()),
            total: Some(r.total),
            late,
        });
    }
    // Newest month first; in a month, the missing run (what is to be done) before its discarded ones.
    out.sort_by(|a, b| b.month.cmp(&a.month).then(a.id.is_some().cmp(&b.id.is_some())).then(b.id.cmp(&a.id)));
    Ok(out)
}
