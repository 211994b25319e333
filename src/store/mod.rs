//! Storage through SeaORM: the connection with each backend's settings, write transactions, and
//! small helpers for the hand-written queries both backends share.
pub mod access;
pub mod audit;
pub mod bonuses;
pub mod bulk;
pub mod contracts;
pub mod entity;
pub mod errors;
pub mod figures;
pub mod files;
pub mod fraud;
pub mod import;
pub mod ledger;
mod nodelay;
pub mod partners;
pub mod payments;
pub mod payout_lines;
pub mod payouts;
pub mod program;
pub mod signals;
pub mod tree;

use chrono::{DateTime, TimeZone, Utc};
use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, QueryResult,
    SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait, Value,
};
use serde::de::DeserializeOwned;
use std::time::Duration;

/// Instants are stored as unix milliseconds.
pub fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

pub fn from_ms(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

/// How long refdesk waits, and how much an import writes at once, from the config's
/// `[database]` section.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Limits {
    /// The longest a write waits for the writers' queue (another writer, a lock on a row).
    pub lock_timeout: Duration,
    /// The longest connecting to a server may take.
    pub connect_timeout: Duration,
    /// The lines an import judges and writes in one transaction, holding the writers' queue:
    /// larger batches import faster, smaller ones let other writers in between them sooner. On
    /// a large program most index pages a batch touches are scattered (a client's parent, a
    /// payment's partner), and every commit writes each touched page to the WAL once: the fewer
    /// commits, the fewer rewrites. 50 000 lines (the default) hold about 50 MB in memory.
    pub import_batch: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { lock_timeout: Duration::from_secs(10), connect_timeout: Duration::from_secs(5), import_batch: 50_000 }
    }
}

impl Limits {
    /// The lines of one import batch: never none, whoever built the limits (the config
    /// refuses fewer than 100; zero would read nothing and call it done).
    pub fn batch_lines(&self) -> usize {
        self.import_batch.max(1)
    }
}

/// An open, migrated database.
#[derive(Clone, Debug)]
pub struct Store {
    pub db: DatabaseConnection,
    pub url: String,
    pub limits: Limits,
    /// Open for reading only: the SQLite file (or its directory) may not be written, or the
    /// PostgreSQL role may not change the tables. Reading works; a write is refused at once.
    pub read_only: bool,
}

impl Store {
    /// Connects (creating a missing SQLite file and its directory) and applies the migrations,
    /// waiting as long as the default [`Limits`].
    pub async fn open(url: &str) -> Result<Store, DbErr> {
        Store::open_with(url, Limits::default()).await
    }

