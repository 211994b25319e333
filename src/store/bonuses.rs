//! Bonus rows: reading them as the domain's [`Bonus`], the one SQL form of the shown state, the
//! queues and sums by state, and the compare-and-set changes of approval and voiding.
use super::entity::bonus;
use super::{ESCAPE, contains, count, execute, from_ms, placeholders, query_all, query_one};
use crate::domain::Money;
use crate::domain::bonus::{Bonus, Change, ShownBonusState, StoredBonusState};
use crate::domain::terms::Approval;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryResult, Value};
use std::collections::{HashMap, HashSet};

/// A bonus's value over alias `b`: what was booked less what partial refunds took back.
const VALUE: &str = "(b.booked - b.reduced)";
/// An open fraud case on the bonus's partner freezes it (over alias `b`). The few partners with
/// open cases are read once per statement (an `IN` list), not looked up again for each bonus:
/// the frozen queue of a large program reads in milliseconds instead of a tenth of a second.
pub(super) const FROZEN: &str = "b.partner_id IN (SELECT f.partner_id FROM fraud_case f WHERE f.status = 'open')";

/// The SQL form of [`ShownBonusState::of`]: the condition, over alias `b`, that a bonus shows
/// `state` at the instant bound to placeholder `$1` (unix ms). The property test in
/// tests/scenarios.rs holds it to the Rust form on both backends.
pub fn shown_condition(state: ShownBonusState, approval: Approval) -> String {
    let not_frozen = format!("NOT {FROZEN}");
    match (state, approval) {
        (ShownBonusState::Held, _) => format!("b.state = 'held' AND b.release_at > $1 AND {not_frozen}"),
        (ShownBonusState::Due, Approval::Manual) => format!("b.state = 'held' AND b.release_at <= $1 AND {not_frozen}"),
        // Nothing waits for an operator; `$1 = $1` keeps the placeholder bound on both backends.
        (ShownBonusState::Due, Approval::Auto) => "1 = 0 AND $1 = $1".into(),
        // `|| ''` keeps the planner off the state index, which would walk every held bonus in
        // release order to find the few of the partners with open cases.
        (ShownBonusState::Frozen, _) => format!("(b.state || '') IN ('held','available') AND {FROZEN} AND $1 = $1"),
        (ShownBonusState::Available, Approval::Manual) => format!("b.state = 'available' AND {not_frozen} AND $1 = $1"),
        (ShownBonusState::Available, Approval::Auto) => {
            format!("(b.state = 'available' OR (b.state = 'held' AND b.release_at <= $1)) AND {not_frozen}")
        }
        (ShownBonusState::Paid, _) => "b.state = 'paid' AND $1 = $1".into(),
        (ShownBonusState::Voided, _) => "b.state = 'voided' AND $1 = $1".into(),
    }
}

/// A stored state the domain does not know is an error that names the row, never a guess.
pub fn stored_state(id: i64, s: &str) -> Result<StoredBonusState, DbErr> {
    known_state(&format!("bonus {id}"), s)
}

fn known_state(row: &str, s: &str) -> Result<StoredBonusState, DbErr> {
    StoredBonusState::parse(s)
        .ok_or_else(|| DbErr::Custom(format!("{row} has the stored state {s:?}, which refdesk does not know")))
}

/// The domain's view of a stored bonus.
pub fn to_domain(m: &bonus::Model) -> Result<Bonus, DbErr> {
    let change = |by: &Option<String>, at: Option<i64>| {
        at.map(|at| Change { by: by.clone().unwrap_or_default(), at: from_ms(at) })
    };
    Ok(Bonus {
        id: m.id,
        state: stored_state(m.id, &m.state)?,
        booked: Money::from_tiyn(m.booked),
        reduced: Money::from_tiyn(m.reduced),
        clawed: Money::from_tiyn(m.clawed),
        release_at: from_ms(m.release_at),
        approved: change(&m.approved_by, m.approved_at),
        voided: change(&m.voided_by, m.voided_at).map(|c| (c, m.void_reason.clone().unwrap_or_default())),
    })
}

/// A bonus as the lists show it: with its partner's code and name, and whether it is frozen.
#[derive(Clone, Debug)]
pub struct Listed {
    pub bonus: Bonus,
    pub code: String,
    pub partner_name: String,
    pub payment_id: String,
    pub booked_at: i64,
    pub void_reason: Option<String>,
    pub frozen: bool,
}

/// Which bonuses a list reads.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub code: Option<String>,
    pub state: Option<ShownBonusState>,
    /// Text searched in the partner's code and the payment id (lower case, as
    /// [`search_text`](crate::domain::partner::search_text) gives it), or a bonus id.
    pub search: Option<String>,
    /// Rows after this (release_at, id) in the list's order; with `backward`, the rows just
    /// before it (without a cursor: the last rows).
    pub after: Option<(i64, i64)>,
    pub backward: bool,
    /// Latest release first.
    pub desc: bool,
    pub limit: u64,
}

