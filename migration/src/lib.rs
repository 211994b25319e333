//! The one source of refdesk's schema. Money is BIGINT tiyn; instants are BIGINT unix
//! milliseconds (UTC); rates are decimal text. Uniqueness lives here, not only in code.
pub use sea_orm_migration::prelude::*;

mod m0001_core;
mod m0002_append_only;
mod m0003_figures;
mod m0004_payouts;
mod m0005_available;
mod m0006_scan;
mod m0007_access;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_core::Migration),
            Box::new(m0002_append_only::Migration),
            Box::new(m0003_figures::Migration),
            Box::new(m0004_payouts::Migration),
            Box::new(m0005_available::Migration),
            Box::new(m0006_scan::Migration),
            Box::new(m0007_access::Migration),
        ]
    }
}
