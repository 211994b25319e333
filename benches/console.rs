//! Console latency and memory on a large program: makes a demo of 20 000 partners and 300 000
//! clients (kept in `REFDESK_BENCH_CONSOLE_DB` when set, and reused when it exists), runs the
//! real binary in an 80×24 pseudo-terminal with its frame trace on (`REFDESK_FRAME_LOG`), drives a
//! scripted tour of every list and filter (searches too), and prints the milliseconds from each key to the frame
//! that shows its result (p50, p99, max, and the first frame) beside the console's resident
//! memory (`REFDESK_BENCH_TRACE=1`: every key's figure too). Smaller: `REFDESK_BENCH_PARTNERS=2000 REFDESK_BENCH_CLIENTS=30000 cargo bench --bench console`.
#[path = "common/demo.rs"]
mod demo;

use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::path::Path;
use std::time::{Duration, Instant};

const NOW: &str = "2026-11-25T10:00:00+05:00";

/// The trace's lines so far: (key, milliseconds).
fn trace(path: &Path) -> Vec<(String, f64)> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .filter_map(|(k, ms)| ms.parse().ok().map(|ms| (k.to_string(), ms)))
        .collect()
}

/// Waits until the trace has `n` lines (every key sent so far is on screen).
fn settle(path: &Path, n: usize) -> Result<(), String> {
    let start = Instant::now();
    while trace(path).len() < n {
        if start.elapsed() > Duration::from_secs(60) {
            return Err(format!("the console showed {} of {n} keys within a minute", trace(path).len()));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    Ok(())
}

/// Kilobytes of a /proc/PID/status field (VmRSS, VmHWM).
fn memory(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() -> Result<(), String> {
    let bin = env!("CARGO_BIN_EXE_refdesk");
    let partners = demo::env_usize("REFDESK_BENCH_PARTNERS", 20_000);
    let clients = demo::env_usize("REFDESK_BENCH_CLIENTS", 300_000);
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let db = demo::demo_db("REFDESK_BENCH_CONSOLE_DB", dir.path(), "console.db", partners, clients, NOW)?;
    let log = dir.path().join("frames.log");

    let pty = native_pty_system();
    let pair =
        pty.openpty(PtySize { rows: 24, cols: 80, pixel_width: 0, pixel_height: 0 }).map_err(|e| e.to_string())?;
    let mut cmd = CommandBuilder::new(bin);
    cmd.args(["--db", &db.display().to_string(), "--lang", "en", "--operator", "bench", "--now", NOW]);
    cmd.env("TERM", "xterm-256color");
    cmd.env("REFDESK_FRAME_LOG", &log);
    cmd.env("XDG_DATA_HOME", dir.path());
    let mut child = pair.slave.spawn_command(cmd).map_err(|e| e.to_string())?;
    drop(pair.slave);
    let pid = child.process_id().ok_or("no pid")?;
    let mut reader = pair.master.try_clone_reader().map_err(|e| e.to_string())?;
    // The screen's bytes are read and dropped: the trace is what is measured.
    std::thread::spawn(move || {
        let mut buf = [0u8; 65536];
        while matches!(reader.read(&mut buf), Ok(n) if n > 0) {}
    });
    let mut writer = pair.master.take_writer().map_err(|e| e.to_string())?;

    settle(&log, 1)?;
    let mut sent = 1;
    let mut press = |keys: &[&str]| -> Result<(), String> {
        for k in keys {
            writer.write_all(k.as_bytes()).map_err(|e| e.to_string())?;
            writer.flush().map_err(|e| e.to_string())?;
            sent += 1;
            settle(&log, sent)?;
        }
        Ok(())
    };
    const PGDN: &str = "\x1b[6~";
    const PGUP: &str = "\x1b[5~";
    // Partners: pages down and back, each sort, a search, a detail and its tabs.
    press(&["2"])?;
    press(&[PGDN; 20])?;
    press(&[PGUP; 5])?;
    press(&["s", PGDN, PGDN, "s", PGDN, PGDN, "s"])?;
    press(&["\r", "\t", PGDN, PGDN, PGDN, "\t", PGDN, PGDN, "\x1b"])?;
    // Searches, applied with Enter (typing waits for a pause before it reads), paged, cleared.
    press(&["/", "m", "u", "s", "\r", PGDN, "\x1b", "/", "7", "4", "7", "\r", "\x1b"])?;
    // Bonuses: a search, every filter, pages of each.
    press(&["3", PGDN, PGDN])?;
    press(&["/", "a", "s", "e", "l", "\r", PGDN, "\x1b", "/", "p", "a", "y", "0", "0", "1", "\r", "\x1b"])?;
    for _ in 0..7 {
        press(&["f", PGDN, PGDN, PGDN])?;
    }
    press(&["1", "c", "c"])?;
    let rss = memory(pid, "VmRSS").unwrap_or(0);
    let hwm = memory(pid, "VmHWM").unwrap_or(0);
    let _ = writer.write_all(b"q");
    let _ = writer.flush();
    let _ = child.wait();

    let lines = trace(&log);
    // REFDESK_BENCH_TRACE=1 prints every key of the tour with its milliseconds.
    if std::env::var_os("REFDESK_BENCH_TRACE").is_some() {
        for (k, ms) in &lines {
            println!("{k}\t{ms:.1}");
        }
    }
    let first = lines.first().map(|l| l.1).unwrap_or(0.0);
    let mut keys: Vec<f64> = lines.iter().skip(1).map(|l| l.1).collect();
    keys.sort_by(f64::total_cmp);
    let slowest: Vec<String> = {
        let mut by: Vec<&(String, f64)> = lines.iter().skip(1).collect();
        by.sort_by(|a, b| b.1.total_cmp(&a.1));
        by.iter().take(3).map(|(k, ms)| format!("{k} {ms:.0} ms")).collect()
    };
    println!(
        "console at {partners} partners / {clients} clients, 80x24: first frame {first:.0} ms; {} keys: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms (slowest: {}); memory {} MB resident, {} MB at most",
        keys.len(),
        percentile(&keys, 0.5),
        percentile(&keys, 0.99),
        keys.last().copied().unwrap_or(0.0),
        slowest.join(", "),
        rss / 1024,
        hwm / 1024,
    );
    Ok(())
}
