//! Start-up: the settings every command shares (database, terms, operator, clock, language) and
//! the log file. Both the binary and the tests build a [`Ctx`] through here.
use crate::domain::event::Bounds;
use crate::domain::{Lang, Terms};
use crate::service::{Clock, Ctx};
use crate::store::{Limits, Store};
use chrono::{DateTime, Utc};
use directories::ProjectDirs;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// When the process started, for the frame trace's first line (set first thing in `main`).
pub static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

pub fn dirs() -> Option<ProjectDirs> {
    ProjectDirs::from("kz", "Atlantys", "refdesk")
}

pub fn default_db_url() -> String {
    let dir = dirs().map(|d| d.data_dir().to_path_buf()).unwrap_or_else(|| PathBuf::from("."));
    format!("sqlite://{}?mode=rwc", dir.join("refdesk.db").display())
}

/// The config file: the given one, else `refdesk.toml` in the config dir when there is one.
fn config_file(path: Option<&str>) -> Option<PathBuf> {
    match path {
        Some(p) => Some(PathBuf::from(p)),
        None => dirs().map(|d| d.config_dir().join("refdesk.toml")).filter(|p| p.exists()),
    }
}

/// The terms: the given file, else `refdesk.toml` in the config dir, else the built-in ones.
pub fn load_terms(path: Option<&str>) -> Result<Terms, String> {
    match config_file(path) {
        Some(f) => {
            let text = std::fs::read_to_string(&f).map_err(|e| format!("{}: cannot read: {e}", f.display()))?;
            Terms::from_toml(&text).map_err(|e| format!("{}: {e}", f.display()))
        }
        None => Ok(Terms::defaults()),
    }
}

/// The config file's `[database]` section. The other sections are the terms (`Terms::from_toml`
/// reads them and refuses what it does not know), so they are not looked at here.
#[derive(Deserialize)]
struct DbConfig {
    database: Option<DbSection>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DbSection {
    url: Option<String>,
    /// Seconds a write waits for the writers' queue.
    lock_timeout: Option<toml::Value>,
    /// Seconds connecting to a server may take.
    connect_timeout: Option<toml::Value>,
    /// Lines an import writes per transaction.
    import_batch: Option<toml::Value>,
}

/// The config file's `[database]` section, with the file's path; `None` without a file or a
/// section.
fn db_section(path: Option<&str>) -> Result<Option<(PathBuf, DbSection)>, String> {
    let Some(file) = config_file(path) else { return Ok(None) };
    let text = std::fs::read_to_string(&file).map_err(|e| format!("{}: cannot read: {e}", file.display()))?;
    let raw: DbConfig = toml::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?;
    Ok(raw.database.map(|d| (file, d)))
}

/// How long the database may keep refdesk waiting (`[database] lock_timeout` and
/// `connect_timeout`, in seconds) and an import's batch (`import_batch`, in lines); the
/// defaults of [`Limits`] where unset.
pub fn config_limits(path: Option<&str>) -> Result<Limits, String> {
    let mut limits = Limits::default();
    let Some((file, section)) = db_section(path)? else { return Ok(limits) };
    let seconds = |name: &str, v: &toml::Value| -> Result<Duration, String> {
        let secs = match v {
            toml::Value::Integer(i) => Some(*i as f64),
            toml::Value::Float(f) => Some(*f),
            _ => None,
        };
        secs.filter(|s| s.is_finite() && *s > 0.0 && *s <= 86_400.0).map(Duration::from_secs_f64).ok_or_else(|| {
            format!("{}: [database] {name} = {v} is not a number of seconds (0 < s ≤ 86400)", file.display())
        })
    };
    if let Some(v) = &section.lock_timeout {
        limits.lock_timeout = seconds("lock_timeout", v)?;
    }
    if let Some(v) = &section.connect_timeout {
        limits.connect_timeout = seconds("connect_timeout", v)?;
    }
    if let Some(v) = &section.import_batch {
        limits.import_batch = v
            .as_integer()
            .filter(|n| (100..=1_000_000).contains(n))
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| {
                format!("{}: [database] import_batch = {v} is not a number of lines (100 to 1000000)", file.display())
            })?;
    }
    Ok(limits)
}

