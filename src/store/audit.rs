//! The audit log: one entry per state change, inside that change's transaction, each hashing
//! the previous one so that an edit anywhere breaks the chain.
use super::entity::audit_log;
use super::{LOCK_WRITE, lock_writers};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, EntityTrait, QueryOrder, QuerySelect, Set};
use sha2::{Digest, Sha256};

pub struct Entry<'a> {
    pub at: i64,
    pub operator: &'a str,
    pub action: &'a str,
    pub subject: &'a str,
    pub detail: serde_json::Value,
    pub reason: Option<&'a str>,
}

pub fn chain_hash(
    prev: &str,
    at: i64,
    operator: &str,
    action: &str,
    subject: &str,
    detail: &str,
    reason: Option<&str>,
) -> String {
    let mut h = Sha256::new();
    for part in [prev, &at.to_string(), operator, action, subject, detail, reason.unwrap_or("\u{0}")] {
        h.update(part.as_bytes());
        h.update([0x1f]);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

pub async fn append<C: ConnectionTrait>(c: &C, e: Entry<'_>) -> Result<(), DbErr> {
    lock_writers(c, LOCK_WRITE).await?;
    let prev = audit_log::Entity::find()
        .order_by_desc(audit_log::Column::Id)
        .limit(1)
        .one(c)
        .await?
        .map(|m| m.hash)
        .unwrap_or_default();
    let detail = e.detail.to_string();
    let hash = chain_hash(&prev, e.at, e.operator, e.action, e.subject, &detail, e.reason);
    audit_log::ActiveModel {
        at: Set(e.at),
        operator: Set(e.operator.to_string()),
        action: Set(e.action.to_string()),
        subject: Set(e.subject.to_string()),
        detail: Set(detail),
        reason: Set(e.reason.map(String::from)),
        prev_hash: Set(prev),
        hash: Set(hash),
        ..Default::default()
    }
    .insert(c)
    .await?;
    Ok(())
}

/// The id of the last audit entry: every change is written with one, so a figure computed from
/// the data stays true while this stays the same.
pub async fn last_id<C: ConnectionTrait>(c: &C) -> Result<Option<i64>, DbErr> {
    let row = super::query_one(c, "SELECT MAX(id) FROM audit_log", vec![]).await?;
    Ok(row.map(|r| r.try_get_by_index::<Option<i64>>(0)).transpose()?.flatten())
}
