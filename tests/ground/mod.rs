//! The ground the features stand on, on both backends: the ledger and the audit log refuse
//! UPDATE and DELETE, bonus ids come from the database after an import, the SQL form of a
//! bonus's shown state agrees with the domain's, and a stored state the domain does not know is
//! an error that names the row.
use super::{R, client, example_one, import, partner, pay};
use crate::common::TestDb;
use crate::{check, check_eq};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use refdesk::domain::bonus::ShownBonusState;
use refdesk::domain::terms::Approval;
use refdesk::store::{Store, bonuses, execute, query_one};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set, TransactionTrait};
use std::collections::{BTreeSet, HashSet};

fn block_on<T>(f: impl std::future::Future<Output = Result<T, String>>) -> Result<T, String> {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
    rt.block_on(f)
}

async fn open(db: &TestDb) -> Result<Store, String> {
    Store::open(&db.url).await.map_err(|e| e.to_string())
}

async fn number(store: &Store, sql: &str) -> Result<i64, String> {
    let r = query_one(&store.db, sql, vec![]).await.map_err(|e| e.to_string())?.ok_or("no row")?;
    r.try_get_by_index::<i64>(0).map_err(|e| e.to_string())
}

/// UPDATE and DELETE on ledger_entry and audit_log fail in the database itself.
pub fn ledger_and_audit_are_append_only(db: &TestDb) -> R {
    import(db, "e.ndjson", &example_one())?;
    block_on(async {
        let store = open(db).await?;
        let before = (
            number(&store, "SELECT COUNT(*) FROM ledger_entry").await?,
            number(&store, "SELECT CAST(SUM(amount) AS BIGINT) FROM ledger_entry").await?,
            number(&store, "SELECT COUNT(*) FROM audit_log").await?,
        );
        check!(before.0 > 0 && before.2 > 0, "nothing to tamper with: {before:?}");
        for sql in [
            "UPDATE ledger_entry SET amount = amount * 2",
            "DELETE FROM ledger_entry",
            "UPDATE audit_log SET operator = 'mallory'",
            "DELETE FROM audit_log",
        ] {
            match execute(&store.db, sql, vec![]).await {
                Ok(n) => return Err(format!("{sql}: accepted, {n} rows changed")),
                Err(e) => check!(e.to_string().contains("append-only"), "{sql}: {e}"),
            }
        }
        let after = (
            number(&store, "SELECT COUNT(*) FROM ledger_entry").await?,
            number(&store, "SELECT CAST(SUM(amount) AS BIGINT) FROM ledger_entry").await?,
            number(&store, "SELECT COUNT(*) FROM audit_log").await?,
        );
        check_eq!(after, before);
        Ok(())
    })
}

/// After an import chose its bonuses' ids, a bonus written by another path (the database
/// choosing) gets a fresh id, and PostgreSQL's sequence is past every stored one.
pub fn bonus_ids_come_from_the_database(db: &TestDb) -> R {
    let mut ev = example_one();
    ev.push(client("c2", "2026-10-06T09:00:00+05:00", "C2", Some("ASEL25")));
    ev.push(pay("y2", "2026-10-06T10:00:00+05:00", "PAY2", "C2", "P200", "200000", "150000", Some("ASEL25")));
    // A payment without a code earns nothing: a payment a later path may book a bonus on.
    ev.push(pay("y3", "2026-10-07T10:00:00+05:00", "PAY3", "C3", "P100", "100000", "100000", None));
    import(db, "e.ndjson", &ev)?;
    block_on(async {
        let store = open(db).await?;
        let max = number(&store, "SELECT MAX(id) FROM bonus").await?;
        check_eq!(max, 2);
        if store.backend() == sea_orm::DbBackend::Postgres {
            let next = number(&store, "SELECT nextval(pg_get_serial_sequence('bonus', 'id'))").await?;
            check!(next > max, "the bonus sequence gives {next}, not above {max}");
        }
        use refdesk::store::entity::bonus;
        let fresh = bonus::ActiveModel {
            payment_id: Set("PAY3".into()),
            partner_id: Set("A1".into()),
            booked: Set(100),
            reduced: Set(0),
            clawed: Set(0),
            rate: Set("0.25".into()),
            base_kind: Set("list_price".into()),
            base_amount: Set(400),
            campaign: Set(None),
            hold_days: Set(14),
            booked_at: Set(0),
            release_at: Set(0),
            state: Set("held".into()),
            approved_at: Set(None),
            approved_by: Set(None),
            voided_at: Set(None),
            voided_by: Set(None),
            void_reason: Set(None),
            ..Default::default()
        }
        .insert(&store.db)
        .await
        .map_err(|e| format!("a bonus written without an id: {e}"))?;
        check!(fresh.id > max, "the database gave id {} (stored ids go up to {max})", fresh.id);
        Ok(())
    })
}

