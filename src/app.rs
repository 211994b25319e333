//! Start-up: the settings every command shares (database, terms, operator, clock, language) and
//! the log file. Both the binary and the tests build a [`Ctx`] through here.
use crate::domain::{Lang, Terms};
use crate::service::{Clock, Ctx};
use crate::store::Store;
use chrono::{DateTime, Utc};
use directories::ProjectDirs;
use std::path::PathBuf;

/// When the process started, for the frame trace's first line (set first thing in `main`).
pub static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

pub fn dirs() -> Option<ProjectDirs> {
    ProjectDirs::from("kz", "Atlantys", "refdesk")
}

pub fn default_db_url() -> String {
    let dir = dirs().map(|d| d.data_dir().to_path_buf()).unwrap_or_else(|| PathBuf::from("."));
    format!("sqlite://{}?mode=rwc", dir.join("refdesk.db").display())
}

/// The terms: the given file, else `refdesk.toml` in the config dir, else the built-in ones.
pub fn load_terms(path: Option<&str>) -> Result<Terms, String> {
    let file = match path {
        Some(p) => Some(PathBuf::from(p)),
        None => dirs().map(|d| d.config_dir().join("refdesk.toml")).filter(|p| p.exists()),
    };
    match file {
        Some(f) => {
            let text = std::fs::read_to_string(&f).map_err(|e| format!("{}: cannot read: {e}", f.display()))?;
            Terms::from_toml(&text).map_err(|e| format!("{}: {e}", f.display()))
        }
        None => Ok(Terms::defaults()),
    }
}

pub fn parse_now(s: Option<&str>) -> Result<Clock, String> {
    match s {
        None => Ok(Clock::System),
        Some(t) => DateTime::parse_from_rfc3339(t.trim())
            .map(|d| Clock::Fixed(d.with_timezone(&Utc)))
            .map_err(|_| format!("--now: {t:?} is not an RFC 3339 time with an offset (2026-10-20T10:00:00+05:00)")),
    }
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

pub async fn context(db: &str, terms: Terms, operator: String, clock: Clock) -> Result<Ctx, String> {
    let store = Store::open(db)
        .await
        .map_err(|e| format!("cannot open the database {}: {e}", crate::store::describe_url(db)))?;
    Ok(Ctx { store, terms, operator, clock })
}

/// Logs go to a file in the data dir: nothing may print while the console is up.
pub fn init_logging() -> Option<tracing_appender::non_blocking::WorkerGuard> {
    let dir = dirs().map(|d| d.data_dir().join("logs"))?;
    std::fs::create_dir_all(&dir).ok()?;
    let appender = tracing_appender::rolling::never(&dir, "refdesk.log");
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = tracing_subscriber::EnvFilter::try_from_env("REFDESK_LOG")
        .unwrap_or_else(|_| "info,sqlx=warn,sea_orm=warn".into());
    tracing_subscriber::fmt().with_writer(writer).with_ansi(false).with_env_filter(filter).try_init().ok()?;
    Some(guard)
}
