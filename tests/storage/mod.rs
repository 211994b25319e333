//! Storage (issue 12, findings 2–5), through the real binary: a writer waits for the writers'
//! queue at most `lock_timeout` and then says so in one sentence; connecting gives up after
//! `connect_timeout` naming the server; storage errors are sentences that name the file or
//! server and the fix; a read-only database still reads; no password reaches the log or stderr;
//! the files are their owner's only.
use super::R;
use crate::common::{Backend, Out, TestDb, pg_server, run_bin};
use crate::{check, check_eq};
use refdesk::domain::terms::DEFAULT_CONFIG;
use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const NOW: &str = "2026-10-20T10:00:00+05:00";
/// The advisory-lock key of refdesk's writers.
const LOCK_WRITE: i64 = refdesk::store::LOCK_WRITE;

/// A config file with the built-in terms and `[database]` lines.
fn config(db: &TestDb, database: &str) -> String {
    db.file("limits.toml", &format!("{DEFAULT_CONFIG}\n[database]\n{database}\n"))
}

/// The partners' codes as `partner list --json` gives them.
fn codes(db: &TestDb) -> Result<Vec<String>, String> {
    let list = db.json(NOW, &["partner", "list"])?;
    Ok(list.as_array().into_iter().flatten().filter_map(|p| p["code"].as_str().map(str::to_string)).collect())
}

/// Another session holding the writers' queue until dropped: a `sqlite3` process inside BEGIN
/// IMMEDIATE, or a `psql` process holding the writers' advisory lock. Returned once the lock is
/// seen held.
struct Holder(Child);

