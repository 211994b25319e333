//! What went wrong with the database, as a reason an operator can act on: the one place where a
//! driver's error (a SQLite result code, a PostgreSQL SQLSTATE, a pool that timed out) becomes
//! a typed [`Reason`]. The service renders the reason in the operator's language; the driver's
//! own text goes to the log only, because it names internals (`code: 5`, `at line 948`) and
//! not what to do.
use chrono::{DateTime, Local, Utc};
use sea_orm::sqlx;
use sea_orm::{ConnAcquireErr, DbErr, RuntimeErr};
use std::sync::OnceLock;
use std::time::Duration;

/// Why the database did not do what was asked, with what the sentence names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// Another writer held the writers' queue for longer than `lock_timeout`; `since`: when its
    /// transaction began, when the server says.
    Busy { since: Option<DateTime<Utc>> },
    /// The PostgreSQL server did not answer within `connect_timeout` (or refused).
    Unreachable { addr: String, after: Duration },
    /// The PostgreSQL server has no such database.
    NoDatabase { name: String, addr: String },
    /// The PostgreSQL server has no such role.
    NoRole { role: String, addr: String },
    /// The PostgreSQL server refused the password.
    BadPassword { role: String, addr: String },
    /// The file exists but is not a SQLite database (or is damaged).
    NotADatabase { file: String },
    /// The file cannot be opened at all (missing directory, no permission).
    CannotOpen { file: String },
    /// The file does not exist and its directory may not be written, so it cannot be created.
    DirReadOnly { dir: String },
    /// A write to a database open read-only (the file, its directory, or the role).
    ReadOnly { place: String },
    /// The database needs migrations this reader cannot apply.
    NeedsUpgrade { place: String },
}

/// The database this process opened, as the sentences name it (a file, or host:port/db). One
/// process uses one database; the errors that need its name arise far from where it was opened
/// (a write refused deep inside a service), and `DbErr` has no room for it.
static PLACE: OnceLock<String> = OnceLock::new();

/// The passwords of the database's URL, so that no driver's text that quotes the URL shows them
/// (sqlx quotes a URL it cannot parse whole).
static SECRETS: OnceLock<Vec<String>> = OnceLock::new();

/// Remembers the database's name for the sentences ([`Reason::ReadOnly`]) and its URL's
/// passwords for [`scrub`]; the first call wins.
pub fn set_place(place: &str, url: &str) {
    let _ = PLACE.set(place.to_string());
    let _ = SECRETS.set(super::passwords(url));
}

/// `text` with every password of the database's URL (and of `url`, if given) shown as `***`.
pub fn scrub(text: &str, url: Option<&str>) -> String {
    let mut out = text.to_string();
    let given = url.map(super::passwords).unwrap_or_default();
    for secret in SECRETS.get().into_iter().flatten().chain(given.iter()) {
        if !secret.is_empty() {
            out = out.replace(secret.as_str(), "***");
        }
    }
    out
}

fn place() -> String {
    PLACE.get().cloned().unwrap_or_else(|| "the database".into())
}

/// The prefix of the `DbErr::Custom` that [`busy`] makes: the lock's waiter learns when the
/// holder began while its own transaction can still ask, and the reason has to travel back
/// through `DbErr` to the service.
const BUSY: &str = "refdesk: writers' queue busy since ";

/// The error of a writer that gave up waiting for the writers' queue.
pub fn busy(since: Option<DateTime<Utc>>) -> DbErr {
    DbErr::Custom(format!("{BUSY}{}", since.map(|t| t.to_rfc3339()).unwrap_or_default()))
}

/// The `DbErr::Custom`s of a store open read-only: a write refused before it reaches the
/// database, and migrations it cannot apply.
const READ_ONLY: &str = "refdesk: the database is open read-only";
const NEEDS_UPGRADE: &str = "refdesk: the database needs migrations and is open read-only";

