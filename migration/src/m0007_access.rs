//! Who is acting (issue 9): the database's mode, fixed once by `init`; operators that can be
//! disabled (never deleted: the audit log names them); the role and the mode in every audit
//! entry; the head of the audit chain kept beside it, so that removing the last entry is seen;
//! indexes for `audit list`'s filters.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: [&str; 10] = [
    // One row per setting; `mode` is written once and never changed.
    "CREATE TABLE setting (key VARCHAR(64) NOT NULL PRIMARY KEY, value TEXT NOT NULL)",
    "ALTER TABLE operator ADD COLUMN disabled_at BIGINT NULL",
    "ALTER TABLE operator ADD COLUMN disabled_by VARCHAR(64) NULL",
    "ALTER TABLE audit_log ADD COLUMN role VARCHAR(16) NOT NULL DEFAULT ''",
    "ALTER TABLE audit_log ADD COLUMN sandbox BOOLEAN NOT NULL DEFAULT FALSE",
    // The last entry's id and hash (one row, id 1), updated in the entry's own transaction.
    "CREATE TABLE audit_head (id INTEGER NOT NULL PRIMARY KEY, last_id BIGINT NOT NULL, hash VARCHAR(64) NOT NULL)",
    "CREATE INDEX ix_audit_operator ON audit_log (operator, id)",
    "CREATE INDEX ix_audit_action ON audit_log (action, id)",
    "CREATE INDEX ix_audit_at ON audit_log (at)",
    "INSERT INTO audit_head (id, last_id, hash) \
     SELECT 1, id, hash FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        for sql in UP {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        for sql in [
            "DROP INDEX IF EXISTS ix_audit_operator",
            "DROP INDEX IF EXISTS ix_audit_action",
            "DROP INDEX IF EXISTS ix_audit_at",
            "DROP TABLE IF EXISTS audit_head",
            "ALTER TABLE audit_log DROP COLUMN sandbox",
            "ALTER TABLE audit_log DROP COLUMN role",
            "ALTER TABLE operator DROP COLUMN disabled_by",
            "ALTER TABLE operator DROP COLUMN disabled_at",
            "DROP TABLE IF EXISTS setting",
        ] {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }
}
