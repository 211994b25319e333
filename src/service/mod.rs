//! Use cases. Each state change is one transaction with one audit entry; reads return plain
//! data for the CLI and the console alike.
pub mod access;
pub mod audit;
pub mod bonuses;
pub mod contracts;
pub mod dashboard;
pub mod error;
pub mod export;
pub mod fraud;
pub mod fraud_scan;
pub mod import;
pub mod operators;
pub mod partners;
pub mod payments;
pub mod payout_files;
pub mod payout_views;
pub mod payouts;
pub mod tree;

use crate::domain::Terms;
use crate::store::Store;
use chrono::{DateTime, SecondsFormat, Utc};

/// The clock: fixed by `--now` (tests, replays, what-if) or the system's.
#[derive(Clone, Copy, Debug)]
pub enum Clock {
    Fixed(DateTime<Utc>),
    System,
}

impl Clock {
    pub fn now(self) -> DateTime<Utc> {
        match self {
            Clock::Fixed(t) => t,
            Clock::System => Utc::now(),
        }
    }
}

/// What every service call needs: where the data is, the program's terms, who acts, and when.
#[derive(Clone, Debug)]
pub struct Ctx {
    pub store: Store,
    pub terms: Terms,
    pub operator: String,
    pub clock: Clock,
}

impl Ctx {
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}

pub use crate::store::{from_ms, ms};
pub use error::{Conflict, Field, Missing, Names, Problem, Purpose, Result, ServiceError};

/// RFC 3339 in the program's offset, as machine output shows instants.
pub fn rfc3339(terms: &Terms, ms: i64) -> String {
    terms.local(from_ms(ms)).to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// An operator's text (a name, a reason, a contract number) under the domain's one text policy,
/// the one the import applies to the platform's: at most 500 characters, no NUL, nothing that
/// cannot be shown.
pub fn policed(field: Field, s: &str) -> Result<String> {
    crate::domain::text::text(s, crate::domain::text::TEXT_MAX)
        .map_err(|e| ServiceError::invalid(field, Problem::Text(e)))
}