/// The prefix of the `DbErr::Custom` of a database directory that could not be created.
const NO_DIR: &str = "refdesk: cannot create the directory ";

pub fn no_dir(dir: &std::path::Path) -> DbErr {
    DbErr::Custom(format!("{NO_DIR}{}", dir.display()))
}

pub fn read_only() -> DbErr {
    DbErr::Custom(READ_ONLY.into())
}

pub fn needs_upgrade() -> DbErr {
    DbErr::Custom(NEEDS_UPGRADE.into())
}

/// The driver's error inside `e`, if it came from the driver.
fn sqlx_error(e: &DbErr) -> Option<&sqlx::Error> {
    match e {
        DbErr::Conn(RuntimeErr::SqlxError(s)) | DbErr::Exec(RuntimeErr::SqlxError(s)) => Some(s),
        DbErr::Query(RuntimeErr::SqlxError(s)) => Some(s),
        _ => None,
    }
}

/// The database's own code: a SQLite extended result code (as a number) or a SQLSTATE.
fn code(e: &DbErr) -> Option<String> {
    match sqlx_error(e)? {
        sqlx::Error::Database(d) => d.code().map(|c| c.into_owned()),
        _ => None,
    }
}

/// Whether `e` means a writer waited longer than allowed: SQLite's BUSY (5, and its extended
/// codes, 517 …) and LOCKED (6); PostgreSQL's lock_timeout (55P03) and statement_timeout (57014).
fn is_busy(e: &DbErr) -> bool {
    if let DbErr::Custom(s) = e
        && s.starts_with(BUSY)
    {
        return true;
    }
    match code(e) {
        Some(c) if c == "55P03" || c == "57014" => true,
        Some(c) => c.parse::<i64>().is_ok_and(|n| matches!(n & 0xff, 5 | 6)),
        None => false,
    }
}

/// Why `e` happened while the database was in use (after it opened), if refdesk knows.
pub fn classify(e: &DbErr) -> Option<Reason> {
    if let DbErr::Custom(s) = e
        && let Some(at) = s.strip_prefix(BUSY)
    {
        let since = DateTime::parse_from_rfc3339(at).ok().map(|t| t.with_timezone(&Utc));
        return Some(Reason::Busy { since });
    }
    match e {
        DbErr::Custom(s) if s == READ_ONLY => return Some(Reason::ReadOnly { place: place() }),
        DbErr::Custom(s) if s == NEEDS_UPGRADE => return Some(Reason::NeedsUpgrade { place: place() }),
        _ => {}
    }
    if is_busy(e) {
        return Some(Reason::Busy { since: None });
    }
    let code = code(e)?;
    // SQLite READONLY (8 and its extended codes); PostgreSQL insufficient_privilege (42501) on
    // a write and read_only_sql_transaction (25006).
    let sqlite_read_only = code.parse::<i64>().is_ok_and(|n| n & 0xff == 8);
    if sqlite_read_only || code == "42501" || code == "25006" {
        return Some(Reason::ReadOnly { place: place() });
    }
    None
}

