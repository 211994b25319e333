//! SeaORM entities, one per table of the migration.
pub mod account;
pub mod audit_log;
pub mod bonus;
pub mod contract;
pub mod event;
pub mod fraud_case;
pub mod ledger_entry;
pub mod operator;
pub mod partner;
pub mod payment;
pub mod promo_code;
pub mod refund;
