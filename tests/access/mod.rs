//! Who is acting (issue 9), on both backends: every command run as every role (matrix.rs), the
//! production mode's identity and clock, the separation of duties that holds whatever the role,
//! and the audit chain caught when its rows are tampered with directly (tamper.rs).
//!
//! "Nothing changed" is checked on the database itself: a dump of every table (sqlite3 or psql)
//! and the chain's count and head as `audit verify --json` reports them, before and after.
mod duties;
mod matrix;
mod tamper;
pub use duties::the_preparer_never_approves_and_an_admin_always_remains;
pub use matrix::{
    role_matrix_admin, role_matrix_approver, role_matrix_disabled, role_matrix_operator, role_matrix_unregistered,
    role_matrix_viewer,
};
pub use tamper::{
    a_changed_reason_is_named_and_an_untouched_log_verifies, random_tampering_is_named, tampering_at_the_edges_is_named,
};

use super::{R, client, partner, pay};
use crate::common::{Backend, Out, TestDb, bin, run_bin};
use crate::{check, check_eq};
use serde_json::{Value, json};
use std::process::{Command, Stdio};

/// Runs refdesk on `url` with the test's environment, as `operator` (None: no REFDESK_OPERATOR, so
/// the login) and at `now` (None: no REFDESK_NOW, so the real clock) — what a production database
/// needs, which common::run_bin always gives a clock.
pub fn run_real(url: &str, operator: Option<&str>, now: Option<&str>, args: &[&str]) -> Out {
    let mut cmd = Command::new(bin());
    cmd.args(args)
        .env("REFDESK_DB", url)
        .env_remove("REFDESK_OPERATOR")
        .env_remove("REFDESK_NOW")
        .env("REFDESK_LANG", "en")
        .env_remove("REFDESK_CONFIG")
        .env("HOME", std::env::temp_dir())
        .env("XDG_DATA_HOME", std::env::temp_dir().join("refdesk-test-data"))
        .env("XDG_CONFIG_HOME", std::env::temp_dir().join("refdesk-test-config"))
        .stdin(Stdio::null());
    if let Some(o) = operator {
        cmd.env("REFDESK_OPERATOR", o);
    }
    if let Some(n) = now {
        cmd.env("REFDESK_NOW", n);
    }
    match cmd.output() {
        Ok(o) => Out {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        },
        Err(e) => Out { code: -1, stdout: String::new(), stderr: format!("cannot run refdesk: {e}") },
    }
}

/// The URL these tests give refdesk. On PostgreSQL without TLS: refdesk sets TCP_NODELAY only
/// once a connection is made (store/nodelay.rs), so each TLS handshake waits twice on the
/// server's delayed ACK (~90 ms a connection, two a command: 210 ms instead of 30 per run), and
/// these tests run the binary some thousand times. Who may act does not depend on it.
pub fn url_of(db: &TestDb) -> String {
    match db.backend {
        Backend::Postgres if !db.url.contains('?') => format!("{}?sslmode=disable", db.url),
        _ => db.url.clone(),
    }
}

/// Runs a reading command with `--json` as anna and parses its one document.
pub fn read_json(url: &str, now: &str, args: &[&str]) -> Result<Value, String> {
    let mut a: Vec<&str> = args.to_vec();
    a.push("--json");
    let out = run_bin(url, "anna", now, &a, None, &[]);
    check!(out.code == 0, "{args:?} exited {}: {}", out.code, out.stderr);
    serde_json::from_str(&out.stdout).map_err(|e| format!("{args:?}: not one JSON document ({e}): {}", out.stdout))
}

/// The file of a SQLite URL (`sqlite://PATH?mode=rwc`).
pub fn sqlite_path(url: &str) -> String {
    let rest = url.strip_prefix("sqlite://").unwrap_or(url);
    rest.split('?').next().unwrap_or(rest).to_string()
}

