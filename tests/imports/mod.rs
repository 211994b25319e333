//! The import as an operator meets it: bad lines rejected one by one, a re-import that changes
//! nothing, CSV and its `.rejected` file.
use super::*;

// ---- import: bad lines, idempotency, CSV ---------------------------------------------------

pub fn snapshot(db: &TestDb) -> Result<Value, String> {
    let now = "2026-11-25T12:00:00+05:00";
    Ok(json!({
        "partners": db.json(now, &["partner", "list"])?,
        "payments": db.json(now, &["payment", "list"])?,
        "bonuses": db.json(now, &["bonus", "list"])?,
    }))
}

pub fn bad_lines_are_rejected_one_by_one(db: &TestDb) -> R {
    import(db, "base.ndjson", &example_one())?;
    let before = snapshot(db)?;
    let p = |extra: &str| {
        format!(
            r#"{{"type":"payment_confirmed","event_id":"x{}","at":"2026-10-06T10:00:00+05:00","payment_id":"PX","account_id":"CX","package":"P100","list_price":"100000"{extra}}}"#,
            extra.len()
        )
    };
    let bad = [
        ("{not json", "not valid JSON"),
        (
            r#"{"type":"payment_confirmed","event_id":"m1","at":"2026-10-06T10:00:00+05:00","payment_id":"PX","account_id":"CX","package":"P100","list_price":"100000"}"#,
            "paid_amount: missing",
        ),
        (&p(r#","paid_amount":1e5"#), "paid_amount: a float is not money"),
        (&p(r#","paid_amount":"75000.001""#), "paid_amount: more than two decimals"),
        (&p(r#","paid_amount":"-1""#), "paid_amount: money cannot be negative"),
        (
            r#"{"type":"payment_confirmed","event_id":"u1","at":"2026-10-06T10:00:00+05:00","payment_id":"PX","account_id":"CX","package":"P900","list_price":"100000","paid_amount":"75000"}"#,
            "package: unknown package \"P900\"",
        ),
        (
            r#"{"type":"payment_teleported","event_id":"t1","at":"2026-10-06T10:00:00+05:00"}"#,
            "type: unknown event type \"payment_teleported\"",
        ),
        (
            r#"{"type":"client_registered","event_id":"t2","at":"2026-10-06 10:00","account_id":"CX"}"#,
            "at: \"2026-10-06 10:00\" is not an RFC 3339 time with an offset",
        ),
        (
            r#"{"type":"payment_refunded","event_id":"r1","at":"2026-10-06T10:00:00+05:00","payment_id":"NOPE"}"#,
            "payment_id: no payment NOPE to refund",
        ),
        (
            r#"{"type":"payment_refunded","event_id":"r2","at":"2026-10-06T10:00:00+05:00","payment_id":"PAY1","amount":"75000.01"}"#,
            "amount: refunds would add up to 75000.01, more than the 75000.00 paid",
        ),
        (
            r#"{"type":"payment_refunded","event_id":"e3","at":"2026-10-06T10:00:00+05:00","payment_id":"PAY1"}"#,
            "event_id: e3 was already imported with other content (a conflict)",
        ),
    ];
    let text: Vec<String> = bad.iter().map(|(l, _)| l.to_string()).collect();
    let f = db.file("bad.ndjson", &lines(&text));
    let out = db.run("2026-11-25T12:00:00+05:00", &["import", &f]);
    check_eq!(out.code, 1);
    for (i, (_, msg)) in bad.iter().enumerate() {
        let want = format!("line {}: {msg}", i + 1);
        check!(out.stderr.contains(&want), "stderr lacks {want:?}:\n{}", out.stderr);
    }
    check!(out.stdout.contains("0 accepted, 0 duplicates, 11 rejected"), "summary: {}", out.stdout);
    let rejected = std::fs::read_to_string(format!("{f}.rejected")).map_err(|e| e.to_string())?;
    check_eq!(rejected, lines(&text));
    check_eq!(snapshot(db)?, before);
    // A good line beside bad ones is taken; the bad ones are not.
    let f2 = db.file(
        "mixed.ndjson",
        &lines(&[text[0].clone(), client("ok1", "2026-10-06T10:00:00+05:00", "C77", Some("ASEL25"))]),
    );
    let out = db.run("2026-11-25T12:00:00+05:00", &["import", &f2, "--json"]);
    check_eq!(out.code, 1);
    let v: Value = serde_json::from_str(&out.stdout).map_err(|e| e.to_string())?;
    check_eq!((v["accepted"].clone(), v["rejected"].clone()), (json!(1), json!(1)));
    Ok(())
}

pub fn reimport_changes_nothing(db: &TestDb) -> R {
    let mut ev = example_one();
    ev.push(refund("e4", "2026-10-06T15:00:00+05:00", "PAY1", Some("1000")));
    let f = db.file("e.ndjson", &lines(&ev));
    let first = db.run("2026-11-25T12:00:00+05:00", &["import", &f]);
    first.said(0, "4 accepted, 0 duplicates, 0 rejected")?;
    let before = snapshot(db)?;
    let second = db.run("2026-11-25T12:00:00+05:00", &["import", &f]);
    second.said(0, "0 accepted, 4 duplicates, 0 rejected")?;
    check_eq!(snapshot(db)?, before);
    // The same events as CSV, fields in another order: duplicates too.
    let csv = "type,event_id,at,account_id,name,promo_code,phone,email,payment_id,package,list_price,paid_amount,amount\n\
               partner_registered,e1,2026-10-01T09:00:00+05:00,A1,Асель Нурланова,ASEL25,+7 705 805 82 59,a1@mail.kz,,,,,\n\
               payment_confirmed,e3,2026-10-05T10:00:00+05:00,C1,,ASEL25,,,PAY1,P100,100000,75000.00,\n";
    let fc = db.file("e.csv", csv);
    let third = db.run("2026-11-25T12:00:00+05:00", &["import", &fc]);
    third.said(0, "0 accepted, 2 duplicates, 0 rejected")?;
    check_eq!(snapshot(db)?, before);
    Ok(())
}

pub fn csv_import_and_rejected_file(db: &TestDb) -> R {
    let csv = "type,event_id,at,account_id,name,promo_code,payment_id,package,list_price,paid_amount\n\
               partner_registered,e1,2026-10-01T09:00:00+05:00,A1,Асель,ASEL25,,,,\n\
               client_registered,e2,2026-10-03T12:00:00+05:00,C1,,asel25,,,,\n\
               payment_confirmed,e3,2026-10-05T10:00:00+05:00,C1,,ASEL25,PAY1,P100,100000,75000.5.0\n\
               payment_confirmed,e4,2026-10-05T10:00:00+05:00,C1,,ASEL25,PAY1,P100,100000,75000\n\
               payment_confirmed,e5,2026-10-05T10:00:00+05:00,C1\n";
    let f = db.file("events.csv", csv);
    let out = db.run("2026-11-25T12:00:00+05:00", &["import", &f]);
    check_eq!(out.code, 1);
    check!(out.stderr.contains("line 4: paid_amount: not an amount of money"), "{}", out.stderr);
    check!(out.stderr.contains("line 6: 4 fields where the header has 10"), "{}", out.stderr);
    let rejected = std::fs::read_to_string(format!("{f}.rejected")).map_err(|e| e.to_string())?;
    let want = "type,event_id,at,account_id,name,promo_code,payment_id,package,list_price,paid_amount\n\
                payment_confirmed,e3,2026-10-05T10:00:00+05:00,C1,,ASEL25,PAY1,P100,100000,75000.5.0\n\
                payment_confirmed,e5,2026-10-05T10:00:00+05:00,C1\n";
    check_eq!(rejected, want);
    check_eq!(bonus_of(db, "2026-10-06T10:00:00+05:00", "PAY1")?["amount"], json!("25000.00"));
    // Fixing the rejected file and importing it again takes the fixed line; a clean run
    // removes the stale .rejected file.
    let fixed = want.replace("75000.5.0", "75000").replace("e5,2026-10-05T10:00:00+05:00,C1\n", "");
    let fixed = fixed.lines().filter(|l| !l.starts_with("payment_confirmed,e5")).collect::<Vec<_>>().join("\n") + "\n";
    let f2 = db.file("fixed.csv", &fixed);
    std::fs::write(format!("{f2}.rejected"), "stale").map_err(|e| e.to_string())?;
    let out = db.run("2026-11-25T12:00:00+05:00", &["import", &f2]);
    // e3 as fixed is a new event id with a payment id already recorded: refused.
    check_eq!(out.code, 1);
    check!(out.stderr.contains("line 2: payment_id: PAY1 is already recorded"), "{}", out.stderr);
    let stdin = db.run_stdin(
        "2026-11-25T12:00:00+05:00",
        &["import", "-"],
        &lines(&[client("s1", "2026-10-07T10:00:00+05:00", "C50", None)]),
    );
    stdin.said(0, "1 accepted")?;
    Ok(())
}