const LIST_COLS: &str = "b.*, c.code AS list_code, p.name AS list_partner_name, \
     CAST(CASE WHEN b.state IN ('held','available') AND EXISTS (SELECT 1 FROM fraud_case f \
     WHERE f.partner_id = b.partner_id AND f.status = 'open') THEN 1 ELSE 0 END AS BIGINT) AS list_frozen";
const LIST_FROM: &str =
    "FROM bonus b JOIN promo_code c ON c.partner_id = b.partner_id JOIN partner p ON p.account_id = b.partner_id";

fn listed(r: &QueryResult) -> Result<Listed, DbErr> {
    use sea_orm::FromQueryResult;
    let m = bonus::Model::from_query_result(r, "")?;
    Ok(Listed {
        bonus: to_domain(&m)?,
        code: r.try_get("", "list_code")?,
        partner_name: r.try_get("", "list_partner_name")?,
        frozen: r.try_get::<i64>("", "list_frozen")? != 0,
        payment_id: m.payment_id,
        booked_at: m.booked_at,
        void_reason: m.void_reason,
    })
}

/// The condition over the list's tables of a filter's state and code, with its values (`$1` is
/// the instant the state is shown at).
fn filter(f: &Filter, now: i64, approval: Approval) -> (String, Vec<Value>) {
    let mut vals: Vec<Value> = vec![now.into()];
    let mut sql = "$1 = $1".to_string();
    if let Some(s) = f.state {
        sql.push_str(&format!(" AND {}", shown_condition(s, approval)));
    }
    if let Some(code) = &f.code {
        vals.push(code.clone().into());
        sql.push_str(&format!(" AND c.code = ${}", vals.len()));
    }
    if let Some(text) = f.search.as_deref().filter(|s| !s.is_empty()) {
        vals.push(contains(text).into());
        let n = vals.len();
        let mut any = format!("LOWER(c.code) LIKE ${n} {ESCAPE} OR LOWER(b.payment_id) LIKE ${n} {ESCAPE}");
        if let Ok(id) = text.parse::<i64>() {
            vals.push(id.into());
            any.push_str(&format!(" OR b.id = ${}", vals.len()));
        }
        sql.push_str(&format!(" AND ({any})"));
    }
    (sql, vals)
}

/// Bonuses in release order (or its reverse), filtered by partner code and shown state at `now`.
pub async fn list<C: ConnectionTrait>(c: &C, f: &Filter, now: i64, approval: Approval) -> Result<Vec<Listed>, DbErr> {
    let (filter, mut vals) = filter(f, now, approval);
    let mut sql = format!("SELECT {LIST_COLS} {LIST_FROM} WHERE {filter}");
    // Read from the far end when the list runs the other way or the page is read back.
    let (cmp, dir) = if f.desc != f.backward { ("<", "DESC") } else { (">", "ASC") };
    if let Some((rel, id)) = f.after {
        vals.push(rel.into());
        vals.push(id.into());
        sql.push_str(&format!(" AND (b.release_at, b.id) {cmp} (${}, ${})", vals.len() - 1, vals.len()));
    }
    sql.push_str(&format!(" ORDER BY b.release_at {dir}, b.id {dir}"));
    if f.limit > 0 {
        sql.push_str(&format!(" LIMIT {}", f.limit));
    }
    let mut rows = query_all(c, &sql, vals).await?.iter().map(listed).collect::<Result<Vec<_>, _>>()?;
    if f.backward {
        rows.reverse();
    }
    Ok(rows)
}

/// Count and value of the bonuses a list's filter finds (its cursor and limit aside).
pub async fn list_total<C: ConnectionTrait>(
    c: &C,
    f: &Filter,
    now: i64,
    approval: Approval,
) -> Result<(i64, Money), DbErr> {
    let (filter, vals) = filter(f, now, approval);
    count_and_value(c, &format!("{LIST_FROM} WHERE {filter}"), vals).await
}

/// How many bonuses `from_where` (a FROM … WHERE … over alias `b`) finds, and their value.
async fn count_and_value<C: ConnectionTrait>(c: &C, from_where: &str, vals: Vec<Value>) -> Result<(i64, Money), DbErr> {
    let sql = format!("SELECT COUNT(*), CAST(COALESCE(SUM({VALUE}), 0) AS BIGINT) {from_where}");
    Ok(match query_one(c, &sql, vals).await? {
        Some(r) => (r.try_get_by_index(0)?, Money::from_tiyn(r.try_get_by_index(1)?)),
        None => (0, Money::ZERO),
    })
}

