//! Payments as operators see them: each with its refunds, and its bonus or the reason it earned none.
use super::{Ctx, Result, ServiceError};
use crate::domain::Money;
use crate::domain::rules::{Stored, shown_state};
use crate::store::entity::{bonus, payment, promo_code, refund};
use crate::store::query_all;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Value};
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PaymentRow {
    pub payment_id: String,
    pub account_id: String,
    pub package: String,
    pub list_price: Money,
    pub paid_amount: Money,
    pub refunded: Money,
    pub promo_code: Option<String>,
    pub partner: Option<String>,
    pub paid_at: i64,
    pub reason: Option<String>,
    pub bonus_id: Option<i64>,
}

pub async fn list(ctx: &Ctx, partner: Option<&str>, limit: u64) -> Result<Vec<PaymentRow>> {
    let mut sql =
        "SELECT y.id, y.account_id, y.package, y.list_price, y.paid_amount, y.refunded, y.promo_code, c.code, \
                   y.paid_at, y.reason, b.id FROM payment y LEFT JOIN promo_code c ON c.partner_id = y.partner_id \
                   LEFT JOIN bonus b ON b.payment_id = y.id"
            .to_string();
    let mut vals: Vec<Value> = Vec::new();
    if let Some(code) = partner {
        let (p, _) = super::partners::find(ctx, code).await?;
        vals.push(p.account_id.into());
        sql.push_str(" WHERE y.partner_id = $1");
    }
    sql.push_str(" ORDER BY y.paid_at, y.id");
    if limit > 0 {
        sql.push_str(&format!(" LIMIT {limit}"));
    }
    query_all(&ctx.store.db, &sql, vals)
        .await?
        .iter()
        .map(|r| {
            Ok(PaymentRow {
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

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BonusBrief {
    pub id: i64,
    pub amount: Money,
    pub status: String,
    pub rate: String,
    pub base: String,
    pub campaign: Option<String>,
    pub release_at: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RefundLine {
    pub amount: Money,
    pub at: i64,
    pub event_id: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PaymentDetail {
    pub payment: PaymentRow,
    pub promotion: Option<String>,
    pub refunds: Vec<RefundLine>,
    pub bonus: Option<BonusBrief>,
}

pub async fn show(ctx: &Ctx, payment_id: &str) -> Result<PaymentDetail> {
    let db = &ctx.store.db;
    let Some(p) = payment::Entity::find_by_id(payment_id.to_string()).one(db).await? else {
        return Err(ServiceError::Invalid(format!("there is no payment {payment_id}")));
    };
    let code = match &p.partner_id {
        Some(pid) => promo_code::Entity::find()
            .filter(promo_code::Column::PartnerId.eq(pid.clone()))
            .one(db)
            .await?
            .map(|c| c.code),
        None => None,
    };
    let refunds = refund::Entity::find()
        .filter(refund::Column::PaymentId.eq(p.id.clone()))
        .order_by_asc(refund::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|r| RefundLine { amount: Money::from_tiyn(r.amount), at: r.at, event_id: r.event_id })
        .collect();
    let b = bonus::Entity::find().filter(bonus::Column::PaymentId.eq(p.id.clone())).one(db).await?;
    let bonus = match b {
        Some(b) => {
            let frozen = super::partners::open_cases(ctx, &b.partner_id).await? > 0;
            let stored = Stored::parse(&b.state).unwrap_or(Stored::Held);
            let state = shown_state(stored, super::from_ms(b.release_at), ctx.now(), frozen, ctx.terms.approval);
            Some(BonusBrief {
                id: b.id,
                amount: Money::from_tiyn(b.booked - b.reduced),
                status: state.as_str().into(),
                rate: b.rate,
                base: b.base_kind,
                campaign: b.campaign,
                release_at: b.release_at,
            })
        }
        None => None,
    };
    Ok(PaymentDetail {
        promotion: p.promotion.clone(),
        payment: PaymentRow {
            bonus_id: bonus.as_ref().map(|b| b.id),
            payment_id: p.id,
            account_id: p.account_id,
            package: p.package,
            list_price: Money::from_tiyn(p.list_price),
            paid_amount: Money::from_tiyn(p.paid_amount),
            refunded: Money::from_tiyn(p.refunded),
            promo_code: p.promo_code,
            partner: code,
            paid_at: p.paid_at,
            reason: p.reason,
        },
        refunds,
        bonus,
    })
}
