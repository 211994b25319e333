//! The audit log: one entry per state change, inside that change's transaction, each hashing
//! the previous one (domain/audit.rs) so that an edit anywhere breaks the chain.
use super::entity::audit_log;
use super::{ESCAPE, LOCK_WRITE, contains, execute, lock_writers, query_all, query_one};
use crate::domain::access::{Mode, SYSTEM};
use crate::domain::audit::{self as chain, Entry as Chained};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, QueryResult, Set, Value};

pub struct Entry<'a> {
    pub at: i64,
    pub operator: &'a str,
    pub action: &'a str,
    pub subject: &'a str,
    pub detail: serde_json::Value,
    pub reason: Option<&'a str>,
}

/// The last entry's id and hash as kept beside the log.
pub async fn head<C: ConnectionTrait>(c: &C) -> Result<Option<(i64, String)>, DbErr> {
    let row = query_one(c, "SELECT last_id, hash FROM audit_head WHERE id = 1", vec![]).await?;
    row.map(|r| Ok((r.try_get_by_index(0)?, r.try_get_by_index(1)?))).transpose()
}

/// Writes the entry after the last one, under the writers' lock, with the operator's role and
/// the database's mode as they are in this transaction.
pub async fn append<C: ConnectionTrait>(c: &C, e: Entry<'_>) -> Result<(), DbErr> {
    lock_writers(c, LOCK_WRITE).await?;
    let (last_id, prev) = head(c).await?.unwrap_or((0, String::new()));
    let role = if e.operator == SYSTEM {
        SYSTEM.to_string()
    } else {
        match super::access::get(c, e.operator).await? {
            Some(o) if o.disabled_at.is_none() => o.role.map(|r| r.as_str()).unwrap_or("unregistered").to_string(),
            _ => "unregistered".to_string(),
        }
    };
    let mut entry = Chained {
        id: last_id + 1,
        at: e.at,
        operator: e.operator.to_string(),
        role,
        sandbox: super::access::mode(c).await? == Some(Mode::Sandbox),
        action: e.action.to_string(),
        subject: e.subject.to_string(),
        detail: e.detail.to_string(),
        reason: e.reason.map(String::from),
        prev_hash: prev,
        hash: String::new(),
    };
    entry.hash = chain::hash(&entry);
    audit_log::ActiveModel {
        id: Set(entry.id),
        at: Set(entry.at),
        operator: Set(entry.operator),
        role: Set(entry.role),
        sandbox: Set(entry.sandbox),
        action: Set(entry.action),
        subject: Set(entry.subject),
        detail: Set(entry.detail),
        reason: Set(entry.reason),
        prev_hash: Set(entry.prev_hash),
        hash: Set(entry.hash.clone()),
    }
    .insert(c)
    .await?;
    execute(
        c,
        "INSERT INTO audit_head (id, last_id, hash) VALUES (1, $1, $2) \
         ON CONFLICT (id) DO UPDATE SET last_id = excluded.last_id, hash = excluded.hash",
        vec![entry.id.into(), entry.hash.into()],
    )
    .await?;
    Ok(())
}

/// The id of the last audit entry: every change is written with one, so a figure computed from
/// the data stays true while this stays the same.
pub async fn last_id<C: ConnectionTrait>(c: &C) -> Result<Option<i64>, DbErr> {
    let row = query_one(c, "SELECT MAX(id) FROM audit_log", vec![]).await?;
    Ok(row.map(|r| r.try_get_by_index::<Option<i64>>(0)).transpose()?.flatten())
}

/// Which entries `audit list` and the audit screen show.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    pub operator: Option<String>,
    /// An action (`bonus.approve`) or the family before its dot (`bonus`).
    pub action: Option<String>,
    /// Part of the subject.
    pub subject: Option<String>,
    /// Unix ms, inclusive.
    pub from: Option<i64>,
    /// Unix ms, exclusive.
    pub to: Option<i64>,
}

const COLUMNS: &str = "id, at, operator, role, sandbox, action, subject, detail, reason, prev_hash, hash";

fn entry(r: &QueryResult) -> Result<Chained, DbErr> {
    Ok(Chained {
        id: r.try_get_by_index(0)?,
        at: r.try_get_by_index(1)?,
        operator: r.try_get_by_index(2)?,
        role: r.try_get_by_index(3)?,
        sandbox: r.try_get_by_index(4)?,
        action: r.try_get_by_index(5)?,
        subject: r.try_get_by_index(6)?,
        detail: r.try_get_by_index(7)?,
        reason: r.try_get_by_index(8)?,
        prev_hash: r.try_get_by_index(9)?,
        hash: r.try_get_by_index(10)?,
    })
}

/// Up to `limit` entries of the filter, newest first below `before` (an id) or oldest first
/// above `after`.
pub async fn list<C: ConnectionTrait>(
    c: &C,
    f: &Filter,
    newest_first: bool,
    bound: Option<i64>,
    limit: u64,
) -> Result<Vec<Chained>, DbErr> {
    let mut conds: Vec<String> = Vec::new();
    let mut values: Vec<Value> = Vec::new();
    // Binds a value and gives its placeholder.
    let mut arg = |v: Value| {
        values.push(v);
        format!("${}", values.len())
    };
    if let Some(o) = &f.operator {
        conds.push(format!("operator = {}", arg(o.clone().into())));
    }
    if let Some(a) = &f.action {
        // The family: `bonus` is every `bonus.…` action.
        let family = contains(&format!("{a}.")).trim_start_matches('%').to_string();
        conds.push(format!("(action = {} OR action LIKE {} {ESCAPE})", arg(a.clone().into()), arg(family.into())));
    }
    if let Some(s) = &f.subject {
        conds.push(format!("subject LIKE {} {ESCAPE}", arg(contains(s).into())));
    }
    if let Some(t) = f.from {
        conds.push(format!("at >= {}", arg(t.into())));
    }
    if let Some(t) = f.to {
        conds.push(format!("at < {}", arg(t.into())));
    }
    if let Some(b) = bound {
        conds.push(format!("id {} {}", if newest_first { "<" } else { ">" }, arg(b.into())));
    }
    let filter = if conds.is_empty() { "1 = 1".to_string() } else { conds.join(" AND ") };
    let order = if newest_first { "DESC" } else { "ASC" };
    let sql = format!("SELECT {COLUMNS} FROM audit_log WHERE {filter} ORDER BY id {order} LIMIT {limit}");
    query_all(c, &sql, values).await?.iter().map(entry).collect()
}

/// A row of the log as the chain check reads it: an entry, or the id of a row whose fields no
/// longer read as an entry's (SQLite lets a column hold any type).
pub type Checked = Result<Chained, i64>;

/// Entries in id order after `after`, `limit` at a time (the chain check reads them all).
pub async fn page<C: ConnectionTrait>(c: &C, after: Option<i64>, limit: u64) -> Result<Vec<Checked>, DbErr> {
    let sql = format!("SELECT {COLUMNS} FROM audit_log WHERE id > $1 ORDER BY id LIMIT {limit}");
    let rows = query_all(c, &sql, vec![after.unwrap_or(i64::MIN).into()]).await?;
    rows.iter()
        .map(|r| match entry(r) {
            Ok(e) => Ok(Ok(e)),
            Err(_) => r.try_get_by_index::<i64>(0).map(Err),
        })
        .collect()
}

/// One entry by id.
pub async fn one<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<Chained>, DbErr> {
    let sql = format!("SELECT {COLUMNS} FROM audit_log WHERE id = $1");
    query_one(c, &sql, vec![id.into()]).await?.as_ref().map(entry).transpose()
}
