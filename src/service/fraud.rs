//! Abuse cases: the list, and an operator's decision on one (RULES.md "Abuse"). A decision is one
//! transaction with one audit entry: the case ends (once: a second decision is refused with who
//! took the first), and what the decision does to the partner's bonuses, code and standing is done
//! with it or not at all.
use super::partners::changes::exclude_in;
use super::payouts::Refreshed;
use super::{Conflict, Ctx, Missing, Problem, Purpose, Result, ServiceError, bonuses::void_in, from_ms, ms, rfc3339};
use crate::domain::Money;
use crate::domain::fraud::{self, CaseKind, CaseStatus, Decision, Voids};
use crate::store::fraud::{self as store, Case, Which};
use crate::store::{audit, bonuses, partners};
use serde::Serialize;

/// A case as `fraud list --json` gives it (INTERFACE.md), with its whole days open by the clock.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CaseView {
    pub id: i64,
    /// The partner's promo code.
    pub partner: String,
    pub kind: CaseKind,
    pub status: CaseStatus,
    pub opened_at: String,
    pub days_open: i64,
    pub payment_id: Option<String>,
    pub evidence: serde_json::Value,
    pub decided_at: Option<String>,
    pub decided_by: Option<String>,
    pub reason: Option<String>,
    /// The instants above as unix ms, for the console's own formats.
    #[serde(skip)]
    pub opened_ms: i64,
    #[serde(skip)]
    pub decided_ms: Option<i64>,
}

/// A case's kind in words: (English, Russian).
pub fn kind_words(k: CaseKind) -> (&'static str, &'static str) {
    match k {
        CaseKind::SelfReferral => ("self-referral", "самоприглашение"),
        CaseKind::SharedIdentity => ("shared identity", "общие данные"),
        CaseKind::RegistrationBurst => ("registration burst", "всплеск регистраций"),
        CaseKind::RefundRate => ("refund rate", "доля возвратов"),
        CaseKind::PriceMismatch => ("price mismatch", "несовпадение цены"),
        CaseKind::ReferralRing => ("referral ring", "кольцо приглашений"),
    }
}

/// Where a case stands in words (the decision that ended it says what it did): (English, Russian).
pub fn status_words(s: CaseStatus) -> (&'static str, &'static str) {
    match s {
        CaseStatus::Open => ("open", "открыто"),
        CaseStatus::Dismissed => ("dismissed", "закрыто без нарушения"),
        CaseStatus::Voided => ("bonuses voided", "бонусы аннулированы"),
        CaseStatus::Deactivated => ("code deactivated", "код отключён"),
        CaseStatus::Excluded => ("excluded", "партнёр исключён"),
    }
}

fn view(ctx: &Ctx, c: &Case) -> CaseView {
    CaseView {
        id: c.id,
        partner: c.code.clone(),
        kind: c.kind,
        status: c.status,
        opened_at: rfc3339(&ctx.terms, c.opened_at),
        days_open: fraud::days_open(c.opened_at, c.decided_at, ms(ctx.now())),
        opened_ms: c.opened_at,
        decided_ms: c.decided_at,
        payment_id: c.payment_id.clone(),
        // Evidence is written by refdesk's signals as JSON; text that is not is shown as text.
        evidence: serde_json::from_str(&c.evidence).unwrap_or_else(|_| serde_json::Value::String(c.evidence.clone())),
        decided_at: c.decided_at.map(|t| rfc3339(&ctx.terms, t)),
        decided_by: c.decided_by.clone(),
        reason: c.decision_reason.clone(),
    }
}

/// The cases, oldest first: every one, the open ones or the decided ones.
pub async fn list(ctx: &Ctx, which: Which) -> Result<Vec<CaseView>> {
    Ok(store::cases(&ctx.store.db, which).await?.iter().map(|c| view(ctx, c)).collect())
}

