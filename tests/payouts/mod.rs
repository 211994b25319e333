//! Payout runs through the CLI, on both backends: worked example 1's October run, the second
//! operator's approval, an approval after a change, one live run a month, a month not over, held
//! back lines, a bonus in one run only (two drafts of different months included).
mod concurrency;
mod console;
pub use console::what_the_console_reads_of_a_run;

use super::{R, client, example_one, import, pay, refund};
use crate::common::TestDb;
use crate::{check, check_eq};
use serde_json::{Value, json};

const NOV2: &str = "2026-11-02T10:00:00+05:00";

/// Asel's contract, with a valid IBAN.
fn contract(db: &TestDb) -> R {
    let iin = refdesk::domain::identity::iin_with_check("90010130012").ok_or("no iin")?;
    let args = crate::asel_contract("ASEL25", "KZ86125KZT5004100100", &iin);
    let out = db.run("2026-10-02T10:00:00+05:00", &args);
    check!(out.code == 0, "contract: {}", out.stderr);
    Ok(())
}

/// Worked example 1 up to the approval of Asel's bonus on 2026-10-20 (by bolat).
pub(crate) fn example_one_approved(db: &TestDb) -> Result<Value, String> {
    import(db, "e.ndjson", &example_one())?;
    contract(db)?;
    let held = db.json("2026-10-20T09:00:00+05:00", &["bonus", "list", "--partner", "ASEL25"])?;
    let id = held[0]["id"].to_string();
    let out = db.run_as("bolat", "2026-10-20T09:00:00+05:00", &["bonus", "approve", &id]);
    check!(out.code == 0, "approve: {}", out.stderr);
    Ok(held[0].clone())
}

fn line<'a>(run: &'a Value, code: &str) -> Option<&'a Value> {
    run["lines"].as_array()?.iter().find(|l| l["partner"] == json!(code))
}

/// Worked example 1: the October run, prepared 2026-11-02 by anna and approved by bolat, pays
/// Asel 25 000,00, due 2026-11-10. Anna may not approve her own run; a second run of October is
/// refused; November cannot be prepared before it ends; a month that is not one is bad input.
pub fn the_october_run_pays_asel(db: &TestDb) -> R {
    let bonus = example_one_approved(db)?;
    // Before it is prepared, October's run shows as missing, not yet late.
    let months = db.json(NOV2, &["payout", "list"])?;
    check_eq!(
        (months[0]["month"].clone(), months[0]["state"].clone(), months[0]["late"].clone(), months[0]["due"].clone()),
        (json!("2026-10"), Value::Null, json!(false), json!("2026-11-10"))
    );
    let missing = db.run("2026-11-11T10:00:00+05:00", &["payout", "list"]);
    check!(missing.stdout.contains("missing") && missing.stdout.contains("LATE"), "{}", missing.stdout);
    let run = db.json(NOV2, &["payout", "prepare", "--month", "2026-10"])?;
    check_eq!(
        (run["month"].clone(), run["state"].clone(), run["total"].clone(), run["due"].clone()),
        (json!("2026-10"), json!("draft"), json!("25000.00"), json!("2026-11-10"))
    );
    check_eq!(run["prepared_by"], json!("anna"));
    let asel = line(&run, "ASEL25").cloned().unwrap_or_default();
    check_eq!(
        (asel["amount"].clone(), asel["status"].clone(), asel["reason"].clone(), asel["bonuses"].clone()),
        (json!("25000.00"), json!("payable"), Value::Null, json!([bonus["id"]]))
    );
    check_eq!(asel["iban"], json!("KZ86125KZT5004100100"));
    let id = run["id"].to_string();

    let own = db.run(NOV2, &["payout", "approve", &id]);
    check_eq!(own.code, 1);
    check!(own.stderr.contains("was prepared by anna; another operator must approve it"), "{}", own.stderr);
    check_eq!(db.json(NOV2, &["payout", "show", &id])?["state"], json!("draft"));

    let again = db.run(NOV2, &["payout", "prepare", "--month", "2026-10"]);
    check_eq!(again.code, 1);
    check!(
        again.stderr.contains(&format!("the month 2026-10 already has payout run {id} (draft)")),
        "{}",
        again.stderr
    );

    let ok = db.run_as("bolat", NOV2, &["payout", "approve", &id]);
    check!(ok.code == 0, "approve: {}", ok.stderr);
    check!(ok.stdout.contains("approved by bolat") && ok.stdout.contains("25,000.00 KZT"), "{}", ok.stdout);
    let shown = db.json(NOV2, &["payout", "show", &id])?;
    check_eq!((shown["state"].clone(), shown["approved_by"].clone()), (json!("approved"), json!("bolat")));
    let twice = db.run_as("carl", NOV2, &["payout", "approve", &id]);
    check_eq!(twice.code, 1);
    check!(twice.stderr.contains("is approved: only a draft can be approved"), "{}", twice.stderr);

    let early = db.run(NOV2, &["payout", "prepare", "--month", "2026-11"]);
    check_eq!(early.code, 1);
    check!(early.stderr.contains("the month 2026-11 ends at 2026-12-01T00:00:00+05:00"), "{}", early.stderr);
    let bad = db.run(NOV2, &["payout", "prepare", "--month", "2026-13"]);
    check_eq!(bad.code, 2);
    check!(bad.stderr.contains("--month: \"2026-13\" is not a month YYYY-MM"), "{}", bad.stderr);
    let none = db.run(NOV2, &["payout", "show", "999"]);
    check_eq!(none.code, 2);
    check!(none.stderr.contains("there is no payout run 999"), "{}", none.stderr);
    export_and_complete(db, &id, "25000.00")?;
    let bal = db.json("2026-11-10T12:00:00+05:00", &["partner", "show", "ASEL25"])?["balance"].clone();
    check_eq!(
        (bal["paid"].clone(), bal["available"].clone(), bal["net"].clone()),
        (json!("25000.00"), json!("0.00"), json!("0.00"))
    );
    Ok(())
}

