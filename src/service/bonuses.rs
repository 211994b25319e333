//! Bonuses: the queues by state, approval of due bonuses, voiding, and auto-release.
//! Every change is a compare-and-set on the stored state inside one short transaction.
use super::import::entry;
use super::{Ctx, Result, ServiceError, from_ms, ms};
use crate::domain::Money;
use crate::domain::identity::clean_text;
use crate::domain::rules::{State, Stored, shown_state};
use crate::domain::terms::Approval;
use crate::store::entity::{bonus, ledger_entry};
use crate::store::{audit, execute, placeholders, query_all};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryResult, Value};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// A bonus's value in SQL over alias `b`: what was booked less what partial refunds took back.
pub const BONUS_VALUE: &str = "(b.booked - b.reduced)";
/// An open fraud case on the bonus's partner freezes it.
pub const FROZEN: &str = "EXISTS (SELECT 1 FROM fraud_case f WHERE f.partner_id = b.partner_id AND f.status = 'open')";

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BonusRow {
    pub id: i64,
    pub partner: String,
    pub partner_name: String,
    pub payment_id: String,
    pub amount: Money,
    pub status: State,
    pub booked_at: i64,
    pub release_at: i64,
    pub reason: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct BonusQuery {
    pub partner: Option<String>,
    pub state: Option<State>,
    /// Rows after this (release_at, id) in release order.
    pub after: Option<(i64, i64)>,
    pub limit: u64,
}

/// The SQL condition for a shown state at `now` (placeholder `$1` is now).
fn state_sql(state: State, approval: Approval) -> String {
    let not_frozen = format!("NOT {FROZEN}");
    match (state, approval) {
        (State::Held, _) => format!("b.state = 'held' AND b.release_at > $1 AND {not_frozen}"),
        (State::Due, Approval::Manual) => format!("b.state = 'held' AND b.release_at <= $1 AND {not_frozen}"),
        (State::Due, Approval::Auto) => "1 = 0".into(),
        (State::Frozen, _) => format!("b.state IN ('held','available') AND {FROZEN}"),
        (State::Available, Approval::Manual) => format!("b.state = 'available' AND {not_frozen}"),
        (State::Available, Approval::Auto) => {
            format!("(b.state = 'available' OR (b.state = 'held' AND b.release_at <= $1)) AND {not_frozen}")
        }
        (State::Paid, _) => "b.state = 'paid'".into(),
        (State::Voided, _) => "b.state = 'voided'".into(),
    }
}

const COLS: &str = "b.id, c.code, p.name, b.payment_id, b.booked - b.reduced, b.state, b.booked_at, b.release_at, \
     b.void_reason, CAST(CASE WHEN b.state IN ('held','available') AND EXISTS (SELECT 1 FROM fraud_case f \
     WHERE f.partner_id = b.partner_id AND f.status = 'open') THEN 1 ELSE 0 END AS BIGINT)";
const FROM: &str =
    "FROM bonus b JOIN promo_code c ON c.partner_id = b.partner_id JOIN partner p ON p.account_id = b.partner_id";

fn row(ctx: &Ctx, r: &QueryResult) -> Result<BonusRow> {
    let stored: String = r.try_get_by_index(5)?;
    let release_at: i64 = r.try_get_by_index(7)?;
    let frozen = r.try_get_by_index::<i64>(9)? != 0;
    let stored = Stored::parse(&stored).unwrap_or(Stored::Held);
    let status = shown_state(stored, from_ms(release_at), ctx.now(), frozen, ctx.terms.approval);
    let void_reason: Option<String> = r.try_get_by_index(8)?;
    Ok(BonusRow {
        id: r.try_get_by_index(0)?,
        partner: r.try_get_by_index(1)?,
        partner_name: r.try_get_by_index(2)?,
        payment_id: r.try_get_by_index(3)?,
        amount: Money::from_tiyn(r.try_get_by_index(4)?),
        status,
        booked_at: r.try_get_by_index(6)?,
        release_at,
        reason: match status {
            State::Frozen => Some("open fraud case".into()),
            _ => void_reason,
        },
    })
}

/// Bonuses in release order, filtered by partner and shown state.
pub async fn list(ctx: &Ctx, q: &BonusQuery) -> Result<Vec<BonusRow>> {
    let mut vals: Vec<Value> = vec![ms(ctx.now()).into()];
    let mut sql = format!("SELECT {COLS} {FROM} WHERE 1=1");
    if let Some(s) = q.state {
        sql.push_str(&format!(" AND {}", state_sql(s, ctx.terms.approval)));
    } else {
        // Keep $1 bound on every path: both backends want each placeholder used.
        sql.push_str(" AND $1 = $1");
    }
    if let Some(code) = &q.partner {
        vals.push(code.trim().to_uppercase().into());
        sql.push_str(&format!(" AND c.code = ${}", vals.len()));
    }
    if let Some((rel, id)) = q.after {
        vals.push(rel.into());
        vals.push(id.into());
        sql.push_str(&format!(" AND (b.release_at, b.id) > (${}, ${})", vals.len() - 1, vals.len()));
    }
    sql.push_str(" ORDER BY b.release_at, b.id");
    if q.limit > 0 {
        sql.push_str(&format!(" LIMIT {}", q.limit));
    }
    query_all(&ctx.store.db, &sql, vals).await?.iter().map(|r| row(ctx, r)).collect()
}

/// Totals per shown state over the whole program (dashboard).
pub async fn totals(ctx: &Ctx) -> Result<Vec<(State, i64, Money)>> {
    let mut out = Vec::new();
    for s in [State::Held, State::Due, State::Frozen, State::Available, State::Paid] {
        let sql = format!(
            "SELECT COUNT(*), CAST(COALESCE(SUM({BONUS_VALUE}), 0) AS BIGINT) FROM bonus b WHERE {}",
            state_sql(s, ctx.terms.approval)
        );
        let uses_now = sql.contains("$1");
        let vals: Vec<Value> = if uses_now { vec![ms(ctx.now()).into()] } else { vec![] };
        if let Some(r) = crate::store::query_one(&ctx.store.db, &sql, vals).await? {
            out.push((s, r.try_get_by_index(0)?, Money::from_tiyn(r.try_get_by_index(1)?)));
        }
    }
    Ok(out)
}

/// What an approval would do, read before asking for confirmation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Preview {
    pub ids: Vec<i64>,
    pub total: Money,
}