/// The database the config file names (`[database] url`), for when neither `--db` nor
/// REFDESK_DB does; `None` without a file or a setting. A file that holds a password and that
/// other users may read or change is refused whichever database is used: the password is out
/// either way.
pub fn config_db_url(path: Option<&str>) -> Result<Option<String>, String> {
    let Some((file, section)) = db_section(path)? else { return Ok(None) };
    let Some(url) = section.url else { return Ok(None) };
    let url = url.trim().to_string();
    if crate::store::url_has_password(&url) {
        private(&file)?;
    }
    if url.is_empty() || crate::store::check_url(&url).is_err() {
        return Err(format!(
            "{}: [database] url {:?} is neither a SQLite file nor a postgres:// URL",
            file.display(),
            crate::store::redact_url(&url)
        ));
    }
    Ok(Some(url))
}

/// Refuses a file that users other than its owner may read or change (any of the mode's group
/// and other bits: a group- or world-writable file could be swapped for one that sends the
/// data elsewhere).
#[cfg(unix)]
fn private(file: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    let f = file.display();
    let mode = std::fs::metadata(file).map_err(|e| format!("{f}: cannot read: {e}"))?.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(format!(
            "{f} holds a database password and is open to other users (mode {mode:o}); run chmod 600 {f}"
        ));
    }
    Ok(())
}

#[cfg(not(unix))]
fn private(_file: &Path) -> Result<(), String> {
    Ok(())
}

/// The clock `--now` sets, held to the instants an event may carry (`bounds`).
pub fn parse_now(s: Option<&str>, bounds: &Bounds) -> Result<Clock, String> {
    let Some(t) = s else { return Ok(Clock::System) };
    let at = DateTime::parse_from_rfc3339(t.trim())
        .map(|d| d.with_timezone(&Utc))
        .map_err(|_| format!("--now: {t:?} is not an RFC 3339 time with an offset (2026-10-20T10:00:00+05:00)"))?;
    if !bounds.contains(at) {
        return Err(format!("--now: {}", bounds.outside(t)));
    }
    Ok(Clock::Fixed(at))
}

pub fn pick_lang(flag: Option<&str>) -> Result<Lang, String> {
    if let Some(f) = flag {
        return Lang::from_tag(f).ok_or_else(|| format!("--lang: {f:?} is not ru or en"));
    }
    for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
        if let Ok(v) = std::env::var(var)
            && !v.is_empty()
        {
            return Ok(Lang::from_tag(&v).unwrap_or(Lang::En));
        }
    }
    Ok(Lang::En)
}

/// The operating-system login of the process's real uid: who is at the keyboard, over SSH the
/// SSH user. Not `$USER`, which anyone can set; a uid with no name is `uid1000`.
pub fn login() -> String {
    #[cfg(unix)]
    {
        // SAFETY: getuid cannot fail; getpwuid_r writes only into the buffers given, and the
        // name is read while `buf` lives.
        unsafe {
            let uid = libc::getuid();
            let mut pwd: libc::passwd = std::mem::zeroed();
            let mut buf = vec![0 as libc::c_char; 16 * 1024];
            let mut found: *mut libc::passwd = std::ptr::null_mut();
            let rc = libc::getpwuid_r(uid, &mut pwd, buf.as_mut_ptr(), buf.len(), &mut found);
            if rc == 0 && !found.is_null() && !pwd.pw_name.is_null() {
                let name = std::ffi::CStr::from_ptr(pwd.pw_name).to_string_lossy().into_owned();
                if !name.is_empty() {
                    return name;
                }
            }
            format!("uid{uid}")
        }
    }
    #[cfg(not(unix))]
    {
        std::env::var("USERNAME").ok().filter(|s| !s.is_empty()).unwrap_or_else(|| "operator".into())
    }
}

/// Opens the database for a command. A failure is one sentence naming the file or server and
/// the fix, in `lang`; the driver's text goes to the log only (it may name internals, never a
/// password: the URL is not in it).
pub async fn context(
    db: &str,
    limits: Limits,
    lang: Lang,
    terms: Terms,
    operator: String,
    clock: Clock,
) -> Result<Ctx, String> {
    let url = crate::store::normalize_url(db);
    let store = Store::open_with(db, limits).await.map_err(|e| {
        use crate::store::errors::{classify_open, scrub};
        // The driver quotes a URL it cannot parse, password and all.
        let said = scrub(&e.to_string(), Some(&url));
        tracing::warn!(error = %said, db = %crate::store::redact_url(&url), "cannot open the database");
        match classify_open(&e, &url, limits.connect_timeout) {
            Some(reason) => reason.sentence(lang == Lang::Ru),
            None => format!("cannot open the database {}: {said}", crate::store::describe_url(db)),
        }
    })?;
    Ok(Ctx { store, terms, operator, clock })
}

