//! Bonuses: the queues by state, approval of due bonuses, voiding, and auto-release. Each change
//! is a compare-and-set on the stored state inside one short transaction with one audit entry.
use super::payments::RefundLine;
use super::{Ctx, Field, Missing, Problem, Purpose, Result, ServiceError, ms};
use crate::domain::Money;
use crate::domain::access::{Mode, SYSTEM};
use crate::domain::bonus::{Refusal, ShownBonusState};
use crate::domain::ledger::{Bucket, EntryKind, Posting, Stamp};
use crate::domain::partner::search_text;
use crate::domain::rules::RefundMark;
use crate::domain::terms::Approval;
use crate::store::{audit, bonuses as store, figures, ledger, partners, payments};
use sea_orm::DatabaseTransaction;
use serde::Serialize;
use std::collections::HashSet;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BonusRow {
    pub id: i64,
    pub partner: String,
    pub partner_name: String,
    pub payment_id: String,
    pub amount: Money,
    pub status: ShownBonusState,
    pub booked_at: i64,
    pub release_at: i64,
    pub reason: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct BonusQuery {
    pub partner: Option<String>,
    pub state: Option<ShownBonusState>,
    /// Part of the partner's code or the payment id, or the bonus id.
    pub search: Option<String>,
    /// Rows after this (release_at, id) in the list's order; with `backward`, the rows just
    /// before it (without a cursor: the last rows).
    pub after: Option<(i64, i64)>,
    pub backward: bool,
    /// Latest release first.
    pub desc: bool,
    pub limit: u64,
}

impl BonusQuery {
    fn filter(&self) -> store::Filter {
        store::Filter {
            code: self.partner.as_ref().map(|c| c.trim().to_uppercase()),
            state: self.state,
            search: self.search.as_deref().map(search_text).filter(|s| !s.is_empty()),
            after: self.after,
            backward: self.backward,
            desc: self.desc,
            limit: self.limit,
        }
    }
}

/// Count and value of the bonuses a list's partner, state and search find. Without a partner or a
/// search, the whole program's, from the kept figures rather than a scan of every bonus.
pub async fn list_total(ctx: &Ctx, q: &BonusQuery) -> Result<(i64, Money)> {
    let filter = q.filter();
    if filter.code.is_none() && filter.search.is_none() {
        let all = program_totals(ctx).await?;
        return Ok(all
            .iter()
            .filter(|t| filter.state.is_none_or(|s| s == t.0))
            .fold((0, Money::ZERO), |(n, v), t| (n + t.1, v + t.2)));
    }
    Ok(store::list_total(&ctx.store.db, &filter, ms(ctx.now()), ctx.terms.approval).await?)
}

/// Count and value of every bonus of the program per shown state at the clock's time: the stored
/// groups, each shown as the domain's one lifecycle says.
async fn program_totals(ctx: &Ctx) -> Result<Vec<(ShownBonusState, i64, Money)>> {
    let mut out: Vec<(ShownBonusState, i64, Money)> = Vec::new();
    for g in figures::bonus_groups(&ctx.store.db, ms(ctx.now())).await? {
        let shown = ShownBonusState::of(g.state, g.released, g.frozen, ctx.terms.approval);
        let value = Money::from_tiyn(g.value);
        match out.iter_mut().find(|t| t.0 == shown) {
            Some(t) => {
                t.1 += g.count;
                t.2 += value;
            }
            None => out.push((shown, g.count, value)),
        }
    }
    Ok(out)
}

/// Bonuses in release order (or its reverse), filtered by partner and shown state.
pub async fn list(ctx: &Ctx, q: &BonusQuery) -> Result<Vec<BonusRow>> {
    let filter = q.filter();
    let now = ctx.now();
    let rows = store::list(&ctx.store.db, &filter, ms(now), ctx.terms.approval).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let status = r.bonus.shown(now, r.frozen, ctx.terms.approval);
            BonusRow {
                id: r.bonus.id,
                amount: r.bonus.value(),
                release_at: ms(r.bonus.release_at),
                partner: r.code,
                partner_name: r.partner_name,
                payment_id: r.payment_id,
                status,
                booked_at: r.booked_at,
                reason: match status {
                    ShownBonusState::Frozen => Some("open fraud case".into()),
                    _ => r.void_reason,
                },
            }
        })
        .collect())
}

