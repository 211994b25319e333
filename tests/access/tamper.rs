//! The audit chain against someone with write access to the database: its append-only triggers
//! dropped, one row changed, removed, inserted or two swapped, directly in SQL. `audit verify`
//! must exit 1 naming the entry: a changed row's id, a removed one's, an inserted one's, the lower
//! of two swapped; a renumbered row, the lower of its old and new places that breaks first.
//!
//! The base database (a few dozen entries written by real commands) is built once; each case
//! works on a copy of it (SQLite: the file after a checkpoint; PostgreSQL: CREATE DATABASE …
//! TEMPLATE). Cases come from proptest with a fixed seed, so that CI sees the same ones.
use super::{run_real, sql, sqlite_path, url_of};
use crate::common::{Backend, TestDb, pg_server, run_bin};
use crate::{R, check, check_eq, client, example_one, lines, pay};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use refdesk::domain::audit::{Entry, hash};
use serde_json::Value;
use std::sync::atomic::{AtomicUsize, Ordering};

const NOW: &str = "2026-10-20T10:00:00+05:00";

/// Fills a sandbox with entries of every kind, with and without a reason.
fn fill(db: &TestDb) -> R {
    let url = url_of(db);
    let events = db.file("e.ndjson", &lines(&example_one()));
    let mut more = Vec::new();
    for i in 2..=4 {
        more.push(client(&format!("c{i}"), "2026-10-03T12:00:00+05:00", &format!("C{i}"), Some("ASEL25")));
        let at = format!("2026-10-05T1{i}:00:00+05:00");
        more.push(pay(
            &format!("y{i}"),
            &at,
            &format!("PAY{i}"),
            &format!("C{i}"),
            "P100",
            "100000",
            "75000",
            Some("ASEL25"),
        ));
    }
    let more = db.file("more.ndjson", &lines(&more));
    let mut steps: Vec<Vec<String>> = vec![vec!["import".into(), events, more]];
    for i in 1..=10 {
        steps.push(
            ["partner", "add", "--name", &format!("Партнёр {i}"), "--code", &format!("PT{i:02}X")]
                .map(String::from)
                .into(),
        );
    }
    for i in 1..=4 {
        steps.push(["operator", "add", &format!("op{i}"), "--role", "operator"].map(String::from).into());
    }
    steps.push(["operator", "set-role", "op1", "approver"].map(String::from).into());
    steps.push(["operator", "disable", "op4"].map(String::from).into());
    for i in [3, 5, 7] {
        steps.push(
            ["partner", "deactivate-code", &format!("PT{i:02}X"), "--reason", &format!("spam {i}")]
                .map(String::from)
                .into(),
        );
    }
    steps
        .push(["partner", "exclude", "PT09X", "--reason", "sold codes | on a forum's 'wall'"].map(String::from).into());
    steps.push(["bonus", "approve", "1"].map(String::from).into());
    steps.push(["bonus", "void", "2", "--reason", "client disputed"].map(String::from).into());
    steps.push(["bonus", "approve", "--all-due"].map(String::from).into());
    steps.push(["fraud", "scan"].map(String::from).into());
    for args in steps {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        // Operators are anna's to manage; the rest is bolat's work.
        let out = run_bin(&url, if a[0] == "operator" { "anna" } else { "bolat" }, NOW, &a, None, &[]);
        check!(out.code == 0, "{a:?}: {}", out.stderr);
    }
    Ok(())
}

