//! Program-wide figures kept as the rows are written, so that the dashboard and the totals of a
//! bonus list read a few thousand small rows instead of scanning every payment, bonus and account
//! of a large program (issue 11: the first frame within 300 ms at 300 000 clients).
//!
//! `figure` holds, per kind, per bucket of an instant at two widths (a quarter of an hour and a
//! UTC day), a count and an amount in tiyn:
//! - `revenue`: payments by `paid_at`, paid less refunded;
//! - `booked`: bonuses not voided by `booked_at`, their value (booked less reduced);
//! - `clients`: client accounts by `registered_at`;
//! - `bonus:<stored state>`: bonuses by `release_at`, their value.
//!
//! A quarter of an hour divides every time zone's offset in use, so any month of the program's
//! zone is whole days plus whole quarters at its two ends (src/store/figures.rs reads it so).
//! Triggers keep the figures in the writing transaction itself, whatever statement writes the rows
//! (the import's bulk inserts, a refund's update, a test's raw SQL), so they cannot drift from the
//! rows; the scenario `kept_figures_agree_with_the_rows` holds them to it.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The buckets' widths in milliseconds: a quarter of an hour and a day. Also in src/store/figures.rs.
const WIDTHS: [i64; 2] = [900_000, 86_400_000];

/// What a row adds to the figures: (kind, instant, count, amount), SQL over `R`, the row (`NEW` or
/// `OLD` in a trigger).
type Source = (&'static str, &'static str, &'static str, &'static str);

/// What each table's rows add to the figures.
const SOURCES: [(&str, &[Source]); 3] = [
    ("payment", &[("'revenue'", "R.paid_at", "1", "R.paid_amount - R.refunded")]),
    (
        "bonus",
        &[
            (
                "'booked'",
                "R.booked_at",
                "CASE WHEN R.state <> 'voided' THEN 1 ELSE 0 END",
                "CASE WHEN R.state <> 'voided' THEN R.booked - R.reduced ELSE 0 END",
            ),
            ("'bonus:' || R.state", "R.release_at", "1", "R.booked - R.reduced"),
        ],
    ),
    ("account", &[("'clients'", "R.registered_at", "CASE WHEN R.is_client THEN 1 ELSE 0 END", "0")]),
];

/// The columns whose change moves a row's figures (an UPDATE of others leaves them).
fn watched(table: &str) -> &'static str {
    match table {
        "payment" => "paid_at, paid_amount, refunded",
        "bonus" => "booked_at, release_at, state, booked, reduced",
        _ => "registered_at, is_client",
    }
}

/// Floor division of an instant by a width, exact for instants before 1970 too.
fn bucket(ms: &str, width: i64) -> String {
    format!("(CASE WHEN {ms} >= 0 THEN {ms} / {width} ELSE -((-{ms} - 1) / {width}) - 1 END)")
}

/// One row's contribution, signed, at one width, as an upsert into `figure` (none for a row
/// without the instant, such as an account known only from a payment: no period holds it).
fn upsert(row: &str, sign: &str, width: i64, (kind, at, n, amount): Source) -> String {
    let r = |s: &str| s.replace("R.", &format!("{row}."));
    format!(
        "INSERT INTO figure (width, kind, bucket, n, amount) SELECT {width}, {}, {}, {sign}({}), {sign}({}) \
         WHERE {} IS NOT NULL \
         ON CONFLICT (width, kind, bucket) DO UPDATE SET n = figure.n + excluded.n, amount = figure.amount + excluded.amount",
        r(kind),
        bucket(&r(at), width),
        r(n),
        r(amount),
        r(at)
    )
}

