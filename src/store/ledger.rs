//! The ledger: the one writer of entries, and its reads (a partner's entries page by page, the
//! sums a balance needs). Entries are append-only; the database refuses UPDATE and DELETE on
//! them (migration m0002).
use super::entity::ledger_entry;
use super::{ESCAPE, contains, count, from_ms, ms, placeholders, query_all, query_one};
use crate::domain::Money;
use crate::domain::bonus::StoredBonusState;
use crate::domain::ledger::{Bucket, EntryKind, Posting, Stamp};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, FromQueryResult, Set, Value};

/// The row a posting becomes (the import writes these in bulk statements of its own).
pub fn row(p: &Posting) -> ledger_entry::ActiveModel {
    ledger_entry::ActiveModel {
        partner_id: Set(p.partner_id.clone()),
        bonus_id: Set(p.bonus_id),
        kind: Set(p.kind.as_str().to_string()),
        bucket: Set(p.bucket.as_str().to_string()),
        amount: Set(p.amount.tiyn()),
        at: Set(ms(p.stamp.at)),
        recorded_at: Set(ms(p.stamp.recorded_at)),
        operator: Set(p.stamp.operator.clone()),
        reason: Set(p.reason.clone()),
        reference: Set(p.reference.clone()),
        ..Default::default()
    }
}

/// Writes postings inside the caller's transaction.
pub async fn post<C: ConnectionTrait>(c: &C, postings: &[Posting]) -> Result<(), DbErr> {
    for chunk in postings.chunks(500) {
        ledger_entry::Entity::insert_many(chunk.iter().map(row).collect::<Vec<_>>()).exec_without_returning(c).await?;
    }
    Ok(())
}

/// An entry as read back.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub id: i64,
    pub posting: Posting,
}

fn entry(m: ledger_entry::Model) -> Result<Entry, DbErr> {
    let bad = |what: &str, v: &str| {
        DbErr::Custom(format!("ledger entry {} has the {what} {v:?}, which refdesk does not know", m.id))
    };
    let kind = EntryKind::parse(&m.kind).ok_or_else(|| bad("kind", &m.kind))?;
    let bucket = Bucket::parse(&m.bucket).ok_or_else(|| bad("bucket", &m.bucket))?;
    Ok(Entry {
        id: m.id,
        posting: Posting {
            partner_id: m.partner_id,
            bonus_id: m.bonus_id,
            kind,
            bucket,
            amount: Money::from_tiyn(m.amount),
            stamp: Stamp { at: from_ms(m.at), recorded_at: from_ms(m.recorded_at), operator: m.operator },
            reason: m.reason,
            reference: m.reference,
        },
    })
}

/// What a partner's ledger is searched for (lower-case text): in the payment (the entry's
/// reference, or the payment of its bonus) or the reason; a bonus id; or entry kinds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Find {
    pub text: String,
    pub bonus_id: Option<i64>,
    pub kinds: Vec<String>,
}

/// The condition, over alias `e`, that an entry matches `find` (none: every entry); binds after `vals`.
fn matching(find: Option<&Find>, vals: &mut Vec<Value>) -> String {
    let Some(f) = find else { return String::new() };
    vals.push(contains(&f.text).into());
    let n = vals.len();
    let mut any = vec![
        format!("LOWER(e.reference) LIKE ${n} {ESCAPE}"),
        format!("LOWER(e.reason) LIKE ${n} {ESCAPE}"),
        format!("EXISTS (SELECT 1 FROM bonus x WHERE x.id = e.bonus_id AND LOWER(x.payment_id) LIKE ${n} {ESCAPE})"),
    ];
    if let Some(id) = f.bonus_id {
        vals.push(id.into());
        any.push(format!("e.bonus_id = ${}", vals.len()));
    }
    if !f.kinds.is_empty() {
        let start = vals.len() + 1;
        vals.extend(f.kinds.iter().map(|k| Value::from(k.clone())));
        any.push(format!("e.kind IN ({})", placeholders(start, f.kinds.len())));
    }
    format!(" AND ({})", any.join(" OR "))
}