/// Runs a database's own client and returns what it printed.
pub fn tool(program: &str, args: &[&str]) -> Result<String, String> {
    let out = Command::new(program).args(args).output().map_err(|e| {
        format!(
            "{program}: {e} (the access tests read the database with it: apt-get install -y sqlite3 postgresql-client)"
        )
    })?;
    if !out.status.success() {
        return Err(format!("{program} {args:?}: {}", String::from_utf8_lossy(&out.stderr)));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Runs SQL on the database of `url` with its own client (sqlite3 or psql), outside refdesk;
/// rows one a line, columns separated by `|`.
pub fn sql(backend: Backend, url: &str, sql: &str) -> Result<String, String> {
    match backend {
        // A busy timeout: a refdesk process that has just exited may still be letting go of
        // the file (its last connection checkpoints the WAL).
        Backend::Sqlite => tool("sqlite3", &["-batch", "-bail", "-cmd", ".timeout 10000", &sqlite_path(url), sql]),
        Backend::Postgres => tool("psql", &[url, "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql]),
    }
}

/// Every row of every table, in a stable order.
pub fn dump(backend: Backend, url: &str) -> Result<Vec<String>, String> {
    let text = match backend {
        Backend::Sqlite => tool("sqlite3", &["-batch", "-cmd", ".timeout 10000", &sqlite_path(url), ".dump"])?,
        Backend::Postgres => sql(
            backend,
            url,
            "SELECT table_name, query_to_xml(format('SELECT * FROM %I AS r ORDER BY r::text', table_name), \
             true, false, '') FROM information_schema.tables \
             WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name",
        )?,
    };
    Ok(text.lines().map(String::from).collect())
}

/// What a database holds: every table, and the chain as `audit verify --json` sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    pub tables: Vec<String>,
    pub chain: Value,
}

impl Snapshot {
    /// Takes it; `operator` reads the chain (the login on a production database). The check
    /// runs while the tables are dumped.
    pub fn take(backend: Backend, url: &str, operator: &str) -> Result<Snapshot, String> {
        let verify = std::thread::scope(|s| {
            let verify = s.spawn(|| run_real(url, Some(operator), None, &["audit", "verify", "--json"]));
            let tables = dump(backend, url);
            verify.join().map(|out| (tables, out)).map_err(|_| "audit verify: the thread panicked".to_string())
        });
        let (tables, out) = verify?;
        check!(out.code == 0, "audit verify exited {}: {}{}", out.code, out.stdout, out.stderr);
        let chain: Value = serde_json::from_str(&out.stdout).map_err(|e| format!("audit verify --json: {e}"))?;
        check_eq!(chain["ok"], json!(true));
        let tables = tables?;
        check!(tables.iter().any(|l| l.contains("audit_log")), "the dump has no audit_log: {tables:?}");
        Ok(Snapshot { tables, chain })
    }

    pub fn of(db: &TestDb) -> Result<Snapshot, String> {
        Snapshot::take(db.backend, &url_of(db), "anna")
    }

    pub fn entries(&self) -> i64 {
        self.chain["entries"].as_i64().unwrap_or(-1)
    }

    /// Fails unless `after` is the same, naming the first row that differs.
    pub fn same(&self, after: &Snapshot, what: &str) -> Result<(), String> {
        check_eq!((what, &after.chain), (what, &self.chain));
        if self.tables != after.tables {
            let before: std::collections::BTreeSet<&String> = self.tables.iter().collect();
            let now: std::collections::BTreeSet<&String> = after.tables.iter().collect();
            let gone: Vec<&&String> = before.difference(&now).take(5).collect();
            let new: Vec<&&String> = now.difference(&before).take(5).collect();
            return Err(format!("{what}: the database changed: rows gone {gone:?}, rows new {new:?}"));
        }
        Ok(())
    }
}

/// The last audit entry: operator, role, action, sandbox ("1"/"t" or "0"/"f").
pub fn last_entry(backend: Backend, url: &str) -> Result<Vec<String>, String> {
    let row = sql(backend, url, "SELECT operator, role, action, sandbox FROM audit_log ORDER BY id DESC LIMIT 1")?;
    Ok(row.trim().split('|').map(String::from).collect())
}

const KEYS: [&str; 11] =
    ["id", "at", "operator", "role", "sandbox", "action", "subject", "detail", "reason", "prev_hash", "hash"];

/// Every entry of `audit list --json` has the fields INTERFACE.md names, says whether it was
/// written in a sandbox as `sandbox`, and its hash is 64 hex digits following the one before.
fn entries_say(list: &Value, sandbox: bool) -> Result<usize, String> {
    let entries = list.as_array().ok_or("audit list --json: not an array")?;
    check!(!entries.is_empty(), "no audit entries");
    let mut prev = String::new();
    for (i, e) in entries.iter().enumerate() {
        let keys: Vec<&str> = e.as_object().map(|o| o.keys().map(String::as_str).collect()).unwrap_or_default();
        for k in KEYS {
            check!(keys.contains(&k), "entry {i} has no {k}: {e}");
        }
        check_eq!((i, e["id"].clone()), (i, json!(i + 1)));
        check_eq!((i, e["sandbox"].clone()), (i, json!(sandbox)));
        for k in ["operator", "role", "action", "subject", "at"] {
            check!(e[k].as_str().is_some_and(|s| !s.is_empty()), "entry {i}: {k} is empty: {e}");
        }
        check!(e["reason"].is_null() || e["reason"].is_string(), "entry {i}: reason {e}");
        check!(!e["detail"].is_null(), "entry {i}: no detail: {e}");
        let hash = e["hash"].as_str().unwrap_or_default();
        check!(hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()), "entry {i}: hash {hash:?}");
        check_eq!((i, e["prev_hash"].as_str().unwrap_or("?")), (i, prev.as_str()));
        prev = hash.to_string();
    }
    Ok(entries.len())
}

const EARLY: &str = "2024-03-01T10:00:00+05:00";

/// A production database (`init`, no --sandbox) run as the login: another --operator is refused
/// naming the login; --now refuses a change and nothing changes, but a read may look at another
/// time; `init --sandbox` is refused (a database never changes mode); its audit entries say
/// production, a sandbox's say sandbox.
pub fn production_trusts_only_the_login_and_the_real_clock(db: &TestDb) -> R {
    let login = refdesk::app::login();
    let prod = TestDb::bare(db.backend)?;
    let url = &url_of(&prod);
    let me = Some(login.as_str());
    let init = run_real(url, me, None, &["init"]);
    check!(init.code == 0, "init: {}", init.stderr);
    check!(init.stdout.contains("a production database"), "init said: {}", init.stdout);
    check!(init.stdout.contains(&format!("{login} is the first administrator.")), "init said: {}", init.stdout);
    // Events long past: their bonuses are due by the real clock.
    let events = prod.file("e.ndjson", &super::lines(&dated_example()));
    let out = run_real(url, me, None, &["import", &events]);
    check!(out.code == 0, "import: {}", out.stderr);

    let other = run_real(url, me, None, &["--operator", "someone-else", "partner", "list"]);
    check_eq!(other.code, 1);
    check_eq!(
        other.stderr.trim(),
        format!(
            "--operator someone-else is refused: in a production database the operator is the login running refdesk ({login})"
        )
    );
    check_eq!(other.stdout, "");
    // The environment variable is no way round it.
    let env = run_real(url, Some("someone-else"), None, &["partner", "list"]);
    check_eq!(env.code, 1);
    check!(env.stderr.contains(&format!("running refdesk ({login})")), "{}", env.stderr);
    let named = run_real(url, None, None, &["--operator", &login, "partner", "show", "ASEL25"]);
    check!(named.code == 0, "--operator {login}: {}", named.stderr);

    let bonus = run_real(url, me, None, &["bonus", "list", "--status", "due", "--json"]);
    let due: Value = serde_json::from_str(&bonus.stdout).map_err(|e| format!("{e}: {}", bonus.stdout))?;
    let id = due[0]["id"].as_i64().ok_or(format!("no due bonus: {due}"))?.to_string();
    let before = Snapshot::take(prod.backend, url, &login)?;
    let at = run_real(url, me, Some("2026-12-01T10:00:00+05:00"), &["bonus", "approve", &id]);
    check_eq!(at.code, 1);
    check_eq!(
        at.stderr.trim(),
        "approving bonuses is refused at a given time (--now): a production database changes only at the real time; a given time is for reading"
    );
    // So is every other change at a given time, and any change as someone else.
    let later = Some("2026-12-01T10:00:00+05:00");
    for (args, says) in [
        (&["import", &events][..], "importing events is refused at a given time (--now)"),
        (&["partner", "add", "--name", "Ерлан"], "changing partners and contracts is refused at a given time (--now)"),
        (&["operator", "add", "bolat", "--role", "viewer"], "managing operators is refused at a given time (--now)"),
    ] {
        let out = run_real(url, me, later, args);
        check_eq!((args, out.code), (args, 1));
        check!(out.stderr.starts_with(says), "{args:?}: {}", out.stderr);
    }
    let as_other = run_real(url, me, None, &["--operator", "bolat", "bonus", "approve", &id]);
    check_eq!(as_other.code, 1);
    check!(as_other.stderr.contains(&format!("running refdesk ({login})")), "{}", as_other.stderr);
    Snapshot::take(prod.backend, url, &login)?.same(&before, "changes at a given time or as another")?;
    for args in [&["partner", "show", "ASEL25", "--json"][..], &["bonus", "list", "--json"], &["audit", "verify"]] {
        let read = run_real(url, me, Some(EARLY), args);
        check!(read.code == 0, "{args:?} with --now: {}", read.stderr);
    }
    let out = run_real(url, me, Some(EARLY), &["partner", "show", "ASEL25", "--json"]);
    let show: Value = serde_json::from_str(&out.stdout).map_err(|e| format!("{e}: {}", out.stdout))?;
    check_eq!(show["code"], json!("ASEL25"));

    let sandbox = run_real(url, me, None, &["init", "--sandbox"]);
    check_eq!(sandbox.code, 1);
    check_eq!(
        sandbox.stderr.trim(),
        "this database is a production database, and a database never changes mode; create a new one for a sandbox"
    );
    Snapshot::take(prod.backend, url, &login)?.same(&before, "init --sandbox")?;
    // The same approval at the real time goes through: the clock was the only reason.
    let now = run_real(url, me, None, &["bonus", "approve", &id]);
    check!(now.code == 0, "approve at the real time: {}", now.stderr);
    check_eq!(last_entry(prod.backend, url)?[..3], [login.clone(), "admin".into(), "bonus.approve".into()]);

    let out = run_real(url, me, None, &["audit", "list", "--json"]);
    let list: Value = serde_json::from_str(&out.stdout).map_err(|e| format!("{e}: {}", out.stdout))?;
    entries_say(&list, false)?;
    check!(list.as_array().is_some_and(|l| l.iter().all(|e| e["operator"] == json!(login))), "{list}");
    let sandboxed = db.json("2026-01-01T00:00:00+05:00", &["audit", "list"])?;
    let n = entries_say(&sandboxed, true)?;
    check_eq!(n, 1 + 1 + crate::common::CAST.len());
    check_eq!(
        (sandboxed[1]["operator"].clone(), sandboxed[1]["role"].clone(), sandboxed[1]["action"].clone()),
        (json!("anna"), json!("admin"), json!("operator.add"))
    );
    Ok(())
}

/// Worked example 1 two years early: Asel's bonus is due by any real clock of today.
fn dated_example() -> Vec<String> {
    vec![
        partner("e1", "2024-01-10T09:00:00+05:00", "A1", "Асель Нурланова", "ASEL25", "+7 705 805 82 59"),
        client("e2", "2024-01-12T12:00:00+05:00", "C1", Some("ASEL25")),
        pay("e3", "2024-01-15T10:00:00+05:00", "PAY1", "C1", "P100", "100000", "75000", Some("ASEL25")),
    ]
}
