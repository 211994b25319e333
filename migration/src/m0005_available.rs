//! Each partner's available bonuses that no run has bound, kept as the rows are written: their
//! count, value (booked less reduced) and the sum of their ids. A month's run covers these less
//! the few that became available after the month ended, so preparing it reads a row per partner
//! and the bonuses of a few days instead of aggregating every available bonus of the program
//! (issue 7: a run of 100 000 partners within twice one bare aggregate).
//!
//! Triggers keep the rows in the writing transaction itself, whatever statement writes a bonus
//! (an approval, a refund, a void, a run's binding or a failed line's release, a test's raw SQL),
//! as `figure` is kept (m0003); the scenario `kept_figures_agree_with_the_rows` holds them to the
//! bonuses. A partner whose count falls to 0 keeps a row of zeros.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The columns whose change moves a bonus in or out of its partner's row.
const WATCHED: &str = "partner_id, state, booked, reduced, payout_run_id";

/// Whether bonus `row` (`NEW` or `OLD`) counts: available and bound to no run.
fn counts(row: &str) -> String {
    format!("{row}.state = 'available' AND {row}.payout_run_id IS NULL")
}

/// `row`'s contribution, signed, as an upsert (nothing when it does not count).
fn upsert(row: &str, sign: &str) -> String {
    format!(
        "INSERT INTO partner_available (partner_id, n, amount, id_sum) \
         SELECT {row}.partner_id, {sign}1, {sign}({row}.booked - {row}.reduced), {sign}{row}.id WHERE {} \
         ON CONFLICT (partner_id) DO UPDATE SET n = partner_available.n + excluded.n, \
         amount = partner_available.amount + excluded.amount, id_sum = partner_available.id_sum + excluded.id_sum",
        counts(row)
    )
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let backend = db.get_database_backend();
        let rowid = if backend == DbBackend::Postgres { "" } else { " WITHOUT ROWID" };
        db.execute_unprepared(&format!(
            "CREATE TABLE partner_available (partner_id VARCHAR NOT NULL PRIMARY KEY, n BIGINT NOT NULL, \
             amount BIGINT NOT NULL, id_sum BIGINT NOT NULL){rowid}"
        ))
        .await?;
        db.execute_unprepared(
            "INSERT INTO partner_available (partner_id, n, amount, id_sum) \
             SELECT partner_id, COUNT(*), SUM(booked - reduced), SUM(id) FROM bonus \
             WHERE state = 'available' AND payout_run_id IS NULL GROUP BY partner_id",
        )
        .await?;
        // The bonuses approved after a month ended, found without reading every available one.
        db.execute_unprepared("CREATE INDEX ix_bonus_approved ON bonus (state, approved_at) WHERE state = 'available'")
            .await?;
        let (add, remove) = (upsert("NEW", ""), upsert("OLD", "-"));
        // Each trigger fires only for a bonus that counts before or after: the bulk of an import
        // (bonuses booked held) pays for the condition alone.
        let (new, old) = (counts("NEW"), counts("OLD"));
        let when = [
            ("insert", "INSERT".to_string(), new.clone()),
            ("update", format!("UPDATE OF {WATCHED}"), format!("({old}) OR ({new})")),
            ("delete", "DELETE".to_string(), old),
        ];
        match backend {
            DbBackend::Postgres => {
                db.execute_unprepared(&format!(
                    "CREATE FUNCTION refdesk_available_bonus() RETURNS trigger AS $$ BEGIN \
                     IF TG_OP IN ('UPDATE', 'DELETE') THEN {remove}; END IF; \
                     IF TG_OP IN ('INSERT', 'UPDATE') THEN {add}; END IF; \
                     RETURN NULL; END; $$ LANGUAGE plpgsql"
                ))
                .await?;
                for (name, op, cond) in &when {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER bonus_available_{name} AFTER {op} ON bonus FOR EACH ROW WHEN ({cond}) \
                         EXECUTE FUNCTION refdesk_available_bonus()"
                    ))
                    .await?;
                }
            }
            _ => {
                for (name, op, cond) in &when {
                    let body = match *name {
                        "insert" => format!("{add};"),
                        "delete" => format!("{remove};"),
                        _ => format!("{remove}; {add};"),
                    };
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER bonus_available_{name} AFTER {op} ON bonus WHEN {cond} BEGIN {body} END"
                    ))
                    .await?;
                }
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        match db.get_database_backend() {
            DbBackend::Postgres => {
                for op in ["insert", "update", "delete"] {
                    db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS bonus_available_{op} ON bonus")).await?;
                }
                db.execute_unprepared("DROP FUNCTION IF EXISTS refdesk_available_bonus()").await?;
            }
            _ => {
                for op in ["insert", "update", "delete"] {
                    db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS bonus_available_{op}")).await?;
                }
            }
        }
        db.execute_unprepared("DROP INDEX IF EXISTS ix_bonus_approved").await?;
        db.execute_unprepared("DROP TABLE IF EXISTS partner_available").await?;
        Ok(())
    }
}