/// The bonus an entry belongs to, as it stands now: what the ledger tab shows beside the entry's
/// bucket so that the two agree with the balance (which sums bonuses by their shown state).
#[derive(Clone, Debug, PartialEq)]
pub struct EntryBonus {
    pub state: StoredBonusState,
    pub release_at: i64,
    pub payment_id: String,
}

/// A partner's entries older than `before`, newest first (the first page: `i64::MAX`), each
/// with its bonus as it stands now; those matching `find` when given.
pub async fn page<C: ConnectionTrait>(
    c: &C,
    partner_id: &str,
    before: i64,
    limit: usize,
    find: Option<&Find>,
) -> Result<Vec<(Entry, Option<EntryBonus>)>, DbErr> {
    let mut vals: Vec<Value> = vec![partner_id.into(), before.into()];
    let cond = matching(find, &mut vals);
    let rows = query_all(
        c,
        &format!(
            "SELECT e.*, b.state AS bonus_state, b.release_at AS bonus_release_at, b.payment_id AS bonus_payment_id \
             FROM ledger_entry e LEFT JOIN bonus b ON b.id = e.bonus_id \
             WHERE e.partner_id = $1 AND e.id < $2{cond} ORDER BY e.id DESC LIMIT {limit}"
        ),
        vals,
    )
    .await?;
    rows.iter()
        .map(|r| {
            let e = entry(ledger_entry::Model::from_query_result(r, "")?)?;
            let bonus = match r.try_get::<Option<String>>("", "bonus_state")? {
                Some(s) => Some(EntryBonus {
                    state: super::bonuses::stored_state(e.posting.bonus_id.unwrap_or_default(), &s)?,
                    release_at: r.try_get("", "bonus_release_at")?,
                    payment_id: r.try_get("", "bonus_payment_id")?,
                }),
                None => None,
            };
            Ok((e, bonus))
        })
        .collect()
}

/// The entries of one bonus, oldest first (its history).
pub async fn of_bonus<C: ConnectionTrait>(c: &C, bonus_id: i64) -> Result<Vec<Entry>, DbErr> {
    let rows =
        query_all(c, "SELECT * FROM ledger_entry WHERE bonus_id = $1 ORDER BY id", vec![bonus_id.into()]).await?;
    rows.iter().map(|r| entry(ledger_entry::Model::from_query_result(r, "")?)).collect()
}

/// How many entries a partner has (matching `find` when given).
pub async fn count_of<C: ConnectionTrait>(c: &C, partner_id: &str, find: Option<&Find>) -> Result<i64, DbErr> {
    let mut vals: Vec<Value> = vec![partner_id.into()];
    let cond = matching(find, &mut vals);
    count(c, &format!("SELECT COUNT(*) FROM ledger_entry e WHERE e.partner_id = $1{cond}"), vals).await
}

/// A partner's available bucket (what is owed, clawbacks included) and the total ever clawed
/// back (positive).
pub async fn available_and_clawed<C: ConnectionTrait>(c: &C, partner_id: &str) -> Result<(Money, Money), DbErr> {
    let r = query_one(
        c,
        "SELECT CAST(COALESCE(SUM(CASE WHEN bucket = 'available' THEN amount ELSE 0 END), 0) AS BIGINT), \
         CAST(COALESCE(SUM(CASE WHEN kind = 'clawback' THEN -amount ELSE 0 END), 0) AS BIGINT) \
         FROM ledger_entry WHERE partner_id = $1",
        vec![partner_id.into()],
    )
    .await?;
    Ok(match r {
        Some(r) => (Money::from_tiyn(r.try_get_by_index(0)?), Money::from_tiyn(r.try_get_by_index(1)?)),
        None => (Money::ZERO, Money::ZERO),
    })
}

/// Every entry, oldest first (tests and checks).
pub async fn all<C: ConnectionTrait>(c: &C) -> Result<Vec<Entry>, DbErr> {
    ledger_entry::Entity::find().all(c).await?.into_iter().map(entry).collect()
}
