//! Indexes for `fraud scan` over a large program (issue 8). The scan reads each partner's clients
//! in registration order with the identities it compares them on (a registration burst, a client
//! sharing its partner's email, phone or IIN), and each partner's payments with their client and
//! refund (the refund rate), from the indexes alone instead of a lookup of the row for each of a
//! million clients and payments. Each index replaces the narrower one of the same name (m0001),
//! whose lookups it still answers by its first columns, so an import writes as many index
//! entries as before (wider ones).
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (name, table, columns before, columns after).
const INDEXES: [(&str, &str, &str, &str); 2] = [
    ("ix_account_parent", "account", "parent_id", "parent_id, registered_at, email_norm, phone_norm, iin_norm"),
    ("ix_payment_partner", "payment", "partner_id, paid_at", "partner_id, paid_at, account_id, refunded"),
];

async fn set(m: &SchemaManager<'_>, after: bool) -> Result<(), DbErr> {
    let db = m.get_connection();
    for (name, table, before, wide) in INDEXES {
        let cols = if after { wide } else { before };
        db.execute_unprepared(&format!("DROP INDEX IF EXISTS {name}")).await?;
        db.execute_unprepared(&format!("CREATE INDEX {name} ON {table} ({cols})")).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// In one transaction on SQLite too (by default only on PostgreSQL): each statement would
    /// otherwise take any connection of the pool, and an index dropped through one may still be
    /// there for another.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        set(m, true).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        set(m, false).await
    }
}
