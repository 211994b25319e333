//! What an import batch reads and writes: every lookup for the whole batch at once through the
//! indexes, and the statements that write what it judged, parents before children.
use super::bulk::{insert_statements, select_in};
use super::entity::{account, bonus, event, partner, payment, promo_code, refund};
use super::{ledger, stmt};
use crate::domain::ledger::Posting;
use crate::domain::rules::Identity;
use foldhash::HashSet;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DbBackend, DbErr, FromQueryResult, IntoActiveModel, QueryTrait, Statement, Value,
};

/// Distinct keys, in the order first seen, as values for [`select_in`].
fn keys<'k>(keys: impl IntoIterator<Item = &'k String>) -> Vec<Value> {
    let mut seen = HashSet::default();
    keys.into_iter().filter(|k| seen.insert(k.as_str())).map(|k| Value::from(k.clone())).collect()
}

/// Digests of the events already imported under these ids.
pub async fn event_digests<'k, C: ConnectionTrait>(
    c: &C,
    ids: impl IntoIterator<Item = &'k String>,
) -> Result<Vec<(String, i64)>, DbErr> {
    select_in(c, "SELECT event_id, digest FROM event WHERE event_id IN", keys(ids))
        .await?
        .iter()
        .map(|r| Ok((r.try_get_by_index(0)?, r.try_get_by_index(1)?)))
        .collect()
}

/// A code with its owner's standing and stored identity.
#[derive(Clone, Debug)]
pub struct CodeRow {
    pub code: String,
    pub partner_id: String,
    pub active: bool,
    pub excluded: bool,
    /// The owner's stored identity (empty when the owner has no account row).
    pub owner: Identity,
}

/// Which column [`codes`] looks codes up by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodesBy {
    Code,
    Owner,
}

/// Codes with their owner's standing and identity, by code or by owner (account id).
pub async fn codes<'k, C: ConnectionTrait>(
    c: &C,
    by: CodesBy,
    wanted: impl IntoIterator<Item = &'k String>,
) -> Result<Vec<CodeRow>, DbErr> {
    let column = match by {
        CodesBy::Code => "c.code",
        CodesBy::Owner => "c.partner_id",
    };
    let head = format!(
        "SELECT c.code, c.partner_id, c.active, p.status, a.id, a.email_norm, a.phone_norm, a.iin_norm \
         FROM promo_code c LEFT JOIN partner p ON p.account_id = c.partner_id \
         LEFT JOIN account a ON a.id = c.partner_id WHERE {column} IN"
    );
    select_in(c, &head, keys(wanted))
        .await?
        .iter()
        .map(|r| {
            let status: Option<String> = r.try_get_by_index(3)?;
            let owner = match r.try_get_by_index::<Option<String>>(4)? {
                Some(account_id) => Identity {
                    account_id,
                    email: r.try_get_by_index(5)?,
                    phone: r.try_get_by_index(6)?,
                    iin: r.try_get_by_index(7)?,
                },
                None => Identity::default(),
            };
            Ok(CodeRow {
                code: r.try_get_by_index(0)?,
                partner_id: r.try_get_by_index(1)?,
                active: r.try_get_by_index(2)?,
                excluded: status.as_deref() == Some("excluded"),
                owner,
            })
        })
        .collect()
}

pub async fn accounts<'k, C: ConnectionTrait>(
    c: &C,
    ids: impl IntoIterator<Item = &'k String>,
) -> Result<Vec<account::Model>, DbErr> {
    select_in(c, "SELECT * FROM account WHERE id IN", keys(ids))
        .await?
        .iter()
        .map(|r| account::Model::from_query_result(r, ""))
        .collect()
}

pub async fn payments<'k, C: ConnectionTrait>(
    c: &C,
    ids: impl IntoIterator<Item = &'k String>,
) -> Result<Vec<payment::Model>, DbErr> {
    select_in(c, "SELECT * FROM payment WHERE id IN", keys(ids))
        .await?
        .iter()
        .map(|r| payment::Model::from_query_result(r, ""))
        .collect()
}

