//! Hygiene (issue 9), through the real binary on both backends: escape sequences in imported
//! and stored text reach no terminal, a config file that shows a database password to other
//! users is refused, and no client's email, phone or IIN reaches the log file, whatever
//! REFDESK_LOG asks for.
use super::{R, client, import, pay};
use crate::common::{Out, TestDb, bin};
use crate::{check, check_eq};
use refdesk::domain::identity::iin_with_check;
use refdesk::domain::terms::DEFAULT_CONFIG;
use refdesk::store::{Store, execute};
use serde_json::json;
use std::process::{Command, Stdio};

const NOW: &str = "2026-10-06T10:00:00+05:00";
/// A name that would set the terminal's title (OSC 0 … BEL) and then clear the screen (CSI 2J).
const NAME: &str = "\u{1b}]0;pwned\u{7}Evil\u{1b}[2J Name";
const EMAIL: &str = "evil\u{1b}[31m@mail.kz\u{7}";
const SHOWN_NAME: &str = "]0;pwnedEvil[2J Name";
const SHOWN_EMAIL: &str = "evil[31m@mail.kz";

fn evil_partner(iin: &str) -> String {
    json!({"type":"partner_registered","event_id":"h1","at":"2026-10-01T09:00:00+05:00","account_id":"A1",
        "name":NAME,"promo_code":"EVIL1","phone":"+7 705 805 82 59","email":EMAIL,"iin":iin})
    .to_string()
}

fn evil_events() -> Vec<String> {
    vec![
        evil_partner("900101300125"),
        client("h2", "2026-10-03T12:00:00+05:00", "C1", Some("EVIL1")),
        pay("h3", "2026-10-05T10:00:00+05:00", "PAY1", "C1", "P100", "100000", "75000", Some("EVIL1")),
    ]
}

fn block_on<T>(f: impl std::future::Future<Output = Result<T, String>>) -> Result<T, String> {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
    rt.block_on(f)
}

/// Runs a text command and checks that it succeeded and printed no ESC or BEL.
fn text(db: &TestDb, args: &[&str]) -> Result<String, String> {
    let out = db.run(NOW, args);
    check!(out.code == 0, "{args:?} exited {}: {}", out.code, out.stderr);
    for c in ['\u{1b}', '\u{7}', '\u{9b}'] {
        check!(!out.stdout.contains(c) && !out.stderr.contains(c), "{args:?} printed {c:?}: {:?}", out.stdout);
    }
    Ok(out.stdout)
}

/// The text output of every command that shows the partner, her payment and her bonus.
fn check_outputs(db: &TestDb, bonus: &str) -> R {
    let list = text(db, &["partner", "list"])?;
    check!(list.contains(&format!("EVIL1          {SHOWN_NAME}")), "partner list:\n{list}");
    let show = text(db, &["partner", "show", "EVIL1"])?;
    check!(show.starts_with(&format!("EVIL1 — {SHOWN_NAME} (active)\n")), "partner show:\n{show}");
    check!(show.contains(&format!("  phone / email: +7 705 805 82 59 / {SHOWN_EMAIL}\n")), "partner show:\n{show}");
    let b = text(db, &["bonus", "show", bonus])?;
    check!(b.contains(&format!(" — EVIL1 ({SHOWN_NAME})\n")), "bonus show:\n{b}");
    check!(b.contains("  the client ]0;calls[2J back\n"), "bonus show:\n{b}");
    let p = text(db, &["payment", "show", "PAY1"])?;
    check!(p.contains("  promo code EVIL1  partner EVIL1\n"), "payment show:\n{p}");
    text(db, &["bonus", "list"])?;
    text(db, &["fraud", "list"])?;
    Ok(())
}

/// A name, an email and a void's reason with escape sequences: import and the void clean them
/// on the way in; text stored with them by anything else (written here straight into the
/// database) is cleaned on the way out. JSON keeps the exact data, its control characters
/// escaped.
pub fn escape_sequences_reach_no_terminal(db: &TestDb) -> R {
    import(db, "evil.ndjson", &evil_events())?;
    let bonus = db.json(NOW, &["bonus", "list", "--partner", "EVIL1"])?[0]["id"].to_string();
    let out = db.run(NOW, &["bonus", "void", &bonus, "--reason", "the client \u{1b}]0;calls\u{7}\u{1b}[2J back"]);
    check!(out.code == 0, "void: {}", out.stderr);
    let p = db.json(NOW, &["partner", "show", "EVIL1"])?;
    check_eq!((p["name"].clone(), p["email"].clone()), (json!(SHOWN_NAME), json!(SHOWN_EMAIL)));
    check_outputs(db, &bonus)?;

    block_on(async {
        let store = Store::open(&db.url).await.map_err(|e| e.to_string())?;
        for (sql, value) in [
            ("UPDATE partner SET name = $1 WHERE account_id = 'A1'", NAME),
            ("UPDATE account SET email = $1 WHERE id = 'A1'", EMAIL),
        ] {
            let n = execute(&store.db, sql, vec![value.into()]).await.map_err(|e| format!("{sql}: {e}"))?;
            check_eq!(n, 1);
        }
        Ok(())
    })?;
    check_outputs(db, &bonus)?;
    let out = db.run(NOW, &["partner", "show", "EVIL1", "--json"]);
    check!(!out.stdout.contains('\u{1b}') && !out.stdout.contains('\u{7}'), "JSON printed raw escapes: {}", out.stdout);
    let p: serde_json::Value = serde_json::from_str(&out.stdout).map_err(|e| format!("{e}: {}", out.stdout))?;
    check_eq!((p["name"].clone(), p["email"].clone()), (json!(NAME), json!(EMAIL)));
    Ok(())
}