/// The shown state in SQL ([`bonuses::shown_condition`]) and in Rust
/// ([`ShownBonusState::of`]) agree for random bonuses, cases and clocks, under both approval
/// modes: every bonus is in exactly one state, the same one.
pub fn shown_state_sql_agrees_with_rust(db: &TestDb) -> R {
    let mut rng = SmallRng::seed_from_u64(0x5eed);
    let start = chrono::DateTime::parse_from_rfc3339("2026-10-01T00:00:00+05:00").map_err(|e| e.to_string())?;
    let at = |minutes: i64| (start + chrono::Duration::minutes(minutes)).to_rfc3339();
    let mut ev = Vec::new();
    for p in 0..6 {
        ev.push(partner(
            &format!("p{p}"),
            &at(p),
            &format!("A{p}"),
            "Партнёр",
            &format!("CODE{p}"),
            &format!("+7 705 000 00 0{p}"),
        ));
    }
    for c in 0..120 {
        let p = rng.random_range(0..6);
        let when = rng.random_range(10..60 * 24 * 40);
        ev.push(client(&format!("c{c}"), &at(when), &format!("C{c}"), Some(&format!("CODE{p}"))));
        ev.push(pay(
            &format!("y{c}"),
            &at(when + 5),
            &format!("PAY{c}"),
            &format!("C{c}"),
            "P100",
            "100000",
            "75000",
            Some(&format!("CODE{p}")),
        ));
    }
    import(db, "random.ndjson", &ev)?;
    block_on(async {
        let store = open(db).await?;
        let ids: Vec<i64> = bonuses::ids_in_state(&store.db, ShownBonusState::Held, i64::MIN, Approval::Manual)
            .await
            .map_err(|e| e.to_string())?;
        check_eq!(ids.len(), 120);
        // Random stored states, and open cases on some partners.
        for id in &ids {
            let state = ["held", "held", "available", "paid", "voided"][rng.random_range(0..5)];
            execute(&store.db, "UPDATE bonus SET state = $1 WHERE id = $2", vec![state.into(), (*id).into()])
                .await
                .map_err(|e| e.to_string())?;
        }
        for p in [1, 4] {
            execute(
                &store.db,
                "INSERT INTO fraud_case (partner_id, kind, status, opened_at, evidence) VALUES ($1, 'self_referral', 'open', 0, '{}')",
                vec![format!("A{p}").into()],
            )
            .await
            .map_err(|e| e.to_string())?;
        }
        let frozen = bonuses::frozen_partners(&store.db, &[&"A1".to_string(), &"A4".to_string(), &"A2".to_string()])
            .await
            .map_err(|e| e.to_string())?;
        check_eq!(frozen, HashSet::from(["A1".to_string(), "A4".to_string()]));
        let all = bonuses::by_ids(&store.db, &ids).await.map_err(|e| e.to_string())?;
        for round in 0..40 {
            // Half the clocks stand exactly at some bonus's release, where `<` and `<=` differ.
            let releases: Vec<i64> = all.values().map(|(b, _)| b.release_at.timestamp_millis()).collect();
            let now_ms = if round % 2 == 0 {
                releases[rng.random_range(0..releases.len())]
            } else {
                start.timestamp_millis() + rng.random_range(0..60i64 * 24 * 60 * 60 * 1000)
            };
            let now = refdesk::store::from_ms(now_ms);
            for approval in [Approval::Manual, Approval::Auto] {
                let mut seen = BTreeSet::new();
                for state in ShownBonusState::ALL {
                    let sql: BTreeSet<i64> = bonuses::ids_in_state(&store.db, state, now_ms, approval)
                        .await
                        .map_err(|e| e.to_string())?
                        .into_iter()
                        .collect();
                    let rust: BTreeSet<i64> = all
                        .values()
                        .filter(|(b, p)| b.shown(now, frozen.contains(p), approval) == state)
                        .map(|(b, _)| b.id)
                        .collect();
                    check!(sql == rust, "round {round}, {approval:?}, {state:?}: SQL {sql:?} vs Rust {rust:?}");
                    check!(seen.is_disjoint(&sql), "a bonus in two states at round {round}");
                    seen.extend(sql);
                }
                check_eq!(seen.len(), ids.len());
            }
        }
        Ok(())
    })
}

