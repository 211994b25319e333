//! Payout runs under concurrency and crashes: operators racing on one run, a kill during its
//! completion, and two months pending at once never sharing a bonus.
use super::{NOV2, R, example_one_approved, line};
use crate::common::TestDb;
use crate::{check, check_eq, client, import, partner, pay};
use serde_json::{Value, json};

/// Runs `args` as each of `operators` at the same moment (one process each); their exit codes.
fn race(db: &TestDb, now: &str, operators: &[&str], args: &[&str]) -> Vec<(i32, String)> {
    let handles: Vec<_> = operators
        .iter()
        .map(|op| {
            let (url, op, now) = (db.url.clone(), op.to_string(), now.to_string());
            let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
            std::thread::spawn(move || {
                let a: Vec<&str> = args.iter().map(String::as_str).collect();
                let out = crate::common::run_bin(&url, &op, &now, &a, None, &[]);
                (out.code, out.stderr)
            })
        })
        .collect();
    handles.into_iter().map(|h| h.join().unwrap_or((-1, "the thread panicked".into()))).collect()
}

/// Four operators approve the same run at the same moment: one wins, three are told it is
/// already approved; then four complete it at once: one wins, and Asel is paid once. A failed
/// line (`--failed`) gives its bonus back to the next run.
pub fn racing_operators_and_a_failed_line(db: &TestDb) -> R {
    example_one_approved(db)?;
    let run = db.json(NOV2, &["payout", "prepare", "--month", "2026-10"])?;
    let id = run["id"].to_string();
    let ops = ["bolat", "carl", "dana", "erlan"];
    let approvals = race(db, NOV2, &ops, &["payout", "approve", &id]);
    check_eq!(approvals.iter().filter(|a| a.0 == 0).count(), 1);
    for (code, err) in approvals.iter().filter(|a| a.0 != 0) {
        check!(*code == 1 && err.contains("is approved: only a draft can be approved"), "{code}: {err}");
    }
    let x = db.path("oct.xml").display().to_string();
    check!(db.run(NOV2, &["payout", "export", &id, "--format", "pain001", "--out", &x]).code == 0, "export");
    let at = "2026-11-10T10:00:00+05:00";
    let completions = race(db, at, &ops, &["payout", "complete", &id]);
    check_eq!(completions.iter().filter(|a| a.0 == 0).count(), 1);
    for (code, err) in completions.iter().filter(|a| a.0 != 0) {
        check!(*code == 1 && err.contains("is completed: only an exported run can be completed"), "{code}: {err}");
    }
    let show = db.json(at, &["partner", "show", "ASEL25"])?;
    let payouts = show["ledger"].as_array().map(|l| l.iter().filter(|e| e["kind"] == json!("payout")).count());
    check_eq!(payouts, Some(1));
    check_eq!(show["balance"]["paid"], json!("25000.00"));

    // November: Asel's second bonus; her transfer fails, so it goes back for December.
    import(
        db,
        "nov.ndjson",
        &[
            client("c2", "2026-11-06T10:00:00+05:00", "C2", Some("ASEL25")),
            pay("y2", "2026-11-06T11:00:00+05:00", "PAY2", "C2", "P200", "200000", "150000", Some("ASEL25")),
        ],
    )?;
    let due = db.json("2026-11-21T10:00:00+05:00", &["bonus", "list", "--status", "due"])?;
    check!(
        db.run_as("bolat", "2026-11-21T10:00:00+05:00", &["bonus", "approve", &due[0]["id"].to_string()]).code == 0,
        "approve"
    );
    let dec1 = "2026-12-01T10:00:00+05:00";
    let nov = db.json(dec1, &["payout", "prepare", "--month", "2026-11"])?;
    let nid = nov["id"].to_string();
    check!(db.run_as("bolat", dec1, &["payout", "approve", &nid]).code == 0, "approve November");
    let nx = db.path("nov.xml").display().to_string();
    check!(db.run(dec1, &["payout", "export", &nid, "--format", "pain001", "--out", &nx]).code == 0, "export November");
    let bad = db.run(dec1, &["payout", "complete", &nid, "--failed", "NOBODY1"]);
    check_eq!(bad.code, 2);
    check!(
        bad.stderr.contains(&format!("--failed: NOBODY1 has no payable line in payout run {nid}")),
        "{}",
        bad.stderr
    );
    check_eq!(db.json(dec1, &["payout", "show", &nid])?["state"], json!("exported"));
    let out = db.run(dec1, &["payout", "complete", &nid, "--failed", "asel25"]);
    check!(out.code == 0, "complete: {}", out.stderr);
    let shown = db.json(dec1, &["payout", "show", &nid])?;
    check_eq!(
        (shown["total"].clone(), line(&shown, "ASEL25").map(|l| l["status"].clone())),
        (json!("0.00"), Some(json!("failed")))
    );
    check_eq!(db.json(dec1, &["payment", "show", "PAY2"])?["bonus"]["status"], json!("available"));
    let jan = "2027-01-02T10:00:00+05:00";
    let dec = db.json(jan, &["payout", "prepare", "--month", "2026-12"])?;
    check_eq!(
        line(&dec, "ASEL25").map(|l| (l["amount"].clone(), l["status"].clone())),
        Some((json!("50000.00"), json!("payable")))
    );
    Ok(())
}

