//! Abuse scan and referral tree at size (issue 8). Makes a demo of 100 000 partners and 1 000 000
//! clients (kept in `REFDESK_BENCH_FRAUD_DB` when set, and reused when it exists); then, in one
//! process and on one connection (the scan's own, `Store::large_reader`), times a bare SQL pass
//! grouping the identities the scan groups (email, phone, IIN and device id of partner accounts,
//! contract IBANs: each `GROUP BY value HAVING COUNT(*) > 1`) beside the scan's findings (every
//! signal read and judged, nothing written: the cases a scan would open are not the question,
//! and the database stays as it was for the next round), in turn, five rounds, and prints both,
//! their ratio and where the scan's time went. Then it makes a program in which one partner
//! brought 10 000 clients (some of them partners with clients of their own, payments, bonuses,
//! open cases) and times one level of its tree as the console opens a node
//! (`store::tree::under`, depth 1, on the shared pool). `REFDESK_BENCH_FINDINGS=FILE` writes the
//! findings, one a line, to compare two versions of the scan; `REFDESK_BENCH_TREE_DB` keeps the
//! wide program. Smaller: `REFDESK_BENCH_PARTNERS=10000 REFDESK_BENCH_CLIENTS=100000`.
#[path = "common/demo.rs"]
mod demo;
#[path = "common/phases.rs"]
mod phases;

use refdesk::domain::Terms;
use refdesk::domain::signals::Finding;
use refdesk::service::import::{Format, import_reader};
use refdesk::service::{Clock, Ctx, fraud_scan};
use refdesk::store::{Store, query_all, tree};
use serde_json::json;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

const NOW: &str = "2026-11-25T10:00:00+05:00";
const ROUNDS: usize = 5;
/// The clients of the wide tree's root.
const WIDE: usize = 10_000;

/// The bare pass: each identity the scan groups, grouped, through the same connection.
const BARE: [&str; 5] = [
    "SELECT email_norm, COUNT(*) FROM account WHERE is_partner AND email_norm IS NOT NULL GROUP BY email_norm HAVING COUNT(*) > 1",
    "SELECT phone_norm, COUNT(*) FROM account WHERE is_partner AND phone_norm IS NOT NULL GROUP BY phone_norm HAVING COUNT(*) > 1",
    "SELECT iin_norm, COUNT(*) FROM account WHERE is_partner AND iin_norm IS NOT NULL GROUP BY iin_norm HAVING COUNT(*) > 1",
    "SELECT device_id, COUNT(*) FROM account WHERE is_partner AND device_id IS NOT NULL GROUP BY device_id HAVING COUNT(*) > 1",
    "SELECT iban, COUNT(*) FROM contract WHERE iban IS NOT NULL GROUP BY iban HAVING COUNT(*) > 1",
];

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Median and range, in milliseconds with `dp` decimals.
fn spread(v: &[Duration], dp: usize) -> String {
    let mut v = v.to_vec();
    v.sort();
    match (v.first(), v.get(v.len() / 2), v.last()) {
        (Some(lo), Some(mid), Some(hi)) => {
            format!("{:.dp$} ms (range {:.dp$}–{:.dp$})", ms(*mid), ms(*lo), ms(*hi))
        }
        _ => "no figure".into(),
    }
}

fn write_findings(path: &Path, found: &[Finding]) -> Result<(), String> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).map_err(|e| e.to_string())?);
    for f in found {
        writeln!(
            out,
            "{}\t{}\t{}\t{:?}\t{:?}\t{}\t{}",
            f.kind.as_str(),
            f.partner_id,
            f.key,
            f.bonus_ids,
            f.payment_id,
            f.explanation,
            f.explanation_ru
        )
        .map_err(|e| e.to_string())?;
    }
    out.flush().map_err(|e| e.to_string())
}

/// The wide program's events: partner ROOT, its 10 000 clients (one a minute, so its code also
/// shows a registration burst), every third of them paying; every 50th becomes a partner and
/// brings five paying clients of its own.
fn wide_events() -> Vec<String> {
    let at = |minutes: usize| {
        let t = chrono::DateTime::parse_from_rfc3339("2026-09-01T09:00:00+05:00").unwrap_or_default();
        (t + chrono::Duration::minutes(minutes as i64)).to_rfc3339()
    };
    let mut ev = vec![
        json!({"type":"partner_registered","event_id":"root","at":at(0),"account_id":"ROOT","name":"Root","promo_code":"ROOT25","phone":"+7 705 000 00 01"}),
    ];
    let pay = |id: String, minutes: usize, account: &str, code: &str| json!({"type":"payment_confirmed","event_id":format!("y-{id}"),"at":at(minutes),"payment_id":id,"account_id":account,"package":"P100","list_price":"100000","paid_amount":"75000","promo_code":code});
    for i in 0..WIDE {
        let id = format!("W{i:05}");
        ev.push(json!({"type":"client_registered","event_id":format!("r-{id}"),"at":at(10 + i),"account_id":id,"promo_code":"ROOT25","phone":format!("+7 701 {:07}", i)}));
        if i % 3 == 0 {
            ev.push(pay(format!("PAY-{id}"), 20_000 + i, &id, "ROOT25"));
        }
        if i % 50 == 0 {
            let code = format!("KID{i}");
            ev.push(json!({"type":"partner_registered","event_id":format!("p-{id}"),"at":at(11 + i),"account_id":id,"name":format!("Kid {i}"),"promo_code":code,"phone":format!("+7 702 {:07}", i)}));
            for j in 0..5 {
                let kid = format!("{id}-{j}");
                ev.push(json!({"type":"client_registered","event_id":format!("r-{kid}"),"at":at(30_000 + i + j),"account_id":kid,"promo_code":code,"phone":format!("+7 703 {:07}", i * 5 + j)}));
                ev.push(pay(format!("PAY-{kid}"), 40_000 + i + j, &kid, &code));
            }
        }
    }
    ev.into_iter().map(|v| v.to_string()).collect()
}