/// A stored state the domain does not know is an error naming the row, never "held".
pub fn an_unknown_stored_state_names_the_row(db: &TestDb) -> R {
    import(db, "e.ndjson", &example_one())?;
    block_on(async {
        let store = open(db).await?;
        // The schema itself refuses unknown states; a database written by another version of
        // refdesk, or by hand, may still hold one.
        let txn = store.db.begin().await.map_err(|e| e.to_string())?;
        let bypass = match store.backend() {
            sea_orm::DbBackend::Postgres => "ALTER TABLE bonus DROP CONSTRAINT bonus_state_check",
            _ => "PRAGMA ignore_check_constraints = ON",
        };
        for sql in [bypass, "UPDATE bonus SET state = 'hld' WHERE id = 1"] {
            txn.execute_raw(sea_orm::Statement::from_string(store.backend(), sql))
                .await
                .map_err(|e| format!("{sql}: {e}"))?;
        }
        txn.commit().await.map_err(|e| e.to_string())?;
        Ok(())
    })?;
    let out = db.run("2026-10-20T10:00:00+05:00", &["bonus", "list", "--json"]);
    check_eq!(out.code, 1);
    check!(out.stderr.contains("bonus 1 has the stored state \"hld\", which refdesk does not know"), "{}", out.stderr);
    let show = db.run("2026-10-20T10:00:00+05:00", &["partner", "show", "ASEL25", "--json"]);
    check!(show.code == 1 && show.stderr.contains("\"hld\""), "{}{}", show.stdout, show.stderr);
    Ok(())
}