/// Ids of every bonus that shows `state` at `now` (the property test's side of the SQL form).
pub async fn ids_in_state<C: ConnectionTrait>(
    c: &C,
    state: ShownBonusState,
    now: i64,
    approval: Approval,
) -> Result<Vec<i64>, DbErr> {
    let sql = format!("SELECT b.id FROM bonus b WHERE {} ORDER BY b.id", shown_condition(state, approval));
    query_all(c, &sql, vec![now.into()]).await?.iter().map(|r| r.try_get_by_index(0)).collect()
}

/// Count and value of the bonuses in a shown state at `now`, over the whole program, read from the
/// rows (a scan): what the kept figures (store::figures) are held to by the scenarios.
pub async fn total_in_state<C: ConnectionTrait>(
    c: &C,
    state: ShownBonusState,
    now: i64,
    approval: Approval,
) -> Result<(i64, Money), DbErr> {
    // Without the list's joins: the dashboard asks this of every bonus in the program.
    count_and_value(c, &format!("FROM bonus b WHERE {}", shown_condition(state, approval)), vec![now.into()]).await
}

/// Every bonus that shows `state` at `now`, as (id, value), in id order.
pub async fn values_in_state<C: ConnectionTrait>(
    c: &C,
    state: ShownBonusState,
    now: i64,
    approval: Approval,
) -> Result<Vec<(i64, Money)>, DbErr> {
    let sql = format!("SELECT b.id, {VALUE} FROM bonus b WHERE {} ORDER BY b.id", shown_condition(state, approval));
    query_all(c, &sql, vec![now.into()])
        .await?
        .iter()
        .map(|r| Ok((r.try_get_by_index(0)?, Money::from_tiyn(r.try_get_by_index(1)?))))
        .collect()
}

/// The named bonuses that exist, by id, with their partner (account id).
pub async fn by_ids<C: ConnectionTrait>(c: &C, ids: &[i64]) -> Result<HashMap<i64, (Bonus, String)>, DbErr> {
    let mut found = HashMap::new();
    for chunk in ids.chunks(900) {
        for m in bonus::Entity::find().filter(bonus::Column::Id.is_in(chunk.iter().copied())).all(c).await? {
            found.insert(m.id, (to_domain(&m)?, m.partner_id));
        }
    }
    Ok(found)
}

/// One bonus with its partner (account id).
pub async fn one<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<(Bonus, String)>, DbErr> {
    match bonus::Entity::find_by_id(id).one(c).await? {
        Some(m) => Ok(Some((to_domain(&m)?, m.partner_id))),
        None => Ok(None),
    }
}

/// One bonus row as stored, with the terms it was booked on (the bonus detail).
pub async fn row<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<bonus::Model>, DbErr> {
    bonus::Entity::find_by_id(id).one(c).await
}

/// The bonus booked on a payment, with its partner (account id).
pub async fn of_payment<C: ConnectionTrait>(c: &C, payment_id: &str) -> Result<Option<bonus::Model>, DbErr> {
    bonus::Entity::find().filter(bonus::Column::PaymentId.eq(payment_id)).one(c).await
}

/// Which of these partners (account ids) have an open fraud case.
pub async fn frozen_partners<C: ConnectionTrait>(c: &C, partners: &[&String]) -> Result<HashSet<String>, DbErr> {
    let mut partners = partners.to_vec();
    partners.sort();
    partners.dedup();
    let keys: Vec<Value> = partners.into_iter().map(|p| Value::from(p.clone())).collect();
    let mut frozen = HashSet::new();
    for chunk in keys.chunks(900) {
        let sql = format!(
            "SELECT DISTINCT partner_id FROM fraud_case WHERE status = 'open' AND partner_id IN ({})",
            placeholders(1, chunk.len())
        );
        for r in query_all(c, &sql, chunk.to_vec()).await? {
            frozen.insert(r.try_get_by_index(0)?);
        }
    }
    Ok(frozen)
}

/// The number of open fraud cases on a partner (account id).
pub async fn open_cases<C: ConnectionTrait>(c: &C, partner_id: &str) -> Result<i64, DbErr> {
    count(c, "SELECT COUNT(*) FROM fraud_case WHERE partner_id = $1 AND status = 'open'", vec![partner_id.into()]).await
}

/// Open fraud cases over the whole program.
pub async fn open_cases_total<C: ConnectionTrait>(c: &C) -> Result<i64, DbErr> {
    count(c, "SELECT COUNT(*) FROM fraud_case WHERE status = 'open'", vec![]).await
}

