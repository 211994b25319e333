//! The demonstration program's review queue, on both backends: a small demo has an open case of
//! every kind the platform's events can produce, a few decided ones, and the same cases for the
//! same seed.
use super::super::R;
use crate::common::TestDb;
use crate::{check, check_eq};
use serde_json::{Value, json};
use std::collections::BTreeSet;

const NOW: &str = "2026-11-25T12:00:00+05:00";

fn demo(db: &TestDb) -> Result<Value, String> {
    let out = db.run(NOW, &["demo", "--partners", "40", "--clients", "400", "--seed", "7"]);
    check!(out.code == 0, "demo: {}", out.stderr);
    check!(out.stdout.contains("abuse cases open, 3 decided"), "{}", out.stdout);
    db.json(NOW, &["fraud", "list"])
}

fn field<'a>(c: &'a Value, name: &str) -> &'a str {
    c[name].as_str().unwrap_or_default()
}

pub fn the_demo_has_a_living_abuse_queue(db: &TestDb) -> R {
    let cases = demo(db)?;
    let all = cases.as_array().cloned().unwrap_or_default();
    let open: Vec<&Value> = all.iter().filter(|c| c["status"] == json!("open")).collect();
    let kinds: BTreeSet<&str> = open.iter().map(|c| field(c, "kind")).collect();
    let every =
        ["price_mismatch", "referral_ring", "refund_rate", "registration_burst", "self_referral", "shared_identity"];
    check_eq!(kinds, BTreeSet::from(every));
    for c in &open {
        let said = c["evidence"]["findings"][0]["explanation"].as_str().unwrap_or_default();
        check!(said.contains(field(c, "partner")), "case {} explains itself: {said:?}", c["id"]);
    }

    // The operators have decided three: a family sharing a tablet, and a side deal voided.
    let decided: Vec<(&str, &str, &str)> = all
        .iter()
        .filter(|c| c["status"] != json!("open"))
        .map(|c| (field(c, "kind"), field(c, "status"), field(c, "decided_by")))
        .collect();
    check_eq!(
        decided,
        vec![
            ("price_mismatch", "voided", "dauren.ops"),
            ("shared_identity", "dismissed", "dauren.ops"),
            ("shared_identity", "dismissed", "dauren.ops")
        ]
    );
    let voided = all.iter().find(|c| c["status"] == json!("voided")).cloned().unwrap_or_default();
    let payment = db.json(NOW, &["payment", "show", field(&voided, "payment_id")])?;
    check_eq!(payment["bonus"]["status"], json!("voided"));
    check!(field(&voided, "decided_at") > field(&voided, "opened_at"), "decided after it opened: {voided}");

    // The queue is what a scan finds now: another scan adds nothing.
    let again = db.json(NOW, &["fraud", "scan"])?;
    check_eq!((again["opened"].clone(), again["added_to"].clone()), (json!([]), json!([])));

    // The same seed gives the same cases, word for word.
    let other = TestDb::new(db.backend)?;
    check_eq!(demo(&other)?, cases);
    Ok(())
}