/// The log as stored, read with the database's own client.
fn entries(backend: Backend, url: &str) -> Result<Vec<Entry>, String> {
    const COLS: &str = "id, at, operator, role, sandbox, action, subject, detail, reason, prev_hash, hash";
    let text = match backend {
        Backend::Sqlite => {
            let out = std::process::Command::new("sqlite3")
                .args([
                    "-json",
                    "-cmd",
                    ".timeout 10000",
                    &sqlite_path(url),
                    &format!("SELECT {COLS} FROM audit_log ORDER BY id"),
                ])
                .output()
                .map_err(|e| format!("sqlite3: {e}"))?;
            String::from_utf8_lossy(&out.stdout).into_owned()
        }
        Backend::Postgres => {
            sql(backend, url, &format!("SELECT json_agg(a ORDER BY id) FROM (SELECT {COLS} FROM audit_log) a"))?
        }
    };
    let rows: Vec<Value> = serde_json::from_str(text.trim()).map_err(|e| format!("the audit rows: {e}: {text}"))?;
    let s = |v: &Value| v.as_str().map(String::from).ok_or(format!("not text: {v}"));
    rows.iter()
        .map(|r| {
            Ok(Entry {
                id: r["id"].as_i64().ok_or("id")?,
                at: r["at"].as_i64().ok_or("at")?,
                operator: s(&r["operator"])?,
                role: s(&r["role"])?,
                sandbox: r["sandbox"] == Value::Bool(true) || r["sandbox"] == 1,
                action: s(&r["action"])?,
                subject: s(&r["subject"])?,
                detail: s(&r["detail"])?,
                reason: r["reason"].as_str().map(String::from),
                prev_hash: s(&r["prev_hash"])?,
                hash: s(&r["hash"])?,
            })
        })
        .collect()
}

/// A fresh copy of the base database for one case; dropped with it.
struct Copy {
    backend: Backend,
    url: String,
    _dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
}

static COPIES: AtomicUsize = AtomicUsize::new(0);

impl Copy {
    fn of(base: &TestDb) -> Result<Copy, String> {
        match base.backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
                let to = dir.path().join("copy.db");
                std::fs::copy(sqlite_path(&base.url), &to).map_err(|e| format!("copy: {e}"))?;
                Ok(Copy {
                    backend: base.backend,
                    url: format!("sqlite://{}?mode=rwc", to.display()),
                    _dir: Some(dir),
                    pg: None,
                })
            }
            Backend::Postgres => {
                let server = pg_server().ok_or("REFDESK_TEST_PG is not set")?;
                let from = base.url.rsplit('/').next().unwrap_or_default().to_string();
                let name = format!("{from}_c{}", COPIES.fetch_add(1, Ordering::SeqCst));
                sql(Backend::Postgres, &server, &format!("CREATE DATABASE {name} TEMPLATE {from}"))?;
                let stem = server.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap_or(server.clone());
                let url = format!("{stem}/{name}?sslmode=disable");
                Ok(Copy { backend: base.backend, url, _dir: None, pg: Some((server, name)) })
            }
        }
    }

    /// Drops the append-only triggers, then runs `tamper`.
    fn tamper(&self, tamper: &str) -> Result<(), String> {
        let drop = match self.backend {
            Backend::Sqlite => "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;",
            Backend::Postgres => "DROP TRIGGER audit_log_append_only ON audit_log;",
        };
        sql(self.backend, &self.url, &format!("{drop} {tamper}")).map(|_| ())
    }

    /// `audit verify`'s exit status and its one line on stderr.
    fn verify(&self) -> (i32, String) {
        let out = run_real(&self.url, Some("anna"), Some(NOW), &["audit", "verify"]);
        (out.code, out.stderr.trim().to_string())
    }
}