/// The run's bonuses that are paid, and its payout ledger entries (a run's invariants).
fn paid_state(db: &TestDb, now: &str, run: &str) -> Result<(String, usize, usize, usize), String> {
    let shown = db.json(now, &["payout", "show", run])?;
    let lines = shown["lines"].as_array().cloned().unwrap_or_default();
    let paying: Vec<&Value> =
        lines.iter().filter(|l| l["status"] == json!("payable") || l["status"] == json!("paid")).collect();
    let bonuses: usize = paying.iter().map(|l| l["bonus_count"].as_u64().unwrap_or(0) as usize).sum();
    let paid = db.json(now, &["bonus", "list", "--status", "paid"])?.as_array().map(Vec::len).unwrap_or(0);
    let mut entries = 0;
    for l in &paying {
        let code = l["partner"].as_str().unwrap_or_default();
        let show = db.json(now, &["partner", "show", code])?;
        entries +=
            show["ledger"].as_array().map(|es| es.iter().filter(|e| e["kind"] == json!("payout")).count()).unwrap_or(0);
    }
    Ok((shown["state"].as_str().unwrap_or_default().to_string(), bonuses, paid, entries))
}

/// `kill -9` during the completion of a demo's run, at several moments (a database each): the
/// run is left exported with nothing paid, or completed with every bonus paid once; completing
/// again after the kill finishes it, once.
pub fn a_kill_during_completion_pays_once_or_not_at_all(first: &TestDb) -> R {
    let demo = "2026-11-25T10:00:00+05:00";
    let dec1 = "2026-12-01T10:00:00+05:00";
    let mut outcomes = Vec::new();
    for (round, delay) in [0u64, 40, 120].into_iter().enumerate() {
        let fresh;
        let db = if round == 0 {
            first
        } else {
            fresh = TestDb::new(first.backend)?;
            &fresh
        };
        let out = db.run(demo, &["demo", "--partners", "40", "--clients", "600"]);
        check!(out.code == 0, "demo: {}", out.stderr);
        let run = db.json(dec1, &["payout", "prepare", "--month", "2026-11"])?;
        let id = run["id"].to_string();
        check!(db.run_as("bolat", dec1, &["payout", "approve", &id]).code == 0, "approve");
        let x = db.path("k.csv").display().to_string();
        check!(db.run(dec1, &["payout", "export", &id, "--format", "csv", "--out", &x]).code == 0, "export");
        let before = paid_state(db, dec1, &id)?;
        let mut child = std::process::Command::new(crate::common::bin())
            .args(["payout", "complete", &id])
            .env("REFDESK_DB", &db.url)
            .env("REFDESK_OPERATOR", "bolat")
            .env("REFDESK_NOW", dec1)
            .env("XDG_DATA_HOME", std::env::temp_dir().join("refdesk-test-data"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .map_err(|e| e.to_string())?;
        std::thread::sleep(std::time::Duration::from_millis(delay));
        let _ = child.kill();
        let _ = child.wait();
        let (state, bonuses, paid, entries) = paid_state(db, dec1, &id)?;
        let lines = run["payable"].as_u64().unwrap_or(0) as usize;
        match state.as_str() {
            "exported" => {
                check!(
                    (paid, entries) == (before.2, before.3),
                    "round {round}: exported, yet {paid} paid, {entries} entries"
                )
            }
            "completed" => check!(
                paid == before.2 + bonuses && entries == before.3 + lines,
                "round {round}: completed with {paid} paid and {entries} entries"
            ),
            other => return Err(format!("round {round}: the run is {other}")),
        }
        outcomes.push(state.clone());
        if state == "exported" {
            check!(db.run_as("bolat", dec1, &["payout", "complete", &id]).code == 0, "complete after the kill");
        }
        let (state, _, paid, entries) = paid_state(db, dec1, &id)?;
        check_eq!((state.as_str(), paid, entries), ("completed", before.2 + bonuses, before.3 + lines));
    }
    check!(outcomes.iter().any(|o| o == "exported"), "no kill landed before the commit: {outcomes:?}");
    Ok(())
}

/// The bonus ids `payout show` lists for run `id`, by partner code.
fn shown_ids(db: &TestDb, now: &str, id: &str) -> Result<Vec<(String, Vec<i64>)>, String> {
    let shown = db.json(now, &["payout", "show", id])?;
    let lines = shown["lines"].as_array().cloned().unwrap_or_default();
    Ok(lines
        .iter()
        .map(|l| {
            let ids = l["bonuses"].as_array().map(|a| a.iter().filter_map(Value::as_i64).collect()).unwrap_or_default();
            (l["partner"].as_str().unwrap_or_default().to_string(), ids)
        })
        .collect())
}

/// Where each of these bonuses is bound (`bonus.payout_run_id`), read from the database.
fn bound_to(db: &TestDb, bonuses: &[i64]) -> Result<Vec<Option<i64>>, String> {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
    rt.block_on(async {
        let store = refdesk::store::Store::open(&db.url).await.map_err(|e| e.to_string())?;
        let mut out = Vec::new();
        for b in bonuses {
            let row = refdesk::store::query_one(
                &store.db,
                "SELECT payout_run_id FROM bonus WHERE id = $1",
                vec![(*b).into()],
            )
            .await
            .map_err(|e| e.to_string())?
            .ok_or(format!("no bonus {b}"))?;
            out.push(row.try_get_by_index::<Option<i64>>(0).map_err(|e| e.to_string())?);
        }
        Ok(out)
    })
}

/// Two months prepared and left pending: October (prepared 2026-11-02: Asel payable with her
/// October bonus, Bota held back without a contract), then November (prepared 2026-12-01, Asel
/// with a second bonus approved in November). The two runs and the bonuses: Asel's October and
/// November ones, Bota's October one.
fn two_pending_months(db: &TestDb) -> Result<(Value, Value, [i64; 3]), String> {
    let asel_oct = example_one_approved(db)?["id"].as_i64().ok_or("no bonus id")?;
    import(
        db,
        "bota.ndjson",
        &[
            partner("b1", "2026-10-01T09:30:00+05:00", "A2", "Бота Серикова", "BOTA10", "+7 705 111 22 33"),
            client("bota-c", "2026-10-04T12:00:00+05:00", "C3", Some("BOTA10")),
            pay("b3", "2026-10-06T10:00:00+05:00", "PAY3", "C3", "P100", "100000", "75000", Some("BOTA10")),
        ],
    )?;
    let oct21 = "2026-10-21T09:00:00+05:00";
    let held = db.json(oct21, &["bonus", "list", "--partner", "BOTA10"])?;
    let bota_oct = held[0]["id"].as_i64().ok_or("no bonus for Bota")?;
    let out = db.run_as("bolat", oct21, &["bonus", "approve", &bota_oct.to_string()]);
    check!(out.code == 0, "approve Bota's bonus: {}", out.stderr);
    let oct = db.json(NOV2, &["payout", "prepare", "--month", "2026-10"])?;
    check_eq!(line(&oct, "ASEL25").map(|l| l["status"].clone()), Some(json!("payable")));
    check_eq!(line(&oct, "BOTA10").map(|l| l["reason"].clone()), Some(json!("no_contract")));

    import(
        db,
        "nov.ndjson",
        &[
            client("c2", "2026-11-06T10:00:00+05:00", "C2", Some("ASEL25")),
            pay("y2", "2026-11-06T11:00:00+05:00", "PAY2", "C2", "P200", "200000", "150000", Some("ASEL25")),
        ],
    )?;
    let nov21 = "2026-11-21T10:00:00+05:00";
    let due = db.json(nov21, &["bonus", "list", "--partner", "ASEL25", "--status", "due"])?;
    let asel_nov = due[0]["id"].as_i64().ok_or("no November bonus")?;
    let out = db.run_as("bolat", nov21, &["bonus", "approve", &asel_nov.to_string()]);
    check!(out.code == 0, "approve Asel's second bonus: {}", out.stderr);
    let nov = db.json(DEC1, &["payout", "prepare", "--month", "2026-11"])?;
    Ok((oct, nov, [asel_oct, asel_nov, bota_oct]))
}

const DEC1: &str = "2026-12-01T10:00:00+05:00";

/// Two runs not yet exported, of different months, never cover the same bonus: October's draft
/// claims Asel's October bonus (her line in it is payable), so November's run, prepared beside
/// it, covers only her November one, while Bota's October bonus, held back in October (a held
/// back line claims nothing), is in November's line for her, held back again. `payout show`
/// lists disjoint bonuses, nothing is bound before an export, and exporting October then
/// November binds each run its own. On a second database, discarding October lets November's
/// rule reach Asel's October bonus: November no longer matches, and its approval is refused.
pub fn pending_runs_never_share_a_bonus(db: &TestDb) -> R {
    let (oct, nov, [asel_oct, asel_nov, bota_oct]) = two_pending_months(db)?;
    let asel = line(&nov, "ASEL25").cloned().unwrap_or_default();
    check_eq!(
        (asel["status"].clone(), asel["bonus_count"].clone(), asel["available"].clone()),
        (json!("payable"), json!(1), json!("50000.00"))
    );
    let bota = line(&nov, "BOTA10").cloned().unwrap_or_default();
    check_eq!(
        (bota["status"].clone(), bota["bonus_count"].clone(), bota["available"].clone()),
        (json!("held_back"), json!(1), json!("25000.00"))
    );
    let (oid, nid) = (oct["id"].to_string(), nov["id"].to_string());
    let want_oct = vec![("ASEL25".to_string(), vec![asel_oct]), ("BOTA10".to_string(), vec![])];
    let want_nov = vec![("ASEL25".to_string(), vec![asel_nov]), ("BOTA10".to_string(), vec![])];
    check_eq!(shown_ids(db, DEC1, &oid)?, want_oct);
    check_eq!(shown_ids(db, DEC1, &nid)?, want_nov);
    check_eq!(bound_to(db, &[asel_oct, asel_nov, bota_oct])?, vec![None, None, None]);

    // Both approved while both are pending, then exported, October first: each binds its own.
    check!(db.run_as("bolat", DEC1, &["payout", "approve", &oid]).code == 0, "approve October");
    let out = db.run_as("bolat", DEC1, &["payout", "approve", &nid]);
    check!(out.code == 0, "approve November beside October: {}", out.stderr);
    let dec2 = "2026-12-02T10:00:00+05:00";
    for (id, name) in [(&oid, "oct.csv"), (&nid, "nov.csv")] {
        let f = db.path(name).display().to_string();
        let out = db.run_as("carl", dec2, &["payout", "export", id, "--format", "csv", "--out", &f]);
        check!(out.code == 0, "export {id}: {}", out.stderr);
    }
    let (o, n) = (oct["id"].as_i64(), nov["id"].as_i64());
    check_eq!(bound_to(db, &[asel_oct, asel_nov, bota_oct])?, vec![o, n, None]);
    check_eq!(shown_ids(db, dec2, &oid)?, want_oct);
    check_eq!(shown_ids(db, dec2, &nid)?, want_nov);
    for id in [&oid, &nid] {
        check!(db.run_as("bolat", dec2, &["payout", "complete", id]).code == 0, "complete {id}");
    }
    let paid = db.json(dec2, &["bonus", "list", "--status", "paid"])?;
    let mut ids: Vec<i64> =
        paid.as_array().map(|a| a.iter().filter_map(|b| b["id"].as_i64()).collect()).unwrap_or_default();
    ids.sort_unstable();
    check_eq!(ids, vec![asel_oct, asel_nov]);
    let bal = db.json(dec2, &["partner", "show", "ASEL25"])?["balance"].clone();
    check_eq!((bal["paid"].clone(), bal["net"].clone()), (json!("75000.00"), json!("0.00")));

    // Discarding October lets its bonuses go to the next run that reaches them: November's.
    let db = &TestDb::new(db.backend)?;
    let (oct, nov, _) = two_pending_months(db)?;
    let (oid, nid) = (oct["id"].to_string(), nov["id"].to_string());
    check!(db.run(DEC1, &["payout", "discard", &oid]).code == 0, "discard October");
    let out = db.run_as("bolat", DEC1, &["payout", "approve", &nid]);
    check_eq!(out.code, 1);
    check!(out.stderr.contains(&format!("payout run {nid} no longer matches what it would pay now")), "{}", out.stderr);
    check_eq!(db.json(DEC1, &["payout", "show", &nid])?["state"], json!("draft"));
    Ok(())
}
