//! SeaORM entities of the tables the store reads or writes as models (the others, such as the
//! payout runs and the abuse cases, are read by their own typed queries in store/).
pub mod account;
pub mod audit_log;
pub mod bonus;
pub mod contract;
pub mod event;
pub mod ledger_entry;
pub mod operator;
pub mod partner;
pub mod payment;
pub mod promo_code;
pub mod refund;