/// Count and value per shown state over the whole program (dashboard).
pub async fn totals(ctx: &Ctx) -> Result<Vec<(ShownBonusState, i64, Money)>> {
    let all = program_totals(ctx).await?;
    Ok([
        ShownBonusState::Held,
        ShownBonusState::Due,
        ShownBonusState::Frozen,
        ShownBonusState::Available,
        ShownBonusState::Paid,
    ]
    .into_iter()
    .map(|s| all.iter().find(|t| t.0 == s).copied().unwrap_or((s, 0, Money::ZERO)))
    .collect())
}

/// What an approval would do, read before asking for confirmation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Preview {
    pub ids: Vec<i64>,
    pub total: Money,
}

/// Checks the named bonuses (or every due one) without changing anything.
pub async fn preview_approve(ctx: &Ctx, ids: Option<&[i64]>) -> Result<Preview> {
    check_approvable(ctx, &ctx.store.db, ids).await
}

async fn check_approvable<C: sea_orm::ConnectionTrait>(ctx: &Ctx, c: &C, ids: Option<&[i64]>) -> Result<Preview> {
    if ctx.terms.approval == Approval::Auto {
        return Err(ServiceError::Bonus(Refusal::AutoApproval));
    }
    let now = ctx.now();
    let Some(ids) = ids else {
        let due = store::values_in_state(c, ShownBonusState::Due, ms(now), ctx.terms.approval).await?;
        return Ok(Preview { ids: due.iter().map(|d| d.0).collect(), total: due.iter().map(|d| d.1).sum() });
    };
    // All the named bonuses and their partners' open cases in a few IN queries, so that
    // approving thousands at once stays quick.
    let found = store::by_ids(c, ids).await?;
    let partners: Vec<&String> = found.values().map(|(_, p)| p).collect();
    let frozen = store::frozen_partners(c, &partners).await?;
    let mut p = Preview { ids: Vec::new(), total: Money::ZERO };
    let mut seen = HashSet::new();
    for &id in ids {
        let Some((b, partner)) = found.get(&id) else {
            return Err(ServiceError::Bonus(Refusal::NoSuchBonus(id)));
        };
        b.approvable(now, frozen.contains(partner), ctx.terms.timezone)?;
        if seen.insert(id) {
            p.ids.push(id);
            p.total += b.value();
        }
    }
    Ok(p)
}

/// Moves held bonuses to available with their release entries; the caller has checked them.
async fn release(ctx: &Ctx, txn: &DatabaseTransaction, ids: &[i64], by: &str) -> Result<Money> {
    let now = ctx.now();
    let mut total = Money::ZERO;
    for chunk in ids.chunks(500) {
        if store::mark_available(txn, chunk, ms(now), by).await? as usize != chunk.len() {
            return Err(ServiceError::Bonus(Refusal::Changed));
        }
        let mut postings = Vec::with_capacity(chunk.len() * 2);
        let mut bonuses: Vec<_> = store::by_ids(txn, chunk).await?.into_values().collect();
        bonuses.sort_by_key(|(b, _)| b.id);
        for (b, partner) in bonuses {
            total += b.value();
            // The money moved when the hold ended; the entry is recorded now.
            let stamp = Stamp { at: b.release_at, recorded_at: now, operator: by.to_string() };
            postings.extend(Posting::release(&partner, b.id, b.value(), stamp));
        }
        ledger::post(txn, &postings).await?;
    }
    Ok(total)
}

