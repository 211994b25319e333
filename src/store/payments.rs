//! Payments with their code's partner and their bonus, and each payment's refunds.
use super::entity::{payment, refund};
use super::query_all;
use crate::domain::Money;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Value};

/// A payment as lists show it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Listed {
    pub payment_id: String,
    pub account_id: String,
    pub package: String,
    pub list_price: Money,
    pub paid_amount: Money,
    pub refunded: Money,
    pub promo_code: Option<String>,
    /// The code of the partner the payment's code belongs to.
    pub partner: Option<String>,
    pub paid_at: i64,
    pub reason: Option<String>,
    pub bonus_id: Option<i64>,
}

/// Payments in time order, of one partner (account id) or all.
pub async fn list<C: ConnectionTrait>(c: &C, partner_id: Option<&str>, limit: u64) -> Result<Vec<Listed>, DbErr> {
    let mut sql =
        "SELECT y.id, y.account_id, y.package, y.list_price, y.paid_amount, y.refunded, y.promo_code, c.code, \
                   y.paid_at, y.reason, b.id FROM payment y LEFT JOIN promo_code c ON c.partner_id = y.partner_id \
                   LEFT JOIN bonus b ON b.payment_id = y.id"
            .to_string();
    let mut vals: Vec<Value> = Vec::new();
    if let Some(p) = partner_id {
        vals.push(p.into());
        sql.push_str(" WHERE y.partner_id = $1");
    }
    sql.push_str(" ORDER BY y.paid_at, y.id");
    if limit > 0 {
        sql.push_str(&format!(" LIMIT {limit}"));
    }
    query_all(c, &sql, vals)
        .await?
        .iter()
        .map(|r| {
            Ok(Listed {
                payment_id: r.try_get_by_index(0)?,
                account_id: r.try_get_by_index(1)?,
                package: r.try_get_by_index(2)?,
                list_price: Money::from_tiyn(r.try_get_by_index(3)?),
                paid_amount: Money::from_tiyn(r.try_get_by_index(4)?),
                refunded: Money::from_tiyn(r.try_get_by_index(5)?),
                promo_code: r.try_get_by_index(6)?,
                partner: r.try_get_by_index(7)?,
                paid_at: r.try_get_by_index(8)?,
                reason: r.try_get_by_index(9)?,
                bonus_id: r.try_get_by_index(10)?,
            })
        })
        .collect()
}

pub async fn one<C: ConnectionTrait>(c: &C, id: &str) -> Result<Option<payment::Model>, DbErr> {
    payment::Entity::find_by_id(id.to_string()).one(c).await
}

/// A payment's refunds in the order they came.
pub async fn refunds<C: ConnectionTrait>(c: &C, payment_id: &str) -> Result<Vec<refund::Model>, DbErr> {
    refund::Entity::find()
        .filter(refund::Column::PaymentId.eq(payment_id))
        .order_by_asc(refund::Column::Id)
        .all(c)
        .await
}
