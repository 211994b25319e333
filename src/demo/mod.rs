//! `refdesk demo`: a believable program, made of platform events that go through the real
//! import, then the operators' work on it (contracts, approvals, a deactivated code, voids, a
//! few abuse cases decided) and this morning's abuse scan, so that the review queue is alive.
//! Like the CLI, a client of the services: it reads and writes only through them.
mod abuse;
pub mod data;
mod events;
mod format;
mod people;
mod plan;

use crate::domain::access::{Deed, Mode, Role};
use crate::domain::bonus::ShownBonusState;
use crate::domain::event::parse_json_line;
use crate::domain::terms::Approval;
use crate::service::access::{Denial, allow};
use crate::service::bonuses::{self, BonusQuery};
use crate::service::contracts::{self, ContractInput};
use crate::service::import::{Importer, Line};
use crate::service::{self, Clock, Ctx, Result, ServiceError, fraud, fraud_scan, from_ms, operators};
use crate::store::fraud::Which;
use chrono::{DateTime, Utc};
use data::{DemoDecision, DemoOptions, splitmix};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use std::collections::HashMap;

/// The share of released bonuses the operators void by hand (a client's complaint), chosen by
/// the seed.
const VOIDED_BY_HAND: f64 = 0.01;

#[derive(Clone, Debug, Default, Serialize)]
pub struct DemoReport {
    pub events: usize,
    pub rejected: usize,
    pub contracts: usize,
    pub approved: usize,
    pub voided: usize,
    /// Abuse cases open at the end, and decided by the demo's operators.
    pub cases_open: usize,
    pub cases_decided: usize,
}

pub async fn run(
    ctx: &Ctx,
    partners: usize,
    clients: usize,
    seed: u64,
    mut progress: impl FnMut(&str),
) -> Result<DemoReport> {
    ready(ctx).await?;
    let data = data::generate(&DemoOptions { partners, clients, seed, now: ctx.now() }, &ctx.terms);
    let mut report = DemoReport { events: data.events.len(), ..Default::default() };
    progress("importing events");
    let mut importer = Importer::new(ctx, "demo");
    let mut no = 0;
    for chunk in data.events.chunks(ctx.store.limits.batch_lines()) {
        let lines = chunk
            .iter()
            .map(|raw| {
                no += 1;
                Line::from_text(no, raw.clone(), parse_json_line(raw, &ctx.terms.events))
            })
            .collect();
        importer.push(lines).await?;
    }
    report.rejected = importer.finish().await?.rejected.len();

    progress("recording contracts");
    let contracts: Vec<(String, ContractInput)> = data
        .contracts
        .iter()
        .map(|k| {
            let input = ContractInput {
                number: k.number.clone(),
                signed: k.signed_on.to_string(),
                iban: k.iban.clone(),
                iin: k.iin_bin.clone(),
            };
            (k.code.clone(), input)
        })
        .collect();
    report.contracts = contracts::set_contracts(ctx, &contracts, Some("demonstration data")).await?;

    progress("operators at work");
    let ops = Ctx { operator: CAST[0].0.into(), ..ctx.clone() };
    for (code, reason) in &data.deactivations {
        service::partners::deactivate_code(&ops, code, reason).await?;
    }
    // Cases the import opened (a price mismatch) were decided days after they opened; from then
    // on the partner's other bonuses were approved as anyone's.
    let mut pending: Vec<&DemoDecision> = data.decisions.iter().collect();
    let mut decided_at: HashMap<String, DateTime<Utc>> = HashMap::new();
    decide(ctx, &mut pending, &mut decided_at).await?;
    // Bonuses whose hold ended more than three days ago have been approved; the rest wait in
    // the due queue, as on a real morning. (With automatic approval they pass on by themselves.)
    let three_days_ago = Ctx { clock: Clock::Fixed(ctx.now() - chrono::Duration::days(3)), ..ctx.clone() };
    let released = match ctx.terms.approval {
        Approval::Manual => ShownBonusState::Due,
        Approval::Auto => ShownBonusState::Available,
    };
    let query = BonusQuery { state: Some(released), ..Default::default() };
    let mut rows: Vec<(i64, i64, String)> =
        bonuses::list(&three_days_ago, &query).await?.into_iter().map(|b| (b.id, b.release_at, b.partner)).collect();
    rows.sort_unstable();
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    // A few are voided by hand before approval, as operators do when a client complains.
    let mut rng = SmallRng::seed_from_u64(splitmix(seed ^ 0x76_6f69_6473));
    let (to_void, to_approve): (Vec<i64>, Vec<i64>) = ids.iter().partition(|_| rng.random_bool(VOIDED_BY_HAND));
    for id in &to_void {
        bonuses::void(&ops, *id, "client disputed the purchase with the bank").await?;
    }
    report.voided = to_void.len();
    if !to_approve.is_empty() && ctx.terms.approval == Approval::Manual {
        // Approved in the morning two days after each hold ended, as a day's queue is: so that
        // each month's payout run finds the bonuses that became available in it.
        let released: HashMap<i64, (i64, &str)> = rows.iter().map(|(id, r, p)| (*id, (*r, p.as_str()))).collect();
        let mut by_morning: std::collections::BTreeMap<DateTime<Utc>, Vec<i64>> = Default::default();
        for id in &to_approve {
            let (release, partner) = released.get(id).copied().unwrap_or_default();
            let day = ctx.terms.local(from_ms(release)).date_naive() + chrono::Days::new(2);
            let mut morning = ctx.terms.start_of_day(day) + chrono::Duration::hours(10);
            // Not while the partner's case was still open.
            if let Some(&decided) = decided_at.get(partner) {
                morning = morning.max(decided);
            }
            by_morning.entry(morning.min(ctx.now())).or_default().push(*id);
        }
        for (morning, ids) in by_morning {
            let approver = Ctx { operator: CAST[1].0.into(), clock: Clock::Fixed(morning), ..ctx.clone() };
            report.approved += bonuses::approve(&approver, Some(&ids)).await?.ids.len();
        }
    }

    // This morning's abuse scan opens the cases the import could not judge, and the operators
    // have already dismissed one of them.
    progress("scanning for abuse");
    fraud_scan::scan(&ops).await?;
    decide(ctx, &mut pending, &mut decided_at).await?;
    report.cases_open = fraud::list(ctx, Which::Open).await?.len();
    report.cases_decided = fraud::list(ctx, Which::Decided).await?.len();
    Ok(report)
}