/// Logs go to a file in the data dir: nothing may print while the console is up.
pub fn init_logging() -> Option<tracing_appender::non_blocking::WorkerGuard> {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    let dir = dirs().map(|d| d.data_dir().join("logs"))?;
    std::fs::create_dir_all(&dir).ok()?;
    owner_only(&dir, &dir.join("refdesk.log"));
    let appender = tracing_appender::rolling::never(&dir, "refdesk.log");
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let wanted = std::env::var("REFDESK_LOG").ok().filter(|w| !w.trim().is_empty());
    tracing_subscriber::registry().with(log_layer(writer, wanted.as_deref())).try_init().ok()?;
    Some(guard)
}

/// The log directory and file are refdesk's own and tell what was done to whom: owner-only.
/// New ones are (the binary's umask); an existing one open to others (an older refdesk's, a
/// copied one) is closed here. Nothing is left for the operator to do then, so only a mode
/// that cannot be changed (another owner's file) is said, on stderr.
fn owner_only(dir: &Path, file: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for (path, mode) in [(dir, 0o700), (file, 0o600)] {
            let Ok(meta) = std::fs::metadata(path) else { continue };
            if meta.permissions().mode() & 0o077 != 0
                && std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).is_err()
                && let Some(w) = crate::store::files::shared_warning(path, &format!("{mode:o}"))
            {
                eprintln!("{w}");
            }
        }
    }
    #[cfg(not(unix))]
    let _ = (dir, file);
}

/// The crates that talk to the database. At debug and trace they log SQL with its values (a
/// client's email, phone and IIN) and connection details; `sea_orm` covers `sea_orm_migration`.
const DATABASE_CRATES: [&str; 3] = ["sqlx", "sea_orm", "sea_query"];

