//! `fraud scan`: every abuse signal over the whole program. The facts are read first (no write
//! lock is held while a large program is read); the findings then open cases, one per partner
//! and signal kind, in one transaction with one audit entry. A finding already in a case of its
//! partner and kind (open or decided) is not added again: a scan run twice changes nothing, and a
//! case an operator dismissed is not reopened by the same evidence. An open case gets the new
//! findings (and the bonuses they name) added to its evidence.
use super::{Ctx, Result, ms};
use crate::domain::fraud::{self as rules, CaseKind};
use crate::domain::signals::{self, Finding};
use crate::store::audit;
use crate::store::fraud as cases;
use crate::store::signals as facts;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

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

/// Every signal's findings over the program now.
pub async fn findings(ctx: &Ctx) -> Result<Vec<Finding>> {
    let db = &ctx.store.db;
    let abuse = &ctx.terms.abuse;
    let mut out = signals::self_referral(&facts::clients_matching_partner(db).await?);
    out.extend(signals::shared_identity(&facts::shared_values(db).await?));
    for (partner, registrations) in facts::registrations_over(db, abuse.burst_registrations).await? {
        out.extend(signals::registration_burst(&partner, &registrations, abuse));
    }
    for r in facts::refunds(db, abuse.refund_rate_min_clients).await? {
        if let Some(mut f) = signals::refund_rate(&r, abuse) {
            f.bonus_ids = facts::refunded_bonuses(db, &r.partner.account_id).await?;
            out.push(f);
        }
    }
    for p in facts::earning_payments(db).await? {
        out.extend(signals::price_mismatch(&p, ctx.terms.client_discount));
    }
    out.extend(signals::referral_ring(&facts::partners_brought_by_partners(db).await?));
    Ok(out)
}

/// Runs every signal and opens or adds to the cases.
pub async fn scan(ctx: &Ctx) -> Result<Scanned> {
    let found = findings(ctx).await?;
    let mut scanned = Scanned::default();
    for f in &found {
        *scanned.found.entry(f.kind.as_str()).or_default() += 1;
    }
    let mut by: BTreeMap<(&'static str, &str), Vec<&Finding>> = BTreeMap::new();
    for f in &found {
        by.entry((f.kind.as_str(), f.partner_id.as_str())).or_default().push(f);
    }
    let txn = ctx.store.begin_write().await?;
    let now = ms(ctx.now());
    for kind in CaseKind::ALL {
        // What the cases of this kind already hold, by partner, and the open one of each.
        let mut known: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut open: BTreeMap<String, (i64, serde_json::Value)> = BTreeMap::new();
        for c in cases::cases_of_kind(&txn, kind).await? {
            let evidence: serde_json::Value = serde_json::from_str(&c.evidence).unwrap_or_default();
            known.entry(c.partner_id.clone()).or_default().extend(rules::evidence_keys(&evidence));
            if c.status == rules::CaseStatus::Open {
                open.entry(c.partner_id.clone()).or_insert((c.id, evidence));
            }
        }
        for ((k, partner), list) in by.range((kind.as_str(), "")..) {
            if *k != kind.as_str() {
                break;
            }
            let seen = known.get(*partner);
            let mut keys = BTreeSet::new();
            let new: Vec<&Finding> = list
                .iter()
                .copied()
                .filter(|f| !seen.is_some_and(|s| s.contains(&f.key)) && keys.insert(f.key.as_str()))
                .collect();
            if new.is_empty() {
                continue;
            }
            match open.get(*partner) {
                Some((id, evidence)) => {
                    let merged = rules::with_findings(evidence.clone(), &new);
                    if cases::set_evidence(&txn, *id, &merged.to_string()).await? {
                        scanned.added_to.push(*id);
                    }
                }
                None => {
                    let evidence = rules::with_findings(serde_json::json!({}), &new);
                    scanned.opened.push(cases::open(&txn, partner, kind, now, &evidence.to_string()).await?);
                }
            }
        }
    }
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
