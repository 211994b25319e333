//! Reading the audit log: its entries by filter, and the check of its hash chain.
use super::{Ctx, Field, Problem, Result, ServiceError, ms};
use crate::domain::audit::{Break, Entry, Verifier};
use crate::store::audit::{self as store, Filter};
use chrono::{DateTime, NaiveDate, Utc};

/// The filters of `audit list` and the audit screen, as typed: dates are the program's local
/// days (`--to` includes its day), or RFC 3339 instants.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    pub operator: Option<String>,
    pub action: Option<String>,
    pub subject: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

fn instant(ctx: &Ctx, field: Field, text: &str, end_of_day: bool) -> Result<i64> {
    let t = text.trim();
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        let day = if end_of_day { d.succ_opt().unwrap_or(d) } else { d };
        let start = day.and_hms_opt(0, 0, 0).unwrap_or_default();
        let local = start.and_local_timezone(ctx.terms.timezone).single();
        return local
            .map(|l| ms(l.with_timezone(&Utc)))
            .ok_or_else(|| ServiceError::invalid(field, Problem::NotDate(t.to_string())));
    }
    DateTime::parse_from_rfc3339(t)
        .map(|d| ms(d.with_timezone(&Utc)))
        .map_err(|_| ServiceError::invalid(field, Problem::NotDate(t.to_string())))
}

impl Query {
    pub fn filter(&self, ctx: &Ctx) -> Result<Filter> {
        let text = |v: &Option<String>| v.as_ref().map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        Ok(Filter {
            operator: text(&self.operator),
            action: text(&self.action),
            subject: text(&self.subject),
            from: text(&self.from).map(|f| instant(ctx, Field::From, &f, false)).transpose()?,
            to: text(&self.to).map(|t| instant(ctx, Field::To, &t, true)).transpose()?,
        })
    }
}

/// Entries of the query: oldest first after the entry `after`, or newest first before `before`.
pub async fn list(ctx: &Ctx, q: &Query, newest_first: bool, bound: Option<i64>, limit: u64) -> Result<Vec<Entry>> {
    let filter = q.filter(ctx)?;
    Ok(store::list(&ctx.store.db, &filter, newest_first, bound, limit).await?)
}

pub async fn one(ctx: &Ctx, id: i64) -> Result<Option<Entry>> {
    Ok(store::one(&ctx.store.db, id).await?)
}

/// The chain's head: the last entry's id and hash as kept beside the log.
pub async fn head(ctx: &Ctx) -> Result<Option<(i64, String)>> {
    Ok(store::head(&ctx.store.db).await?)
}

/// What the check found: the entries and the head hash, or the first break.
pub type Verified = std::result::Result<(i64, String), Break>;

/// Recomputes the whole chain, a page at a time, in one read transaction (a change written
/// meanwhile is not half-seen).
pub async fn verify(ctx: &Ctx) -> Result<Verified> {
    use sea_orm::{AccessMode, DbBackend, IsolationLevel, TransactionTrait};
    // One snapshot for every page and the head: on PostgreSQL a statement of READ COMMITTED
    // would see an entry committed after the pages before it (a SQLite read transaction keeps
    // its snapshot from its first read).
    let txn = match ctx.store.backend() {
        DbBackend::Postgres => {
            ctx.store.db.begin_with_config(Some(IsolationLevel::RepeatableRead), Some(AccessMode::ReadOnly)).await?
        }
        _ => ctx.store.db.begin().await?,
    };
    let mut v = Verifier::new(store::head(&txn).await?);
    let mut after = None;
    loop {
        let page = store::page(&txn, after, 5000).await?;
        let Some(last) = page.last() else { break };
        after = Some(match last {
            Ok(e) => e.id,
            Err(id) => *id,
        });
        for row in &page {
            let checked = match row {
                Ok(e) => v.next(e),
                Err(id) => Err(v.unreadable(*id)),
            };
            if let Err(b) = checked {
                return Ok(Err(b));
            }
        }
    }
    Ok(v.finish())
}