impl Drop for Copy {
    fn drop(&mut self) {
        if let Some((server, name)) = &self.pg {
            let _ = sql(Backend::Postgres, server, &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

/// The base: a filled sandbox with its WAL folded into the file, its entries and head.
fn base(db: &TestDb) -> Result<Vec<Entry>, String> {
    fill(db)?;
    if db.backend == Backend::Sqlite {
        sql(db.backend, &db.url, "PRAGMA wal_checkpoint(TRUNCATE);")?;
    }
    let log = entries(db.backend, &db.url)?;
    check!(log.len() >= 30, "only {} entries", log.len());
    check!(log.iter().enumerate().all(|(i, e)| e.id == i as i64 + 1), "ids not 1..n");
    check!(log.iter().any(|e| e.reason.is_none()) && log.iter().any(|e| e.reason.is_some()), "reasons");
    Ok(log)
}

fn lit(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn opt(s: &Option<String>) -> String {
    s.as_deref().map(lit).unwrap_or_else(|| "NULL".into())
}

fn boolean(backend: Backend, b: bool) -> &'static str {
    match (backend, b) {
        (Backend::Sqlite, true) => "1",
        (Backend::Sqlite, false) => "0",
        (Backend::Postgres, true) => "TRUE",
        (Backend::Postgres, false) => "FALSE",
    }
}

const COLUMNS: &str = "id, at, operator, role, sandbox, action, subject, detail, reason, prev_hash, hash";

fn values(backend: Backend, e: &Entry) -> String {
    format!(
        "{}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}",
        e.id,
        e.at,
        lit(&e.operator),
        lit(&e.role),
        boolean(backend, e.sandbox),
        lit(&e.action),
        lit(&e.subject),
        lit(&e.detail),
        opt(&e.reason),
        lit(&e.prev_hash),
        lit(&e.hash)
    )
}

/// Every field but the id set to `e`'s.
fn set_all(backend: Backend, id: i64, e: &Entry) -> String {
    format!(
        "UPDATE audit_log SET at = {}, operator = {}, role = {}, sandbox = {}, action = {}, subject = {}, \
         detail = {}, reason = {}, prev_hash = {}, hash = {} WHERE id = {id};",
        e.at,
        lit(&e.operator),
        lit(&e.role),
        boolean(backend, e.sandbox),
        lit(&e.action),
        lit(&e.subject),
        lit(&e.detail),
        opt(&e.reason),
        lit(&e.prev_hash),
        lit(&e.hash)
    )
}

/// Text unlike `old`: a few characters from an alphabet with quotes, bars, separators of the
/// CLI's and Cyrillic in it.
fn text(rng: &mut SmallRng, old: &str) -> String {
    const ALPHABET: [&str; 14] = ["a", "Z", "7", " ", "'", "|", "\"", "{", "}", ":", "ж", "→", "-", "."];
    loop {
        let n = rng.random_range(1..12);
        let s: String = (0..n).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())]).collect();
        if s != old {
            return s;
        }
    }
}

const FIELDS: [&str; 10] =
    ["at", "operator", "role", "sandbox", "action", "subject", "detail", "reason", "prev_hash", "hash"];

/// One tamper: ids are the entries' numbers (1..=n).
#[derive(Clone, Debug)]
enum Tamper {
    /// One field of one row set to another value.
    Change {
        row: i64,
        field: &'static str,
        seed: u64,
    },
    /// One row's id set to `to`, a number no row has.
    Renumber {
        row: i64,
        to: i64,
    },
    Delete {
        row: i64,
    },
    /// A copy of row `of` inserted with id `id` (before the first, after the last, past a gap).
    Copy {
        of: i64,
        id: i64,
    },
    /// Made-up content inserted with id `id`, hashed as the program hashes (`hashed`) after
    /// `prev` (None: made-up too) or with a made-up hash.
    Forge {
        id: i64,
        prev: Option<i64>,
        hashed: bool,
        seed: u64,
    },
    /// Two rows swap everything but their ids.
    SwapContents {
        a: i64,
        b: i64,
    },
    /// Two rows swap their ids.
    SwapIds {
        a: i64,
        b: i64,
    },
}

impl Tamper {
    /// The entry `audit verify` must name.
    fn names(&self, n: i64) -> i64 {
        match *self {
            Tamper::Change { row, .. } | Tamper::Delete { row } => row,
            // Moved before the first: found there. Moved past the end: the hole it left is found
            // first, unless it was the last, which is found at its new place.
            Tamper::Renumber { row, to } => {
                if to < row || row == n {
                    to
                } else {
                    row
                }
            }
            Tamper::Copy { id, .. } | Tamper::Forge { id, .. } => id,
            Tamper::SwapContents { a, b } | Tamper::SwapIds { a, b } => a.min(b),
        }
    }

