//! Import throughput: generates a program of 10 000 partners and 1 000 000 clients (about 1.85
//! million events) as NDJSON, imports it into a fresh SQLite database through the real import
//! service, and prints events per second. Sizes can be lowered for a quick look:
//! `REFDESK_BENCH_PARTNERS=1000 REFDESK_BENCH_CLIENTS=100000 cargo bench --bench import`.
//! `REFDESK_BENCH_DB=postgres://…` runs it against PostgreSQL instead; `REFDESK_BENCH_EVENTS=FILE`
//! keeps the generated events in FILE (and reuses it when it exists), for profiling;
//! `REFDESK_PROFILE=1` prints the time spent in each phase of the import (its `import.*` spans).
#[path = "common/phases.rs"]
mod phases;

use phases::PhaseTimes;
use refdesk::demo::data::{DemoOptions, generate_events_to};
use refdesk::domain::Terms;
use refdesk::service::import::{Format, import_reader};
use refdesk::service::{Clock, Ctx};
use refdesk::store::Store;
use std::io::{BufReader, BufWriter};
use std::time::Instant;

/// Prints and clears the phases' sums, per line of input.
fn report(phases: &PhaseTimes, lines: usize) {
    for (name, (total, n)) in phases.take() {
        let per_line = total.as_secs_f64() * 1e6 / lines.max(1) as f64;
        eprintln!("  {name:<14} {:>8.2}s {per_line:>6.2} µs/line ({n} spans)", total.as_secs_f64());
    }
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() {
    // `cargo bench` passes --bench; a plain `cargo test --benches` passes nothing and must stay quick.
    if !std::env::args().any(|a| a == "--bench") {
        println!("import bench: run with `cargo bench --bench import`");
        return;
    }
    let partners = env_usize("REFDESK_BENCH_PARTNERS", 10_000);
    let clients = env_usize("REFDESK_BENCH_CLIENTS", 1_000_000);
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-25T12:00:00+05:00").map(|d| d.to_utc()).unwrap_or_default();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let kept = std::env::var_os("REFDESK_BENCH_EVENTS").map(std::path::PathBuf::from);
    let events_path = kept.clone().unwrap_or_else(|| dir.path().join("events.ndjson"));

    let t0 = Instant::now();
    let count = if kept.is_some() && events_path.exists() {
        let file = std::fs::File::open(&events_path).expect("open the events file");
        std::io::BufRead::lines(BufReader::new(file)).count()
    } else {
        let file = std::fs::File::create(&events_path).expect("create the events file");
        let mut out = BufWriter::with_capacity(1 << 20, file);
        generate_events_to(&DemoOptions { partners, clients, seed: 42, now }, &Terms::defaults(), &mut out)
            .expect("write events")
    };
    let size = std::fs::metadata(&events_path).map(|m| m.len()).unwrap_or(0);
    println!("generated {count} events ({:.0} MiB) in {:.1}s", size as f64 / 1048576.0, t0.elapsed().as_secs_f64());

    let phases = PhaseTimes::default();
    if std::env::var_os("REFDESK_PROFILE").is_some() {
        phases.install().expect("the only subscriber");
    }

    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    rt.block_on(async {
        let url = std::env::var("REFDESK_BENCH_DB")
            .unwrap_or_else(|_| format!("sqlite://{}?mode=rwc", dir.path().join("bench.db").display()));
        let store = Store::open(&url).await.expect("open the database");
        let ctx = Ctx { store, terms: Terms::defaults(), operator: "bench".into(), clock: Clock::Fixed(now) };
        refdesk::service::operators::sandbox(&ctx, &[]).await.expect("a sandbox");
        let file = std::fs::File::open(&events_path).expect("open the events file");
        let t = Instant::now();
        let mut last = Instant::now();
        let summary =
            import_reader(&ctx, "bench", BufReader::with_capacity(1 << 20, file), Format::Ndjson, |bytes, s| {
                if last.elapsed().as_secs() >= 10 {
                    last = Instant::now();
                    eprintln!("  {:>5.1}% {} accepted", bytes as f64 * 100.0 / size.max(1) as f64, s.accepted);
                }
            })
            .await
            .expect("import");
        let secs = t.elapsed().as_secs_f64();
        println!(
            "imported {} events ({} accepted, {} duplicates, {} rejected) in {secs:.1}s on {}",
            count,
            summary.accepted,
            summary.duplicates,
            summary.rejected.len(),
            ctx.store.describe()
        );
        println!("import: {:.0} events/s", count as f64 / secs);
        report(&phases, count);
        let t = Instant::now();
        let again = import_reader(
            &ctx,
            "bench",
            BufReader::new(std::fs::File::open(&events_path).expect("open")),
            Format::Ndjson,
            |_, _| {},
        )
        .await
        .expect("re-import");
        println!(
            "re-import (all duplicates): {} duplicates in {:.1}s, {:.0} events/s",
            again.duplicates,
            t.elapsed().as_secs_f64(),
            count as f64 / t.elapsed().as_secs_f64()
        );
        report(&phases, count);
    });
}