    /// [`Store::open`] with the given limits. A SQLite file refdesk may not write is opened
    /// read-only; migrations run only when some are pending (a reader without write access
    /// could not apply them, and a current database needs none).
    pub async fn open_with(url: &str, limits: Limits) -> Result<Store, DbErr> {
        let mut url = normalize_url(url);
        errors::set_place(&describe_place(&url), &url);
        let mut read_only = false;
        if let Some(path) = sqlite_path(&url) {
            let path = std::path::Path::new(&path);
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty() && !d.exists()) {
                std::fs::create_dir_all(dir).map_err(|e| {
                    tracing::warn!(error = %e, dir = %dir.display(), "cannot create the database's directory");
                    // The sentence names the directory that refused: the nearest one that exists.
                    errors::no_dir(dir.ancestors().find(|a| a.is_dir()).unwrap_or(dir))
                })?;
            }
            if files::not_writable(path) {
                read_only = true;
                url = with_mode(&url, "ro");
                // A reader of a WAL database needs its -shm; in a directory nobody may write it
                // cannot be made, and without a -wal nobody can change the file either, so
                // SQLite may read it as immutable.
                if files::no_room_for_shm(path) {
                    url.push_str("&immutable=true");
                }
            }
            files::warn_if_shared(path);
        }
        // Several readers beside one writer: WAL lets the console read while an import writes.
        let db = connect(&url, Use::Shared, limits, read_only).await?;
        let pending = Migrator::get_pending_migrations_read_only(&db).await?;
        if !read_only && db.get_database_backend() == DbBackend::Postgres {
            read_only = role_cannot_write(&db).await?;
        }
        if !pending.is_empty() {
            if read_only {
                return Err(errors::needs_upgrade());
            }
            Migrator::up(&db, None).await?;
        }
        Ok(Store { db, url, limits, read_only })
    }

    /// The same database on a connection of its own, for a bulk writer (an import). A SQLite
    /// connection keeps its page cache from one transaction to the next only if no other
    /// connection wrote in between, and a pool hands out its connections in turn: through the
    /// pool, every batch would start cold. This one is tuned for large batches:
    /// - a page cache of up to 1 GiB, so that the indexes a batch touches at random stay in memory;
    /// - a checkpoint only every ~400 MB of WAL, so that a page rewritten by several batches is
    ///   copied into the database once ([`Store::checkpoint`] finishes the job);
    /// - no foreign-key lookups (a sixth of the import's time): the importer creates every parent
    ///   it refers to, or has read it in the same write transaction, and nothing is ever deleted.
    ///   The same importer runs with the constraints enforced on PostgreSQL, and the model test
    ///   runs `PRAGMA foreign_key_check` after every step.
    ///
    /// PostgreSQL keeps its cache in the server, and an in-memory SQLite database exists only on
    /// the connections that share it: both keep the shared store.
    pub async fn bulk_writer(&self) -> Result<Store, DbErr> {
        let in_memory = self.url.contains("memory") || sqlite_path(&self.url).is_none();
        if self.backend() != DbBackend::Sqlite || in_memory {
            return Ok(self.clone());
        }
        let db = connect(&self.url, Use::BulkWriter, self.limits, self.read_only).await?;
        Ok(Store { db, ..self.clone() })
    }

    /// The same database on a connection of its own for reads that go through most of it (`fraud
    /// scan`): the file mapped into memory, so that pages are read where the OS caches them
    /// instead of copied through a 4 MB page cache one system call each (a scan of 1 000 000
    /// clients took 40 % longer without). Not on the shared pool: the console's resident memory
    /// would count every mapped page it read. PostgreSQL and an in-memory SQLite database keep
    /// the shared store.
    pub async fn large_reader(&self) -> Result<Store, DbErr> {
        let in_memory = self.url.contains("memory") || sqlite_path(&self.url).is_none();
        if self.backend() != DbBackend::Sqlite || in_memory {
            return Ok(self.clone());
        }
        let db = connect(&self.url, Use::LargeReads, self.limits, self.read_only).await?;
        Ok(Store { db, ..self.clone() })
    }

    /// Copies the WAL into the database file as far as readers allow (SQLite; a no-op elsewhere).
    pub async fn checkpoint(&self) -> Result<(), DbErr> {
        if self.backend() == DbBackend::Sqlite {
            query_all(&self.db, "PRAGMA wal_checkpoint(PASSIVE)", vec![]).await?;
        }
        Ok(())
    }

    pub fn backend(&self) -> DbBackend {
        self.db.get_database_backend()
    }

    /// A write transaction: IMMEDIATE on SQLite, so that two writers queue at BEGIN instead of
    /// failing at their first write; on PostgreSQL the same queue through an advisory lock.
    pub async fn begin_write(&self) -> Result<DatabaseTransaction, DbErr> {
        // Refused before anything waits: the database would refuse it at the first write.
        if self.read_only {
            return Err(errors::read_only());
        }
        match self.backend() {
            DbBackend::Sqlite => {
                self.db
                    .begin_with_options(TransactionOptions {
                        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                        ..Default::default()
                    })
                    .await
            }
            _ => {
                // Writers queue here, as on SQLite: a change takes the writers' lock first, so
                // two changes never wait on each other's rows (no deadlocks, one audit chain).
                let txn = self.db.begin().await?;
                lock_writers(&txn, LOCK_WRITE).await?;
                Ok(txn)
            }
        }
    }

    /// A short description for the status line: the file, or the server and database.
    pub fn describe(&self) -> String {
        describe_url(&self.url)
    }
}

/// What a pool is for, which sets its size and, on SQLite, its settings.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Use {
    /// The program's pool: several readers beside one writer (WAL lets the console read while
    /// an import writes).
    Shared,
    /// One connection for an import's batches ([`Store::bulk_writer`]). Its settings are part
    /// of the pool's options, so that a connection the pool opens again has them too.
    BulkWriter,
    /// One connection that maps the file, for reads of most of it ([`Store::large_reader`]).
    LargeReads,
}

