//! The program's rules, free of storage and terminal: money, terms, identity, codes, events and
//! the bonus lifecycle.
pub mod access;
pub mod audit;
pub mod bank_file;
pub mod bonus;
pub mod codes;
pub mod event;
pub mod fraud;
pub mod identity;
pub mod ledger;
pub mod money;
pub mod partner;
pub mod payout;
pub mod rules;
pub mod signals;
pub mod terms;
pub mod text;
pub mod tree;

pub use money::{Lang, Money};
pub use terms::Terms;
