//! Payout runs (RULES.md "Payouts"): a run per month, a line per partner, and the exact bonuses
//! and clawback entries each payable line covers. The database itself holds the rules that must
//! never break: at most one live run a month, and no bonus or clawback bound to two runs. A bonus
//! is bound by its own column `payout_run_id` (one column: one run at most), set for all the
//! bonuses of a run in one statement at its first export (before, a run's bonuses are its own by
//! rule: see refdesk's store::payouts); clawback entries, append-only, are bound by a row each.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PayoutRun {
    Table,
    Id,
    Month,
    State,
    Cutoff,
    Total,
    ContentHash,
    PreparedBy,
    PreparedAt,
    ApprovedBy,
    ApprovedAt,
    ExportedBy,
    ExportedAt,
    MessageId,
    CsvSha256,
    Pain001Sha256,
    CompletedBy,
    CompletedAt,
    DiscardedBy,
    DiscardedAt,
}

#[derive(DeriveIden)]
enum PayoutLine {
    Table,
    RunId,
    PartnerId,
    Code,
    Name,
    ContractNumber,
    Iban,
    Amount,
    Available,
    Clawed,
    Status,
    Reason,
    BonusCount,
    BonusIdSum,
}

#[derive(DeriveIden)]
enum PayoutItem {
    Table,
    Id,
    RunId,
    PartnerId,
    EntryId,
    Amount,
    Bound,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(PayoutRun::Table)
                .col(big_pk_auto(PayoutRun::Id))
                .col(string(PayoutRun::Month))
                .col(string(PayoutRun::State))
                .col(big_integer(PayoutRun::Cutoff))
                .col(big_integer(PayoutRun::Total))
                .col(string(PayoutRun::ContentHash))
                .col(string(PayoutRun::PreparedBy))
                .col(big_integer(PayoutRun::PreparedAt))
                .col(string_null(PayoutRun::ApprovedBy))
                .col(big_integer_null(PayoutRun::ApprovedAt))
                .col(string_null(PayoutRun::ExportedBy))
                .col(big_integer_null(PayoutRun::ExportedAt))
                .col(string_null(PayoutRun::MessageId))
                .col(string_null(PayoutRun::CsvSha256))
                .col(string_null(PayoutRun::Pain001Sha256))
                .col(string_null(PayoutRun::CompletedBy))
                .col(big_integer_null(PayoutRun::CompletedAt))
                .col(string_null(PayoutRun::DiscardedBy))
                .col(big_integer_null(PayoutRun::DiscardedAt))
                .check(Expr::col(PayoutRun::State).is_in(["draft", "approved", "exported", "completed", "discarded"]))
                .to_owned(),
        )
        .await?;
        let db = m.get_connection();
        // One live run a month: a second `prepare` loses to the first even when both race.
        db.execute_unprepared(
            "CREATE UNIQUE INDEX ux_payout_run_month ON payout_run (month) WHERE state <> 'discarded'",
        )
        .await?;

        m.create_table(
            Table::create()
                .table(PayoutLine::Table)
                .col(big_integer(PayoutLine::RunId))
                .col(string(PayoutLine::PartnerId))
                .col(string(PayoutLine::Code))
                .col(string(PayoutLine::Name))
                .col(string_null(PayoutLine::ContractNumber))
                .col(string_null(PayoutLine::Iban))
                .col(big_integer(PayoutLine::Amount))
                .col(big_integer(PayoutLine::Available))
                .col(big_integer(PayoutLine::Clawed))
                .col(string(PayoutLine::Status))
                .col(string_null(PayoutLine::Reason))
                .col(big_integer(PayoutLine::BonusCount))
                .col(big_integer(PayoutLine::BonusIdSum))
                .primary_key(Index::create().col(PayoutLine::RunId).col(PayoutLine::PartnerId))
                .foreign_key(
                    ForeignKey::create().from(PayoutLine::Table, PayoutLine::RunId).to(PayoutRun::Table, PayoutRun::Id),
                )
                .check(Expr::col(PayoutLine::Status).is_in(["payable", "held_back", "paid", "failed"]))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(PayoutItem::Table)
                .col(big_pk_auto(PayoutItem::Id))
                .col(big_integer(PayoutItem::RunId))
                .col(string(PayoutItem::PartnerId))
                .col(big_integer(PayoutItem::EntryId))
                .col(big_integer(PayoutItem::Amount))
                .col(boolean(PayoutItem::Bound))
                .foreign_key(
                    ForeignKey::create().from(PayoutItem::Table, PayoutItem::RunId).to(PayoutRun::Table, PayoutRun::Id),
                )
                .to_owned(),
        )
        .await?;
        // A clawback is bound to one run at a time: a discarded run and a failed line let theirs
        // go (bound = false) for the next run; a paid one keeps it for good (recovered).
        db.execute_unprepared("CREATE UNIQUE INDEX ux_payout_item_entry ON payout_item (entry_id) WHERE bound = TRUE")
            .await?;
        // A bonus's run: NULL until the first export of the run that pays it; a failed line
        // clears it, a paid bonus keeps its run.
        // No index on it: binding a month's bonuses would write one entry per bonus, and the
        // steps that look a run's bonuses up (discard, completion) are rare and read them in
        // one pass.
        db.execute_unprepared("ALTER TABLE bonus ADD COLUMN payout_run_id BIGINT NULL").await?;
        db.execute_unprepared("CREATE INDEX ix_payout_item_run ON payout_item (run_id, partner_id)").await?;
        // The clawbacks a run nets, without reading every ledger entry.
        db.execute_unprepared("CREATE INDEX ix_ledger_clawback ON ledger_entry (id) WHERE kind = 'clawback'").await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection().execute_unprepared("DROP INDEX IF EXISTS ix_ledger_clawback").await?;
        m.get_connection().execute_unprepared("ALTER TABLE bonus DROP COLUMN payout_run_id").await?;
        for t in ["payout_item", "payout_line", "payout_run"] {
            m.get_connection().execute_unprepared(&format!("DROP TABLE IF EXISTS {t}")).await?;
        }
        Ok(())
    }
}