/// A pool with each backend's settings.
async fn connect(url: &str, purpose: Use, limits: Limits, read_only: bool) -> Result<DatabaseConnection, DbErr> {
    let mut opts = ConnectOptions::new(url.to_string());
    opts.sqlx_logging(false).connect_timeout(limits.connect_timeout);
    if url.starts_with("sqlite:") {
        let bulk = purpose == Use::BulkWriter;
        // SQLite's default ceiling; only the pages a read touches become resident.
        let mmap = if purpose == Use::LargeReads { "2147418112" } else { "0" };
        opts.max_connections(if purpose == Use::Shared { 4 } else { 1 }).min_connections(1);
        opts.map_sqlx_sqlite_opts(move |o| {
            // A reader of a file it may not write leaves the journal mode as the file has it:
            // setting it is a write.
            let o = if read_only { o.read_only(true) } else { o.journal_mode(SqliteJournalMode::Wal) };
            o.synchronous(SqliteSynchronous::Normal)
                // A writer waits for the one write lock at most this long (BEGIN IMMEDIATE).
                .busy_timeout(limits.lock_timeout)
                .foreign_keys(!bulk)
                .create_if_missing(!read_only)
                // The console's pool holds a few connections for as long as it runs: 16 MB of
                // pages each keeps its pages of a large program in memory without the console
                // growing to hundreds of MB (an import's connection is the one that needs more).
                .pragma("cache_size", if bulk { "-1048576" } else { "-4096" })
                // Checkpoint every ~40 MB of WAL rather than every 4 MB (~400 MB for an import):
                // writes touch index pages at random, and each checkpoint rewrites them.
                .pragma("wal_autocheckpoint", if bulk { "100000" } else { "10000" })
                // A statement that inserts many rows keeps a journal of the pages it touched, to
                // undo itself on error; in a file that costs a write per page.
                .pragma("temp_store", "memory")
                .pragma("mmap_size", mmap)
                // Bulk statements come in a few sizes per table (store::bulk): keep them all
                // prepared, and let a long result run ahead of its reader.
                .statement_cache_capacity(400)
                .row_buffer_size(1024)
        });
    } else {
        opts.max_connections(8);
        let server = std::sync::Arc::new(nodelay::server_addrs(url).await);
        // Every wait for a lock (the writers' advisory lock, a row another session holds) ends
        // after lock_timeout: a startup parameter, so every connection of every pool has it
        // without a round trip. The advisory lock's wait also sets statement_timeout
        // ([`lock_writers`]); a statement_timeout for the whole session would cut a long read.
        let lock_ms = format!("{}ms", limits.lock_timeout.as_millis().max(1));
        // TLS to a server on this machine protects nothing and costs each connection about
        // 50 ms: its handshake runs before TCP_NODELAY can be set (see `nodelay`), so its small
        // writes wait for delayed ACKs. Unless the URL or PGSSLMODE asks for a mode, a loopback
        // server is spoken to in the clear; any other keeps the driver's default (`prefer`).
        let local = !server.is_empty() && server.iter().all(|a| a.ip().is_loopback());
        let clear = local && !url.contains("sslmode=") && std::env::var_os("PGSSLMODE").is_none();
        opts.map_sqlx_postgres_opts(move |o| {
            let o = o.options([("lock_timeout", lock_ms.as_str())]);
            if clear { o.ssl_mode(sea_orm::sqlx::postgres::PgSslMode::Disable) } else { o }
        });
        opts.map_sqlx_postgres_pool_opts(move |o| {
            let server = server.clone();
            o.after_connect(move |_, _| {
                let server = server.clone();
                Box::pin(async move {
                    nodelay::set_on_connections_to(&server);
                    Ok(())
                })
            })
        });
    }
    Database::connect(opts).await
}

/// Whether `url` names a database refdesk can use, in one sentence if not.
pub fn check_url(url: &str) -> Result<(), String> {
    let url = url.trim();
    if url.is_empty() {
        return Err("--db is empty: give a SQLite file's path or a postgres:// URL".into());
    }
    let known = ["sqlite:", "postgres://", "postgresql://"].iter().any(|s| url.starts_with(s));
    if url.contains("://") && !known {
        return Err(format!(
            "--db {}: refdesk keeps its data in SQLite (a file's path, or sqlite://PATH) or in PostgreSQL \
             (postgres://…)",
            redact_url(url)
        ));
    }
    Ok(())
}

