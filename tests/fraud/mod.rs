//! Abuse cases decided through the CLI, on both backends: worked example 5's cases dismissed one
//! by one (the bonus stays frozen while one is open), a decision taken once only, the bonuses a
//! case names voided, a code deactivated, a partner excluded out of a draft payout run.
mod demo;
mod scan;
mod tree;
pub use demo::the_demo_has_a_living_abuse_queue;
pub use scan::{
    a_burst_to_the_second_and_shared_devices_and_ibans, each_signal_opens_its_case_and_not_below_its_threshold,
};
pub use tree::the_tree_goes_down_and_stops_where_the_data_loops;

use super::{R, client, example_one, import, pay};
use crate::common::TestDb;
use crate::operations::asel_code_earns_nothing_later;
use crate::payouts::example_one_approved;
use crate::{check, check_eq};
use refdesk::store::{Store, execute};
use serde_json::{Value, json};

fn block_on<T>(f: impl std::future::Future<Output = Result<T, String>>) -> Result<T, String> {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
    rt.block_on(f)
}

/// Opens a case on partner `account` as a signal would, naming `bonus_ids`; its id.
fn open_case(db: &TestDb, account: &str, kind: &str, bonus_ids: &[i64]) -> Result<i64, String> {
    block_on(async {
        let store = Store::open(&db.url).await.map_err(|e| e.to_string())?;
        let evidence = json!({"bonus_ids": bonus_ids, "note": "opened by the test"}).to_string();
        execute(
            &store.db,
            "INSERT INTO fraud_case (partner_id, kind, status, opened_at, evidence) VALUES ($1, $2, 'open', 1796065200000, $3)",
            vec![account.into(), kind.into(), evidence.into()],
        )
        .await
        .map_err(|e| e.to_string())?;
        let r = refdesk::store::query_one(&store.db, "SELECT MAX(id) FROM fraud_case", vec![])
            .await
            .map_err(|e| e.to_string())?
            .ok_or("no case")?;
        r.try_get_by_index::<i64>(0).map_err(|e| e.to_string())
    })
}

/// The detail of the newest audit entry of `action`.
pub(crate) fn audit_detail(db: &TestDb, action: &str) -> Result<Value, String> {
    block_on(async {
        let store = Store::open(&db.url).await.map_err(|e| e.to_string())?;
        let r = refdesk::store::query_one(
            &store.db,
            "SELECT detail FROM audit_log WHERE action = $1 ORDER BY id DESC LIMIT 1",
            vec![action.into()],
        )
        .await
        .map_err(|e| e.to_string())?
        .ok_or("no such entry")?;
        let text: String = r.try_get_by_index(0).map_err(|e| e.to_string())?;
        serde_json::from_str(&text).map_err(|e| e.to_string())
    })
}

fn bonus_status(db: &TestDb, now: &str, code: &str, id: &Value) -> Result<Value, String> {
    let list = db.json(now, &["bonus", "list", "--partner", code])?;
    let b = list.as_array().and_then(|l| l.iter().find(|b| b["id"] == *id)).cloned().ok_or("no such bonus")?;
    Ok(b["status"].clone())
}

