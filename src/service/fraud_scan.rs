//! `fraud scan`: every abuse signal over the whole program. The facts are read first (no write
//! lock is held while a large program is read); the findings then open cases, one per partner
//! and signal kind, in one transaction with one audit entry. A finding already in a case of its
//! partner and kind (open or decided) is not added again: a scan run twice changes nothing, and a
//! case an operator dismissed is not reopened by the same evidence. An open case gets the new
//! findings (and the bonuses they name) added to its evidence.
use super::{Ctx, Result, ms};
use crate::domain::Terms;
use crate::domain::fraud as rules;
use crate::domain::signals::{self, Finding};
use crate::store::audit;
use crate::store::fraud as cases;
use crate::store::signals as facts;
use sea_orm::{DatabaseConnection, DatabaseTransaction};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use tracing::Instrument;

/// What a scan found and did.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Scanned {
    /// Findings by signal kind, new or not.
    pub found: BTreeMap<&'static str, usize>,
    /// Cases opened.
    pub opened: Vec<i64>,
    /// Open cases with new evidence.
    pub added_to: Vec<i64>,
}

/// Every signal's findings over the program now, read on a connection of the scan's own
/// ([`Store::large_reader`](crate::store::Store::large_reader)).
pub async fn findings(ctx: &Ctx) -> Result<Vec<Finding>> {
    let reader = ctx.store.large_reader().await?;
    findings_on(&reader.db, &ctx.terms).await
}

/// Every signal's findings, read through `db`. Each signal's reading is a span of its own
/// (`scan.*`), so that a profile (the fraud bench) shows where a scan's time goes.
pub async fn findings_on(db: &DatabaseConnection, terms: &Terms) -> Result<Vec<Finding>> {
    let abuse = &terms.abuse;
    let mut out = signals::self_referral(
        &facts::clients_matching_partner(db).instrument(tracing::debug_span!("scan.self_referral")).await?,
    );
    out.extend(signals::shared_identity(
        &facts::shared_values(db).instrument(tracing::debug_span!("scan.shared_identity")).await?,
    ));
    let window = i64::from(abuse.burst_window_minutes) * 60_000;
    for (partner, registrations) in facts::registrations_over(db, abuse.burst_registrations, window)
        .instrument(tracing::debug_span!("scan.registration_burst"))
        .await?
    {
        out.extend(signals::registration_burst(&partner, &registrations, abuse));
    }
    let refunding = tracing::debug_span!("scan.refund_rate");
    let flagged: Vec<Finding> = facts::refunds(db, abuse.refund_rate_min_clients)
        .instrument(refunding.clone())
        .await?
        .iter()
        .filter_map(|r| signals::refund_rate(r, abuse))
        .collect();
    let partners: Vec<String> = flagged.iter().map(|f| f.partner_id.clone()).collect();
    let mut refunded = facts::refunded_bonuses(db, &partners).instrument(refunding).await?;
    out.extend(flagged.into_iter().map(|mut f| {
        f.bonus_ids = refunded.remove(&f.partner_id).unwrap_or_default();
        f
    }));
    // The database returns only the payments that paid other than the price the domain asks for
    // their list price; the domain then judges each of them.
    let discount = terms.client_discount;
    let pricing = tracing::debug_span!("scan.price_mismatch");
    let expected: Vec<_> = facts::list_prices(db)
        .instrument(pricing.clone())
        .await?
        .into_iter()
        .filter_map(|list| Some((list, signals::promo_price(list, discount)?)))
        .collect();
    for p in facts::earning_payments_paying_other_than(db, &expected).instrument(pricing).await? {
        out.extend(signals::price_mismatch(&p, discount));
    }
    out.extend(signals::referral_ring(
        &facts::partners_brought_by_partners(db).instrument(tracing::debug_span!("scan.referral_ring")).await?,
    ));
    Ok(out)
}

/// Runs every signal and opens or adds to the cases.
pub async fn scan(ctx: &Ctx) -> Result<Scanned> {
    // Read before the program: what this scan will have seen (see `owe_scan`).
    let owed = cases::scan_owed(&ctx.store.db).await?;
    scan_settling(ctx, owed).await
}

/// The scan that imports owe, run if one is owed: after an import that wrote events, and after
/// one that was killed before its scan ran (its batches are in, its scan is not).
pub async fn scan_if_owed(ctx: &Ctx) -> Result<Option<Scanned>> {
    match cases::scan_owed(&ctx.store.db).await? {
        Some(owed) => scan_settling(ctx, Some(owed)).await.map(Some),
        None => Ok(None),
    }
}

/// The scan, settling the debt `owed` (read before the program) in its transaction.
async fn scan_settling(ctx: &Ctx, owed: Option<String>) -> Result<Scanned> {
    crate::service::access::allow(ctx, crate::domain::access::Deed::ScanAbuse).await?;
    let found = findings(ctx).await?;
    let txn = ctx.store.begin_write().await?;
    if let Some(owed) = &owed {
        cases::settle_scan(&txn, owed).await?;
    }
    let now = ms(ctx.now());
    let at: Vec<(&Finding, i64)> = found.iter().map(|f| (f, now)).collect();
    let scanned = record(&txn, &at).await?;
    audit::append(
        &txn,
        audit::Entry {
            at: now,
            operator: &ctx.operator,
            action: "fraud.scan",
            subject: "program",
            detail: serde_json::json!({"found": scanned.found, "opened": scanned.opened, "added_to": scanned.added_to}),
            reason: None,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(scanned)
}

/// Opens a case for findings (each with the instant its case opens at) or adds them to the open
/// one, inside the caller's transaction: one case per partner and kind; a finding whose key a
/// case of its partner and kind already holds, open or decided, is left out.
pub(crate) async fn record(txn: &DatabaseTransaction, found: &[(&Finding, i64)]) -> Result<Scanned> {
    let mut scanned = Scanned::default();
    let mut by: BTreeMap<(&'static str, &str), Vec<(&Finding, i64)>> = BTreeMap::new();
    for &(f, at) in found {
        *scanned.found.entry(f.kind.as_str()).or_default() += 1;
        by.entry((f.kind.as_str(), f.partner_id.as_str())).or_default().push((f, at));
    }
    for ((_, partner), list) in by {
        let Some(kind) = list.first().map(|(f, _)| f.kind) else { continue };
        let mut known: BTreeSet<String> = BTreeSet::new();
        let mut open: Option<(i64, serde_json::Value)> = None;
        for c in cases::cases_of(txn, partner, kind).await? {
            let evidence: serde_json::Value = serde_json::from_str(&c.evidence).unwrap_or_default();
            known.extend(rules::evidence_keys(&evidence));
            if c.status == rules::CaseStatus::Open && open.is_none() {
                open = Some((c.id, evidence));
            }
        }
        let new: Vec<(&Finding, i64)> = list.into_iter().filter(|(f, _)| known.insert(f.key.clone())).collect();
        let Some(&(first, at)) = new.first() else { continue };
        let findings: Vec<&Finding> = new.iter().map(|(f, _)| *f).collect();
        match open {
            Some((id, evidence)) => {
                let merged = rules::with_findings(evidence, &findings);
                if cases::set_evidence(txn, id, &merged.to_string()).await? {
                    scanned.added_to.push(id);
                }
            }
            None => {
                let evidence = rules::with_findings(serde_json::json!({}), &findings);
                let id =
                    cases::open(txn, partner, kind, at, first.payment_id.as_deref(), &evidence.to_string()).await?;
                scanned.opened.push(id);
            }
        }
    }
    Ok(scanned)
}
