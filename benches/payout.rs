//! Payout run preparation at size: makes a demo of 100 000 partners and 1 000 000 clients (kept
//! in `REFDESK_BENCH_PAYOUT_DB` when set, and reused when it exists), then, in the same process
//! and on the same database, times one bare SQL aggregate of the month's available bonuses by
//! partner beside the preparation of that month's run (a line per partner, the bonuses bound,
//! the content hash, the audit entry), each three times (the run discarded between), and prints
//! the medians side by side. Smaller: `REFDESK_BENCH_PARTNERS=10000 REFDESK_BENCH_CLIENTS=100000`.
#[path = "common/demo.rs"]
mod demo;

use refdesk::domain::Terms;
use refdesk::service::payouts;
use refdesk::service::{Clock, Ctx};
use refdesk::store::{Store, query_all};
use std::time::{Duration, Instant};

/// The demo's clock, and the clock of the preparation (the demo's month is over by then).
const DEMO_NOW: &str = "2026-11-25T10:00:00+05:00";
const PREPARE_NOW: &str = "2026-12-01T10:00:00+05:00";
const MONTH: &str = "2026-11";

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() -> Result<(), String> {
    let partners = demo::env_usize("REFDESK_BENCH_PARTNERS", 100_000);
    let clients = demo::env_usize("REFDESK_BENCH_CLIENTS", 1_000_000);
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let db = demo::demo_db("REFDESK_BENCH_PAYOUT_DB", dir.path(), "payout.db", partners, clients, DEMO_NOW)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(async {
        let store = Store::open(&db.display().to_string()).await.map_err(|e| e.to_string())?;
        let now = chrono::DateTime::parse_from_rfc3339(PREPARE_NOW).map_err(|e| e.to_string())?.to_utc();
        let ctx = Ctx { store, terms: Terms::defaults(), operator: "bench".into(), clock: Clock::Fixed(now) };
        refdesk::service::operators::sandbox(&ctx, &[]).await.map_err(|e| e.to_string())?;
        let cutoff = ctx.terms.start_of_day(chrono::NaiveDate::from_ymd_opt(2026, 12, 1).ok_or("date")?).timestamp_millis();
        // A run left by an earlier bench is discarded first.
        if let Ok(runs) = query_all(&ctx.store.db, "SELECT id FROM payout_run WHERE state = 'draft'", vec![]).await {
            for r in runs {
                let id: i64 = r.try_get_by_index(0).map_err(|e| e.to_string())?;
                payouts::discard(&ctx, id).await.map_err(|e| e.to_string())?;
            }
        }
        let bare = "SELECT partner_id, CAST(SUM(booked - reduced) AS BIGINT) FROM bonus \
                    WHERE state = 'available' AND approved_at <= $1 GROUP BY partner_id";
        let (mut aggregate, mut prepare) = (Vec::new(), Vec::new());
        let mut last = None;
        for _ in 0..3 {
            let t = Instant::now();
            let rows = query_all(&ctx.store.db, bare, vec![cutoff.into()]).await.map_err(|e| e.to_string())?;
            aggregate.push(t.elapsed());
            let t = Instant::now();
            let run = payouts::prepare(&ctx, MONTH).await.map_err(|e| e.to_string())?;
            prepare.push(t.elapsed());
            payouts::discard(&ctx, run.id).await.map_err(|e| e.to_string())?;
            last = Some((rows.len(), run));
        }
        let (groups, run) = last.ok_or("no round")?;
        let (a, p) = (median(aggregate), median(prepare));
        println!(
            "payout run of {MONTH} at {partners} partners / {clients} clients: {} lines ({} payable, {} held back, \
             {} KZT; {groups} partners in the bare aggregate)",
            run.lines.len(),
            run.payable,
            run.held_back,
            run.total.plain()
        );
        println!(
            "bare aggregate of the bonuses by partner: {:.0} ms; preparing the run: {:.0} ms ({:.2}x; target at most 2x)",
            a.as_secs_f64() * 1000.0,
            p.as_secs_f64() * 1000.0,
            p.as_secs_f64() / a.as_secs_f64().max(1e-9)
        );
        Ok(())
    })
}
