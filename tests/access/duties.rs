//! Separation of duties that no role lifts: the preparer of a payout run never approves it, an
//! admin included; the last admin can be neither demoted nor disabled; a disabled admin may only
//! read. Each refusal exits 1 with its sentence and changes nothing.
use super::{Snapshot, read_json, url_of};
use crate::common::{Out, TestDb, run_bin};
use crate::payouts::example_one_approved;
use crate::{R, check, check_eq};
use serde_json::json;

const NOV2: &str = "2026-11-02T10:00:00+05:00";

/// Exit 1, `says` on stderr as its one line, and the database as `before`.
fn refused(db: &TestDb, out: &Out, says: &str, before: &Snapshot, what: &str) -> R {
    check_eq!((what, out.code), (what, 1));
    check_eq!((what, out.stderr.trim()), (what, says));
    Snapshot::of(db)?.same(before, what)
}

pub fn the_preparer_never_approves_and_an_admin_always_remains(db: &TestDb) -> R {
    example_one_approved(db)?;
    let url = url_of(db);
    let run_as = |who: &str, args: &[&str]| run_bin(&url, who, NOV2, args, None, &[]);
    // anna, the admin, prepares October's run and may not approve it.
    let run = read_json(&url, NOV2, &["payout", "prepare", "--month", "2026-10"])?;
    let id = run["id"].to_string();
    let before = Snapshot::of(db)?;
    let own = run_as("anna", &["payout", "approve", &id]);
    let says = format!("payout run {id} was prepared by anna; another operator must approve it");
    refused(db, &own, &says, &before, "anna approves her own run")?;
    // Nor does a second admin who prepared the next one after it was discarded.
    let out = run_as("anna", &["operator", "add", "adil", "--role", "admin"]);
    check!(out.code == 0, "add adil: {}", out.stderr);
    check!(run_as("anna", &["payout", "discard", &id]).code == 0, "discard {id}");
    let again = run_as("adil", &["payout", "prepare", "--month", "2026-10", "--json"]);
    check!(again.code == 0, "adil prepares: {}", again.stderr);
    let id2 = serde_json::from_str::<serde_json::Value>(&again.stdout).map_err(|e| e.to_string())?["id"].to_string();
    let before = Snapshot::of(db)?;
    let own = run_as("adil", &["payout", "approve", &id2]);
    let says = format!("payout run {id2} was prepared by adil; another operator must approve it");
    refused(db, &own, &says, &before, "adil approves his own run")?;
    let ok = run_as("anna", &["payout", "approve", &id2]);
    check!(ok.code == 0, "anna approves adil's run: {}", ok.stderr);
    check_eq!(read_json(&url, NOV2, &["payout", "show", &id2])?["approved_by"], json!("anna"));

    // Two admins: anna disables adil; anna is then the last, and stays.
    let out = run_as("anna", &["operator", "disable", "adil"]);
    check!(out.code == 0, "disable adil: {}", out.stderr);
    let before = Snapshot::of(db)?;
    let last = "anna is the last admin: register another admin first, so that someone can still manage operators";
    for role in ["approver", "operator", "viewer"] {
        let out = run_as("anna", &["operator", "set-role", "anna", role]);
        refused(db, &out, last, &before, &format!("anna demoted to {role}"))?;
    }
    let out = run_as("anna", &["operator", "disable", "anna"]);
    refused(db, &out, last, &before, "anna disabled")?;
    // Setting her role to admin again changes nothing and is no refusal.
    let same = run_as("anna", &["operator", "set-role", "anna", "admin"]);
    check_eq!((same.code, same.stdout.trim()), (0, "anna is admin already; nothing changed."));
    Snapshot::of(db)?.same(&before, "anna set to admin again")?;

    // The disabled admin may only read: every admin deed and every other is refused.
    let disabled = "needs the admin role; adil was disabled by anna at 2026-11-02 10:00 and may only read";
    for args in [&["operator", "add", "zara", "--role", "admin"][..], &["operator", "disable", "anna"]] {
        let out = run_as("adil", args);
        check_eq!(out.code, 1);
        check!(out.stderr.contains(disabled), "{args:?}: {}", out.stderr);
        Snapshot::of(db)?.same(&before, &format!("adil {args:?}"))?;
    }
    let out = run_as("adil", &["partner", "show", "ASEL25"]);
    check!(out.code == 0, "adil reads: {}", out.stderr);

    // With a second admin registered, anna may step down; then the new one is the last.
    let out = run_as("anna", &["operator", "add", "zara", "--role", "admin"]);
    check!(out.code == 0, "add zara: {}", out.stderr);
    let out = run_as("anna", &["operator", "set-role", "anna", "approver"]);
    check!(out.code == 0, "anna steps down: {}", out.stderr);
    let before = Snapshot::of(db)?;
    let out = run_as("zara", &["operator", "disable", "zara"]);
    let says = "zara is the last admin: register another admin first, so that someone can still manage operators";
    refused(db, &out, says, &before, "zara disables herself")?;
    let out = run_as("anna", &["operator", "add", "yuri", "--role", "viewer"]);
    refused(
        db,
        &out,
        "managing operators needs the admin role; anna is an approver",
        &before,
        "anna, now an approver",
    )?;
    Ok(())
}
