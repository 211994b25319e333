//! Bonuses: the queues by state, approval of due bonuses, voiding, and auto-release. Each change
//! is a compare-and-set on the stored state inside one short transaction with one audit entry.
use super::{Ctx, Field, Problem, Purpose, Result, ServiceError, ms};
use crate::domain::Money;
use crate::domain::bonus::{Refusal, ShownBonusState};
use crate::domain::identity::clean_text;
use crate::domain::ledger::{Posting, Stamp};
use crate::domain::partner::search_text;
use crate::domain::terms::Approval;
use crate::store::{audit, bonuses as store, ledger};
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

/// Count and value of the bonuses a list's partner and state find.
pub async fn list_total(ctx: &Ctx, q: &BonusQuery) -> Result<(i64, Money)> {
    Ok(store::list_total(&ctx.store.db, &q.filter(), ms(ctx.now()), ctx.terms.approval).await?)
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
    let mut out = Vec::new();
    for s in [
        ShownBonusState::Held,
        ShownBonusState::Due,
        ShownBonusState::Frozen,
        ShownBonusState::Available,
        ShownBonusState::Paid,
    ] {
        let (n, total) = store::total_in_state(&ctx.store.db, s, ms(ctx.now()), ctx.terms.approval).await?;
        out.push((s, n, total));
    }
    Ok(out)
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
    let txn = ctx.store.begin_write().await?;
    // Re-checked inside the write: the preview the operator confirmed may be stale.
    let p = check_approvable(ctx, &txn, ids).await?;
    if p.ids.is_empty() {
        return Ok(p);
    }
    let total = release(ctx, &txn, &p.ids, &ctx.operator).await?;
    audit_approval(ctx, &txn, &ctx.operator, &p.ids, total).await?;
    txn.commit().await?;
    Ok(Preview { ids: p.ids, total })
}

async fn audit_approval(ctx: &Ctx, txn: &DatabaseTransaction, by: &str, ids: &[i64], total: Money) -> Result<()> {
    audit::append(
        txn,
        audit::Entry {
            at: ms(ctx.now()),
            operator: by,
            action: "bonus.approve",
            subject: &format!("{} bonuses", ids.len()),
            detail: serde_json::json!({"ids": ids, "total": total.plain()}),
            reason: None,
        },
    )
    .await?;
    Ok(())
}

/// With `approval = "auto"`, books the release of every held bonus whose hold has ended.
pub async fn auto_release(ctx: &Ctx) -> Result<usize> {
    if ctx.terms.approval != Approval::Auto {
        return Ok(0);
    }
    let txn = ctx.store.begin_write().await?;
    // The bonuses an operator would see as due under manual approval: held, past their hold,
    // not frozen.
    let due = store::values_in_state(&txn, ShownBonusState::Due, ms(ctx.now()), Approval::Manual).await?;
    let held: Vec<i64> = due.iter().map(|d| d.0).collect();
    if held.is_empty() {
        return Ok(0);
    }
    let total = release(ctx, &txn, &held, "auto-approval").await?;
    audit_approval(ctx, &txn, "auto-approval", &held, total).await?;
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
    let reason = clean_text(reason);
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
