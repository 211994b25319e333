//! Use cases. Each state change is one transaction with one audit entry; reads return plain
//! data for the CLI and the console alike.
pub mod bonuses;
pub mod contracts;
pub mod dashboard;
pub mod import;
pub mod operators;
pub mod partners;
pub mod payments;

use crate::domain::Terms;
use crate::store::Store;
use chrono::{DateTime, SecondsFormat, TimeZone, Utc};
use sea_orm::DbErr;

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

/// Why a service call did not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The input names nothing that exists or is malformed (exit 2).
    #[error("{0}")]
    Invalid(String),
    /// The request was understood and refused by a rule or by the current state (exit 1).
    #[error("{0}")]
    Refused(String),
    /// A bonus cannot be approved or voided now (exit 1; an unknown id, exit 2).
    #[error("{0}")]
    Bonus(#[from] bonuses::Refusal),
    #[error("database error: {0}")]
    Db(#[from] DbErr),
}

impl ServiceError {
    pub fn exit_code(&self) -> i32 {
        match self {
            ServiceError::Invalid(_) => 2,
            ServiceError::Refused(_) => 1,
            ServiceError::Bonus(bonuses::Refusal::NoSuchBonus(_)) => 2,
            ServiceError::Bonus(_) => 1,
            ServiceError::Db(_) => 1,
        }
    }
}

pub type Result<T> = std::result::Result<T, ServiceError>;

pub fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

pub fn from_ms(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

/// RFC 3339 in the program's offset, as machine output shows instants.
pub fn rfc3339(terms: &Terms, ms: i64) -> String {
    terms.local(from_ms(ms)).to_rfc3339_opts(SecondsFormat::Secs, false)
}