/// The demo's cast: who does the operators' work in it.
const CAST: [(&str, Role); 2] = [("aigerim.ops", Role::Operator), ("dauren.ops", Role::Approver)];

/// Demonstration data goes into a sandbox only: a database refdesk has not set up becomes one,
/// with the invoking operator as its admin, and the cast is registered.
async fn ready(ctx: &Ctx) -> Result<()> {
    match crate::store::access::mode(&ctx.store.db).await? {
        Some(Mode::Production) => return Err(ServiceError::Denied(Denial::NotSandbox)),
        Some(Mode::Sandbox) => {}
        None => {
            operators::init(ctx, true).await?;
        }
    }
    allow(ctx, Deed::Demo).await?;
    for (name, role) in CAST {
        if crate::store::access::get(&ctx.store.db, name).await?.is_none() {
            operators::add(ctx, name, role).await?;
        }
    }
    Ok(())
}

/// Takes the planned decisions whose case is open now, each `after_days` after its case opened
/// (or now, if sooner), and notes when each partner's case was decided; the others wait.
async fn decide(
    ctx: &Ctx,
    pending: &mut Vec<&DemoDecision>,
    decided_at: &mut HashMap<String, DateTime<Utc>>,
) -> Result<()> {
    let open = fraud::list(ctx, Which::Open).await?;
    let mut waiting = Vec::new();
    for d in pending.drain(..) {
        let Some(case) = open.iter().find(|c| c.partner == d.code && c.kind == d.kind) else {
            waiting.push(d);
            continue;
        };
        let at = (from_ms(case.opened_ms) + chrono::Duration::days(d.after_days)).min(ctx.now());
        let senior = Ctx { operator: CAST[1].0.into(), clock: Clock::Fixed(at), ..ctx.clone() };
        fraud::decide(&senior, case.id, d.decision, &d.reason).await?;
        decided_at.insert(d.code.clone(), at);
    }
    *pending = waiting;
    Ok(())
}