/// `sqlite:PATH` forms get `?mode=rwc` so that a missing file is created; a bare path is a SQLite
/// file.
pub fn normalize_url(url: &str) -> String {
    // A bare path, as an operator types it first, names a SQLite file.
    if !url.contains("://") && !url.starts_with("sqlite:") {
        return normalize_url(&format!("sqlite://{url}"));
    }
    if url.starts_with("sqlite:") && !url.contains("mode=") {
        let sep = if url.contains('?') { '&' } else { '?' };
        format!("{url}{sep}mode=rwc")
    } else {
        url.to_string()
    }
}

pub fn sqlite_path(url: &str) -> Option<String> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then(|| path.to_string())
}

/// Where `url` holds a password: after the user in `scheme://user:PASSWORD@host`, and in a
/// `password=` parameter (which the PostgreSQL driver reads too). The user part ends at the
/// last `@` before the parameters, so that a password with an unescaped `/` or `@` is still
/// found; a SQLite file has none.
fn password_spans(url: &str) -> Vec<std::ops::Range<usize>> {
    let mut spans = Vec::new();
    let Some(start) = url.find("://").map(|i| i + 3).filter(|_| !url.starts_with("sqlite:")) else {
        return spans;
    };
    let params = url[start..].find('?').map_or(url.len(), |i| start + i);
    if let Some(at) = url[start..params].rfind('@').map(|i| start + i)
        && let Some(colon) = url[start..at].find(':').map(|i| start + i)
        && colon + 1 < at
    {
        spans.push(colon + 1..at);
    }
    let mut pos = params + 1;
    for param in url.get(pos..).unwrap_or("").split('&') {
        if let Some((key, value)) = param.split_once('=')
            && key.eq_ignore_ascii_case("password")
            && !value.is_empty()
        {
            let from = pos + key.len() + 1;
            spans.push(from..from + value.len());
        }
        pos += param.len() + 1;
    }
    spans
}

/// The passwords `url` holds, as written in it.
pub fn passwords(url: &str) -> Vec<String> {
    password_spans(url).into_iter().filter_map(|r| url.get(r).map(str::to_string)).collect()
}

/// Whether a database URL holds a password.
pub fn url_has_password(url: &str) -> bool {
    !password_spans(url).is_empty()
}

/// `url` with its password shown as `***` (`postgres://user:***@host/db`), for messages.
pub fn redact_url(url: &str) -> String {
    let mut out = url.to_string();
    for span in password_spans(url).into_iter().rev() {
        out.replace_range(span, "***");
    }
    out
}

pub fn describe_url(url: &str) -> String {
    let url = &normalize_url(url);
    if let Some(p) = sqlite_path(url) {
        return format!("sqlite {p}");
    }
    // Never show a password.
    let no_scheme = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let host = no_scheme.rsplit_once('@').map(|(_, h)| h).unwrap_or(no_scheme);
    format!("postgres {}", host.split('?').next().unwrap_or(host))
}

/// A hand-written statement with `$1, $2, …` placeholders, rewritten to `?1, ?2, …` for SQLite.
pub fn stmt(backend: DbBackend, sql: &str, values: Vec<Value>) -> Statement {
    let sql = if backend == DbBackend::Sqlite { sql.replace('$', "?") } else { sql.to_string() };
    Statement::from_sql_and_values(backend, sql, values)
}

pub async fn query_all<C: ConnectionTrait>(c: &C, sql: &str, values: Vec<Value>) -> Result<Vec<QueryResult>, DbErr> {
    c.query_all_raw(stmt(c.get_database_backend(), sql, values)).await
}

pub async fn query_one<C: ConnectionTrait>(c: &C, sql: &str, values: Vec<Value>) -> Result<Option<QueryResult>, DbErr> {
    c.query_one_raw(stmt(c.get_database_backend(), sql, values)).await
}

pub async fn execute<C: ConnectionTrait>(c: &C, sql: &str, values: Vec<Value>) -> Result<u64, DbErr> {
    Ok(c.execute_raw(stmt(c.get_database_backend(), sql, values)).await?.rows_affected())
}