/// Why `e` happened while opening `url`, if refdesk knows: the reasons of [`classify`] and the
/// ones only connecting meets. `after`: the connect timeout.
pub fn classify_open(e: &DbErr, url: &str, after: Duration) -> Option<Reason> {
    if let Some(r) = classify(e) {
        return Some(r);
    }
    if let DbErr::Custom(s) = e
        && let Some(dir) = s.strip_prefix(NO_DIR)
    {
        return Some(Reason::DirReadOnly { dir: dir.to_string() });
    }
    let pg = parts(url);
    if let DbErr::ConnectionAcquire(ConnAcquireErr::Timeout) = e {
        return pg.map(|p| Reason::Unreachable { addr: p.addr, after });
    }
    if let Some(sqlx::Error::PoolTimedOut | sqlx::Error::Io(_)) = sqlx_error(e) {
        return pg.map(|p| Reason::Unreachable { addr: p.addr, after });
    }
    let code = code(e)?;
    if let Some(p) = pg {
        return match code.as_str() {
            "3D000" => Some(Reason::NoDatabase { name: p.db, addr: p.addr }),
            // invalid_authorization_specification: the server says "role … does not exist".
            "28000" => Some(Reason::NoRole { role: p.user, addr: p.addr }),
            "28P01" => Some(Reason::BadPassword { role: p.user, addr: p.addr }),
            _ => None,
        };
    }
    let file = super::sqlite_path(url).unwrap_or_else(|| url.to_string());
    match code.parse::<i64>().ok()? & 0xff {
        // NOTADB and CORRUPT: junk, a damaged file, or something else's file.
        26 | 11 => Some(Reason::NotADatabase { file }),
        // CANTOPEN: a missing file in a directory refdesk may not write is the common case.
        14 => {
            let path = std::path::Path::new(&file);
            match path.parent().filter(|d| !path.exists() && d.is_dir()) {
                Some(dir) => Some(Reason::DirReadOnly { dir: dir.display().to_string() }),
                None => Some(Reason::CannotOpen { file }),
            }
        }
        _ => None,
    }
}

/// A PostgreSQL URL's server (`host:port`), database and user, as the sentences name them.
struct Pg {
    addr: String,
    db: String,
    user: String,
}

fn parts(url: &str) -> Option<Pg> {
    let rest = url.strip_prefix("postgres://").or_else(|| url.strip_prefix("postgresql://"))?;
    let (before_params, params) = rest.split_once('?').unwrap_or((rest, ""));
    let (auth, hostpath) = before_params.rsplit_once('@').unwrap_or(("", before_params));
    let (hostport, db) = hostpath.split_once('/').unwrap_or((hostpath, ""));
    let param = |k: &str| params.split('&').find_map(|p| p.strip_prefix(k)?.strip_prefix('=').map(str::to_string));
    let login = std::env::var("PGUSER").ok().filter(|u| !u.is_empty()).unwrap_or_else(crate::app::login);
    let user = auth.split(':').next().filter(|u| !u.is_empty()).map(str::to_string);
    let user = user.or_else(|| param("user")).unwrap_or(login);
    let host = if hostport.is_empty() { "localhost" } else { hostport };
    let addr = if host.contains(':') && !host.ends_with(']') { host.to_string() } else { format!("{host}:5432") };
    let db = if db.is_empty() { param("dbname").unwrap_or_else(|| user.clone()) } else { db.to_string() };
    Some(Pg { addr, db, user })
}

