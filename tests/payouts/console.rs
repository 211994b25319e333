//! What the console reads of payout runs, from the services on the real database (both backends):
//! the next run and its expected total before and after preparation, a run's head and its lines
//! page by page, and a late run named on the dashboard.
use super::{R, example_one_approved};
use crate::common::TestDb;
use crate::{check, check_eq};
use refdesk::domain::Money;
use refdesk::domain::Terms;
use refdesk::domain::payout::{LineStatus, RunState};
use refdesk::service::{Clock, Ctx, payout_views};
use refdesk::store::Store;

fn block_on<T>(f: impl std::future::Future<Output = Result<T, String>>) -> Result<T, String> {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
    rt.block_on(f)
}

async fn ctx(db: &TestDb, now: &str) -> Result<Ctx, String> {
    let store = Store::open(&db.url).await.map_err(|e| e.to_string())?;
    let now = chrono::DateTime::parse_from_rfc3339(now).map_err(|e| e.to_string())?.to_utc();
    Ok(Ctx { store, terms: Terms::defaults(), operator: "viewer".into(), clock: Clock::Fixed(now) })
}

/// Worked example 1 with a second partner whose client pays in October and who has no
/// contract: the October run is expected to pay Asel's 25 000,00 and hold back the other line;
/// once prepared, the dashboard's next run is that run; its lines come page by page in the
/// codes' order; past the 10th, not completed, October is late.
pub fn what_the_console_reads_of_a_run(db: &TestDb) -> R {
    example_one_approved(db)?;
    let more = vec![
        crate::partner("m1", "2026-10-01T09:00:00+05:00", "A2", "Bolat Seitkali", "BOLAT7", "+7 701 111 22 33"),
        crate::client("m22", "2026-10-03T12:00:00+05:00", "C2", Some("BOLAT7")),
        crate::pay("m3", "2026-10-05T11:00:00+05:00", "PAY2", "C2", "P100", "100000", "75000", Some("BOLAT7")),
    ];
    super::import(db, "m.ndjson", &more)?;
    let bolat = db.json("2026-10-20T09:00:00+05:00", &["bonus", "list", "--partner", "BOLAT7"])?;
    let id = bolat[0]["id"].to_string();
    let out = db.run_as("bolat", "2026-10-20T09:00:00+05:00", &["bonus", "approve", &id]);
    check!(out.code == 0, "approve: {}", out.stderr);
    const NOV2: &str = "2026-11-02T10:00:00+05:00";
    block_on(async {
        let c = ctx(db, NOV2).await?;
        let next = payout_views::next_run(&c).await.map_err(|e| e.to_string())?;
        check_eq!((next.month.as_str(), next.run, next.so_far), ("2026-10", None, false));
        check_eq!((next.total, next.payable, next.held_back), (Money::kzt(25_000), 1, 1));
        check!(next.late.is_empty(), "not due before the 10th: {:?}", next.late);
        Ok(())
    })?;
    let run = db.json(NOV2, &["payout", "prepare", "--month", "2026-10"])?;
    let id = run["id"].as_i64().ok_or("no run id")?;
    block_on(async {
        let c = ctx(db, NOV2).await?;
        let next = payout_views::next_run(&c).await.map_err(|e| e.to_string())?;
        check_eq!(
            (next.run, next.total, next.payable, next.held_back),
            (Some((id, RunState::Draft)), Money::kzt(25_000), 1, 1)
        );
        let head = payout_views::head(&c, id).await.map_err(|e| e.to_string())?;
        check_eq!((head.run.payable, head.run.held_back, head.late), (1, 1, false));
        check_eq!(head.of(LineStatus::Payable), (1, Money::kzt(25_000)));
        check_eq!(head.of(LineStatus::HeldBack).0, 1);
        // Page by page, one line each, in the codes' order, each line once.
        let first = payout_views::lines_page(&c, id, None, None, 1).await.map_err(|e| e.to_string())?;
        let second = payout_views::lines_page(&c, id, None, Some("ASEL25"), 1).await.map_err(|e| e.to_string())?;
        let rest = payout_views::lines_page(&c, id, None, Some("BOLAT7"), 1).await.map_err(|e| e.to_string())?;
        let codes: Vec<&str> = first.iter().chain(&second).map(|l| l.partner.as_str()).collect();
        check_eq!((codes, rest.len()), (vec!["ASEL25", "BOLAT7"], 0));
        check_eq!((second[0].status, second[0].reason), ("held_back", Some("no_contract")));
        let held =
            payout_views::lines_page(&c, id, Some(LineStatus::HeldBack), None, 10).await.map_err(|e| e.to_string())?;
        check_eq!(held.iter().map(|l| l.partner.as_str()).collect::<Vec<_>>(), vec!["BOLAT7"]);
        // Past its due date, not completed: late, and still the next run.
        let late = ctx(db, "2026-11-11T10:00:00+05:00").await?;
        let next = payout_views::next_run(&late).await.map_err(|e| e.to_string())?;
        check_eq!((next.month.as_str(), next.late.clone()), ("2026-10", vec!["2026-10".to_string()]));
        check!(payout_views::head(&late, id).await.map_err(|e| e.to_string())?.late, "the run is late");
        Ok(())
    })
}