/// The official schema, kept beside the program's rules (not copied into the repository).
fn schema() -> String {
    format!("{}/../shared/schemas/pain.001.001.03.xsd", env!("CARGO_MANIFEST_DIR"))
}

/// Exports both bank files of run `id` (as carl), checks that the XML is valid against the
/// official schema with its control sum the run's total, that exporting again gives the same
/// bytes and marks nothing paid; then completes it (as bolat) and checks the run paid `total`.
fn export_and_complete(db: &TestDb, id: &str, total: &str) -> R {
    let at = "2026-11-09T10:00:00+05:00";
    let xml = db.path(&format!("run{id}.xml"));
    let csv = db.path(&format!("run{id}.csv"));
    let x = xml.display().to_string();
    let c = csv.display().to_string();
    let out = db.run_as("carl", at, &["payout", "export", id, "--format", "pain001", "--out", &x]);
    check!(out.code == 0, "export: {}", out.stderr);
    check!(out.stdout.contains("nothing is marked paid"), "{}", out.stdout);
    let first = std::fs::read(&xml).map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&first).to_string();
    check!(text.contains(&format!("<CtrlSum>{total}</CtrlSum>")), "{text}");
    let lint = std::process::Command::new("xmllint")
        .args(["--noout", "--schema", &schema(), &x])
        .output()
        .map_err(|e| format!("xmllint (Debian's libxml2-utils) is needed to check the bank file: {e}"))?;
    check!(lint.status.success(), "the pain.001 file is not valid: {}", String::from_utf8_lossy(&lint.stderr));
    let shown = db.json(at, &["payout", "show", id])?;
    check_eq!(shown["state"], json!("exported"));
    check!(shown["lines"].as_array().is_some_and(|ls| ls.iter().all(|l| l["status"] != json!("paid"))), "{shown}");
    // Again, later, by someone else: the same bytes; and the CSV beside it.
    let again =
        db.run_as("bolat", "2026-11-09T18:00:00+05:00", &["payout", "export", id, "--format", "pain001", "--out", &x]);
    check!(again.code == 0, "re-export: {}", again.stderr);
    check!(std::fs::read(&xml).map_err(|e| e.to_string())? == first, "re-export changed the bytes");
    let out = db.run_as("bolat", at, &["payout", "export", id, "--format", "csv", "--out", &c]);
    check!(out.code == 0, "csv: {}", out.stderr);
    let sheet = std::fs::read_to_string(&csv).map_err(|e| e.to_string())?;
    check!(sheet.lines().last().is_some_and(|l| l.contains(&format!(",total,,,{total},"))), "{sheet}");
    let done = db.run_as("bolat", "2026-11-10T10:00:00+05:00", &["payout", "complete", id]);
    check!(done.code == 0, "complete: {}", done.stderr);
    let shown = db.json("2026-11-10T10:00:00+05:00", &["payout", "show", id])?;
    check_eq!((shown["state"].clone(), shown["total"].clone()), (json!("completed"), json!(total)));
    let twice = db.run_as("bolat", "2026-11-10T10:00:00+05:00", &["payout", "complete", id]);
    check_eq!(twice.code, 1);
    check!(twice.stderr.contains("is completed: only an exported run can be completed"), "{}", twice.stderr);
    Ok(())
}

