//! An operator's changes to partners: one added by hand, a code deactivated, a partner
//! excluded (contracts: [`crate::service::contracts`]). Each is one transaction with one audit entry.
use super::find;
use crate::domain::Money;
use crate::domain::codes::{first_free_code, validate_code};
use crate::domain::identity::{normalize_email, normalize_iin, normalize_phone, validate_iin};
use crate::domain::partner::search_key;
use crate::service::bonuses::void_in;
use crate::service::payouts;
use crate::service::{Conflict, Ctx, Field, Problem, Purpose, Result, ServiceError, from_ms, ms, policed};
use crate::store::entity::{account, partner, promo_code};
use crate::store::{audit, bonuses, partners as store};
use chrono::{DateTime, FixedOffset};
use sea_orm::{DatabaseTransaction, Set};

pub struct NewPartner {
    pub name: String,
    pub code: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub iin: Option<String>,
}

/// Registers a partner by hand (one the platform has not announced); returns the code.
pub async fn add(ctx: &Ctx, mut n: NewPartner) -> Result<String> {
    crate::service::access::allow(ctx, crate::domain::access::Deed::EditPartner).await?;
    let name = policed(Field::Name, &n.name)?;
    // The email and phone are shown beside the name, so they are held to the same policy.
    n.email = n.email.as_deref().map(|e| policed(Field::Email, e)).transpose()?.filter(|e| !e.is_empty());
    n.phone = n.phone.as_deref().map(|p| policed(Field::Phone, p)).transpose()?.filter(|p| !p.is_empty());
    if name.is_empty() {
        return Err(ServiceError::invalid(Field::Name, Problem::Missing(Purpose::PartnerName)));
    }
    if let Some(iin) = &n.iin {
        validate_iin(iin).map_err(|e| ServiceError::invalid(Field::Iin, Problem::Iin(iin.clone(), e)))?;
    }
    if let Some(e) = &n.email
        && normalize_email(e).is_none()
    {
        return Err(ServiceError::invalid(Field::Email, Problem::NotEmail(e.clone())));
    }
    let txn = ctx.store.begin_write().await?;
    let code = match &n.code {
        Some(c) => {
            let c = validate_code(c).map_err(|e| ServiceError::invalid(Field::Code, Problem::Code(c.clone(), e)))?;
            if let Some(other) = store::code(&txn, &c).await? {
                return Err(ServiceError::Refused(Conflict::CodeTaken { code: c, owner: other.partner_id }));
            }
            c
        }
        None => first_free_code(&name, async |c: &str| store::code(&txn, c).await.map(|c| c.is_some()))
            .await?
            .ok_or_else(|| ServiceError::Refused(Conflict::NoFreeCode { name: name.clone() }))?,
    };
    let account_id = format!("M-{code}");
    if store::account(&txn, &account_id).await?.is_some() {
        return Err(ServiceError::Refused(Conflict::AccountExists(account_id)));
    }
    let now = ms(ctx.now());
    store::insert_manual(
        &txn,
        account::ActiveModel {
            id: Set(account_id.clone()),
            name: Set(Some(name.clone())),
            email: Set(n.email.clone()),
            phone: Set(n.phone.clone()),
            iin: Set(n.iin.clone()),
            email_norm: Set(n.email.as_deref().and_then(normalize_email)),
            phone_norm: Set(n.phone.as_deref().and_then(normalize_phone)),
            iin_norm: Set(n.iin.as_deref().and_then(normalize_iin)),
            device_id: Set(None),
            ip: Set(None),
            is_client: Set(false),
            is_partner: Set(true),
            registered_at: Set(Some(now)),
            parent_id: Set(None),
            via_code: Set(None),
        },
        partner::ActiveModel {
            account_id: Set(account_id.clone()),
            name: Set(name.clone()),
            registered_at: Set(now),
            trial_ends_at: Set(ms(ctx.terms.add_days(ctx.now(), ctx.terms.partner_trial_days))),
            status: Set("active".into()),
            status_reason: Set(None),
            status_at: Set(None),
            status_by: Set(None),
            search: Set(search_key(&name, &code, n.phone.as_deref())),
        },
        promo_code::ActiveModel::new_active(code.clone(), account_id.clone(), now),
    )
    .await?;
    audit::append(
        &txn,
        audit::Entry {
            at: now,
            operator: &ctx.operator,
            action: "partner.add",
            subject: &code,
            detail: serde_json::json!({"account_id": account_id, "name": name}),
            reason: None,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(code)
}

fn local(ctx: &Ctx, at: Option<i64>) -> Option<DateTime<FixedOffset>> {
    at.map(|t| ctx.terms.local(from_ms(t)))
}

/// Deactivates a code: later payments with it earn nothing (`code_inactive`).
pub async fn deactivate_code(ctx: &Ctx, code: &str, reason: &str) -> Result<()> {
    crate::service::access::allow(ctx, crate::domain::access::Deed::EditPartner).await?;
    let reason = policed(Field::Reason, reason)?;
    if reason.is_empty() {
        return Err(ServiceError::invalid(Field::Reason, Problem::Missing(Purpose::DeactivateCode)));
    }
    let (_, c) = find(ctx, code).await?;
    let txn = ctx.store.begin_write().await?;
    let now = ms(ctx.now());
    if !store::deactivate_code(&txn, &c.code, now, &ctx.operator, &reason).await? {
        let cur = store::code(&txn, &c.code).await?;
        let (by, at) = cur.map(|x| (x.deactivated_by.unwrap_or_default(), x.deactivated_at)).unwrap_or_default();
        return Err(ServiceError::Refused(Conflict::CodeDeactivated { code: c.code, by, at: local(ctx, at) }));
    }
    audit::append(
        &txn,
        audit::Entry {
            at: now,
            operator: &ctx.operator,
            action: "code.deactivate",
            subject: &c.code,
            detail: serde_json::json!({"before": {"code_active": true}, "after": {"code_active": false}}),
            reason: Some(&reason),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Excludes a partner: the code is deactivated, every unpaid bonus voided and its line taken out
/// of any draft payout run, in one transaction.
pub async fn exclude(ctx: &Ctx, code: &str, reason: &str) -> Result<(usize, Money)> {
    crate::service::access::allow(ctx, crate::domain::access::Deed::EditPartner).await?;
    let reason = policed(Field::Reason, reason)?;
    if reason.is_empty() {
        return Err(ServiceError::invalid(Field::Reason, Problem::Missing(Purpose::ExcludePartner)));
    }
    let (p, c) = find(ctx, code).await?;
    let txn = ctx.store.begin_write().await?;
    let now = ms(ctx.now());
    let Some(done) = exclude_in(ctx, &txn, &p.account_id, &c.code, &reason).await? else {
        let cur = store::partner(&txn, &p.account_id).await?;
        let (by, at) = cur.map(|x| (x.status_by.unwrap_or_default(), x.status_at)).unwrap_or_default();
        return Err(ServiceError::Refused(Conflict::Excluded { code: c.code, by, at: local(ctx, at) }));
    };
    audit::append(
        &txn,
        audit::Entry {
            at: now,
            operator: &ctx.operator,
            action: "partner.exclude",
            subject: &c.code,
            detail: done.detail(),
            reason: Some(&reason),
        },
    )
    .await?;
    txn.commit().await?;
    Ok((done.voided.len(), done.total))
}

/// What an exclusion did.
pub(crate) struct Exclusion {
    pub voided: Vec<i64>,
    pub total: Money,
    pub drafts: Vec<payouts::Refreshed>,
}

impl Exclusion {
    pub(crate) fn detail(&self) -> serde_json::Value {
        serde_json::json!({"voided": self.voided, "total": self.total.plain(), "draft_runs": self.drafts})
    }
}

/// Excludes partner `account_id` (code `code`) inside the caller's transaction: none when it was
/// already excluded.
pub(crate) async fn exclude_in(
    ctx: &Ctx,
    txn: &DatabaseTransaction,
    account_id: &str,
    code: &str,
    reason: &str,
) -> Result<Option<Exclusion>> {
    let now = ms(ctx.now());
    if !store::exclude(txn, account_id, now, &ctx.operator, reason).await? {
        return Ok(None);
    }
    store::deactivate_code(txn, code, now, &ctx.operator, reason).await?;
    let voided = bonuses::unpaid_of(txn, account_id).await?;
    let total = void_in(ctx, txn, &voided, &format!("partner excluded: {reason}")).await?;
    let drafts = payouts::refresh_drafts(ctx, txn).await?;
    Ok(Some(Exclusion { voided, total, drafts }))
}