/// Runs refdesk with no REFDESK_DB, so that the config file's `[database] url` is the one used.
fn run_without_db(db: &TestDb, args: &[&str]) -> Out {
    let out = Command::new(bin())
        .args(args)
        .env_remove("REFDESK_DB")
        .env_remove("REFDESK_CONFIG")
        .env("REFDESK_OPERATOR", "anna")
        .env("REFDESK_NOW", NOW)
        .env("REFDESK_LANG", "en")
        .env("HOME", db.path("home"))
        .env("XDG_DATA_HOME", db.path("data"))
        .env("XDG_CONFIG_HOME", db.path("config"))
        .stdin(Stdio::null())
        .output();
    match out {
        Ok(o) => Out {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        },
        Err(e) => Out { code: -1, stdout: String::new(), stderr: format!("cannot run refdesk: {e}") },
    }
}

/// The built-in terms with `[database] url = url`, at `mode`.
fn config(db: &TestDb, name: &str, url: &str, mode: u32) -> Result<String, String> {
    let f = db.file(name, &format!("{DEFAULT_CONFIG}\n[database]\nurl = {url:?}\n"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(mode)).map_err(|e| format!("{f}: {e}"))?;
    }
    Ok(f)
}

/// A config file whose database URL holds a password is refused while other users may read it
/// (exit 2, the file named, the password never shown), whether or not --db is given; at 600 it
/// is accepted. A URL without a password may be read by anyone, and is the database used when
/// neither --db nor REFDESK_DB names one.
pub fn a_config_with_a_password_open_to_others_is_refused(db: &TestDb) -> R {
    let secret = "s3cret-Pa55";
    let f = config(db, "open.toml", &format!("postgres://refdesk:{secret}@db.invalid/refdesk"), 0o644)?;
    let said = format!("{f} holds a database password and is open to other users (mode 644); run chmod 600 {f}\n");
    for out in
        [db.run(NOW, &["--config", &f, "partner", "list"]), run_without_db(db, &["--config", &f, "partner", "list"])]
    {
        check_eq!((out.code, out.stderr.as_str(), out.stdout.as_str()), (2, said.as_str(), ""));
    }
    let out = db.run_env(NOW, &["partner", "list"], &[("REFDESK_CONFIG", &f)]);
    check_eq!((out.code, out.stderr.as_str()), (2, said.as_str()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o600)).map_err(|e| e.to_string())?;
    }
    // REFDESK_DB is set: the private file is accepted and its database not used.
    let out = db.run(NOW, &["--config", &f, "partner", "list"]);
    check!(
        out.code == 0 && out.stdout.ends_with("\n0 partners\n"),
        "exited {}: {}{}",
        out.code,
        out.stdout,
        out.stderr
    );

    let data = db.path("from-config.db");
    let f = config(db, "shared.toml", &format!("sqlite://{}?mode=rwc", data.display()), 0o644)?;
    let out = run_without_db(db, &["--config", &f, "init", "--sandbox"]);
    check!(out.code == 0, "init exited {}: {}", out.code, out.stderr);
    check!(out.stdout.starts_with(&format!("Database ready: sqlite {} (a sandbox", data.display())), "{}", out.stdout);
    check!(data.exists(), "{} was not created", data.display());
    Ok(())
}

/// An import at REFDESK_LOG=trace, with a line that is rejected, and a search by phone: the log
/// says what was done, and holds none of the partners' emails, phones or IINs, in any form.
pub fn no_client_pii_reaches_the_log(db: &TestDb) -> R {
    let iin = iin_with_check("90010130012").ok_or("no IIN")?;
    let rejected = json!({"type":"partner_registered","event_id":"h9","at":"yesterday","account_id":"A9",
        "name":"Dana","email":"dana.hidden@mail.kz","phone":"+7 777 123 45 67","iin":"880202400321"});
    let f = db.file("pii.ndjson", &format!("{}\n{rejected}\n", evil_partner(&iin)));
    let data = db.path("data");
    let env = [("REFDESK_LOG", "trace"), ("XDG_DATA_HOME", data.to_str().ok_or("path")?)];
    let out = db.run_env(NOW, &["import", &f], &env);
    check!(out.code == 1 && out.stderr.contains("line 2: at:"), "import exited {}: {}", out.code, out.stderr);
    for args in [["partner", "list", "--search", "+7 705 805 82 59"], ["partner", "show", "EVIL1", "--json"]] {
        let out = db.run_env(NOW, &args, &env);
        check!(out.code == 0 && out.stdout.contains("EVIL1"), "{args:?} exited {}: {}", out.code, out.stderr);
    }
    let file = data.join("refdesk").join("logs").join("refdesk.log");
    let log = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
    check!(log.contains("import done") && log.contains("accepted=1") && log.contains("rejected=1"), "{log}");
    for pii in
        ["evil", "mail.kz", "805 82 59", "8058259", iin.as_str(), "dana.hidden", "123 45 67", "1234567", "880202400321"]
    {
        check!(!log.contains(pii), "{pii} is in the log:\n{log}");
    }
    Ok(())
}