    fn sql(&self, backend: Backend, log: &[Entry]) -> String {
        let row = |id: i64| &log[(id - 1) as usize];
        match *self {
            Tamper::Change { row: id, field, seed } => {
                let mut rng = SmallRng::seed_from_u64(seed);
                let old = row(id);
                let value = match field {
                    "at" => (old.at + [-86_400_000, -1, 1, 3_600_000][rng.random_range(0..4)]).to_string(),
                    "sandbox" => boolean(backend, !old.sandbox).to_string(),
                    "reason" => match &old.reason {
                        Some(r) if rng.random_bool(0.5) => lit(&text(&mut rng, r)),
                        Some(_) => "NULL".into(),
                        None => lit(&text(&mut rng, "")),
                    },
                    "hash" | "prev_hash" if rng.random_bool(0.5) && !old.hash.is_empty() => {
                        // One hex digit off, the most a careful forger leaves.
                        let h = if field == "hash" { &old.hash } else { &old.prev_hash };
                        let mut chars: Vec<char> =
                            if h.is_empty() { "0".chars().collect() } else { h.chars().collect() };
                        let i = rng.random_range(0..chars.len());
                        chars[i] = if chars[i] == 'f' { '0' } else { 'f' };
                        lit(&chars.into_iter().collect::<String>())
                    }
                    f => {
                        let old = match f {
                            "operator" => &old.operator,
                            "role" => &old.role,
                            "action" => &old.action,
                            "subject" => &old.subject,
                            "detail" => &old.detail,
                            "prev_hash" => &old.prev_hash,
                            _ => &old.hash,
                        };
                        lit(&text(&mut rng, old))
                    }
                };
                format!("UPDATE audit_log SET {field} = {value} WHERE id = {id};")
            }
            Tamper::Renumber { row, to } => format!("UPDATE audit_log SET id = {to} WHERE id = {row};"),
            Tamper::Delete { row } => format!("DELETE FROM audit_log WHERE id = {row};"),
            Tamper::Copy { of, id } => {
                let cols = COLUMNS.trim_start_matches("id, ");
                format!("INSERT INTO audit_log ({COLUMNS}) SELECT {id}, {cols} FROM audit_log WHERE id = {of};")
            }
            Tamper::Forge { id, prev, hashed, seed } => {
                let mut rng = SmallRng::seed_from_u64(seed);
                let made_up = |rng: &mut SmallRng| -> String {
                    (0..64).map(|_| char::from_digit(rng.random_range(0..16), 16).unwrap_or('0')).collect()
                };
                let last = log.last().map(|e| e.at).unwrap_or_default();
                let mut e = Entry {
                    id,
                    at: last + rng.random_range(1..10_000_000),
                    operator: "anna".into(),
                    role: "admin".into(),
                    sandbox: true,
                    action: "bonus.approve".into(),
                    subject: format!("bonus {}", rng.random_range(1..99)),
                    detail: r#"{"before":"due","after":"available"}"#.into(),
                    reason: rng.random_bool(0.5).then(|| text(&mut rng, "")),
                    prev_hash: match prev {
                        Some(p) => row(p).hash.clone(),
                        None => made_up(&mut rng),
                    },
                    hash: String::new(),
                };
                e.hash = if hashed { hash(&e) } else { made_up(&mut rng) };
                format!("INSERT INTO audit_log ({COLUMNS}) VALUES ({});", values(backend, &e))
            }
            Tamper::SwapContents { a, b } => {
                format!("{} {}", set_all(backend, a, row(b)), set_all(backend, b, row(a)))
            }
            Tamper::SwapIds { a, b } => format!(
                "UPDATE audit_log SET id = -999 WHERE id = {a}; UPDATE audit_log SET id = {a} WHERE id = {b}; \
                 UPDATE audit_log SET id = {b} WHERE id = -999;"
            ),
        }
    }
}

/// Any single tamper of a log of `n` entries (the first and the last row drawn often).
fn tampers(n: i64) -> impl Strategy<Value = Tamper> {
    let row = prop_oneof![Just(1i64), Just(n), 1..=n];
    let outside = prop_oneof![-3i64..=0, n + 1..=n + 4];
    let pair = (1..=n, 1..=n).prop_filter("two rows", |(a, b)| a != b);
    prop_oneof![
        4 => (row.clone(), 0..FIELDS.len(), any::<u64>())
            .prop_map(|(row, f, seed)| Tamper::Change { row, field: FIELDS[f], seed }),
        1 => (row.clone(), outside.clone()).prop_map(|(row, to)| Tamper::Renumber { row, to }),
        2 => row.clone().prop_map(|row| Tamper::Delete { row }),
        1 => (row.clone(), outside.clone()).prop_map(|(of, id)| Tamper::Copy { of, id }),
        1 => (outside, proptest::option::of(row), any::<bool>(), any::<u64>())
            .prop_map(|(id, prev, hashed, seed)| Tamper::Forge { id, prev, hashed, seed }),
        1 => pair.clone().prop_map(|(a, b)| Tamper::SwapContents { a, b }),
        1 => pair.prop_map(|(a, b)| Tamper::SwapIds { a, b }),
    ]
}

/// Applies one tamper to a fresh copy and checks what `audit verify` says.
fn case(base: &TestDb, log: &[Entry], t: &Tamper) -> Result<(), String> {
    let n = log.len() as i64;
    let copy = Copy::of(base)?;
    let statement = t.sql(base.backend, log);
    copy.tamper(&statement)?;
    let (code, said) = copy.verify();
    let k = t.names(n);
    check!(
        code == 1 && said.starts_with(&format!("audit log broken: entry {k} ")),
        "{t:?} ({statement}): expected exit 1 naming entry {k}, got exit {code}: {said}"
    );
    if matches!(t, Tamper::Delete { .. }) {
        check!(said.contains(&format!("entry {k} was removed")), "{t:?}: {said}");
    }
    Ok(())
}

/// Random single tampers, each on a fresh copy of one base: 32 cases on SQLite, 12 on
/// PostgreSQL, from a fixed seed.
pub fn random_tampering_is_named(db: &TestDb) -> R {
    let started = std::time::Instant::now();
    let log = base(db)?;
    let n = log.len() as i64;
    // REFDESK_TAMPER_CASES=N tries more, by hand.
    let more = std::env::var("REFDESK_TAMPER_CASES").ok().and_then(|c| c.parse().ok());
    let cases = more.unwrap_or(if db.backend == Backend::Sqlite { 32 } else { 12 });
    let config = Config { cases, failure_persistence: None, max_shrink_iters: 32, ..Config::default() };
    // A seed of each backend's: PostgreSQL's cases are not SQLite's first twelve again.
    let seed = [if db.backend == Backend::Sqlite { 7 } else { 11 }; 32];
    let mut runner = TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &seed));
    let seen = std::cell::RefCell::new(std::collections::BTreeMap::<String, usize>::new());
    let result = runner.run(&tampers(n), |t| {
        let kind = format!("{t:?}").split([' ', '{']).next().unwrap_or_default().to_string();
        *seen.borrow_mut().entry(kind).or_default() += 1;
        case(db, &log, &t).map_err(TestCaseError::fail)
    });
    let seen = seen.into_inner();
    eprintln!("tampering on {:?}: {seen:?} over {n} entries in {:.1?}", db.backend, started.elapsed());
    result.map_err(|e| e.to_string())?;
    // Every kind of tamper was tried (PostgreSQL's dozen cases need not: the edges try each).
    if db.backend == Backend::Sqlite {
        check_eq!(seen.len(), 7);
    }
    Ok(())
}