/// Worked example 5: two self-referral cases on Asel freeze her bonus until both are decided;
/// a case is decided once; bad input names what is wrong.
pub fn self_referral_cases_are_decided_once(db: &TestDb) -> R {
    let mut ev = example_one();
    ev.push(pay("e4", "2026-10-06T10:00:00+05:00", "PAY2", "A1", "P100", "100000", "75000", Some("asel25")));
    ev.push(json!({"type":"client_registered","event_id":"e5","at":"2026-10-06T11:00:00+05:00","account_id":"C9","phone":"8 (705) 805-82-59"}).to_string());
    ev.push(pay("e6", "2026-10-06T12:00:00+05:00", "PAY3", "C9", "P200", "200000", "150000", Some("ASEL25")));
    import(db, "e.ndjson", &ev)?;
    let now = "2026-10-20T10:00:00+05:00";
    // The import opened one self-referral case; a scan's finding opens another kind.
    open_case(db, "A1", "shared_identity", &[])?;
    let open = db.json(now, &["fraud", "list", "--status", "open"])?;
    let cases = open.as_array().cloned().unwrap_or_default();
    check_eq!(cases.len(), 2);
    check_eq!(
        (cases[0]["partner"].clone(), cases[0]["kind"].clone(), cases[0]["status"].clone()),
        (json!("ASEL25"), json!("self_referral"), json!("open"))
    );
    check!(cases[0]["opened_at"].is_string(), "{}", cases[0]);
    check_eq!(cases[0]["evidence"]["findings"][1]["payment_id"], json!("PAY3"));
    check_eq!(cases[1]["kind"], json!("shared_identity"));
    let (first, second) = (cases[0]["id"].to_string(), cases[1]["id"].to_string());
    let bonus = db.json(now, &["bonus", "list", "--partner", "ASEL25"])?[0]["id"].clone();
    check_eq!(bonus_status(db, now, "ASEL25", &bonus)?, json!("frozen"));

    let no_reason = db.run(now, &["fraud", "decide", &first, "--action", "dismiss", "--reason", "  "]);
    check!(no_reason.code == 2 && no_reason.stderr.contains("--reason"), "{}", no_reason.stderr);
    let bad_action = db.run(now, &["fraud", "decide", &first, "--action", "forgive", "--reason", "x"]);
    check!(bad_action.code == 2 && bad_action.stderr.contains("forgive"), "{}", bad_action.stderr);
    let none = db.run(now, &["fraud", "decide", "999", "--action", "dismiss", "--reason", "x"]);
    check!(none.code == 2 && none.stderr.contains("there is no abuse case 999"), "{}", none.stderr);

    let out = db.run(now, &["fraud", "decide", &first, "--action", "dismiss", "--reason", "her own test purchase"]);
    out.said(0, "decided: dismissed")?;
    // The other case is still open: the bonus stays frozen.
    check_eq!(bonus_status(db, now, "ASEL25", &bonus)?, json!("frozen"));
    let again = db.run_as("bolat", now, &["fraud", "decide", &first, "--action", "exclude", "--reason", "x"]);
    check_eq!(again.code, 1);
    check!(
        again
            .stderr
            .contains(&format!("abuse case {first} was already decided by anna at 2026-10-20 10:00: dismissed")),
        "{}",
        again.stderr
    );
    check_eq!(db.json(now, &["partner", "show", "ASEL25"])?["status"], json!("active"));
    let out = db.run(now, &["fraud", "decide", &second, "--action", "void", "--reason", "shared phone, a relative"]);
    out.said(0, "no unpaid bonus to void")?;
    // Both decided: the bonus (not named by either case) is due again and can be approved.
    check_eq!(bonus_status(db, now, "ASEL25", &bonus)?, json!("due"));
    let out = db.run_as("bolat", now, &["bonus", "approve", &bonus.to_string()]);
    check!(out.code == 0, "{}{}", out.stdout, out.stderr);
    let decided = db.json(now, &["fraud", "list", "--status", "decided"])?;
    check_eq!(decided.as_array().map(|a| a.len()), Some(2));
    check_eq!(
        (decided[0]["status"].clone(), decided[0]["decided_by"].clone(), decided[0]["reason"].clone()),
        (json!("dismissed"), json!("anna"), json!("her own test purchase"))
    );
    check_eq!(db.json(now, &["fraud", "list", "--status", "open"])?, json!([]));
    Ok(())
}

