//! Payments as operators see them: each with its refunds, and its bonus or the reason it earned none.
use super::{Ctx, Missing, Result, ServiceError};
use crate::domain::Money;
use crate::store::{bonuses, partners, payments as store};
use serde::Serialize;

/// A payment as lists show it.
pub use crate::store::payments::Listed as PaymentRow;

pub async fn list(ctx: &Ctx, partner: Option<&str>, limit: u64) -> Result<Vec<PaymentRow>> {
    let partner_id = match partner {
        Some(code) => Some(super::partners::find(ctx, code).await?.0.account_id),
        None => None,
    };
    Ok(store::list(&ctx.store.db, partner_id.as_deref(), limit).await?)
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
    let Some(p) = store::one(db, payment_id).await? else {
        return Err(ServiceError::NotFound(Missing::Payment(payment_id.to_string())));
    };
    let code = match &p.partner_id {
        Some(pid) => partners::code_of(db, pid).await?,
        None => None,
    };
    let refunds = store::refunds(db, &p.id)
        .await?
        .into_iter()
        .map(|r| RefundLine { amount: Money::from_tiyn(r.amount), at: r.at, event_id: r.event_id })
        .collect();
    let bonus = match bonuses::of_payment(db, &p.id).await? {
        Some(m) => {
            let b = bonuses::to_domain(&m)?;
            let state = super::bonuses::shown_state(ctx, &b, &m.partner_id).await?;
            Some(BonusBrief {
                id: b.id,
                amount: b.value(),
                status: state.as_str().into(),
                rate: m.rate,
                base: m.base_kind,
                campaign: m.campaign,
                release_at: m.release_at,
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