/// One entry's reason changed: exit 1 and the sentence naming it. The untouched log verifies:
/// exit 0 with the number of entries and the head hash, which is the last entry's.
pub fn a_changed_reason_is_named_and_an_untouched_log_verifies(db: &TestDb) -> R {
    let log = base(db)?;
    let n = log.len();
    let last = log.last().ok_or("empty log")?;
    let ok = run_bin(&url_of(db), "anna", NOW, &["audit", "verify"], None, &[]);
    check_eq!(ok.code, 0);
    check_eq!(ok.stdout.trim(), format!("audit log intact: {n} entries, head {}", last.hash));
    check_eq!(ok.stderr, "");
    let k = log.iter().find(|e| e.reason.as_deref() == Some("spam 5")).map(|e| e.id).ok_or("no entry for spam 5")?;
    let copy = Copy::of(db)?;
    copy.tamper(&format!("UPDATE audit_log SET reason = 'spam 6' WHERE id = {k};"))?;
    let (code, said) = copy.verify();
    check_eq!(code, 1);
    check_eq!(said, format!("audit log broken: entry {k} was changed: its fields do not give its hash"));
    let out = run_real(&copy.url, Some("anna"), Some(NOW), &["audit", "verify", "--json"]);
    check_eq!(out.code, 1);
    let v: Value = serde_json::from_str(&out.stdout).map_err(|e| format!("{e}: {}", out.stdout))?;
    check_eq!((v["ok"].clone(), v["entry"].clone()), (Value::Bool(false), Value::from(k)));
    Ok(())
}