/// The figures the database keeps as rows are written (migration m0003_figures) agree with
/// scans of the rows: after an import with refunds, stored states and release instants changed by
/// hand, and open cases, the program's totals per shown state and the dashboard's months are the
/// same read either way, at clocks on and around bucket edges and releases, in both approval modes.
pub fn kept_figures_agree_with_the_rows(db: &TestDb) -> R {
    use refdesk::domain::terms::Terms;
    use refdesk::service::{Clock, Ctx, bonuses as service_bonuses};
    use refdesk::store::{figures, program};
    let mut rng = SmallRng::seed_from_u64(0xf16);
    let start = chrono::DateTime::parse_from_rfc3339("2026-09-01T00:00:00+05:00").map_err(|e| e.to_string())?;
    let at = |minutes: i64| (start + chrono::Duration::minutes(minutes)).to_rfc3339();
    let mut ev = Vec::new();
    for p in 0..5 {
        ev.push(partner(
            &format!("p{p}"),
            &at(p),
            &format!("A{p}"),
            "Партнёр",
            &format!("CODE{p}"),
            &format!("+7 705 000 00 0{p}"),
        ));
    }
    for c in 0..150 {
        let code = format!("CODE{}", rng.random_range(0..5));
        let when = rng.random_range(10..60 * 24 * 80);
        ev.push(client(&format!("c{c}"), &at(when), &format!("C{c}"), Some(&code)));
        let paid = ["75000", "100000", "60000"][rng.random_range(0..3)];
        ev.push(pay(
            &format!("y{c}"),
            &at(when + 7),
            &format!("PAY{c}"),
            &format!("C{c}"),
            "P100",
            "100000",
            paid,
            Some(&code),
        ));
        match rng.random_range(0..6) {
            0 => ev.push(super::refund(&format!("r{c}"), &at(when + 60 * 24 * 3), &format!("PAY{c}"), None)),
            1 => ev.push(super::refund(&format!("r{c}"), &at(when + 60 * 24 * 5), &format!("PAY{c}"), Some("25000"))),
            _ => {}
        }
    }
    // Accounts known only from a payment: no registration instant, in no month.
    for c in 0..10 {
        let when = rng.random_range(10..60 * 24 * 80);
        ev.push(pay(
            &format!("x{c}"),
            &at(when),
            &format!("PAYX{c}"),
            &format!("X{c}"),
            "P100",
            "100000",
            "100000",
            None,
        ));
    }
    import(db, "random.ndjson", &ev)?;
    block_on(async {
        let store = open(db).await?;
        let ids: Vec<i64> = bonuses::ids_in_state(&store.db, ShownBonusState::Paid, i64::MIN, Approval::Manual)
            .await
            .map_err(|e| e.to_string())?;
        check!(ids.is_empty(), "paid bonuses before any payout: {ids:?}");
        let all: Vec<i64> = query_all_ids(&store).await?;
        check_eq!(all.len(), 150);
        // By-hand changes the triggers must follow: stored states and release instants.
        // And what the partners' available sums follow (m0005): approval instants (some after a
        // month's end, some none), refunds' reductions, a bonus bound to a run and released again.
        for id in &all {
            let state = ["held", "held", "available", "available", "paid", "voided"][rng.random_range(0..6)];
            let shift = rng.random_range(-5_000_000i64..5_000_000);
            let approved: Option<i64> = match rng.random_range(0..4) {
                0 => None,
                _ => Some(start.timestamp_millis() + rng.random_range(0..90i64 * 24 * 60 * 60 * 1000)),
            };
            let bound: Option<i64> = if rng.random_range(0..5) == 0 { Some(1) } else { None };
            execute(
                &store.db,
                "UPDATE bonus SET state = $1, release_at = release_at + $2, approved_at = $3, payout_run_id = $4, \
                 reduced = CASE WHEN $5 THEN booked / 3 ELSE reduced END WHERE id = $6",
                vec![
                    state.into(),
                    shift.into(),
                    approved.into(),
                    bound.into(),
                    (rng.random_range(0..4) == 0).into(),
                    (*id).into(),
                ],
            )
            .await
            .map_err(|e| e.to_string())?;
        }
        for id in all.iter().step_by(7) {
            execute(&store.db, "UPDATE bonus SET payout_run_id = NULL WHERE id = $1", vec![(*id).into()])
                .await
                .map_err(|e| e.to_string())?;
        }
        for p in [0, 3] {
            execute(
                &store.db,
                "INSERT INTO fraud_case (partner_id, kind, status, opened_at, evidence) VALUES ($1, 'self_referral', 'open', 0, '{}')",
                vec![format!("A{p}").into()],
            )
            .await
            .map_err(|e| e.to_string())?;
        }
        let releases: Vec<i64> = {
            let rows = refdesk::store::query_all(&store.db, "SELECT release_at FROM bonus", vec![])
                .await
                .map_err(|e| e.to_string())?;
            rows.iter().map(|r| r.try_get_by_index::<i64>(0)).collect::<Result<_, _>>().map_err(|e| e.to_string())?
        };
        let mut lines_seen = 0;
        for round in 0..30 {
            let release = releases[rng.random_range(0..releases.len())];
            let now_ms = match round % 3 {
                0 => release,
                1 => {
                    figures::bucket(release) * figures::QUARTER + [0, -1, figures::QUARTER - 1][rng.random_range(0..3)]
                }
                _ => start.timestamp_millis() + rng.random_range(0..90i64 * 24 * 60 * 60 * 1000),
            };
            for approval in [Approval::Manual, Approval::Auto] {
                let mut terms = Terms::defaults();
                terms.approval = approval;
                let ctx = Ctx {
                    store: store.clone(),
                    terms,
                    operator: "test".into(),
                    clock: Clock::Fixed(refdesk::store::from_ms(now_ms)),
                };
                let kept = service_bonuses::totals(&ctx).await.map_err(|e| e.to_string())?;
                for (state, n, value) in kept {
                    let scanned =
                        bonuses::total_in_state(&store.db, state, now_ms, approval).await.map_err(|e| e.to_string())?;
                    check!(
                        scanned == (n, value),
                        "round {round}, {approval:?}, {state:?}: kept ({n}, {value}) vs rows {scanned:?}"
                    );
                }
                // A month's run as it would be prepared, from the kept sums and from every bonus.
                for run in [refdesk::store::payouts::NO_RUN, 1] {
                    let kept = refdesk::store::payouts::candidates(&store.db, now_ms, approval, run)
                        .await
                        .map_err(|e| e.to_string())?;
                    let scanned = refdesk::store::payouts::candidates_scanned(&store.db, now_ms, approval, run)
                        .await
                        .map_err(|e| e.to_string())?;
                    check!(
                        kept == scanned,
                        "round {round}, {approval:?}, run {run}: kept {kept:?} vs rows {scanned:?}"
                    );
                    lines_seen += kept.len();
                }
                let every = service_bonuses::list_total(&ctx, &service_bonuses::BonusQuery::default())
                    .await
                    .map_err(|e| e.to_string())?;
                let rows = bonuses::list_total(&store.db, &bonuses::Filter::default(), now_ms, approval)
                    .await
                    .map_err(|e| e.to_string())?;
                check_eq!(every, rows);
            }
        }
        check!(lines_seen > 30, "the runs compared had {lines_seen} lines in all");
        // The dashboard's months: six of them in the program's zone, kept and scanned.
        let zone = Terms::defaults();
        let mut bounds = Vec::new();
        for month in 8..=12 {
            let day = chrono::NaiveDate::from_ymd_opt(2026, month, 1).ok_or("date")?;
            bounds.push(zone.start_of_day(day).timestamp_millis());
        }
        check!(bounds.iter().all(|&b| figures::aligned(b)), "month starts off the buckets: {bounds:?}");
        let kept = program::per_month(&store.db, &bounds).await.map_err(|e| e.to_string())?;
        let scanned = program::per_month_scanned(&store.db, &bounds).await.map_err(|e| e.to_string())?;
        check!(kept.iter().any(|m| m.2 > 0), "no month has clients: {kept:?}");
        check_eq!(kept, scanned);
        Ok(())
    })
}

async fn query_all_ids(store: &Store) -> Result<Vec<i64>, String> {
    let rows = refdesk::store::query_all(&store.db, "SELECT id FROM bonus ORDER BY id", vec![])
        .await
        .map_err(|e| e.to_string())?;
    rows.iter().map(|r| r.try_get_by_index::<i64>(0)).collect::<Result<_, _>>().map_err(|e| e.to_string())
}