/// Which of these accounts already have a confirmed payment.
pub async fn paying<'k, C: ConnectionTrait>(
    c: &C,
    accounts: impl IntoIterator<Item = &'k String>,
) -> Result<Vec<String>, DbErr> {
    select_in(c, "SELECT DISTINCT account_id FROM payment WHERE account_id IN", keys(accounts))
        .await?
        .iter()
        .map(|r| r.try_get_by_index(0))
        .collect()
}

/// The bonuses booked on these payments.
pub async fn bonuses_of<'k, C: ConnectionTrait>(
    c: &C,
    payments: impl IntoIterator<Item = &'k String>,
) -> Result<Vec<bonus::Model>, DbErr> {
    select_in(c, "SELECT * FROM bonus WHERE payment_id IN", keys(payments))
        .await?
        .iter()
        .map(|r| bonus::Model::from_query_result(r, ""))
        .collect()
}

/// What a judged batch writes: new rows in the order its lines made them, changed stored rows in
/// key order (so that two writers would lock rows alike).
#[derive(Default)]
pub struct Writes {
    pub new_accounts: Vec<account::Model>,
    pub changed_accounts: Vec<account::Model>,
    pub new_partners: Vec<partner::Model>,
    pub new_codes: Vec<promo_code::ActiveModel>,
    pub new_payments: Vec<payment::Model>,
    pub changed_payments: Vec<payment::Model>,
    pub new_bonuses: Vec<bonus::Model>,
    pub changed_bonuses: Vec<bonus::Model>,
    pub ledger: Vec<Posting>,
    pub refunds: Vec<refund::ActiveModel>,
    pub events: Vec<event::ActiveModel>,
}

/// Writes the batch inside the caller's transaction. Foreign keys are checked at commit (see
/// the migration), so that a client who registered without a code may have as its parent a
/// partner who registered later in the same batch.
pub async fn write<C: ConnectionTrait>(c: &C, w: Writes) -> Result<(), DbErr> {
    let statements = tracing::debug_span!("import.plan").in_scope(|| statements(c.get_database_backend(), w))?;
    for statement in statements {
        c.execute_raw(statement).await?;
    }
    Ok(())
}

fn models<M: IntoActiveModel<A>, A: ActiveModelTrait>(rows: Vec<M>) -> Vec<A> {
    rows.into_iter().map(IntoActiveModel::into_active_model).collect()
}

/// The statements that write a judged batch, in order.
fn statements(backend: DbBackend, w: Writes) -> Result<Vec<Statement>, DbErr> {
    let out = &mut Vec::new();
    insert_statements(backend, models(w.new_accounts), out)?;
    for a in w.changed_accounts {
        // Every column set: an UPDATE of the whole row.
        out.push(sea_orm::Update::one(a.into_active_model().reset_all()).validate()?.build(backend));
    }
    insert_statements(backend, models(w.new_partners), out)?;
    insert_statements(backend, w.new_codes, out)?;
    insert_statements(backend, models(w.new_payments), out)?;
    for p in w.changed_payments {
        out.push(stmt(backend, "UPDATE payment SET refunded = $1 WHERE id = $2", vec![p.refunded.into(), p.id.into()]));
    }
    insert_statements(backend, models(w.new_bonuses), out)?;
    for bn in w.changed_bonuses {
        out.push(stmt(
            backend,
            "UPDATE bonus SET reduced = $1, clawed = $2, state = $3, voided_at = $4, voided_by = $5, void_reason = $6 WHERE id = $7",
            vec![
                bn.reduced.into(),
                bn.clawed.into(),
                bn.state.into(),
                bn.voided_at.into(),
                bn.voided_by.into(),
                bn.void_reason.into(),
                bn.id.into(),
            ],
        ));
    }
    insert_statements(backend, w.ledger.iter().map(ledger::row).collect(), out)?;
    insert_statements(backend, w.refunds, out)?;
    insert_statements(backend, w.events, out)?;
    Ok(std::mem::take(out))
}