/// The tampers at the edges of the log, each once, with what `audit verify` must say: the first
/// and the last entry removed or moved, entries written past the head (copied, or forged with
/// the program's own hash, after it or past a gap), the first and the last swapped; and on
/// SQLite, whose columns take any type, a reason set to a NUL character where there was none and
/// a time that is no longer a whole number. Every miss is listed, not only the first.
pub fn tampering_at_the_edges_is_named(db: &TestDb) -> R {
    let log = base(db)?;
    let n = log.len() as i64;
    let forge = |id: i64, prev: Option<i64>| Tamper::Forge { id, prev, hashed: true, seed: 5 };
    let mut edges: Vec<(Tamper, String)> = vec![
        (Tamper::Delete { row: 1 }, "entry 1 was removed: the log starts at entry 2".into()),
        (Tamper::Delete { row: n }, format!("entry {n} was removed: the log ends before it")),
        (Tamper::Renumber { row: 1, to: 0 }, "entry 0 was changed".into()),
        (Tamper::Renumber { row: 5, to: n + 2 }, "entry 5 was removed: the chain goes from entry 4 to entry 6".into()),
        (Tamper::Renumber { row: n, to: n + 3 }, format!("entry {} was changed", n + 3)),
        (Tamper::Copy { of: 5, id: n + 1 }, format!("entry {} was changed", n + 1)),
        (Tamper::Copy { of: n, id: -1 }, "entry -1 was changed".into()),
        // Hashed and chained to the last entry: only the head kept beside the log tells.
        (forge(n + 1, Some(n)), format!("entry {} was inserted", n + 1)),
        (forge(n + 3, Some(n)), format!("entry {} was inserted", n + 3)),
        // Hashed, past a gap, chained to another entry: nothing was removed, it was inserted.
        (forge(n + 3, Some(3)), format!("entry {} was inserted", n + 3)),
        (forge(0, None), "entry 0 was inserted".into()),
        (Tamper::SwapContents { a: 1, b: n }, "entry 1 was changed".into()),
        (Tamper::SwapIds { a: n - 1, b: n }, format!("entry {} was changed", n - 1)),
        (Tamper::Change { row: 1, field: "prev_hash", seed: 1 }, "entry 1 was changed".into()),
        (Tamper::Change { row: n, field: "hash", seed: 1 }, format!("entry {n} was changed")),
    ];
    let mut raw: Vec<(String, String)> = Vec::new();
    if db.backend == Backend::Sqlite {
        let k = log.iter().find(|e| e.reason.is_none()).map(|e| e.id).ok_or("no entry without a reason")?;
        raw.push((format!("UPDATE audit_log SET reason = char(0) WHERE id = {k};"), format!("entry {k} was changed")));
        raw.push((format!("UPDATE audit_log SET at = at + 0.5 WHERE id = {k};"), format!("entry {k} was changed")));
        raw.push((format!("UPDATE audit_log SET at = 'at noon' WHERE id = {k};"), format!("entry {k} was changed")));
    }
    let all: Vec<(String, String)> =
        edges.drain(..).map(|(t, says)| (t.sql(db.backend, &log), says)).chain(raw).collect();
    let mut missed = Vec::new();
    for (statement, says) in &all {
        let copy = Copy::of(db)?;
        copy.tamper(statement)?;
        let (code, said) = copy.verify();
        if code != 1 || !said.starts_with(&format!("audit log broken: {says}")) {
            missed.push(format!("{statement}\n    expected exit 1 and \"{says}…\"; got exit {code}: {said:?}"));
        }
    }
    check!(
        missed.is_empty(),
        "{} of {} tampers not named as they should be:\n{}",
        missed.len(),
        all.len(),
        missed.join("\n")
    );
    Ok(())
}