/// The figures of the rows already stored, for a database made before this migration.
fn backfill(table: &str, width: i64, (kind, at, n, amount): Source) -> String {
    let r = |s: &str| s.replace("R.", "");
    format!(
        "INSERT INTO figure (width, kind, bucket, n, amount) SELECT {width}, {}, {}, SUM({}), SUM({}) FROM {table} \
         WHERE {} IS NOT NULL GROUP BY 2, 3",
        r(kind),
        bucket(&r(at), width),
        r(n),
        r(amount),
        r(at)
    )
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let backend = db.get_database_backend();
        // Kinds compare byte by byte on both backends, so that a range of the key reads every
        // kind with a prefix (SQLite's default; PostgreSQL's would follow the database's locale).
        let (collate, rowid) =
            if backend == DbBackend::Postgres { (" COLLATE \"C\"", "") } else { ("", " WITHOUT ROWID") };
        db.execute_unprepared(&format!(
            "CREATE TABLE figure (width BIGINT NOT NULL, kind VARCHAR{collate} NOT NULL, bucket BIGINT NOT NULL, \
             n BIGINT NOT NULL, amount BIGINT NOT NULL, PRIMARY KEY (width, kind, bucket)){rowid}"
        ))
        .await?;
        // The bonuses of the bucket the clock is in are read one by one, and the list of every
        // bonus runs in release order: both by this index.
        db.execute_unprepared("CREATE INDEX ix_bonus_release ON bonus (release_at, id)").await?;
        // The partners counted by standing: the active ones in a narrow index, less the few of
        // them whose code is off (found by the code's flag), not a join over every partner.
        db.execute_unprepared("CREATE INDEX ix_partner_status ON partner (status, account_id)").await?;
        db.execute_unprepared("CREATE INDEX ix_code_active ON promo_code (active, partner_id)").await?;
        for (table, sources) in SOURCES {
            for s in sources {
                for width in WIDTHS {
                    db.execute_unprepared(&backfill(table, width, *s)).await?;
                }
            }
            let body = |ops: &[(&str, &str)]| -> Vec<String> {
                ops.iter()
                    .flat_map(|(row, sign)| {
                        sources.iter().flat_map(move |s| WIDTHS.map(|width| upsert(row, sign, width, *s)))
                    })
                    .collect()
            };
            let add = body(&[("NEW", "")]);
            let remove = body(&[("OLD", "-")]);
            let change = body(&[("OLD", "-"), ("NEW", "")]);
            match backend {
                DbBackend::Postgres => {
                    let plpgsql = |stmts: &[String]| stmts.iter().map(|s| format!("{s};")).collect::<String>();
                    db.execute_unprepared(&format!(
                        "CREATE FUNCTION refdesk_figure_{table}() RETURNS trigger AS $$ BEGIN \
                         IF TG_OP = 'INSERT' THEN {} ELSIF TG_OP = 'UPDATE' THEN {} ELSE {} END IF; \
                         RETURN NULL; END; $$ LANGUAGE plpgsql",
                        plpgsql(&add),
                        plpgsql(&change),
                        plpgsql(&remove)
                    ))
                    .await?;
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER {table}_figure AFTER INSERT OR DELETE OR UPDATE OF {} ON {table} \
                         FOR EACH ROW EXECUTE FUNCTION refdesk_figure_{table}()",
                        watched(table)
                    ))
                    .await?;
                }
                _ => {
                    for (op, stmts) in
                        [("INSERT", &add), (&format!("UPDATE OF {}", watched(table)), &change), ("DELETE", &remove)]
                    {
                        let name = op.split_whitespace().next().unwrap_or(op).to_lowercase();
                        let body: String = stmts.iter().map(|s| format!("{s}; ")).collect();
                        db.execute_unprepared(&format!(
                            "CREATE TRIGGER {table}_figure_{name} AFTER {op} ON {table} BEGIN {body}END"
                        ))
                        .await?;
                    }
                }
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        for (table, _) in SOURCES {
            match db.get_database_backend() {
                DbBackend::Postgres => {
                    db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {table}_figure ON {table}")).await?;
                    db.execute_unprepared(&format!("DROP FUNCTION IF EXISTS refdesk_figure_{table}()")).await?;
                }
                _ => {
                    for op in ["insert", "update", "delete"] {
                        db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {table}_figure_{op}")).await?;
                    }
                }
            }
        }
        db.execute_unprepared("DROP TABLE IF EXISTS figure").await?;
        for index in ["ix_bonus_release", "ix_partner_status", "ix_code_active"] {
            db.execute_unprepared(&format!("DROP INDEX IF EXISTS {index}")).await?;
        }
        Ok(())
    }
}