/// Worked example 3: Asel's October bonus is paid, then refunded on 2026-11-20: a clawback of
/// 25 000; a second client's 50 000 bonus (approved 2026-12-06) comes too late for November, whose
/// run holds her back (the balance is negative); December's run pays 25 000 (50 000 − 25 000).
pub fn a_clawback_is_netted_in_the_next_run(db: &TestDb) -> R {
    example_one_approved(db)?;
    let oct = db.json(NOV2, &["payout", "prepare", "--month", "2026-10"])?;
    let id = oct["id"].to_string();
    check!(db.run_as("bolat", NOV2, &["payout", "approve", &id]).code == 0, "approve October");
    export_and_complete(db, &id, "25000.00")?;
    import(
        db,
        "later.ndjson",
        &[
            refund("r1", "2026-11-20T10:00:00+05:00", "PAY1", None),
            client("c2", "2026-11-20T12:00:00+05:00", "C2", Some("ASEL25")),
            pay("y2", "2026-11-21T10:00:00+05:00", "PAY2", "C2", "P200", "200000", "150000", Some("ASEL25")),
        ],
    )?;
    let bal = db.json("2026-11-22T10:00:00+05:00", &["partner", "show", "ASEL25"])?["balance"].clone();
    check_eq!((bal["net"].clone(), bal["clawed_back"].clone()), (json!("-25000.00"), json!("25000.00")));
    let dec1 = "2026-12-01T10:00:00+05:00";
    let nov = db.json(dec1, &["payout", "prepare", "--month", "2026-11"])?;
    let asel = line(&nov, "ASEL25").cloned().unwrap_or_default();
    check_eq!(
        (asel["amount"].clone(), asel["status"].clone(), asel["reason"].clone(), nov["total"].clone()),
        (json!("-25000.00"), json!("held_back"), json!("net_not_positive"), json!("0.00"))
    );
    let second = db.json("2026-12-06T10:00:00+05:00", &["bonus", "list", "--partner", "ASEL25", "--status", "due"])?;
    check_eq!(second[0]["amount"], json!("50000.00"));
    let out = db.run_as("bolat", "2026-12-06T10:00:00+05:00", &["bonus", "approve", &second[0]["id"].to_string()]);
    check!(out.code == 0, "approve: {}", out.stderr);
    let jan = "2027-01-02T10:00:00+05:00";
    let dec = db.json(jan, &["payout", "prepare", "--month", "2026-12"])?;
    let asel = line(&dec, "ASEL25").cloned().unwrap_or_default();
    check_eq!(
        (asel["amount"].clone(), asel["status"].clone(), asel["available"].clone(), asel["clawed_back"].clone()),
        (json!("25000.00"), json!("payable"), json!("50000.00"), json!("25000.00"))
    );
    check_eq!(dec["total"], json!("25000.00"));
    let id = dec["id"].to_string();
    check!(db.run_as("bolat", jan, &["payout", "approve", &id]).code == 0, "approve December");
    let x = db.path("dec.xml").display().to_string();
    check!(db.run(jan, &["payout", "export", &id, "--format", "pain001", "--out", &x]).code == 0, "export December");
    check!(db.run(jan, &["payout", "complete", &id]).code == 0, "complete December");
    let bal = db.json(jan, &["partner", "show", "ASEL25"])?["balance"].clone();
    // Both bonuses were paid (the first then clawed back, which the balance says apart).
    check_eq!(
        (bal["net"].clone(), bal["paid"].clone(), bal["clawed_back"].clone()),
        (json!("0.00"), json!("75000.00"), json!("25000.00"))
    );
    // The clawback is recovered: January's run has nothing for Asel.
    let feb = "2027-02-01T10:00:00+05:00";
    let janrun = db.json(feb, &["payout", "prepare", "--month", "2027-01"])?;
    check_eq!(janrun["lines"], json!([]));
    Ok(())
}