/// Compare-and-set of held bonuses to available; says how many rows changed.
pub async fn mark_available<C: ConnectionTrait>(c: &C, ids: &[i64], now: i64, by: &str) -> Result<u64, DbErr> {
    let mut vals: Vec<Value> = vec![now.into(), by.into()];
    vals.extend(ids.iter().map(|&i| Value::from(i)));
    execute(
        c,
        &format!(
            "UPDATE bonus SET state = 'available', approved_at = $1, approved_by = $2 \
             WHERE state = 'held' AND id IN ({})",
            placeholders(3, ids.len())
        ),
        vals,
    )
    .await
}

/// Compare-and-set of an unpaid bonus to voided; says whether it changed.
pub async fn mark_voided<C: ConnectionTrait>(c: &C, id: i64, now: i64, by: &str, reason: &str) -> Result<bool, DbErr> {
    let n = execute(
        c,
        "UPDATE bonus SET state = 'voided', voided_at = $1, voided_by = $2, void_reason = $3 \
         WHERE id = $4 AND state IN ('held','available')",
        vec![now.into(), by.into(), reason.into(), id.into()],
    )
    .await?;
    Ok(n == 1)
}

/// A partner's unpaid bonuses (held or available), in id order.
pub async fn unpaid_of<C: ConnectionTrait>(c: &C, partner_id: &str) -> Result<Vec<i64>, DbErr> {
    query_all(
        c,
        "SELECT id FROM bonus WHERE partner_id = $1 AND state IN ('held','available') ORDER BY id",
        vec![partner_id.into()],
    )
    .await?
    .iter()
    .map(|r| r.try_get_by_index(0))
    .collect()
}

/// Held and available sums per partner (account ids), with one grouped query per 900 partners.
pub async fn unpaid_sums<C: ConnectionTrait>(
    c: &C,
    partners: &[String],
) -> Result<HashMap<(String, StoredBonusState), Money>, DbErr> {
    let mut sums = HashMap::new();
    for chunk in partners.chunks(900) {
        let sql = format!(
            "SELECT b.partner_id, b.state, CAST(SUM({VALUE}) AS BIGINT) FROM bonus b \
             WHERE b.state IN ('held','available') AND b.partner_id IN ({}) GROUP BY b.partner_id, b.state",
            placeholders(1, chunk.len())
        );
        let keys: Vec<Value> = chunk.iter().map(|p| Value::from(p.clone())).collect();
        for r in query_all(c, &sql, keys).await? {
            let partner: String = r.try_get_by_index(0)?;
            let state: String = r.try_get_by_index(1)?;
            let state = known_state(&format!("a bonus of partner {partner}"), &state)?;
            sums.insert((partner, state), Money::from_tiyn(r.try_get_by_index(2)?));
        }
    }
    Ok(sums)
}

/// A partner's bonuses summed by stored state and by whether their hold has ended at `now`.
pub async fn partner_sums<C: ConnectionTrait>(
    c: &C,
    partner_id: &str,
    now: i64,
) -> Result<Vec<(StoredBonusState, bool, Money)>, DbErr> {
    let rows = query_all(
        c,
        &format!(
            "SELECT b.state, CAST(CASE WHEN b.release_at <= $2 THEN 1 ELSE 0 END AS BIGINT), \
             CAST(SUM({VALUE}) AS BIGINT) FROM bonus b WHERE b.partner_id = $1 GROUP BY 1, 2"
        ),
        vec![partner_id.into(), now.into()],
    )
    .await?;
    rows.iter()
        .map(|r| {
            let state: String = r.try_get_by_index(0)?;
            let state = known_state(&format!("a bonus of partner {partner_id}"), &state)?;
            Ok((state, r.try_get_by_index::<i64>(1)? != 0, Money::from_tiyn(r.try_get_by_index(2)?)))
        })
        .collect()
}

/// After a writer that chose bonus ids itself (the import), PostgreSQL's sequence is moved past
/// them, so that any later path that lets the database choose gets a fresh id.
pub async fn sync_id_sequence<C: ConnectionTrait>(c: &C) -> Result<(), DbErr> {
    if c.get_database_backend() == sea_orm::DbBackend::Postgres {
        query_one(
            c,
            "SELECT setval(pg_get_serial_sequence('bonus', 'id'), GREATEST((SELECT COALESCE(MAX(id), 0) FROM bonus), 1), \
             (SELECT COUNT(*) > 0 FROM bonus))",
            vec![],
        )
        .await?;
    }
    Ok(())
}

/// The next id the import gives a bonus: above every stored one.
pub async fn next_id<C: ConnectionTrait>(c: &C) -> Result<i64, DbErr> {
    Ok(count(c, "SELECT COALESCE(MAX(id), 0) FROM bonus", vec![]).await? + 1)
}
