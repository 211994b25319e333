//! Abuse cases as stored: the list, one case, and the decision that ends one (a compare-and-set
//! on its being open: of two operators deciding the same case, one wins).
use super::{execute, placeholders, query_all, query_one};
use crate::domain::fraud::{CaseKind, CaseStatus};
use sea_orm::{ConnectionTrait, DbErr, QueryResult, Value};

/// A case with its partner's code.
#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    pub id: i64,
    pub partner_id: String,
    pub code: String,
    pub kind: CaseKind,
    pub status: CaseStatus,
    pub opened_at: i64,
    pub payment_id: Option<String>,
    /// JSON text, as the signal wrote it.
    pub evidence: String,
    pub decided_at: Option<i64>,
    pub decided_by: Option<String>,
    pub decision_reason: Option<String>,
}

const COLS: &str = "f.id, f.partner_id, c.code, f.kind, f.status, f.opened_at, f.payment_id, f.evidence, \
     f.decided_at, f.decided_by, f.decision_reason";
const FROM: &str = "fraud_case f JOIN promo_code c ON c.partner_id = f.partner_id";

fn case_of(r: &QueryResult) -> Result<Case, DbErr> {
    let id: i64 = r.try_get_by_index(0)?;
    let kind: String = r.try_get_by_index(3)?;
    let status: String = r.try_get_by_index(4)?;
    let unknown =
        |what: &str, v: &str| DbErr::Custom(format!("case {id} has the {what} {v:?}, which refdesk does not know"));
    Ok(Case {
        id,
        partner_id: r.try_get_by_index(1)?,
        code: r.try_get_by_index(2)?,
        kind: CaseKind::parse(&kind).ok_or_else(|| unknown("kind", &kind))?,
        status: CaseStatus::parse(&status).ok_or_else(|| unknown("status", &status))?,
        opened_at: r.try_get_by_index(5)?,
        payment_id: r.try_get_by_index(6)?,
        evidence: r.try_get_by_index(7)?,
        decided_at: r.try_get_by_index(8)?,
        decided_by: r.try_get_by_index(9)?,
        decision_reason: r.try_get_by_index(10)?,
    })
}

/// Which cases a list shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    All,
    Open,
    Decided,
}

/// The cases, oldest first.
pub async fn cases<C: ConnectionTrait>(c: &C, which: Which) -> Result<Vec<Case>, DbErr> {
    let filter = match which {
        Which::All => "",
        Which::Open => " WHERE f.status = 'open'",
        Which::Decided => " WHERE f.status <> 'open'",
    };
    let sql = format!("SELECT {COLS} FROM {FROM}{filter} ORDER BY f.opened_at, f.id");
    query_all(c, &sql, vec![]).await?.iter().map(case_of).collect()
}

pub async fn case<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<Case>, DbErr> {
    let sql = format!("SELECT {COLS} FROM {FROM} WHERE f.id = $1");
    query_one(c, &sql, vec![id.into()]).await?.as_ref().map(case_of).transpose()
}

/// Ends open case `id` in `status`; false when it is no longer open.
pub async fn decide<C: ConnectionTrait>(
    c: &C,
    id: i64,
    status: CaseStatus,
    at: i64,
    by: &str,
    reason: &str,
) -> Result<bool, DbErr> {
    let n = execute(
        c,
        "UPDATE fraud_case SET status = $1, decided_at = $2, decided_by = $3, decision_reason = $4 \
         WHERE id = $5 AND status = 'open'",
        vec![status.as_str().into(), at.into(), by.into(), reason.into(), id.into()],
    )
    .await?;
    Ok(n == 1)
}

/// Of `ids`, the bonuses of `partner_id` not yet paid or voided, in id order.
pub async fn unpaid_among<C: ConnectionTrait>(c: &C, partner_id: &str, ids: &[i64]) -> Result<Vec<i64>, DbErr> {
    let mut out = Vec::new();
    for chunk in ids.chunks(900) {
        let sql = format!(
            "SELECT id FROM bonus WHERE partner_id = $1 AND state IN ('held', 'available') AND id IN ({}) ORDER BY id",
            placeholders(2, chunk.len())
        );
        let mut vals: Vec<Value> = vec![partner_id.into()];
        vals.extend(chunk.iter().map(|&i| Value::from(i)));
        for r in query_all(c, &sql, vals).await? {
            out.push(r.try_get_by_index(0)?);
        }
    }
    out.sort_unstable();
    Ok(out)
}

/// Every case of a partner (account id) and kind, open or decided: what new findings are
/// compared with.
pub async fn cases_of<C: ConnectionTrait>(c: &C, partner_id: &str, kind: CaseKind) -> Result<Vec<Case>, DbErr> {
    let sql = format!("SELECT {COLS} FROM {FROM} WHERE f.partner_id = $1 AND f.kind = $2 ORDER BY f.id");
    query_all(c, &sql, vec![partner_id.into(), kind.as_str().into()]).await?.iter().map(case_of).collect()
}

/// Opens a case; its id.
pub async fn open<C: ConnectionTrait>(
    c: &C,
    partner_id: &str,
    kind: CaseKind,
    at: i64,
    payment_id: Option<&str>,
    evidence: &str,
) -> Result<i64, DbErr> {
    let r = query_one(
        c,
        "INSERT INTO fraud_case (partner_id, kind, status, opened_at, payment_id, evidence) \
         VALUES ($1, $2, 'open', $3, $4, $5) RETURNING id",
        vec![partner_id.into(), kind.as_str().into(), at.into(), payment_id.into(), evidence.into()],
    )
    .await?
    .ok_or_else(|| DbErr::Custom("the new case has no id".into()))?;
    r.try_get_by_index(0)
}

/// Replaces the evidence of an open case (a scan adds what it found since); false when the case
/// is no longer open.
pub async fn set_evidence<C: ConnectionTrait>(c: &C, id: i64, evidence: &str) -> Result<bool, DbErr> {
    let n = execute(
        c,
        "UPDATE fraud_case SET evidence = $1 WHERE id = $2 AND status = 'open'",
        vec![evidence.into(), id.into()],
    )
    .await?;
    Ok(n == 1)
}

/// The scan an import owes: a counter that each batch which wrote events raises, in its own
/// transaction, and that a scan settles once it has read the program. A scan reads the counter
/// before it reads the program, and settles only that value: a batch committed meanwhile leaves
/// the scan owed. So a program-wide signal is never skipped, even when the import was killed
/// between its last batch and its scan (the next import, or `fraud scan`, pays the debt).
pub async fn owe_scan<C: ConnectionTrait>(c: &C) -> Result<(), DbErr> {
    execute(
        c,
        "INSERT INTO setting (key, value) VALUES ('scan_owed', '1') ON CONFLICT (key) DO UPDATE \
         SET value = CAST(CAST(setting.value AS BIGINT) + 1 AS TEXT)",
        vec![],
    )
    .await?;
    Ok(())
}

/// The counter of the scan owed, if one is.
pub async fn scan_owed<C: ConnectionTrait>(c: &C) -> Result<Option<String>, DbErr> {
    let row = query_one(c, "SELECT value FROM setting WHERE key = 'scan_owed'", vec![]).await?;
    row.map(|r| r.try_get_by_index::<String>(0)).transpose()
}

/// Settles the debt that `owed` named, unless a batch raised it since.
pub async fn settle_scan<C: ConnectionTrait>(c: &C, owed: &str) -> Result<(), DbErr> {
    execute(c, "DELETE FROM setting WHERE key = 'scan_owed' AND value = $1", vec![owed.into()]).await?;
    Ok(())
}