/// Approves the named bonuses (all or none) or every due one; returns what was approved.
pub async fn approve(ctx: &Ctx, ids: Option<&[i64]>) -> Result<Preview> {
    crate::service::access::allow(ctx, crate::domain::access::Deed::ApproveBonus).await?;
    let txn = ctx.store.begin_write().await?;
    // Re-checked inside the write: the preview the operator confirmed may be stale.
    let p = check_approvable(ctx, &txn, ids).await?;
    if p.ids.is_empty() {
        return Ok(p);
    }
    let total = release(ctx, &txn, &p.ids, &ctx.operator).await?;
    audit_approval(ctx, &txn, ShownBonusState::Due, &p.ids, total).await?;
    txn.commit().await?;
    Ok(Preview { ids: p.ids, total })
}

/// `from`: the state the bonuses were released from (due by hand, held under auto-approval).
async fn audit_approval(
    ctx: &Ctx,
    txn: &DatabaseTransaction,
    from: ShownBonusState,
    ids: &[i64],
    total: Money,
) -> Result<()> {
    audit::append(
        txn,
        audit::Entry {
            at: ms(ctx.now()),
            operator: &ctx.operator,
            action: "bonus.approve",
            subject: &format!("{} bonuses", ids.len()),
            detail: serde_json::json!({
                "ids": ids, "total": total.plain(), "from": from.as_str(), "to": ShownBonusState::Available.as_str(),
            }),
            reason: None,
        },
    )
    .await?;
    Ok(())
}

/// With `approval = "auto"`, books the release of every held bonus whose hold has ended. The
/// program's own change, recorded under the name `system`: no person decides it, whoever's
/// command found it due. A production database looked at another time (`--now`) changes nothing.
pub async fn auto_release(ctx: &Ctx) -> Result<usize> {
    // A reader of a read-only database reads the bonuses as they are shown anyway (due ones
    // count as due); releasing them waits for a writer.
    if ctx.terms.approval != Approval::Auto || ctx.store.read_only {
        return Ok(0);
    }
    if matches!(ctx.clock, super::Clock::Fixed(_)) && super::access::mode(ctx).await? != Mode::Sandbox {
        return Ok(0);
    }
    let ctx = &Ctx { operator: SYSTEM.to_string(), ..ctx.clone() };
    let txn = ctx.store.begin_write().await?;
    // The bonuses an operator would see as due under manual approval: held, past their hold,
    // not frozen.
    let due = store::values_in_state(&txn, ShownBonusState::Due, ms(ctx.now()), Approval::Manual).await?;
    let held: Vec<i64> = due.iter().map(|d| d.0).collect();
    if held.is_empty() {
        return Ok(0);
    }
    let total = release(ctx, &txn, &held, "auto-approval").await?;
    audit_approval(ctx, &txn, ShownBonusState::Held, &held, total).await?;
    txn.commit().await?;
    Ok(held.len())
}

/// Voids unpaid bonuses inside the caller's transaction, with their ledger entries.
pub(crate) async fn void_in(ctx: &Ctx, txn: &DatabaseTransaction, ids: &[i64], reason: &str) -> Result<Money> {
    let now = ctx.now();
    let mut total = Money::ZERO;
    let mut postings = Vec::with_capacity(ids.len());
    for &id in ids {
        let Some((b, partner)) = store::one(txn, id).await? else {
            return Err(ServiceError::Bonus(Refusal::NoSuchBonus(id)));
        };
        let bucket = b.voidable(ctx.terms.timezone)?;
        if !store::mark_voided(txn, id, ms(now), &ctx.operator, reason).await? {
            return Err(ServiceError::Bonus(Refusal::Changed));
        }
        total += b.value();
        let stamp = Stamp { at: now, recorded_at: now, operator: ctx.operator.clone() };
        postings.push(Posting::void(&partner, id, bucket, b.value(), stamp, reason, None));
    }
    ledger::post(txn, &postings).await?;
    Ok(total)
}

