//! Test support: a fresh database on SQLite (a temp file) or PostgreSQL (a fresh database per
//! test, on the server named by REFDESK_TEST_PG), and a runner for the real binary.
#![allow(dead_code)]

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server for the suite, if one is configured.
pub fn pg_server() -> Option<String> {
    std::env::var("REFDESK_TEST_PG").ok().filter(|s| !s.is_empty())
}

static SEQ: AtomicUsize = AtomicUsize::new(0);

/// One test's database and working directory; dropped at the end of the test.
pub struct TestDb {
    pub backend: Backend,
    pub url: String,
    pub dir: tempfile::TempDir,
    pg_admin: Option<(String, String)>,
}

fn psql(server: &str, sql: &str) -> Result<(), String> {
    let out = Command::new("psql")
        .args([server, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql])
        .output()
        .map_err(|e| format!("psql: {e}"))?;
    if out.status.success() { Ok(()) } else { Err(format!("psql {sql}: {}", String::from_utf8_lossy(&out.stderr))) }
}

/// The operators of the scenarios, registered in every test database: anna (admin) prepares,
/// the others approve, export, void.
pub const CAST: [(&str, &str); 4] =
    [("bolat", "approver"), ("carl", "approver"), ("dana", "approver"), ("erlan", "approver")];

impl TestDb {
    /// A sandbox database (`init --sandbox` by anna, its admin) with the cast registered.
    pub fn new(backend: Backend) -> Result<TestDb, String> {
        let db = TestDb::bare(backend)?;
        let now = "2026-01-01T00:00:00+05:00";
        let out = db.run(now, &["init", "--sandbox"]);
        if out.code != 0 {
            return Err(format!("init --sandbox: {}", out.stderr));
        }
        for (name, role) in CAST {
            let out = db.run(now, &["operator", "add", name, "--role", role]);
            if out.code != 0 {
                return Err(format!("operator add {name}: {}", out.stderr));
            }
        }
        Ok(db)
    }

    /// A database refdesk has not set up yet (nothing is created until the first command).
    pub fn bare(backend: Backend) -> Result<TestDb, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        match backend {
            Backend::Sqlite => Ok(TestDb {
                backend,
                url: format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display()),
                dir,
                pg_admin: None,
            }),
            Backend::Postgres => {
                let server = pg_server().ok_or("REFDESK_TEST_PG is not set")?;
                let name = format!("refdesk_t{}_{}", std::process::id(), SEQ.fetch_add(1, Ordering::SeqCst));
                psql(&server, &format!("DROP DATABASE IF EXISTS {name}"))?;
                psql(&server, &format!("CREATE DATABASE {name}"))?;
                // The server URL names a database (…/test); swap it for the fresh one.
                let base = server.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap_or(server.clone());
                Ok(TestDb { backend, url: format!("{base}/{name}"), dir, pg_admin: Some((server, name)) })
            }
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes a file into the test's directory and returns its path.
    pub fn file(&self, name: &str, content: &str) -> String {
        let p = self.path(name);
        let _ = std::fs::write(&p, content);
        p.display().to_string()
    }

    /// Runs `refdesk` with this database, the given clock and operator.
    pub fn run(&self, now: &str, args: &[&str]) -> Out {
        self.run_as("anna", now, args)
    }

    pub fn run_as(&self, operator: &str, now: &str, args: &[&str]) -> Out {
        run_bin(&self.url, operator, now, args, None, &[])
    }

    pub fn run_env(&self, now: &str, args: &[&str], env: &[(&str, &str)]) -> Out {
        run_bin(&self.url, "anna", now, args, None, env)
    }

    pub fn run_stdin(&self, now: &str, args: &[&str], stdin: &str) -> Out {
        run_bin(&self.url, "anna", now, args, Some(stdin), &[])
    }

    /// Runs a reading command with `--json` and parses its one document.
    pub fn json(&self, now: &str, args: &[&str]) -> Result<Value, String> {
        let mut a: Vec<&str> = args.to_vec();
        a.push("--json");
        let out = self.run(now, &a);
        if out.code != 0 {
            return Err(format!("{args:?} exited {}: {}", out.code, out.stderr));
        }
        serde_json::from_str(&out.stdout).map_err(|e| format!("{args:?}: not one JSON document ({e}): {}", out.stdout))
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((server, name)) = &self.pg_admin {
            let _ = psql(server, &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

#[derive(Debug)]
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    /// Fails unless the command exited `code` having printed `text` on stdout; shows what it
    /// printed on both streams.
    pub fn said(&self, code: i32, text: &str) -> Result<(), String> {
        if self.code == code && self.stdout.contains(text) {
            return Ok(());
        }
        Err(format!("exit {} (want {code}), stdout lacks {text:?}:\n{}{}", self.code, self.stdout, self.stderr))
    }
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_refdesk")
}

/// `refdesk ARGS` on database `db` as `operator` at `now`, in English, with the built-in terms
/// and a home of its own; `env` is set last (a test's REFDESK_CONFIG, say). Its output is piped.
pub fn command(db: &str, operator: &str, now: &str, args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(bin());
    cmd.args(args)
        .env("REFDESK_DB", db)
        .env("REFDESK_OPERATOR", operator)
        .env("REFDESK_NOW", now)
        .env("REFDESK_LANG", "en")
        .env_remove("REFDESK_CONFIG")
        .env("HOME", std::env::temp_dir())
        .env("XDG_DATA_HOME", std::env::temp_dir().join("refdesk-test-data"))
        .env("XDG_CONFIG_HOME", std::env::temp_dir().join("refdesk-test-config"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

pub fn run_bin(db: &str, operator: &str, now: &str, args: &[&str], stdin: Option<&str>, env: &[(&str, &str)]) -> Out {
    let mut cmd = command(db, operator, now, args, env);
    if stdin.is_some() {
        cmd.stdin(Stdio::piped());
    }
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => return Out { code: -1, stdout: String::new(), stderr: format!("cannot run refdesk: {e}") },
    };
    if let (Some(input), Some(mut pipe)) = (stdin, child.stdin.take()) {
        let _ = pipe.write_all(input.as_bytes());
    }
    match child.wait_with_output() {
        Ok(o) => Out {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        },
        Err(e) => Out { code: -1, stdout: String::new(), stderr: e.to_string() },
    }
}

/// Fails the test with a message unless the condition holds.
#[macro_export]
macro_rules! check {
    ($cond:expr, $($msg:tt)+) => {
        if !$cond {
            return Err(format!($($msg)+));
        }
    };
}

/// Fails unless the two are equal, showing both.
#[macro_export]
macro_rules! check_eq {
    ($a:expr, $b:expr) => {{
        let (a, b) = (&$a, &$b);
        if a != b {
            return Err(format!("{} = {:?}, expected {:?} (line {})", stringify!($a), a, b, line!()));
        }
    }};
}

pub fn exists(p: &Path) -> bool {
    p.exists()
}
