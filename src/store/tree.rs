//! The accounts under a root, read with one recursive query on both backends: down to a depth,
//! each path carrying the ids it went through so that data that loops is not followed twice.
use super::{json_rows, query_all};
use crate::domain::Money;
use crate::domain::tree::NodeRow;
use sea_orm::{ConnectionTrait, DbBackend, DbErr};

/// The path a recursive walk carries, and the condition that account `a` is not on the path of
/// walk `walk` yet. The path is the ids met so far between unit separators (a character no id
/// holds); an account already on it is where the data loops.
fn loop_guard<C: ConnectionTrait>(c: &C, walk: &str) -> (&'static str, String) {
    match c.get_database_backend() {
        DbBackend::Postgres => ("chr(31)", format!("strpos({walk}.path, chr(31) || a.id || chr(31)) = 0")),
        _ => ("char(31)", format!("instr({walk}.path, char(31) || a.id || char(31)) = 0")),
    }
}

/// The root `account_id` and the accounts under it down to `depth` levels (0: the root alone),
/// top-down: by depth, then id.
pub async fn under<C: ConnectionTrait>(c: &C, account_id: &str, depth: u32) -> Result<Vec<NodeRow>, DbErr> {
    let (sep, not_on_path) = loop_guard(c, "t");
    let from = format!(
        "FROM (WITH RECURSIVE t(id, parent_id, depth, path, partner) AS ( \
           SELECT a.id, a.parent_id, 0, {sep} || a.id || {sep}, CASE WHEN a.is_partner THEN 1 ELSE 0 END \
           FROM account a WHERE a.id = $1 \
           UNION ALL \
           SELECT a.id, a.parent_id, t.depth + 1, t.path || a.id || {sep}, CASE WHEN a.is_partner THEN 1 ELSE 0 END \
           FROM t JOIN account a ON a.parent_id = t.id WHERE t.depth < $2 AND {not_on_path}) \
         SELECT t.id AS id, t.parent_id AS parent_id, CAST(t.depth AS BIGINT) AS depth, \
           CAST(t.partner AS BIGINT) AS partner, \
           (SELECT pc.code FROM promo_code pc WHERE pc.partner_id = t.id) AS code, \
           (SELECT p.status FROM partner p WHERE p.account_id = t.id) AS status, \
           (SELECT COUNT(*) FROM fraud_case f WHERE f.partner_id = t.id AND f.status = 'open') AS open_cases, \
           CAST((SELECT COALESCE(SUM(y.paid_amount - y.refunded), 0) FROM payment y WHERE y.account_id = t.id) \
             AS BIGINT) AS purchases, \
           CAST((SELECT COALESCE(SUM(b.booked - b.reduced), 0) FROM bonus b JOIN payment y ON y.id = b.payment_id \
                 WHERE y.account_id = t.id AND b.state <> 'voided') AS BIGINT) AS bonus, \
           (SELECT COUNT(*) FROM account k WHERE k.parent_id = t.id) AS brought \
         FROM t) n"
    );
    let cols = "n.id, n.parent_id, n.depth, n.partner, n.code, n.status, n.open_cases, n.purchases, n.bonus, n.brought";
    // The whole answer as one JSON array: a node with 10 000 children is 100 000 values, and
    // through the driver each is a copy and an allocation (as long again as the query itself).
    type Row = (String, Option<String>, i64, i64, Option<String>, Option<String>, i64, i64, i64, i64);
    let values = vec![account_id.into(), i64::from(depth).into()];
    let rows: Vec<Row> =
        json_rows(c, cols, Some("n.depth, n.id"), &from, values, "the accounts under a partner").await?;
    Ok(rows
        .into_iter()
        .map(|(account_id, parent_id, depth, partner, code, status, open_cases, purchases, bonus, brought)| NodeRow {
            account_id,
            parent_id,
            depth: u32::try_from(depth).unwrap_or(u32::MAX),
            is_partner: partner != 0,
            code,
            status,
            open_cases,
            purchases: Money::from_tiyn(purchases),
            bonus: Money::from_tiyn(bonus),
            brought,
        })
        .collect())
}

/// Who brought `account_id`, nearest first, up to `max` accounts: each with its code when it is
/// a partner. Stops where the data loops back.
pub async fn upline<C: ConnectionTrait>(
    c: &C,
    account_id: &str,
    max: u32,
) -> Result<Vec<(String, Option<String>)>, DbErr> {
    let (sep, not_on_path) = loop_guard(c, "u");
    let sql = format!(
        "WITH RECURSIVE u(id, parent_id, depth, path) AS ( \
           SELECT a.id, a.parent_id, 0, {sep} || a.id || {sep} FROM account a WHERE a.id = $1 \
           UNION ALL \
           SELECT a.id, a.parent_id, u.depth + 1, u.path || a.id || {sep} \
           FROM u JOIN account a ON a.id = u.parent_id WHERE u.depth < $2 AND {not_on_path}) \
         SELECT u.id, (SELECT pc.code FROM promo_code pc WHERE pc.partner_id = u.id) \
         FROM u WHERE u.depth > 0 ORDER BY u.depth"
    );
    let mut out = Vec::new();
    for r in query_all(c, &sql, vec![account_id.into(), i64::from(max).into()]).await? {
        out.push((r.try_get_by_index(0)?, r.try_get_by_index(1)?));
    }
    Ok(out)
}
