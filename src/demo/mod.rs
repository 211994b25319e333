//! `refdesk demo`: a believable program, made of platform events that go through the real
//! import, then the operators' work on it (contracts, approvals, a deactivated code, voids).
//! Like the CLI, a client of the services: it reads and writes only through them.
mod abuse;
pub mod data;
mod events;
mod format;
mod people;
mod plan;

use crate::domain::bonus::ShownBonusState;
use crate::domain::event::parse_json_line;
use crate::domain::terms::Approval;
use crate::service::bonuses::{self, BonusQuery};
use crate::service::contracts::{self, ContractInput};
use crate::service::import::{BATCH, Importer, Line};
use crate::service::{self, Clock, Ctx, Result};
use data::{DemoOptions, splitmix};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;

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
}

pub async fn run(
    ctx: &Ctx,
    partners: usize,
    clients: usize,
    seed: u64,
    mut progress: impl FnMut(&str),
) -> Result<DemoReport> {
    let data = data::generate(&DemoOptions { partners, clients, seed, now: ctx.now() }, &ctx.terms);
    let mut report = DemoReport { events: data.events.len(), ..Default::default() };
    progress("importing events");
    let mut importer = Importer::new(ctx, "demo");
    let mut no = 0;
    for chunk in data.events.chunks(BATCH) {
        let lines = chunk
            .iter()
            .map(|raw| {
                no += 1;
                Line { no, raw: raw.clone(), parsed: parse_json_line(raw) }
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
    let ops = Ctx { operator: "aigerim.ops".into(), ..ctx.clone() };
    for (code, reason) in &data.deactivations {
        service::partners::deactivate_code(&ops, code, reason).await?;
    }
    // Bonuses whose hold ended more than three days ago have been approved; the rest wait in
    // the due queue, as on a real morning. (With automatic approval they pass on by themselves.)
    let three_days_ago = Ctx { clock: Clock::Fixed(ctx.now() - chrono::Duration::days(3)), ..ctx.clone() };
    let released = match ctx.terms.approval {
        Approval::Manual => ShownBonusState::Due,
        Approval::Auto => ShownBonusState::Available,
    };
    let query = BonusQuery { state: Some(released), ..Default::default() };
    let mut rows: Vec<(i64, i64)> =
        bonuses::list(&three_days_ago, &query).await?.iter().map(|b| (b.id, b.release_at)).collect();
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
        let released: std::collections::HashMap<i64, i64> = rows.iter().copied().collect();
        let mut by_morning: std::collections::BTreeMap<chrono::DateTime<chrono::Utc>, Vec<i64>> = Default::default();
        for id in &to_approve {
            let release = crate::store::from_ms(released.get(id).copied().unwrap_or_default());
            let day = ctx.terms.local(release).date_naive() + chrono::Days::new(2);
            let morning = (ctx.terms.start_of_day(day) + chrono::Duration::hours(10)).min(ctx.now());
            by_morning.entry(morning).or_default().push(*id);
        }
        for (morning, ids) in by_morning {
            let approver = Ctx { operator: "dauren.ops".into(), clock: Clock::Fixed(morning), ..ctx.clone() };
            report.approved += bonuses::approve(&approver, Some(&ids)).await?.ids.len();
        }
    }
    Ok(report)
}