/// `void` voids the unpaid bonuses the case names and no other; `deactivate` also stops the code
/// (a later payment with it earns nothing).
pub fn a_case_voids_its_bonuses_or_stops_the_code(db: &TestDb) -> R {
    let mut ev = example_one();
    ev.push(client("c2", "2026-10-06T09:00:00+05:00", "C2", Some("ASEL25")));
    ev.push(pay("y2", "2026-10-06T10:00:00+05:00", "PAY2", "C2", "P200", "200000", "150000", Some("ASEL25")));
    import(db, "e.ndjson", &ev)?;
    let now = "2026-10-21T10:00:00+05:00";
    let bonuses = db.json(now, &["bonus", "list", "--partner", "ASEL25"])?;
    let ids: Vec<i64> =
        bonuses.as_array().map(|a| a.iter().filter_map(|b| b["id"].as_i64()).collect()).unwrap_or_default();
    check_eq!(ids.len(), 2);
    let named = ids[1];
    let case = open_case(db, "A1", "price_mismatch", &[named])?;
    check_eq!(bonus_status(db, now, "ASEL25", &json!(ids[0]))?, json!("frozen"));
    let out = db.run(
        now,
        &["fraud", "decide", &case.to_string(), "--action", "void", "--reason", "paid less than the list price"],
    );
    out.said(0, "decided: voided; 1 bonus(es) voided, 50,000.00 KZT in total")?;
    check_eq!(bonus_status(db, now, "ASEL25", &json!(named))?, json!("voided"));
    check_eq!(bonus_status(db, now, "ASEL25", &json!(ids[0]))?, json!("due"));
    check_eq!(db.json(now, &["partner", "show", "ASEL25"])?["status"], json!("active"));

    // A case naming a bonus already voided (and one of another partner) voids nothing more.
    let case = open_case(db, "A1", "registration_burst", &[named, 9999])?;
    let out = db
        .run(now, &["fraud", "decide", &case.to_string(), "--action", "deactivate", "--reason", "a burst of sign-ups"]);
    out.said(0, "no unpaid bonus to void; code ASEL25 deactivated")?;
    let show = db.json(now, &["partner", "show", "ASEL25"])?;
    check_eq!((show["status"].clone(), show["balance"]["due"].clone()), (json!("code_deactivated"), json!("25000.00")));
    asel_code_earns_nothing_later(db)?;
    Ok(())
}

/// `exclude`: code stopped, every unpaid bonus voided and the partner's line out of the draft
/// run, which stays approvable; all or nothing, in one transaction.
pub fn an_exclusion_takes_the_partner_out_of_a_draft_run(db: &TestDb) -> R {
    let bonus = example_one_approved(db)?;
    let nov2 = "2026-11-02T10:00:00+05:00";
    let run = db.json(nov2, &["payout", "prepare", "--month", "2026-10"])?;
    check_eq!(run["total"], json!("25000.00"));
    let id = run["id"].to_string();
    let case = open_case(db, "A1", "shared_identity", &[])?;
    let out = db.run(
        nov2,
        &["fraud", "decide", &case.to_string(), "--action", "exclude", "--reason", "one person, three accounts"],
    );
    check!(
        out.code == 0
            && out.stdout.contains("decided: excluded; 1 bonus(es) voided, 25,000.00 KZT in total; code ASEL25 deactivated; partner excluded")
            && out.stdout.contains(&format!("draft payout run {id} prepared again: 25,000.00 KZT → 0.00 KZT")),
        "{}{}",
        out.stdout,
        out.stderr
    );
    let show = db.json(nov2, &["partner", "show", "ASEL25"])?;
    check_eq!((show["status"].clone(), show["balance"]["available"].clone()), (json!("excluded"), json!("0.00")));
    check_eq!(bonus_status(db, nov2, "ASEL25", &bonus["id"])?, json!("voided"));
    let run = db.json(nov2, &["payout", "show", &id])?;
    check_eq!((run["state"].clone(), run["total"].clone()), (json!("draft"), json!("0.00")));
    let paid_lines: Vec<&Value> = run["lines"]
        .as_array()
        .map(|l| l.iter().filter(|l| l["status"] == json!("payable")).collect())
        .unwrap_or_default();
    check!(paid_lines.is_empty(), "the run still pays: {run}");
    // The draft is what a preparation now gives: its approval is not refused as changed.
    let out = db.run_as("bolat", nov2, &["payout", "approve", &id]);
    check!(!out.stderr.contains("changed"), "{}{}", out.stdout, out.stderr);
    Ok(())
}