/// The rows of `SELECT {cols} {from}` (in `order` when given), as one JSON array the database
/// builds and one parse reads: through the driver each value of each row is a copy and an
/// allocation, which for tens of thousands of rows costs more than the query. `what` names
/// them in an error.
pub async fn json_rows<T: DeserializeOwned, C: ConnectionTrait>(
    c: &C,
    cols: &str,
    order: Option<&str>,
    from: &str,
    values: Vec<Value>,
    what: &str,
) -> Result<Vec<T>, DbErr> {
    let order = order.map(|o| format!(" ORDER BY {o}")).unwrap_or_default();
    let sql = match c.get_database_backend() {
        DbBackend::Postgres => format!("SELECT COALESCE(json_agg(json_build_array({cols}){order})::text, '[]') {from}"),
        _ => format!("SELECT json_group_array(json_array({cols}){order}) {from}"),
    };
    let text: String = match query_one(c, &sql, values).await? {
        Some(r) => r.try_get_by_index(0)?,
        None => "[]".into(),
    };
    serde_json::from_str(&text)
        .map_err(|e| DbErr::Custom(format!("{what}, as the database gave them, do not read: {e}")))
}

/// A single number (`COUNT(*)`, a sum), 0 when there is no row.
pub async fn count<C: ConnectionTrait>(c: &C, sql: &str, values: Vec<Value>) -> Result<i64, DbErr> {
    Ok(match query_one(c, sql, values).await? {
        Some(r) => r.try_get_by_index(0)?,
        None => 0,
    })
}

/// The `LIKE` pattern (used with [`ESCAPE`]) for `text` anywhere in a column; the text's own `%`,
/// `_` and `\` match themselves. Always bound as a parameter.
pub fn contains(text: &str) -> String {
    let mut p = String::from("%");
    for ch in text.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(ch);
    }
    p.push('%');
    p
}

/// What follows `LIKE $n` so that [`contains`]' escapes hold on both backends.
pub const ESCAPE: &str = r"ESCAPE '\'";