pub async fn show(ctx: &Ctx, id: i64) -> Result<CaseView> {
    let case = store::case(&ctx.store.db, id).await?.ok_or(ServiceError::NotFound(Missing::Case(id)))?;
    Ok(view(ctx, &case))
}

/// What a decision did.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Decided {
    pub case: i64,
    pub partner: String,
    pub status: CaseStatus,
    /// The bonuses voided, and their value.
    pub voided: Vec<i64>,
    pub voided_total: Money,
    pub code_deactivated: bool,
    pub excluded: bool,
    /// Draft payout runs written again without the excluded partner.
    pub draft_runs: Vec<Refreshed>,
}

/// Decides open case `id`. Dismiss ends it; void voids the unpaid bonuses its evidence names;
/// deactivate does that and stops the partner's code; exclude excludes the partner (code
/// stopped, every unpaid bonus voided, out of draft runs). Paid bonuses are left to the
/// clawback rules.
pub async fn decide(ctx: &Ctx, id: i64, decision: Decision, reason: &str) -> Result<Decided> {
    crate::service::access::allow(ctx, crate::domain::access::Deed::DecideCase).await?;
    let reason = super::policed(super::Field::Reason, reason)?;
    if reason.is_empty() {
        return Err(ServiceError::invalid(super::Field::Reason, Problem::Missing(Purpose::DecideCase)));
    }
    let txn = ctx.store.begin_write().await?;
    let case = store::case(&txn, id).await?.ok_or(ServiceError::NotFound(Missing::Case(id)))?;
    let status = decision.status();
    let now = ms(ctx.now());
    if !fraud::decidable(case.status) || !store::decide(&txn, id, status, now, &ctx.operator, &reason).await? {
        let cur = store::case(&txn, id).await?.unwrap_or(case);
        return Err(ServiceError::Refused(Conflict::CaseDecided {
            case: id,
            status: cur.status,
            by: cur.decided_by.unwrap_or_default(),
            at: cur.decided_at.map(|t| ctx.terms.local(from_ms(t))),
        }));
    }
    let effects = decision.effects();
    let why = format!("abuse case {id} ({}): {reason}", case.kind.as_str());
    let mut done = Decided {
        case: id,
        partner: case.code.clone(),
        status,
        voided: Vec::new(),
        voided_total: Money::ZERO,
        code_deactivated: false,
        excluded: false,
        draft_runs: Vec::new(),
    };
    if effects.exclude {
        // Already excluded by hand while the case was open: the decision only ends the case.
        if let Some(ex) = exclude_in(ctx, &txn, &case.partner_id, &case.code, &why).await? {
            done.voided = ex.voided;
            done.voided_total = ex.total;
            done.code_deactivated = true;
            done.excluded = true;
            done.draft_runs = ex.drafts;
        }
    } else {
        if effects.void == Voids::CaseBonuses {
            let evidence: serde_json::Value = serde_json::from_str(&case.evidence).unwrap_or_default();
            let named = fraud::named_bonuses(&evidence);
            done.voided = store::unpaid_among(&txn, &case.partner_id, &named).await?;
            done.voided_total = void_in(ctx, &txn, &done.voided, &why).await?;
        }
        if effects.deactivate_code {
            done.code_deactivated = partners::deactivate_code(&txn, &case.code, now, &ctx.operator, &why).await?;
        }
    }
    audit::append(
        &txn,
        audit::Entry {
            at: now,
            operator: &ctx.operator,
            action: "fraud.decide",
            subject: &format!("case {id}"),
            detail: serde_json::json!({
                "partner": case.code, "kind": case.kind.as_str(), "decision": decision.as_str(),
                "voided": done.voided, "voided_total": done.voided_total.plain(),
                "code_deactivated": done.code_deactivated, "excluded": done.excluded,
                "draft_runs": done.draft_runs,
                "open_cases_left": bonuses::open_cases(&txn, &case.partner_id).await?,
            }),
            reason: Some(&reason),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(done)
}
