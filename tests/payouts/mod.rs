//! Payout runs through the CLI, on both backends: worked example 1's October run, the second
//! operator's approval, an approval after a change, one live run a month, a month not over, held
//! back lines, and a bonus bound to one run only.
use super::{R, example_one, import, refund};
use crate::common::TestDb;
use crate::{check, check_eq};
use serde_json::{Value, json};

const NOV2: &str = "2026-11-02T10:00:00+05:00";

/// Asel's contract, with a valid IBAN.
fn contract(db: &TestDb) -> R {
    let iin = refdesk::domain::identity::iin_with_check("90010130012").ok_or("no iin")?;
    let args = [
        "partner",
        "contract",
        "ASEL25",
        "--number",
        "AT-1",
        "--signed",
        "2026-10-02",
        "--iban",
        "KZ86125KZT5004100100",
        "--iin",
        &iin,
    ];
    let out = db.run("2026-10-02T10:00:00+05:00", &args);
    check!(out.code == 0, "contract: {}", out.stderr);
    Ok(())
}

/// Worked example 1 up to the approval of Asel's bonus on 2026-10-20 (by bolat).
fn example_one_approved(db: &TestDb) -> Result<Value, String> {
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
    let fresh = db.json(later, &["payout", "prepare", "--month", "2026-10"])?;
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
    Ok(())
}