/// A refund after preparation and before export voids the bonus: the run no longer matches and
/// cannot be approved; discarded, the month is prepared again, with nothing payable, and still
/// gets its run.
pub fn an_approval_after_a_change_is_refused(db: &TestDb) -> R {
    example_one_approved(db)?;
    let run = db.json(NOV2, &["payout", "prepare", "--month", "2026-10"])?;
    let id = run["id"].to_string();
    import(db, "r.ndjson", &[refund("r1", "2026-11-03T10:00:00+05:00", "PAY1", None)])?;
    let later = "2026-11-03T12:00:00+05:00";
    let out = db.run_as("bolat", later, &["payout", "approve", &id]);
    check_eq!(out.code, 1);
    check!(out.stderr.contains(&format!("payout run {id} no longer matches what it would pay now")), "{}", out.stderr);
    check_eq!(db.json(later, &["payout", "show", &id])?["state"], json!("draft"));
    let gone = db.run(later, &["payout", "discard", &id]);
    check!(gone.code == 0, "discard: {}", gone.stderr);
    check_eq!(db.json(later, &["payout", "show", &id])?["state"], json!("discarded"));
    // Without --json, stdout is the run's id alone (scripts take it), the summary on stderr.
    let out = db.run(later, &["payout", "prepare", "--month", "2026-10"]);
    check!(out.code == 0 && out.stderr.contains("0 payable"), "prepare: {}", out.stderr);
    let new_id: i64 = out.stdout.trim().parse().map_err(|_| format!("stdout is not a run id: {:?}", out.stdout))?;
    let fresh = db.json(later, &["payout", "show", &new_id.to_string()])?;
    check!(fresh["id"] != run["id"], "a new run: {fresh}");
    check_eq!((fresh["total"].clone(), fresh["lines"].clone()), (json!("0.00"), json!([])));
    let out = db.run_as("bolat", later, &["payout", "approve", &fresh["id"].to_string()]);
    check!(out.code == 0, "an empty run is approved all the same: {}", out.stderr);
    let twice = db.run(later, &["payout", "discard", &id]);
    check_eq!(twice.code, 1);
    check!(twice.stderr.contains("is discarded: only a run not yet exported can be discarded"), "{}", twice.stderr);
    Ok(())
}

/// A partner without a contract is held back with the reason, the money staying in the
/// balance; a bonus bound to October's run is not offered to November's.
pub fn held_back_lines_and_one_run_per_bonus(db: &TestDb) -> R {
    import(db, "e.ndjson", &example_one())?;
    let held = db.json("2026-10-20T09:00:00+05:00", &["bonus", "list", "--partner", "ASEL25"])?;
    let out = db.run_as("bolat", "2026-10-20T09:00:00+05:00", &["bonus", "approve", &held[0]["id"].to_string()]);
    check!(out.code == 0, "approve: {}", out.stderr);
    let run = db.json(NOV2, &["payout", "prepare", "--month", "2026-10"])?;
    let asel = line(&run, "ASEL25").cloned().unwrap_or_default();
    check_eq!(
        (asel["amount"].clone(), asel["status"].clone(), asel["reason"].clone()),
        (json!("25000.00"), json!("held_back"), json!("no_contract"))
    );
    check_eq!(run["total"], json!("0.00"));
    let bal = db.json(NOV2, &["partner", "show", "ASEL25"])?["balance"].clone();
    check_eq!((bal["available"].clone(), bal["net"].clone()), (json!("25000.00"), json!("25000.00")));
    // Held back binds nothing: with a contract, November's run takes the bonus up.
    contract(db)?;
    let dec = "2026-12-01T10:00:00+05:00";
    let nov = db.json(dec, &["payout", "prepare", "--month", "2026-11"])?;
    check_eq!(line(&nov, "ASEL25").map(|l| l["status"].clone()), Some(json!("payable")));
    // Now bound to November's (draft) run, the bonus is in no other: October prepared again
    // after a discard does not offer it.
    let oct = run["id"].to_string();
    check!(db.run(dec, &["payout", "discard", &oct]).code == 0, "discard October");
    let oct2 = db.json(dec, &["payout", "prepare", "--month", "2026-10"])?;
    check_eq!(oct2["lines"], json!([]));
    // The list: November in time, October's new draft late, the discarded one beside it.
    let months = db.json(dec, &["payout", "list"])?;
    let seen: Vec<(Value, Value, Value)> = months
        .as_array()
        .map(|ms| ms.iter().map(|m| (m["month"].clone(), m["state"].clone(), m["late"].clone())).collect())
        .unwrap_or_default();
    check_eq!(
        seen,
        vec![
            (json!("2026-11"), json!("draft"), json!(false)),
            (json!("2026-10"), json!("draft"), json!(true)),
            (json!("2026-10"), json!("discarded"), json!(false)),
        ]
    );
    Ok(())
}

