//! Program-wide figures for the dashboard: revenue, new clients, partners by standing.
use super::{count, figures};
use crate::domain::Money;
use sea_orm::{ConnectionTrait, DbErr};

/// `CASE` that numbers the period `[bounds[i], bounds[i+1])` a column's instant falls in, with
/// the bounds bound from placeholder `$1` on.
fn period_of(column: &str, bounds: usize) -> String {
    let mut case = String::from("CASE");
    for i in 1..bounds {
        case.push_str(&format!(" WHEN {column} < ${} THEN {}", i + 1, i - 1));
    }
    case.push_str(" END");
    case
}

/// Sums per period of consecutive `bounds` (n bounds, n−1 periods) in one scan: `value` over
/// the rows of `table` whose `column` falls in `[bounds[0], bounds[n-1])` and `filter` holds.
async fn per_period<C: ConnectionTrait>(
    c: &C,
    table: &str,
    column: &str,
    value: &str,
    filter: &str,
    bounds: &[i64],
) -> Result<Vec<i64>, DbErr> {
    let n = bounds.len();
    let mut out = vec![0; n.saturating_sub(1)];
    if n < 2 {
        return Ok(out);
    }
    let sql = format!(
        "SELECT CAST({period} AS BIGINT) AS period, CAST(COALESCE({value}, 0) AS BIGINT) FROM {table} \
         WHERE {column} >= $1 AND {column} < ${n} AND {filter} GROUP BY 1",
        period = period_of(column, n),
    );
    let values = bounds.iter().map(|&b| b.into()).collect();
    for r in super::query_all(c, &sql, values).await? {
        let period: Option<i64> = r.try_get_by_index(0)?;
        if let Some(slot) = period.and_then(|p| usize::try_from(p).ok()).and_then(|p| out.get_mut(p)) {
            *slot = r.try_get_by_index(1)?;
        }
    }
    Ok(out)
}

/// Revenue (paid less refunded), bonuses booked and not voided, and clients registered, for each
/// period between consecutive `bounds` (the dashboard's months).
pub async fn per_month<C: ConnectionTrait>(c: &C, bounds: &[i64]) -> Result<Vec<(Money, Money, i64)>, DbErr> {
    // Months of the program's zone are whole buckets of the kept figures (every offset in use is
    // a multiple of 15 minutes); a bound that is not is read from the rows themselves.
    if bounds.iter().all(|&b| figures::aligned(b)) {
        let kept = figures::per_period(c, &["revenue", "booked", "clients"], bounds).await?;
        let column = |k: usize| kept.get(k).cloned().unwrap_or_default();
        return Ok(column(0)
            .into_iter()
            .zip(column(1))
            .zip(column(2))
            .map(|((r, b), n)| (Money::from_tiyn(r.1), Money::from_tiyn(b.1), n.0))
            .collect());
    }
    per_month_scanned(c, bounds).await
}

/// [`per_month`] read from the rows themselves (any bounds).
pub async fn per_month_scanned<C: ConnectionTrait>(c: &C, bounds: &[i64]) -> Result<Vec<(Money, Money, i64)>, DbErr> {
    let revenue = per_period(c, "payment", "paid_at", "SUM(paid_amount - refunded)", "1 = 1", bounds).await?;
    let bonuses = per_period(c, "bonus", "booked_at", "SUM(booked - reduced)", "state <> 'voided'", bounds).await?;
    let clients = per_period(c, "account", "registered_at", "COUNT(*)", "is_client = TRUE", bounds).await?;
    Ok(revenue
        .into_iter()
        .zip(bonuses)
        .zip(clients)
        .map(|((r, b), n)| (Money::from_tiyn(r), Money::from_tiyn(b), n))
        .collect())
}

/// Every partner, and those whose code earns: the active partners less those of them whose code
/// is off (few), each read along an index (migration m0003) rather than by a join of every partner.
pub async fn partner_counts<C: ConnectionTrait>(c: &C) -> Result<(i64, i64), DbErr> {
    let all = count(c, "SELECT COUNT(*) FROM partner", vec![]).await?;
    let active = count(c, "SELECT COUNT(*) FROM partner WHERE status = 'active'", vec![]).await?;
    let silenced = count(
        c,
        "SELECT COUNT(*) FROM promo_code c JOIN partner p ON p.account_id = c.partner_id \
         WHERE c.active = FALSE AND p.status = 'active'",
        vec![],
    )
    .await?;
    Ok((all, active - silenced))
}