impl Reason {
    /// One sentence in English (`ru`: in Russian), naming the place and the fix.
    pub fn sentence(&self, ru: bool) -> String {
        let secs = |d: &Duration| format!("{} s", d.as_secs_f64());
        match (self, ru) {
            (Reason::Busy { since }, false) => {
                let since = since.map(|t| format!(" (since {})", t.with_timezone(&Local).format("%H:%M:%S")));
                format!("another change is being written{}; try again", since.unwrap_or_default())
            }
            (Reason::Busy { since }, true) => {
                let since = since.map(|t| format!(" (с {})", t.with_timezone(&Local).format("%H:%M:%S")));
                format!("сейчас записывается другое изменение{}; попробуйте ещё раз", since.unwrap_or_default())
            }
            (Reason::Unreachable { addr, after }, false) => format!(
                "the PostgreSQL server at {addr} did not answer within {}: check that it runs and that the host and port are right",
                secs(after)
            ),
            (Reason::Unreachable { addr, after }, true) => format!(
                "сервер PostgreSQL {addr} не ответил за {}: проверьте, что он запущен и что адрес и порт верны",
                secs(after)
            ),
            (Reason::NoDatabase { name, addr }, false) => format!(
                "the database {name} does not exist on {addr}: create it (createdb {name}), then run `refdesk init`"
            ),
            (Reason::NoDatabase { name, addr }, true) => {
                format!("базы {name} на {addr} нет: создайте её (createdb {name}) и выполните `refdesk init`")
            }
            (Reason::NoRole { role, addr }, false) => format!(
                "the role {role} does not exist on {addr}: create it (createuser {role}) or name another user in the URL"
            ),
            (Reason::NoRole { role, addr }, true) => format!(
                "роли {role} на {addr} нет: создайте её (createuser {role}) или укажите в адресе другого пользователя"
            ),
            (Reason::BadPassword { role, addr }, false) => format!(
                "{addr} refused the password of {role}: check the password (in the URL, PGPASSFILE or ~/.pgpass)"
            ),
            (Reason::BadPassword { role, addr }, true) => {
                format!("{addr} не принял пароль {role}: проверьте пароль (в адресе, PGPASSFILE или ~/.pgpass)")
            }
            (Reason::NotADatabase { file }, false) => format!(
                "{file} is not a SQLite database (or it is damaged): give refdesk's database file, or restore it from a copy"
            ),
            (Reason::NotADatabase { file }, true) => format!(
                "{file} — не база SQLite (или она повреждена): укажите файл базы refdesk или восстановите его из копии"
            ),
            (Reason::CannotOpen { file }, false) => {
                format!("{file} cannot be opened: check that it exists and that you may read it")
            }
            (Reason::CannotOpen { file }, true) => {
                format!("{file} не открывается: проверьте, что файл есть и что у вас есть право его читать")
            }
            (Reason::DirReadOnly { dir }, false) => format!(
                "the directory {dir} is read-only, so the database cannot be created there: give a path in a directory you may write"
            ),
            (Reason::DirReadOnly { dir }, true) => format!(
                "каталог {dir} только для чтения, базу в нём не создать: укажите путь в каталоге, куда у вас есть запись"
            ),
            (Reason::ReadOnly { place }, false) => format!(
                "this database is open read-only: {place} may not be changed by you; ask its owner for write access"
            ),
            (Reason::ReadOnly { place }, true) => format!(
                "эта база открыта только для чтения: вам нельзя менять {place}; попросите у владельца право записи"
            ),
            (Reason::NeedsUpgrade { place }, false) => format!(
                "this database is open read-only and {place} needs upgrading for this version of refdesk: run it once with write access"
            ),
            (Reason::NeedsUpgrade { place }, true) => format!(
                "эта база открыта только для чтения, а {place} нужно обновить для этой версии refdesk: запустите её один раз с правом записи"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_postgres_url_names_its_server_database_and_user() {
        let p = parts("postgres://ro:secret@db.internal:6543/books?sslmode=require");
        let p = p.map(|p| (p.addr, p.db, p.user));
        assert_eq!(p, Some(("db.internal:6543".into(), "books".into(), "ro".into())));
        let p = parts("postgres://u@127.0.0.1/refdesk").map(|p| p.addr);
        assert_eq!(p.as_deref(), Some("127.0.0.1:5432"));
        assert!(parts("sqlite:///x.db").is_none());
    }

    #[test]
    fn a_busy_writer_travels_through_dberr_with_its_start() {
        let t = DateTime::parse_from_rfc3339("2026-10-20T09:15:07Z").map(|t| t.with_timezone(&Utc)).ok();
        assert_eq!(classify(&busy(t)), Some(Reason::Busy { since: t }));
        assert_eq!(classify(&busy(None)), Some(Reason::Busy { since: None }));
        assert_eq!(Reason::Busy { since: None }.sentence(false), "another change is being written; try again");
        assert_eq!(classify(&DbErr::Custom("disk full".into())), None);
        let no_dir = classify_open(&no_dir(std::path::Path::new("/srv/x")), "sqlite:///srv/x/r.db", Duration::ZERO);
        assert_eq!(no_dir, Some(Reason::DirReadOnly { dir: "/srv/x".into() }));
    }
}