/// The wide program, imported and scanned (its cases open), at `path`.
async fn wide_tree(path: &Path, now: chrono::DateTime<chrono::Utc>) -> Result<Store, String> {
    let store = Store::open(&path.display().to_string()).await.map_err(|e| e.to_string())?;
    let ctx = Ctx { store, terms: Terms::defaults(), operator: "bench".into(), clock: Clock::Fixed(now) };
    refdesk::service::operators::sandbox(&ctx, &[]).await.map_err(|e| e.to_string())?;
    let made = query_all(&ctx.store.db, "SELECT 1 FROM account WHERE id = 'ROOT'", vec![]).await;
    if made.map(|r| r.is_empty()).unwrap_or(true) {
        let text = wide_events().join("\n");
        let summary = import_reader(&ctx, "bench", text.as_bytes(), Format::Ndjson, |_, _| {})
            .await
            .map_err(|e| e.to_string())?;
        if !summary.rejected.is_empty() {
            return Err(format!("wide tree: {} events rejected", summary.rejected.len()));
        }
        fraud_scan::scan(&ctx).await.map_err(|e| e.to_string())?;
    }
    Ok(ctx.store)
}

fn main() -> Result<(), String> {
    // `cargo bench` passes --bench; a plain `cargo test --benches` passes nothing and must stay quick.
    if !std::env::args().any(|a| a == "--bench") {
        println!("fraud bench: run with `cargo bench --bench fraud`");
        return Ok(());
    }
    let partners = demo::env_usize("REFDESK_BENCH_PARTNERS", 100_000);
    let clients = demo::env_usize("REFDESK_BENCH_CLIENTS", 1_000_000);
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let db = demo::demo_db("REFDESK_BENCH_FRAUD_DB", dir.path(), "fraud.db", partners, clients, NOW)?;
    let phases = phases::PhaseTimes::default();
    phases.install()?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(async {
        let store = Store::open(&db.display().to_string()).await.map_err(|e| e.to_string())?;
        let now = chrono::DateTime::parse_from_rfc3339(NOW).map_err(|e| e.to_string())?.to_utc();
        let terms = Terms::defaults();
        // The scan reads on a connection of its own (`Store::large_reader`); the bare pass runs
        // on that same connection.
        let reader = store.large_reader().await.map_err(|e| e.to_string())?;
        let (mut bare, mut scan, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
        let mut found = Vec::new();
        let mut groups = 0;
        println!("abuse scan at {partners} partners / {clients} clients ({}):", store.describe());
        for round in 1..=ROUNDS {
            let t = Instant::now();
            groups = 0;
            for sql in BARE {
                groups += query_all(&reader.db, sql, vec![]).await.map_err(|e| e.to_string())?.len();
            }
            bare.push(t.elapsed());
            phases.take();
            let t = Instant::now();
            found = fraud_scan::findings_on(&reader.db, &terms).await.map_err(|e| e.to_string())?;
            scan.push(t.elapsed());
            let (b, s) = (bare[round - 1], scan[round - 1]);
            ratios.push(s.as_secs_f64() / b.as_secs_f64().max(1e-9));
            let where_: Vec<String> = phases
                .take()
                .into_iter()
                .map(|(name, (d, _))| format!("{} {:.0}", name.trim_start_matches("scan."), ms(d)))
                .collect();
            println!(
                "  round {round}: bare pass {:.0} ms, scan {:.0} ms ({:.2}x); the scan's ms: {}",
                ms(b),
                ms(s),
                ratios[round - 1],
                where_.join(", ")
            );
        }
        let median = |v: &[Duration]| {
            let mut v = v.to_vec();
            v.sort();
            v[v.len() / 2]
        };
        println!(
            "bare pass grouping the partners' emails, phones, IINs, devices and contract IBANs ({groups} groups): {}",
            spread(&bare, 0)
        );
        println!(
            "fraud scan's findings (read and judged, no case written; {} findings): {}",
            found.len(),
            spread(&scan, 0)
        );
        ratios.sort_by(f64::total_cmp);
        println!(
            "ratio of the medians: {:.2}x, by round {:.2}x–{:.2}x (target at most 3x)",
            median(&scan).as_secs_f64() / median(&bare).as_secs_f64().max(1e-9),
            ratios.first().copied().unwrap_or_default(),
            ratios.last().copied().unwrap_or_default()
        );
        if let Some(path) = std::env::var_os("REFDESK_BENCH_FINDINGS") {
            write_findings(Path::new(&path), &found)?;
        }

        let kept = std::env::var_os("REFDESK_BENCH_TREE_DB").map(std::path::PathBuf::from);
        let path = kept.unwrap_or_else(|| dir.path().join("wide.db"));
        let store = wide_tree(&path, now).await?;
        let mut level = Vec::new();
        let mut rows = 0;
        for _ in 0..10 {
            let t = Instant::now();
            rows = tree::under(&store.db, "ROOT", 1).await.map_err(|e| e.to_string())?.len();
            level.push(t.elapsed());
        }
        println!(
            "one level of the tree under a partner with {WIDE} clients ({rows} rows): first {:.1} ms, then {} \
             (target at most 100 ms)",
            ms(level[0]),
            spread(&level[1..], 1)
        );
        Ok(())
    })
}
