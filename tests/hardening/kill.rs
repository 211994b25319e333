//! Issue 12, "probes as tests": an import killed with `kill -9` twenty times, at points spread
//! over its run, then run to the end, leaves exactly what one clean import leaves. Whatever a
//! killed import had committed stays (whole batches), whatever it had not is gone, and the next
//! import takes the rest; no row is lost or doubled. On SQLite the file passes
//! `PRAGMA integrity_check`.
//!
//! "Exactly": every table but the audit log (each import, killed or not, leaves its own entry)
//! row for row. The numbered rows (bonuses, ledger entries, refunds, cases) are compared by
//! their order, not their number: PostgreSQL does not give back the numbers a killed
//! transaction drew from a sequence, so the ids may have gaps that a clean import has not.
use crate::access::{sql, sqlite_path, tool, url_of};
use crate::check;
use crate::common::{Backend, TestDb, command};
use refdesk::demo::data::{DemoOptions, generate_events_to};
use refdesk::domain::Terms;
use refdesk::domain::terms::DEFAULT_CONFIG;
use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::time::Instant;

type R = Result<(), String>;
const NOW: &str = "2026-11-25T12:00:00+05:00";
const KILLS: u64 = 20;

/// The tables that hold numbered rows, and the columns that point at one.
const NUMBERED: [&str; 7] = ["refund", "bonus", "ledger_entry", "fraud_case", "payout_run", "payout_item", "audit_log"];
const POINTERS: [(&str, &str); 1] = [("bonus_id", "bonus")];
/// Not compared: the log of who did what, which differs by design (see above).
const SKIPPED: [&str; 3] = ["audit_log", "audit_head", "seaql_migrations"];

/// Every table's rows as text, numbered rows renumbered by their order.
fn tables(db: &TestDb) -> Result<BTreeMap<String, Vec<String>>, String> {
    let url = url_of(db);
    let names = match db.backend {
        Backend::Sqlite => sql(
            db.backend,
            &url,
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )?,
        Backend::Postgres => sql(
            db.backend,
            &url,
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1",
        )?,
    };
    let mut raw = BTreeMap::new();
    for name in names.lines().filter(|n| !SKIPPED.contains(n)) {
        raw.insert(name.to_string(), csv_rows(db.backend, &url, name)?);
    }
    // Each numbered table's ids, in order, to their rank.
    let mut ranks: BTreeMap<&str, BTreeMap<String, usize>> = BTreeMap::new();
    for t in NUMBERED {
        // (An empty table has no header from sqlite3, and nothing to number.)
        if let Some((head, rows)) = raw.get(t).filter(|(_, rows)| !rows.is_empty()) {
            let at = head.iter().position(|c| c == "id").ok_or(format!("{t} has no id"))?;
            let mut ids: Vec<i64> = rows.iter().filter_map(|r| r[at].parse().ok()).collect();
            ids.sort_unstable();
            ranks.insert(t, ids.iter().enumerate().map(|(k, id)| (id.to_string(), k + 1)).collect());
        }
    }
    let mut out = BTreeMap::new();
    for (name, (head, rows)) in raw {
        let mut lines: Vec<String> = rows
            .into_iter()
            .map(|row| {
                let cells: Vec<String> = head
                    .iter()
                    .zip(row)
                    .map(|(col, v)| {
                        let table = if col == "id" && NUMBERED.contains(&name.as_str()) {
                            Some(name.as_str())
                        } else {
                            POINTERS.iter().find(|(c, _)| c == col).map(|(_, t)| *t)
                        };
                        match table.and_then(|t| ranks.get(t)).and_then(|r| r.get(&v)) {
                            Some(rank) => format!("{col}=#{rank}"),
                            None => format!("{col}={v}"),
                        }
                    })
                    .collect();
                cells.join("|")
            })
            .collect();
        lines.sort();
        out.insert(name, lines);
    }
    Ok(out)
}

/// A table as CSV from the database's own client: its header, then its rows.
fn csv_rows(backend: Backend, url: &str, table: &str) -> Result<(Vec<String>, Vec<Vec<String>>), String> {
    let query = format!("SELECT * FROM {table}");
    let out = match backend {
        Backend::Sqlite => tool(
            "sqlite3",
            &["-batch", "-bail", "-csv", "-header", "-cmd", ".timeout 10000", &sqlite_path(url), &query],
        )?,
        Backend::Postgres => tool("psql", &[url, "-X", "-q", "--csv", "-v", "ON_ERROR_STOP=1", "-c", &query])?,
    };
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(out.as_bytes());
    let head = reader.headers().map_err(|e| format!("{table}: {e}"))?.iter().map(String::from).collect();
    let mut rows = Vec::new();
    for r in reader.records() {
        rows.push(r.map_err(|e| format!("{table}: {e}"))?.iter().map(String::from).collect());
    }
    Ok((head, rows))
}