/// `$k, $k+1, …` for an IN list starting at placeholder `k`.
pub fn placeholders(start: usize, n: usize) -> String {
    (start..start + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(",")
}

/// Serialises writers that must not interleave (the audit chain, imports) on PostgreSQL;
/// SQLite's IMMEDIATE transaction already holds the one write lock.
///
/// The wait is bounded by the session's lock_timeout (set at connection), and by a
/// statement_timeout of the same length for this one statement. When the lock is taken, the
/// holder's start is looked up first, while this transaction can still ask, so that the
/// sentence can say since when the other change has been written.
pub async fn lock_writers<C: ConnectionTrait>(c: &C, key: i64) -> Result<(), DbErr> {
    if c.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    let free = query_one(c, "SELECT pg_try_advisory_xact_lock($1)", vec![key.into()]).await?;
    if free.and_then(|r| r.try_get_by_index::<bool>(0).ok()) == Some(true) {
        return Ok(());
    }
    let since = holder_since(c, key).await;
    execute(c, "SELECT set_config('statement_timeout', current_setting('lock_timeout'), true)", vec![]).await?;
    match query_one(c, "SELECT pg_advisory_xact_lock($1)", vec![key.into()]).await {
        Ok(_) => {}
        Err(e) => {
            tracing::warn!(error = %e, "the writers' lock was not free in time");
            return Err(errors::busy(since));
        }
    }
    execute(c, "SET LOCAL statement_timeout TO DEFAULT", vec![]).await?;
    Ok(())
}

/// When the transaction holding advisory lock `key` began, if the server shows it (another
/// role's sessions are hidden from a role without pg_read_all_stats).
async fn holder_since<C: ConnectionTrait>(c: &C, key: i64) -> Option<DateTime<Utc>> {
    // A bigint key is held as classid (its high 32 bits) and objid (its low 32), objsubid 1.
    let sql = "SELECT (EXTRACT(EPOCH FROM a.xact_start) * 1000)::bigint FROM pg_locks l \
               JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted \
               AND l.classid::bigint = $1 AND l.objid::bigint = $2 AND l.objsubid = 1 AND a.xact_start IS NOT NULL";
    let row = query_one(c, sql, vec![(key >> 32).into(), (key & 0xffff_ffff).into()]).await.ok()??;
    row.try_get_by_index::<i64>(0).ok().map(from_ms)
}

/// Whether the PostgreSQL role may not change refdesk's tables (a reporting role, or a server in
/// recovery): checked once at open, so that the console can say so and a write is refused at
/// once.
async fn role_cannot_write<C: ConnectionTrait>(c: &C) -> Result<bool, DbErr> {
    let sql = "SELECT current_setting('transaction_read_only') = 'on' \
               OR (to_regclass('audit_log') IS NOT NULL AND NOT has_table_privilege('audit_log', 'INSERT'))";
    Ok(query_one(c, sql, vec![]).await?.and_then(|r| r.try_get_by_index::<bool>(0).ok()).unwrap_or(false))
}

/// `url` with its `mode=` parameter set to `mode`.
fn with_mode(url: &str, mode: &str) -> String {
    let (base, params) = url.split_once('?').unwrap_or((url, ""));
    let mut kept: Vec<String> =
        params.split('&').filter(|p| !p.is_empty() && !p.starts_with("mode=")).map(str::to_string).collect();
    kept.push(format!("mode={mode}"));
    format!("{base}?{}", kept.join("&"))
}

/// The database as a sentence names it: the file, or `host:port/db` (never a password).
fn describe_place(url: &str) -> String {
    match sqlite_path(url) {
        Some(p) => p,
        None => describe_url(url).trim_start_matches("postgres ").to_string(),
    }
}

/// The advisory-lock key of refdesk's writers ("refdesk" in ASCII).
pub const LOCK_WRITE: i64 = 0x0072_6566_6465_736b;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_like_pattern_matches_percent_and_underscore_as_themselves() {
        assert_eq!(contains("dana78"), "%dana78%");
        assert_eq!(contains("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }

    #[test]
    fn a_bare_path_is_a_sqlite_file() {
        assert_eq!(normalize_url("/tmp/big.db"), "sqlite:///tmp/big.db?mode=rwc");
        assert_eq!(normalize_url("big.db"), "sqlite://big.db?mode=rwc");
        assert_eq!(normalize_url("sqlite://x.db"), "sqlite://x.db?mode=rwc");
        assert_eq!(normalize_url("sqlite://x.db?mode=ro"), "sqlite://x.db?mode=ro");
        assert_eq!(normalize_url("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(describe_url("/tmp/big.db"), "sqlite /tmp/big.db");
        assert_eq!(describe_url("postgres://u:secret@h:5432/db?sslmode=require"), "postgres h:5432/db");
    }

    #[test]
    fn an_unusable_db_is_named_in_one_sentence() {
        assert!(check_url("/tmp/x.db").is_ok() && check_url("postgres://u@h/db").is_ok());
        assert_eq!(check_url(" "), Err("--db is empty: give a SQLite file's path or a postgres:// URL".into()));
        let mysql = check_url("mysql://u@h/x").unwrap_err();
        assert!(mysql.starts_with("--db mysql://u@h/x: refdesk keeps its data in SQLite"), "{mysql}");
        let mysql = check_url("mysql://u:secret@h/x").unwrap_err();
        assert!(mysql.starts_with("--db mysql://u:***@h/x: refdesk keeps"), "{mysql}");
    }

    #[test]
    fn a_password_is_found_wherever_the_url_holds_it_and_never_shown() {
        let cases = [
            ("postgres://refdesk:s3cret@db:5432/refdesk", Some("postgres://refdesk:***@db:5432/refdesk")),
            ("postgresql://u:p/w@x@db/refdesk?sslmode=require", Some("postgresql://u:***@db/refdesk?sslmode=require")),
            (
                "postgres://u@db/refdesk?sslmode=require&password=s3cret",
                Some("postgres://u@db/refdesk?sslmode=require&password=***"),
            ),
            ("postgres://u:@db/refdesk", None),
            ("postgres://u@db/refdesk", None),
            ("postgres://db/refdesk?user=u", None),
            ("sqlite:///srv/a:b@c/refdesk.db?mode=rwc", None),
            ("/srv/refdesk.db", None),
        ];
        for (url, redacted) in cases {
            assert_eq!(url_has_password(url), redacted.is_some(), "{url}");
            assert_eq!(redact_url(url), redacted.unwrap_or(url), "{url}");
        }
    }
}