impl Drop for Holder {
    fn drop(&mut self) {
        // Closing its input ends the session (rolling back); the kill is for a stuck one.
        drop(self.0.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn hold_writers(db: &TestDb) -> Result<Holder, String> {
    let (program, args, sql) = match db.backend {
        Backend::Sqlite => {
            let file = refdesk::store::sqlite_path(&db.url).ok_or("no file")?;
            // The CLI of SQLite 3.40 takes the lock at the first write, whatever BEGIN says; the
            // table is rolled back with the transaction.
            // It waits for the probe below, which takes the lock for a moment: without a busy
            // timeout its BEGIN would fail against the probe and it would hold nothing.
            ("sqlite3", vec![file], ".timeout 5000\nBEGIN IMMEDIATE;\nCREATE TABLE refdesk_hold(x);\n".to_string())
        }
        Backend::Postgres => (
            "psql",
            vec![db.url.clone(), "-q".into()],
            format!("BEGIN;\nSELECT pg_advisory_xact_lock({LOCK_WRITE});\n"),
        ),
    };
    let mut child = Command::new(program)
        .args(&args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("{program}: {e}"))?;
    if let Some(input) = child.stdin.as_mut() {
        input.write_all(sql.as_bytes()).map_err(|e| format!("{program}: {e}"))?;
        input.flush().map_err(|e| e.to_string())?;
    }
    let holder = Holder(child);
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if held(db)? {
            return Ok(holder);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err(format!("{program} did not take the writers' lock"))
}

/// Whether another session holds the writers' queue now.
fn held(db: &TestDb) -> Result<bool, String> {
    let (program, args): (&str, Vec<String>) = match db.backend {
        Backend::Sqlite => {
            let file = refdesk::store::sqlite_path(&db.url).ok_or("no file")?;
            ("sqlite3", vec!["-cmd".into(), ".timeout 0".into(), file, "BEGIN IMMEDIATE; ROLLBACK;".into()])
        }
        Backend::Postgres => (
            "psql",
            vec![
                db.url.clone(),
                "-tAc".into(),
                format!(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted \
                     AND objid::bigint = {}",
                    LOCK_WRITE & 0xffff_ffff
                ),
            ],
        ),
    };
    let out = Command::new(program).args(&args).output().map_err(|e| format!("{program}: {e}"))?;
    Ok(match db.backend {
        Backend::Sqlite => !out.status.success(),
        Backend::Postgres => String::from_utf8_lossy(&out.stdout).trim() == "1",
    })
}

/// Runs refdesk and says how long it took.
fn timed(f: impl FnOnce() -> Out) -> (Out, Duration) {
    let t = Instant::now();
    let out = f();
    (out, t.elapsed())
}

/// While another session holds the writers' queue, `partner add` and `bonus approve` with
/// lock_timeout = 1 s give up within a few seconds: exit 1, one sentence and no driver text,
/// nothing changed. Once the holder is gone, the same command goes through.
pub fn a_writer_gives_up_on_a_held_lock(db: &TestDb) -> R {
    let cfg = config(db, "lock_timeout = 1");
    let env = [("REFDESK_CONFIG", cfg.as_str())];
    let before = codes(db)?;
    let holder = hold_writers(db)?;
    for args in [&["partner", "add", "--name", "Bolat Wait"][..], &["bonus", "approve", "--all-due"][..]] {
        let (out, took) = timed(|| db.run_env(NOW, args, &env));
        check!(took < Duration::from_secs(5), "{args:?} waited {took:?}: {}", out.stderr);
        check_eq!(out.code, 1);
        let line = out.stderr.trim_end();
        check!(
            line.starts_with("another change is being written")
                && line.ends_with("; try again")
                && !line.contains('\n'),
            "{args:?} said: {}",
            out.stderr
        );
        check!(!line.contains("code:") && !line.contains("Error"), "driver text: {line}");
        if db.backend == Backend::Postgres {
            // The server tells when the holder began.
            check!(line.contains("(since "), "no since: {line}");
        }
    }
    drop(holder);
    check_eq!(codes(db)?, before);
    let out = db.run_env(NOW, &["partner", "add", "--name", "Bolat Wait"], &env);
    check!(out.code == 0, "after the holder: {}", out.stderr);
    Ok(())
}

/// A closed port is named with its host:port within connect_timeout (exit 1); a database or a
/// role the server does not have is named with the fix. PostgreSQL only.
pub fn a_server_that_cannot_serve_is_named(db: &TestDb) -> R {
    if db.backend != Backend::Postgres {
        return Ok(());
    }
    let cfg = config(db, "connect_timeout = 2");
    let env = [("REFDESK_CONFIG", cfg.as_str())];
    let closed = "postgres://refdesk@127.0.0.1:1/refdesk";
    let (out, took) = timed(|| run_bin(closed, "anna", NOW, &["partner", "list"], None, &env));
    check!(took < Duration::from_secs(5), "waited {took:?}");
    check_eq!(
        (out.code, out.stderr.as_str()),
        (
            1,
            "the PostgreSQL server at 127.0.0.1:1 did not answer within 2 s: check that it runs and that the host and \
             port are right\n"
        )
    );
    let server = pg_server().ok_or("no server")?;
    let base = server.rsplit_once('/').map(|(b, _)| b.to_string()).ok_or("no database in REFDESK_TEST_PG")?;
    let addr = base.rsplit_once('@').map(|(_, a)| a.to_string()).unwrap_or_default();
    let addr = if addr.contains(':') { addr } else { format!("{addr}:5432") };
    let out = run_bin(&format!("{base}/refdesk_no_such_db"), "anna", NOW, &["partner", "list"], None, &[]);
    let said = format!(
        "the database refdesk_no_such_db does not exist on {addr}: create it (createdb refdesk_no_such_db), then run \
         `refdesk init`\n"
    );
    check_eq!((out.code, out.stderr.as_str()), (1, said.as_str()));
    let nobody = format!("postgres://refdesk_no_such_role@{addr}/{}", db.url.rsplit('/').next().unwrap_or(""));
    let out = run_bin(&nobody, "anna", NOW, &["partner", "list"], None, &[]);
    check!(
        out.code == 1 && out.stderr.starts_with(&format!("the role refdesk_no_such_role does not exist on {addr}: ")),
        "no role: {}",
        out.stderr
    );
    Ok(())
}

/// A file of junk bytes is named as not a SQLite database (exit 1), with no driver text, and is
/// left as it was. SQLite only.
pub fn a_file_that_is_not_a_database_is_named(db: &TestDb) -> R {
    if db.backend != Backend::Sqlite {
        return Ok(());
    }
    let junk: Vec<u8> = (0..8192u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let file = db.path("junk.db");
    std::fs::write(&file, &junk).map_err(|e| e.to_string())?;
    let out = run_bin(&file.display().to_string(), "anna", NOW, &["partner", "list"], None, &[]);
    check_eq!(out.code, 1);
    let last = out.stderr.lines().last().unwrap_or("");
    check!(
        last.starts_with(&format!("{} is not a SQLite database", file.display())) && !out.stderr.contains("code:"),
        "said: {}",
        out.stderr
    );
    check_eq!(std::fs::read(&file).map_err(|e| e.to_string())?, junk);
    Ok(())
}

/// A database refdesk may not write still reads: on SQLite a file made read-only (chmod 444), on
/// PostgreSQL a role that may only SELECT. `partner list` exits 0; `partner add` exits 1 with one
/// sentence and changes nothing.
pub fn a_read_only_database_still_reads(db: &TestDb) -> R {
    let out = db.run(NOW, &["partner", "add", "--name", "Asel Nurlanova", "--code", "ASEL25"]);
    check!(out.code == 0, "partner add: {}", out.stderr);
    let (url, place, role) = match db.backend {
        Backend::Sqlite => {
            let file = refdesk::store::sqlite_path(&db.url).ok_or("no file")?;
            chmod(std::path::Path::new(&file), 0o444)?;
            (db.url.clone(), file, None)
        }
        Backend::Postgres => {
            let role = format!("refdesk_ro_{}", std::process::id());
            let name = db.url.rsplit('/').next().unwrap_or("").to_string();
            psql(
                &db.url,
                &format!(
                    "DROP ROLE IF EXISTS {role}; CREATE ROLE {role} LOGIN; GRANT CONNECT ON DATABASE {name} TO {role}; \
                     GRANT USAGE ON SCHEMA public TO {role}; GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}"
                ),
            )?;
            let (_, rest) = db.url.split_once("://").ok_or("url")?;
            let host = rest.rsplit_once('@').map(|(_, h)| h).unwrap_or(rest);
            let host = host.split('/').next().unwrap_or(host);
            let place = format!("{host}/{name}");
            (format!("postgres://{role}@{host}/{name}"), place, Some(role))
        }
    };
    let result = (|| -> R {
        let list = run_bin(&url, "anna", NOW, &["partner", "list", "--json"], None, &[]);
        check!(list.code == 0 && list.stdout.contains("ASEL25"), "partner list exited {}: {}", list.code, list.stderr);
        let add = run_bin(&url, "anna", NOW, &["partner", "add", "--name", "Bolat Reader"], None, &[]);
        let said = format!(
            "this database is open read-only: {place} may not be changed by you; ask its owner for write access"
        );
        check!(add.code == 1 && add.stderr.lines().last() == Some(said.as_str()), "partner add: {}", add.stderr);
        let list = run_bin(&url, "anna", NOW, &["partner", "list", "--json"], None, &[]);
        check!(!list.stdout.contains("Bolat"), "a partner was added: {}", list.stdout);
        Ok(())
    })();
    if let Some(role) = role {
        psql(&db.url, &format!("DROP OWNED BY {role}; DROP ROLE {role}"))?;
    }
    result
}

fn psql(url: &str, sql: &str) -> R {
    let out = Command::new("psql")
        .args([url, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql])
        .output()
        .map_err(|e| format!("psql: {e}"))?;
    check!(out.status.success(), "psql {sql}: {}", String::from_utf8_lossy(&out.stderr));
    Ok(())
}

fn chmod(path: &std::path::Path, mode: u32) -> R {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

#[cfg(unix)]
fn mode(path: &std::path::Path) -> Result<u32, String> {
    use std::os::unix::fs::PermissionsExt;
    Ok(std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?.permissions().mode() & 0o777)
}

/// A URL with a password, at REFDESK_LOG=trace: the password is in neither the log nor stderr,
/// also when the URL cannot be parsed. PostgreSQL only (a SQLite URL has no password).
pub fn no_password_reaches_the_log(db: &TestDb) -> R {
    if db.backend != Backend::Postgres {
        return Ok(());
    }
    let secret = "s3cret-Pa55w0rd";
    let (_, rest) = db.url.split_once("://").ok_or("url")?;
    let (user, host) = rest.rsplit_once('@').ok_or("the test server's URL names no user")?;
    let user = user.split(':').next().unwrap_or(user);
    let data = db.path("data");
    let env = [("REFDESK_LOG", "trace"), ("XDG_DATA_HOME", data.to_str().ok_or("path")?)];
    // The test server trusts its loopback clients: the password is sent, and not needed.
    let url = format!("postgres://{user}:{secret}@{host}");
    let out = run_bin(&url, "anna", NOW, &["partner", "list"], None, &env);
    check!(out.code == 0, "partner list exited {}: {}", out.code, out.stderr);
    let bad = format!("postgres://{user}:{secret}@127.0.0.1:notaport/refdesk");
    let out = run_bin(&bad, "anna", NOW, &["partner", "list"], None, &env);
    check!(out.code != 0 && !out.stderr.contains(secret), "exited {}: {}", out.code, out.stderr);
    let file = data.join("refdesk").join("logs").join("refdesk.log");
    let log = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
    check!(!log.is_empty(), "nothing was logged");
    check!(!log.contains(secret), "the password is in the log:\n{log}");
    Ok(())
}

/// The database, its -wal/-shm, the log directory and the log file are their owner's only; an
/// existing database other users may read is named once on stderr, with the fix. SQLite only.
#[cfg(unix)]
pub fn files_are_for_their_owner_only(db: &TestDb) -> R {
    if db.backend != Backend::Sqlite {
        return Ok(());
    }
    let file = std::path::PathBuf::from(refdesk::store::sqlite_path(&db.url).ok_or("no file")?);
    let data = db.path("data");
    let env = [("XDG_DATA_HOME", data.to_str().ok_or("path")?)];
    let out = db.run_env(NOW, &["partner", "add", "--name", "Asel Nurlanova"], &env);
    check!(out.code == 0 && out.stderr.is_empty(), "partner add: {}", out.stderr);
    for suffix in ["", "-wal", "-shm"] {
        let f = std::path::PathBuf::from(format!("{}{suffix}", file.display()));
        if f.exists() {
            check_eq!((f.display().to_string(), mode(&f)?), (f.display().to_string(), 0o600));
        }
    }
    let logs = data.join("refdesk").join("logs");
    check_eq!(mode(&logs)?, 0o700);
    check_eq!(mode(&logs.join("refdesk.log"))?, 0o600);
    chmod(&file, 0o644)?;
    let out = db.run_env(NOW, &["partner", "list"], &env);
    let f = file.display();
    check_eq!((out.code, out.stderr), (0, format!("warning: {f} can be read by other users; run chmod 600 {f}\n")));
    Ok(())
}

#[cfg(not(unix))]
pub fn files_are_for_their_owner_only(_db: &TestDb) -> R {
    Ok(())
}

/// A database in a directory its reader may not write (no -wal, no -shm beside it): reading
/// works, a write gets the read-only sentence. Run as `nobody` through setpriv when the suite
/// runs as root (root may write anything); skipped where neither is possible. SQLite only.
#[cfg(unix)]
pub fn a_read_only_directory_still_reads(db: &TestDb) -> R {
    if db.backend != Backend::Sqlite {
        return Ok(());
    }
    // SAFETY: getuid cannot fail.
    let root = unsafe { libc::getuid() } == 0;
    let setpriv = ["--reuid=nobody", "--regid=nogroup", "--clear-groups"];
    if root && Command::new("setpriv").args(setpriv).arg("true").status().map(|s| !s.success()).unwrap_or(true) {
        return Ok(());
    }
    let dir = db.path("shelf");
    std::fs::create_dir(&dir).map_err(|e| e.to_string())?;
    chmod(db.dir.path(), 0o755)?;
    chmod(&dir, 0o777)?;
    let file = dir.join("r.db");
    let url = format!("sqlite://{}?mode=rwc", file.display());
    let run = |args: &[&str]| -> Result<Out, String> {
        let mut cmd = if root { Command::new("setpriv") } else { Command::new(crate::common::bin()) };
        if root {
            cmd.args(setpriv).arg(crate::common::bin());
        }
        let o = cmd
            .args(args)
            .env("REFDESK_DB", &url)
            .env("REFDESK_OPERATOR", "reader")
            .env("REFDESK_NOW", NOW)
            .env("REFDESK_LANG", "en")
            .env_remove("REFDESK_CONFIG")
            .env("HOME", &dir)
            .env("XDG_DATA_HOME", dir.join("data"))
            .env("XDG_CONFIG_HOME", dir.join("config"))
            .stdin(Stdio::null())
            .output()
            .map_err(|e| e.to_string())?;
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        Ok(Out { code: o.status.code().unwrap_or(-1), stdout: text(&o.stdout), stderr: text(&o.stderr) })
    };
    let out = run(&["init", "--sandbox"])?;
    check!(out.code == 0, "init: {}", out.stderr);
    let out = run(&["partner", "add", "--name", "Asel Nurlanova", "--code", "ASEL25"])?;
    check!(out.code == 0, "partner add: {}", out.stderr);
    // Everything into the file, and no -wal or -shm left beside it.
    let ck = Command::new("sqlite3").arg(&file).arg("PRAGMA wal_checkpoint(TRUNCATE);").output();
    check!(ck.is_ok_and(|o| o.status.success()), "sqlite3 could not checkpoint");
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
    }
    chmod(&dir, 0o555)?;
    let result = (|| -> R {
        let list = run(&["partner", "list", "--json"])?;
        check!(list.code == 0 && list.stdout.contains("ASEL25"), "partner list exited {}: {}", list.code, list.stderr);
        let add = run(&["partner", "add", "--name", "Bolat Reader"])?;
        let f = file.display();
        let said =
            format!("this database is open read-only: {f} may not be changed by you; ask its owner for write access\n");
        check_eq!((add.code, add.stderr), (1, said));
        Ok(())
    })();
    chmod(&dir, 0o755)?;
    result
}

#[cfg(not(unix))]
pub fn a_read_only_directory_still_reads(_db: &TestDb) -> R {
    Ok(())
}
