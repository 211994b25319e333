//! `refdesk demo`: a believable program, made of platform events that go through the real
//! import, then the operators' work on it (contracts, approvals, a deactivated code, voids).
pub mod data;
mod events;
mod format;
mod people;
mod plan;

use crate::domain::event::parse_json_line;
use crate::service::import::{BATCH, Importer, Line};
use crate::service::{self, Ctx, Result, ms};
use crate::store::entity::contract;
use crate::store::{audit, query_all};
use data::DemoOptions;
use sea_orm::{EntityTrait, Set};
use serde::Serialize;

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
    let now = ms(ctx.now());
    let txn = ctx.store.begin_write().await?;
    let models: Vec<contract::ActiveModel> = data
        .contracts
        .iter()
        .map(|k| contract::ActiveModel {
            partner_id: Set(k.account_id.clone()),
            number: Set(k.number.clone()),
            signed_on: Set(k.signed_on.to_string()),
            method: Set("bank_transfer".into()),
            iban: Set(k.iban.clone()),
            iin_bin: Set(k.iin_bin.clone()),
            recorded_at: Set(now),
            recorded_by: Set(ctx.operator.clone()),
        })
        .collect();
    report.contracts = models.len();
    for chunk in models.chunks(500) {
        contract::Entity::insert_many(chunk.to_vec()).exec_without_returning(&txn).await?;
    }
    audit::append(
        &txn,
        audit::Entry {
            at: now,
            operator: &ctx.operator,
            action: "demo.contracts",
            subject: "demo",
            detail: serde_json::json!({"contracts": report.contracts}),
            reason: Some("demonstration data"),
        },
    )
    .await?;
    txn.commit().await?;

    progress("operators at work");
    let ops = Ctx { operator: "aigerim.ops".into(), ..ctx.clone() };
    for (account, reason) in &data.deactivations {
        let code =
            query_all(&ctx.store.db, "SELECT code FROM promo_code WHERE partner_id = $1", vec![account.clone().into()])
                .await?;
        if let Some(r) = code.first() {
            let code: String = r.try_get_by_index(0)?;
            service::partners::deactivate_code(&ops, &code, reason).await?;
        }
    }
    // Bonuses whose hold ended more than three days ago have been approved; the rest wait in
    // the due queue, as on a real morning.
    let cutoff = ms(ctx.now() - chrono::Duration::days(3));
    let ids: Vec<i64> = query_all(
        &ctx.store.db,
        &format!(
            "SELECT b.id FROM bonus b WHERE b.state = 'held' AND b.release_at <= $1 AND NOT {} ORDER BY b.id",
            service::bonuses::FROZEN
        ),
        vec![cutoff.into()],
    )
    .await?
    .iter()
    .map(|r| r.try_get_by_index(0))
    .collect::<std::result::Result<_, _>>()?;
    // A few are voided by hand before approval, as operators do when a client complains.
    let (to_void, to_approve): (Vec<i64>, Vec<i64>) = ids.iter().partition(|id| *id % 97 == 13);
    for id in &to_void {
        service::bonuses::void(&ops, *id, "client disputed the purchase with the bank").await?;
    }
    report.voided = to_void.len();
    if !to_approve.is_empty() && ctx.terms.approval == crate::domain::terms::Approval::Manual {
        let approver = Ctx { operator: "dauren.ops".into(), ..ctx.clone() };
        report.approved = service::bonuses::approve(&approver, Some(&to_approve)).await?.ids.len();
    }
    Ok(report)
}