/// `refdesk import FILE` with the test's config (batches of 500 lines, so that a kill can land
/// between batches); its output is not read.
fn import(db: &TestDb, file: &str, config: &str) -> Command {
    let mut cmd = command(&db.url, "anna", NOW, &["import", file], &[("REFDESK_CONFIG", config)]);
    cmd.stdout(Stdio::null()).stderr(Stdio::null());
    cmd
}

pub fn killed_imports_leave_what_a_clean_import_leaves(db: &TestDb) -> R {
    // A program of 60 partners and 3 000 clients: registrations, payments, refunds, some of
    // them rejected (the demo's own bad lines) — thousands of lines, several batches.
    let now = chrono::DateTime::parse_from_rfc3339(NOW).map_err(|e| e.to_string())?.to_utc();
    let path = db.path("program.ndjson");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).map_err(|e| e.to_string())?);
    let events =
        generate_events_to(&DemoOptions { partners: 60, clients: 3_000, seed: 7, now }, &Terms::defaults(), &mut file)
            .map_err(|e| e.to_string())?;
    drop(file);
    let f = path.display().to_string();
    let config = db.file("batches.toml", &format!("{DEFAULT_CONFIG}\n[database]\nimport_batch = 500\n"));

    // The clean import, timed: the kills are spread over that time.
    let clean = TestDb::new(db.backend)?;
    let t0 = Instant::now();
    let status = import(&clean, &f, &config).status().map_err(|e| e.to_string())?;
    let span = t0.elapsed();
    check!(status.code().is_some_and(|c| c <= 1), "the clean import: {status}");
    let want = tables(&clean)?;
    check!(want.get("bonus").is_some_and(|b| b.len() > 100), "the clean import made few bonuses: {events} events");

    // Twenty kills that find the import running, at points spread over its time (a fixed LCG:
    // the same points every run): over the clean import's time at first, over the last run's
    // when one finished before its kill (each run has less left to write), then an import left
    // to finish.
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let (mut landed, mut tries, mut window) = (0, 0, span);
    while landed < KILLS && tries < 5 * KILLS {
        tries += 1;
        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        let at = window.mul_f64((x >> 11) as f64 / (1u64 << 53) as f64);
        let t0 = Instant::now();
        let mut child = import(db, &f, &config).spawn().map_err(|e| e.to_string())?;
        std::thread::sleep(at);
        if child.try_wait().map_err(|e| e.to_string())?.is_none() {
            landed += 1;
            let _ = child.kill(); // SIGKILL
        } else {
            window = t0.elapsed().min(window);
        }
        let _ = child.wait();
    }
    check!(landed == KILLS, "only {landed} of {tries} kills found the import still running");
    let status = import(db, &f, &config).status().map_err(|e| e.to_string())?;
    check!(status.code().is_some_and(|c| c <= 1), "the import after the kills: {status}");

    eprintln!(
        "kill ({:?}): {events} events in batches of 500, a clean import in {:.1}s; {landed} kill -9 while it ran ({tries} tries)",
        db.backend,
        span.as_secs_f64()
    );
    let got = tables(db)?;
    for (name, rows) in &want {
        let have = got.get(name).ok_or(format!("no table {name} after the kills"))?;
        if have != rows {
            let extra: Vec<&String> = have.iter().filter(|r| !rows.contains(r)).take(3).collect();
            let lost: Vec<&String> = rows.iter().filter(|r| !have.contains(r)).take(3).collect();
            return Err(format!(
                "{name}: {} rows after the kills, {} after a clean import; extra {extra:?}, lost {lost:?}",
                have.len(),
                rows.len()
            ));
        }
    }
    check!(got.len() == want.len(), "tables differ: {:?} vs {:?}", got.keys(), want.keys());
    if db.backend == Backend::Sqlite {
        let ok = sql(db.backend, &url_of(db), "PRAGMA integrity_check")?;
        check!(ok.trim() == "ok", "integrity_check: {ok}");
    }
    Ok(())
}