/// Voids one unpaid bonus, with the operator's reason.
pub async fn void(ctx: &Ctx, id: i64, reason: &str) -> Result<Money> {
    void_many(ctx, &[id], reason).await
}

/// Voids the named unpaid bonuses (all or none) for one reason, in one transaction with one
/// audit entry.
pub async fn void_many(ctx: &Ctx, ids: &[i64], reason: &str) -> Result<Money> {
    crate::service::access::allow(ctx, crate::domain::access::Deed::VoidBonus).await?;
    let reason = super::policed(Field::Reason, reason)?;
    if reason.is_empty() {
        return Err(ServiceError::invalid(Field::Reason, Problem::Missing(Purpose::VoidBonus)));
    }
    let txn = ctx.store.begin_write().await?;
    let total = void_in(ctx, &txn, ids, &reason).await?;
    let (subject, detail) = match ids {
        [id] => (format!("bonus {id}"), serde_json::json!({"amount": total.plain()})),
        _ => (format!("{} bonuses", ids.len()), serde_json::json!({"ids": ids, "total": total.plain()})),
    };
    audit::append(
        &txn,
        audit::Entry {
            at: ms(ctx.now()),
            operator: &ctx.operator,
            action: "bonus.void",
            subject: &subject,
            detail,
            reason: Some(&reason),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(total)
}

/// The shown state of one stored bonus at the clock's time (payment detail).
pub async fn shown_state(ctx: &Ctx, b: &crate::domain::bonus::Bonus, partner_id: &str) -> Result<ShownBonusState> {
    let frozen = store::open_cases(&ctx.store.db, partner_id).await? > 0;
    Ok(b.shown(ctx.now(), frozen, ctx.terms.approval))
}

/// What happened to a bonus, in the order it happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Happened {
    /// Booked on its payment (the import).
    Booked,
    /// Approved by an operator (or the auto-approval sweep): held to available.
    Approved,
    /// Voided: by an operator with a reason, or by a refund of the whole payment.
    Voided,
    /// Reduced by a partial refund while unpaid.
    Reduced,
    /// Clawed back by a refund after it was paid.
    ClawedBack,
}

/// One step of a bonus's history: who, when and why, from its ledger entries.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HistoryStep {
    pub what: Happened,
    pub by: String,
    /// When it took effect for people: the payment's or refund's time, an operator's action.
    pub at: i64,
    /// When refdesk wrote it.
    pub recorded_at: i64,
    /// What it moved (positive: what the partner gained; negative: lost).
    pub amount: Money,
    /// The operator's reason in full, or the refund's.
    pub reason: Option<String>,
    /// The refund event behind it, when a refund did it.
    pub refund: Option<String>,
    /// That refund's amount.
    pub refund_amount: Option<Money>,
}

/// A payment as the bonus detail shows it, refunds included.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PaymentFacts {
    pub id: String,
    pub account_id: String,
    pub package: String,
    pub list_price: Money,
    pub paid_amount: Money,
    pub refunded: Money,
    pub net: Money,
    pub refund: RefundMark,
    pub paid_at: i64,
    pub refunds: Vec<super::payments::RefundLine>,
}

/// One bonus in full: its payment, client, partner, terms, value and history.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BonusDetail {
    pub id: i64,
    pub state: ShownBonusState,
    pub payment: PaymentFacts,
    pub partner: String,
    pub partner_name: String,
    /// `list_price` or `paid_amount`.
    pub base: String,
    pub base_amount: Money,
    /// The rate, as booked (`0.25`).
    pub rate: String,
    pub campaign: Option<String>,
    pub hold_days: i32,
    pub booked_at: i64,
    pub release_at: i64,
    pub booked: Money,
    pub reduced: Money,
    pub clawed_back: Money,
    /// Booked less reductions (what lists show as its amount).
    pub value: Money,
    /// What the partner keeps of it now: nothing once voided, less clawbacks once paid.
    pub kept: Money,
    pub history: Vec<HistoryStep>,
}