/// The log file's layer: what `wanted` (REFDESK_LOG's directives; `info` when unset or
/// unreadable) lets through, except that the database crates never write below warn, whatever
/// it says. A separate filter rather than a directive added to `wanted`, because a more
/// specific directive (`sqlx::query=trace`, a span's) would win over an added `sqlx=warn`.
pub fn log_layer<S, W>(writer: W, wanted: Option<&str>) -> impl tracing_subscriber::Layer<S>
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
    W: for<'w> tracing_subscriber::fmt::MakeWriter<'w> + 'static,
{
    use tracing_subscriber::Layer;
    use tracing_subscriber::filter::{EnvFilter, FilterExt, filter_fn};
    let wanted = wanted.and_then(|w| EnvFilter::try_new(w).ok()).unwrap_or_else(|| EnvFilter::new("info"));
    let capped =
        filter_fn(|m| *m.level() <= tracing::Level::WARN || !DATABASE_CRATES.iter().any(|c| m.target().starts_with(c)));
    tracing_subscriber::fmt::layer().with_writer(writer).with_ansi(false).with_filter(wanted.and(capped))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::terms::DEFAULT_CONFIG;

    /// A config file with `[database] url = url` beside the built-in terms, at `mode`.
    fn config(dir: &Path, url: &str, mode: u32) -> String {
        let file = dir.join(format!("refdesk-{mode:o}.toml"));
        let written = std::fs::write(&file, format!("{DEFAULT_CONFIG}\n[database]\nurl = {url:?}\n"));
        assert!(written.is_ok(), "{written:?}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let set = std::fs::set_permissions(&file, std::fs::Permissions::from_mode(mode));
            assert!(set.is_ok(), "{set:?}");
        }
        file.display().to_string()
    }

    #[cfg(unix)]
    #[test]
    fn a_password_other_users_may_read_is_refused_naming_the_file() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let url = "postgres://refdesk:s3cret@db.internal/refdesk";
        for mode in [0o644, 0o640, 0o604, 0o620] {
            let f = config(dir.path(), url, mode);
            let refused = config_db_url(Some(&f)).unwrap_err();
            assert_eq!(
                refused,
                format!("{f} holds a database password and is open to other users (mode {mode:o}); run chmod 600 {f}")
            );
            assert!(!refused.contains("s3cret"));
        }
        let f = config(dir.path(), url, 0o600);
        assert_eq!(config_db_url(Some(&f)), Ok(Some(url.to_string())));
        // A password given as a parameter is a password too.
        let f = config(dir.path(), "postgres://refdesk@db.internal/refdesk?password=s3cret", 0o644);
        assert!(config_db_url(Some(&f)).unwrap_err().starts_with(&format!("{f} holds a database password")));
    }

    #[test]
    fn a_url_without_a_password_may_be_read_by_anyone() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        for url in ["postgres://refdesk@db.internal/refdesk", "sqlite:///srv/refdesk/refdesk.db?mode=rwc"] {
            let f = config(dir.path(), url, 0o644);
            assert_eq!(config_db_url(Some(&f)), Ok(Some(url.to_string())));
            assert!(load_terms(Some(&f)).is_ok(), "the terms of {f} are refused");
        }
    }

    #[test]
    fn no_database_setting_leaves_the_choice_to_the_default() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let f = dir.path().join("terms.toml");
        assert!(std::fs::write(&f, DEFAULT_CONFIG).is_ok());
        assert_eq!(config_db_url(Some(&f.display().to_string())), Ok(None));
    }

    #[test]
    fn a_bad_database_setting_names_the_file_and_hides_the_password() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let f = config(dir.path(), "mysql://refdesk:s3cret@db.internal/refdesk", 0o600);
        assert_eq!(
            config_db_url(Some(&f)),
            Err(format!(
                "{f}: [database] url \"mysql://refdesk:***@db.internal/refdesk\" is neither a SQLite file nor a postgres:// URL"
            ))
        );
        let f = dir.path().join("typo.toml");
        assert!(std::fs::write(&f, format!("{DEFAULT_CONFIG}\n[database]\nulr = \"postgres://db/refdesk\"\n")).is_ok());
        let typo = config_db_url(Some(&f.display().to_string())).unwrap_err();
        assert!(typo.starts_with(&format!("{}: ", f.display())) && typo.contains("unknown field `ulr`"), "{typo}");
    }

    #[test]
    fn the_limits_are_read_and_bounded() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let f = dir.path().join("limits.toml");
        let write = |db: &str| std::fs::write(&f, format!("{DEFAULT_CONFIG}\n[database]\n{db}\n")).is_ok();
        let path = f.display().to_string();
        assert!(write("lock_timeout = 2.5\nimport_batch = 500"));
        let limits = config_limits(Some(&path)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((limits.lock_timeout, limits.import_batch), (Duration::from_millis(2500), 500));
        assert_eq!(limits.connect_timeout, Limits::default().connect_timeout);
        for bad in ["0", "99", "1000001", "\"500\"", "5.5"] {
            assert!(write(&format!("import_batch = {bad}")));
            assert_eq!(
                config_limits(Some(&path)),
                Err(format!("{path}: [database] import_batch = {bad} is not a number of lines (100 to 1000000)"))
            );
        }
    }

    /// What the log file's layer writes of a few events under the filter `wanted`.
    fn logged(wanted: &str) -> String {
        use std::sync::{Arc, Mutex};
        use tracing_subscriber::layer::SubscriberExt;
        let buf = Arc::new(Mutex::new(Vec::<u8>::new()));
        let sink = buf.clone();
        let writer = move || Sink(sink.clone());
        let subscriber = tracing_subscriber::registry().with(log_layer(writer, Some(wanted)));
        tracing::subscriber::with_default(subscriber, || {
            tracing::trace!(target: "sea_orm::driver::sqlx_sqlite", "INSERT INTO account VALUES ('asel@mail.kz')");
            tracing::debug!(target: "sqlx::query", "INSERT INTO account VALUES ('77058058259')");
            tracing::info!(target: "sea_orm_migration::migrator", "Applying migration 'm0001_core'");
            tracing::warn!(target: "sqlx::pool::acquire", "a connection took 2 s");
            tracing::trace!(target: "refdesk::service::import", "our own trace");
        });
        buf.lock().map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default()
    }

    struct Sink(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl std::io::Write for Sink {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().map_err(|_| std::io::Error::other("poisoned"))?.extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn the_database_crates_never_log_below_warn_whatever_refdesk_log_says() {
        for wanted in ["trace", "sqlx=trace,sea_orm=trace,trace", "sqlx::query=trace,sea_orm::driver=trace,trace"] {
            let out = logged(wanted);
            assert!(out.contains("our own trace"), "{wanted}: {out}");
            assert!(out.contains("a connection took 2 s"), "{wanted}: {out}");
            for hidden in ["asel@mail.kz", "77058058259", "Applying migration"] {
                assert!(!out.contains(hidden), "{wanted}: {hidden} is in the log: {out}");
            }
        }
        // Unset or unreadable, REFDESK_LOG means info: no trace of our own either.
        assert!(!logged("[[").contains("our own trace"));
    }
}
