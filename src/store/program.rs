//! Program-wide figures for the dashboard: revenue, new clients, partners by standing.
use super::{count, execute};
use crate::domain::Money;
use sea_orm::{ConnectionTrait, DbErr};

/// What payments in `[from, to)` brought, less their refunds.
pub async fn revenue_between<C: ConnectionTrait>(c: &C, from: i64, to: i64) -> Result<Money, DbErr> {
    let n = count(
        c,
        "SELECT CAST(COALESCE(SUM(paid_amount - refunded), 0) AS BIGINT) FROM payment WHERE paid_at >= $1 AND paid_at < $2",
        vec![from.into(), to.into()],
    )
    .await?;
    Ok(Money::from_tiyn(n))
}

/// Clients who registered in `[from, to)`.
pub async fn new_clients_between<C: ConnectionTrait>(c: &C, from: i64, to: i64) -> Result<i64, DbErr> {
    count(
        c,
        "SELECT COUNT(*) FROM account WHERE is_client = TRUE AND registered_at >= $1 AND registered_at < $2",
        vec![from.into(), to.into()],
    )
    .await
}

/// Every partner, and those whose code earns.
pub async fn partner_counts<C: ConnectionTrait>(c: &C) -> Result<(i64, i64), DbErr> {
    let all = count(c, "SELECT COUNT(*) FROM partner", vec![]).await?;
    let active = count(
        c,
        "SELECT COUNT(*) FROM partner p JOIN promo_code c ON c.partner_id = p.account_id \
         WHERE p.status = 'active' AND c.active = TRUE",
        vec![],
    )
    .await?;
    Ok((all, active))
}

/// Makes a registered operator an admin (`init`).
pub async fn make_admin<C: ConnectionTrait>(c: &C, name: &str) -> Result<(), DbErr> {
    execute(c, "UPDATE operator SET role = 'admin' WHERE name = $1", vec![name.into()]).await?;
    Ok(())
}