/// Why a bonus cannot be approved or voided now: one sentence for the CLI, and the facts for
/// the console to say in its own language.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("there is no bonus {0}")]
    NoSuchBonus(i64),
    #[error("bonus {id} was already approved by {by} at {at}")]
    Approved { id: i64, by: String, at: String },
    #[error("bonus {id} was voided by {by} at {at}: {reason}")]
    Voided { id: i64, by: String, at: String, reason: String },
    #[error("bonus {0} is already paid")]
    Paid(i64),
    #[error("bonus {0} is frozen: a fraud case is open on its partner")]
    Frozen(i64),
    #[error("bonus {id} is not due yet: its hold ends at {at}")]
    NotDue { id: i64, at: String },
    #[error("another operator changed these bonuses a moment ago; nothing was approved, look again")]
    Changed,
    #[error("approval is automatic in this program (approval = \"auto\")")]
    AutoApproval,
}

fn refusal(ctx: &Ctx, b: &bonus::Model, frozen: bool) -> ServiceError {
    let at = |t: Option<i64>| {
        t.map(|t| ctx.terms.local(from_ms(t)).format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default()
    };
    let r = match b.state.as_str() {
        "available" => {
            Refusal::Approved { id: b.id, by: b.approved_by.clone().unwrap_or_default(), at: at(b.approved_at) }
        }
        "voided" => Refusal::Voided {
            id: b.id,
            by: b.voided_by.clone().unwrap_or_default(),
            at: at(b.voided_at),
            reason: b.void_reason.clone().unwrap_or_default(),
        },
        "paid" => Refusal::Paid(b.id),
        _ if frozen => Refusal::Frozen(b.id),
        _ => Refusal::NotDue { id: b.id, at: at(Some(b.release_at)) },
    };
    ServiceError::Bonus(r)
}

/// Checks the named bonuses (or every due one) without changing anything.
pub async fn preview_approve(ctx: &Ctx, ids: Option<&[i64]>) -> Result<Preview> {
    check_approvable(ctx, &ctx.store.db, ids).await
}

async fn check_approvable<C: ConnectionTrait>(ctx: &Ctx, c: &C, ids: Option<&[i64]>) -> Result<Preview> {
    if ctx.terms.approval == Approval::Auto {
        return Err(ServiceError::Bonus(Refusal::AutoApproval));
    }
    let now = ms(ctx.now());
    match ids {
        None => {
            let sql = format!(
                "SELECT b.id, {BONUS_VALUE} FROM bonus b WHERE {} ORDER BY b.id",
                state_sql(State::Due, ctx.terms.approval)
            );
            let rows = query_all(c, &sql, vec![now.into()]).await?;
            let mut p = Preview { ids: Vec::new(), total: Money::ZERO };
            for r in rows {
                p.ids.push(r.try_get_by_index(0)?);
                p.total = Money::from_tiyn(p.total.tiyn() + r.try_get_by_index::<i64>(1)?);
            }
            Ok(p)
        }
        Some(ids) => {
            // All the named bonuses and their partners' open cases in a few IN queries, so
            // that approving thousands at once stays quick.
            let mut found: HashMap<i64, bonus::Model> = HashMap::new();
            for chunk in ids.chunks(900) {
                for b in bonus::Entity::find().filter(bonus::Column::Id.is_in(chunk.iter().copied())).all(c).await? {
                    found.insert(b.id, b);
                }
            }
            let partners: Vec<Value> = {
                let mut v: Vec<&String> = found.values().map(|b| &b.partner_id).collect();
                v.sort();
                v.dedup();
                v.into_iter().map(|p| Value::from(p.clone())).collect()
            };
            let mut frozen: HashSet<String> = HashSet::new();
            for chunk in partners.chunks(900) {
                let sql = format!(
                    "SELECT DISTINCT partner_id FROM fraud_case WHERE status = 'open' AND partner_id IN ({})",
                    placeholders(1, chunk.len())
                );
                for r in query_all(c, &sql, chunk.to_vec()).await? {
                    frozen.insert(r.try_get_by_index(0)?);
                }
            }
            let mut p = Preview { ids: Vec::new(), total: Money::ZERO };
            let mut seen = HashSet::new();
            for &id in ids {
                let Some(b) = found.get(&id) else {
                    return Err(ServiceError::Bonus(Refusal::NoSuchBonus(id)));
                };
                let is_frozen = frozen.contains(&b.partner_id);
                if b.state != "held" || b.release_at > now || is_frozen {
                    return Err(refusal(ctx, b, is_frozen));
                }
                if seen.insert(id) {
                    p.ids.push(id);
                    p.total = Money::from_tiyn(p.total.tiyn() + b.booked - b.reduced);
                }
            }
            Ok(p)
        }
    }
}

/// Moves held bonuses to available with their release entries; the caller has checked them.
async fn release(ctx: &Ctx, txn: &DatabaseTransaction, ids: &[i64], by: &str) -> Result<Money> {
    let now = ms(ctx.now());
    let mut total = 0;
    for chunk in ids.chunks(500) {
        let mut vals: Vec<Value> = vec![now.into(), by.into()];
        vals.extend(chunk.iter().map(|&i| Value::from(i)));
        let n = execute(
            txn,
            &format!(
                "UPDATE bonus SET state = 'available', approved_at = $1, approved_by = $2 \
                 WHERE state = 'held' AND id IN ({})",
                placeholders(3, chunk.len())
            ),
            vals,
        )
        .await?;
        if n as usize != chunk.len() {
            return Err(ServiceError::Bonus(Refusal::Changed));
        }
        let models = bonus::Entity::find()
            .filter(<bonus::Column as sea_orm::ColumnTrait>::is_in(&bonus::Column::Id, chunk.iter().copied()))
            .all(txn)
            .await?;
        let mut entries: Vec<ledger_entry::ActiveModel> = Vec::new();
        for b in models {
            let v = b.booked - b.reduced;
            total += v;
            let at = b.release_at.max(0);
            entries.push(entry(&b.partner_id, Some(b.id), "release", "held", -v, at, now, by, None, None));
            entries.push(entry(&b.partner_id, Some(b.id), "release", "available", v, at, now, by, None, None));
        }
        if !entries.is_empty() {
            ledger_entry::Entity::insert_many(entries).exec_without_returning(txn).await?;
        }
    }
    Ok(Money::from_tiyn(total))
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
    audit::append(
        &txn,
        audit::Entry {
            at: ms(ctx.now()),
            operator: &ctx.operator,
            action: "bonus.approve",
            subject: &format!("{} bonuses", p.ids.len()),
            detail: serde_json::json!({"ids": p.ids, "total": total.plain()}),
            reason: None,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(Preview { ids: p.ids, total })
}

/// With `approval = "auto"`, books the release of every held bonus whose hold has ended.
pub async fn auto_release(ctx: &Ctx) -> Result<usize> {
    if ctx.terms.approval != Approval::Auto {
        return Ok(0);
    }
    let txn = ctx.store.begin_write().await?;
    let sql = format!(
        "SELECT b.id FROM bonus b WHERE b.state = 'held' AND b.release_at <= $1 AND NOT {FROZEN} ORDER BY b.id"
    );
    let ids: Vec<i64> = query_all(&txn, &sql, vec![ms(ctx.now()).into()])
        .await?
        .iter()
        .map(|r| r.try_get_by_index(0))
        .collect::<std::result::Result<_, _>>()?;
    if ids.is_empty() {
        return Ok(0);
    }
    let total = release(ctx, &txn, &ids, "auto-approval").await?;
    audit::append(
        &txn,
        audit::Entry {
            at: ms(ctx.now()),
            operator: "auto-approval",
            action: "bonus.approve",
            subject: &format!("{} bonuses", ids.len()),
            detail: serde_json::json!({"ids": ids, "total": total.plain()}),
            reason: None,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(ids.len())
}

/// Voids unpaid bonuses inside the caller's transaction, with their ledger entries.
pub(crate) async fn void_in(ctx: &Ctx, txn: &DatabaseTransaction, ids: &[i64], reason: &str) -> Result<Money> {
    let now = ms(ctx.now());
    let mut total = 0;
    for &id in ids {
        let Some(b) = bonus::Entity::find_by_id(id).one(txn).await? else {
            return Err(ServiceError::Bonus(Refusal::NoSuchBonus(id)));
        };
        let n = execute(
            txn,
            "UPDATE bonus SET state = 'voided', voided_at = $1, voided_by = $2, void_reason = $3 \
             WHERE id = $4 AND state IN ('held','available')",
            vec![now.into(), ctx.operator.clone().into(), reason.into(), id.into()],
        )
        .await?;
        if n != 1 {
            return Err(refusal(ctx, &b, false));
        }
        let v = b.booked - b.reduced;
        total += v;
        let bucket = if b.state == "held" { "held" } else { "available" };
        ledger_entry::Entity::insert(entry(
            &b.partner_id,
            Some(id),
            "void",
            bucket,
            -v,
            now,
            now,
            &ctx.operator,
            Some(reason),
            None,
        ))
        .exec_without_returning(txn)
        .await?;
    }
    Ok(Money::from_tiyn(total))
}

/// Voids one unpaid bonus, with the operator's reason.
pub async fn void(ctx: &Ctx, id: i64, reason: &str) -> Result<Money> {
    let reason = clean_text(reason);
    if reason.is_empty() {
        return Err(ServiceError::Invalid("--reason: say why the bonus is voided".into()));
    }
    let txn = ctx.store.begin_write().await?;
    let total = void_in(ctx, &txn, &[id], &reason).await?;
    audit::append(
        &txn,
        audit::Entry {
            at: ms(ctx.now()),
            operator: &ctx.operator,
            action: "bonus.void",
            subject: &format!("bonus {id}"),
            detail: serde_json::json!({"amount": total.plain()}),
            reason: Some(&reason),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(total)
}