/// The bonus `id` in full. Its history is read from its ledger entries, which carry who made
/// each, when and why (a manual void's reason in full, as the audit entry has it).
pub async fn detail(ctx: &Ctx, id: i64) -> Result<BonusDetail> {
    let db = &ctx.store.db;
    let Some(m) = store::row(db, id).await? else {
        return Err(ServiceError::Bonus(Refusal::NoSuchBonus(id)));
    };
    let b = store::to_domain(&m)?;
    let state = shown_state(ctx, &b, &m.partner_id).await?;
    let Some(p) = payments::one(db, &m.payment_id).await? else {
        return Err(ServiceError::NotFound(Missing::Payment(m.payment_id.clone())));
    };
    let refunds: Vec<RefundLine> = payments::refunds(db, &p.id)
        .await?
        .into_iter()
        .map(|r| RefundLine { amount: Money::from_tiyn(r.amount), at: r.at, event_id: r.event_id })
        .collect();
    let (paid, refunded) = (Money::from_tiyn(p.paid_amount), Money::from_tiyn(p.refunded));
    // The refund that brought the refunds up to the whole payment voided what was left.
    let mut running = Money::ZERO;
    let whole: Option<String> = refunds.iter().find_map(|r| {
        running += r.amount;
        (running >= paid).then(|| r.event_id.clone())
    });
    let history = ledger::of_bonus(db, id)
        .await?
        .into_iter()
        .filter_map(|e| {
            let e = e.posting;
            let what = match e.kind {
                EntryKind::Accrual => Happened::Booked,
                // The two legs of an approval: the one into available says it.
                EntryKind::Release if e.bucket == Bucket::Available => Happened::Approved,
                EntryKind::Release => return None,
                EntryKind::Void if e.reference.is_some() && e.reference != whole => Happened::Reduced,
                EntryKind::Void => Happened::Voided,
                EntryKind::Clawback => Happened::ClawedBack,
                // A run's payment is the partner's, not one bonus's (its state says paid).
                EntryKind::Payout => return None,
            };
            let refund =
                refunds.iter().find(|r| e.kind != EntryKind::Accrual && Some(&r.event_id) == e.reference.as_ref());
            Some(HistoryStep {
                what,
                by: e.stamp.operator,
                // An approval's entry is dated when the hold ended; the operator acted when it was written.
                at: if what == Happened::Approved { ms(e.stamp.recorded_at) } else { ms(e.stamp.at) },
                recorded_at: ms(e.stamp.recorded_at),
                amount: e.amount,
                reason: e.reason,
                refund: refund.map(|r| r.event_id.clone()),
                refund_amount: refund.map(|r| r.amount),
            })
        })
        .collect();
    Ok(BonusDetail {
        id,
        state,
        payment: PaymentFacts {
            id: p.id,
            account_id: p.account_id,
            package: p.package,
            list_price: Money::from_tiyn(p.list_price),
            paid_amount: paid,
            refunded,
            net: paid - refunded,
            refund: RefundMark::of(paid, refunded),
            paid_at: p.paid_at,
            refunds,
        },
        partner: partners::code_of(db, &m.partner_id).await?.unwrap_or_default(),
        partner_name: partners::partner(db, &m.partner_id).await?.map(|p| p.name).unwrap_or_default(),
        base: m.base_kind,
        base_amount: Money::from_tiyn(m.base_amount),
        rate: m.rate,
        campaign: m.campaign,
        hold_days: m.hold_days,
        booked_at: m.booked_at,
        release_at: m.release_at,
        booked: b.booked,
        reduced: b.reduced,
        clawed_back: b.clawed,
        value: b.value(),
        kept: b.kept(),
        history,
    })
}