/// A refund between approval and export stops the export (the run no longer matches); one after
/// the export claws the bonus back: the run still pays it whole, and the balance carries the
/// clawback to later runs.
pub fn a_refund_after_export_claws_back(db: &TestDb) -> R {
    example_one_approved(db)?;
    let run = db.json(NOV2, &["payout", "prepare", "--month", "2026-10"])?;
    let id = run["id"].to_string();
    check!(db.run_as("bolat", NOV2, &["payout", "approve", &id]).code == 0, "approve");
    let x = db.path("oct.xml").display().to_string();
    let out = db.run(NOV2, &["payout", "export", &id, "--format", "pain001", "--out", &x]);
    check!(out.code == 0, "export: {}", out.stderr);
    import(db, "r.ndjson", &[refund("r1", "2026-11-04T10:00:00+05:00", "PAY1", None)])?;
    let later = "2026-11-05T10:00:00+05:00";
    let bonus = db.json(later, &["payment", "show", "PAY1"])?["bonus"].clone();
    check_eq!(bonus["status"], json!("available"));
    let bal = db.json(later, &["partner", "show", "ASEL25"])?["balance"].clone();
    check_eq!((bal["clawed_back"].clone(), bal["net"].clone()), (json!("25000.00"), json!("0.00")));
    let done = db.run_as("bolat", later, &["payout", "complete", &id]);
    check!(done.code == 0, "complete: {}", done.stderr);
    let shown = db.json(later, &["payout", "show", &id])?;
    check_eq!(shown["total"], json!("25000.00"));
    let bal = db.json(later, &["partner", "show", "ASEL25"])?["balance"].clone();
    check_eq!(
        (bal["paid"].clone(), bal["clawed_back"].clone(), bal["net"].clone()),
        (json!("25000.00"), json!("25000.00"), json!("-25000.00"))
    );

    // Approved, then refunded before the export: the export is refused, nothing is written.
    import(
        db,
        "nov.ndjson",
        &[
            super::client("c2", "2026-11-06T10:00:00+05:00", "C2", Some("ASEL25")),
            super::pay("y2", "2026-11-06T11:00:00+05:00", "PAY2", "C2", "P200", "200000", "150000", Some("ASEL25")),
        ],
    )?;
    let due = db.json("2026-11-21T10:00:00+05:00", &["bonus", "list", "--status", "due"])?;
    let out = db.run_as("bolat", "2026-11-21T10:00:00+05:00", &["bonus", "approve", &due[0]["id"].to_string()]);
    check!(out.code == 0, "approve bonus: {}", out.stderr);
    let dec1 = "2026-12-01T10:00:00+05:00";
    let nov = db.json(dec1, &["payout", "prepare", "--month", "2026-11"])?;
    check_eq!(nov["total"], json!("25000.00"));
    let nid = nov["id"].to_string();
    check!(db.run_as("bolat", dec1, &["payout", "approve", &nid]).code == 0, "approve November");
    import(db, "r2.ndjson", &[refund("r2", "2026-12-01T11:00:00+05:00", "PAY2", Some("75000"))])?;
    let nx = db.path("nov.xml");
    let out = db.run(dec1, &["payout", "export", &nid, "--format", "pain001", "--out", &nx.display().to_string()]);
    check_eq!(out.code, 1);
    check!(out.stderr.contains(&format!("payout run {nid} no longer matches")), "{}", out.stderr);
    check!(!nx.exists(), "no file is written for a refused export");
    check_eq!(db.json(dec1, &["payout", "show", &nid])?["state"], json!("approved"));
    Ok(())
}

pub use concurrency::{
    a_kill_during_completion_pays_once_or_not_at_all, pending_runs_never_share_a_bonus,
    racing_operators_and_a_failed_line,
};
