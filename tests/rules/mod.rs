//! The program's rules end to end: the worked examples of RULES.md, then eligibility one rule
//! at a time.
use super::*;

// ---- the worked examples ---------------------------------------------------------------------

pub fn worked_example_1(db: &TestDb) -> R {
    import(db, "e.ndjson", &example_one())?;
    let held = db.json("2026-10-06T10:00:00+05:00", &["bonus", "list", "--partner", "asel25"])?;
    check_eq!(held.as_array().map(|a| a.len()), Some(1));
    let b = &held[0];
    check_eq!(b["amount"], json!("25000.00"));
    check_eq!(b["status"], json!("held"));
    check_eq!(b["partner"], json!("ASEL25"));
    check_eq!(b["payment_id"], json!("PAY1"));
    check_eq!(b["release_at"], json!("2026-10-19T10:00:00+05:00"));
    // One second before the hold ends it is still held; at the moment it ends, due.
    check_eq!(bonus_of(db, "2026-10-19T09:59:59+05:00", "PAY1")?["status"], json!("held"));
    check_eq!(bonus_of(db, "2026-10-19T10:00:00+05:00", "PAY1")?["status"], json!("due"));
    let due = db.json("2026-10-20T09:00:00+05:00", &["bonus", "list", "--status", "due"])?;
    check_eq!(due[0]["id"], b["id"]);
    let id = b["id"].to_string();
    let out = db.run_as("bolat", "2026-10-20T09:00:00+05:00", &["bonus", "approve", &id]);
    check!(out.code == 0, "approve: {}", out.stderr);
    check!(out.stdout.contains("25,000.00 KZT"), "approve said: {}", out.stdout);
    let show = db.json("2026-10-20T09:00:00+05:00", &["partner", "show", "ASEL25"])?;
    check_eq!(show["code"], json!("ASEL25"));
    check_eq!(show["status"], json!("active"));
    let bal = &show["balance"];
    check_eq!(bal["available"], json!("25000.00"));
    check_eq!(bal["held"], json!("0.00"));
    check_eq!(bal["due"], json!("0.00"));
    check_eq!(bal["paid"], json!("0.00"));
    check_eq!(bal["frozen"], json!("0.00"));
    check_eq!(bal["clawed_back"], json!("0.00"));
    check_eq!(bal["net"], json!("25000.00"));
    check_eq!(show["stats"]["registrations"], json!(1));
    check_eq!(show["stats"]["paying_clients"], json!(1));
    check_eq!(show["stats"]["purchases_amount"], json!("75000.00"));
    // Approving again is refused, naming who approved it and when.
    let again = db.run("2026-10-21T09:00:00+05:00", &["bonus", "approve", &id]);
    check_eq!(again.code, 1);
    check!(
        again.stderr.contains("already approved by bolat at 2026-10-20 09:00"),
        "second approve said: {}",
        again.stderr
    );
    let payment = db.json("2026-10-20T09:00:00+05:00", &["payment", "show", "PAY1"])?;
    check_eq!(payment["partner"], json!("ASEL25"));
    check_eq!(payment["promo_code"], json!("ASEL25"));
    check_eq!(payment["list_price"], json!("100000.00"));
    check_eq!(payment["paid_amount"], json!("75000.00"));
    check_eq!(payment["refunded"], json!("0.00"));
    check_eq!(payment["reason"], Value::Null);
    check_eq!(payment["bonus"]["status"], json!("available"));
    Ok(())
}

pub fn worked_example_2(db: &TestDb) -> R {
    let mut ev = example_one();
    ev.push(refund("e4", "2026-10-12T15:00:00+05:00", "PAY1", None));
    import(db, "e.ndjson", &ev)?;
    let now = "2026-10-20T09:00:00+05:00";
    let b = bonus_of(db, now, "PAY1")?;
    check_eq!(b["status"], json!("voided"));
    let bal = db.json(now, &["partner", "show", "ASEL25"])?["balance"].clone();
    for k in ["held", "due", "available", "paid", "frozen", "net"] {
        check_eq!((k, bal[k].clone()), (k, json!("0.00")));
    }
    check_eq!(db.json(now, &["payment", "show", "PAY1"])?["refunded"], json!("75000.00"));
    check_eq!(db.json(now, &["bonus", "list", "--status", "due"])?, json!([]));
    let voided = db.json(now, &["bonus", "list", "--status", "voided"])?;
    check_eq!(voided[0]["reason"], json!("refund of payment PAY1"));
    Ok(())
}

pub fn worked_example_4(db: &TestDb) -> R {
    let mut ev = example_one();
    ev.push(client("e4", "2026-10-06T10:00:00+05:00", "C2", None));
    let mut p = serde_json::from_str::<Value>(&pay(
        "e5",
        "2026-10-07T10:00:00+05:00",
        "PAY2",
        "C2",
        "P300",
        "300000",
        "270000",
        Some("ASEL25"),
    ))
    .map_err(|e| e.to_string())?;
    p["promotion"] = json!("site10");
    ev.push(p.to_string());
    import(db, "e.ndjson", &ev)?;
    let show = db.json("2026-10-08T10:00:00+05:00", &["payment", "show", "PAY2"])?;
    check_eq!(show["reason"], json!("promotion_not_combinable"));
    check_eq!(show["bonus"], Value::Null);
    check_eq!(show["paid_amount"], json!("270000.00"));
    check_eq!(show["partner"], json!("ASEL25"));
    // Only the first payment's bonus stands.
    let all = db.json("2026-10-08T10:00:00+05:00", &["bonus", "list"])?;
    check_eq!(all.as_array().map(|a| a.len()), Some(1));
    Ok(())
}

pub fn worked_example_5(db: &TestDb) -> R {
    let mut ev = example_one();
    // Asel's own account pays with her code …
    ev.push(pay("e4", "2026-10-06T10:00:00+05:00", "PAY2", "A1", "P100", "100000", "75000", Some("asel25")));
    // … and an account sharing her phone (written differently) does too.
    ev.push(json!({"type":"client_registered","event_id":"e5","at":"2026-10-06T11:00:00+05:00","account_id":"C9","phone":"8 (705) 805-82-59"}).to_string());
    ev.push(pay("e6", "2026-10-06T12:00:00+05:00", "PAY3", "C9", "P200", "200000", "150000", Some("ASEL25")));
    import(db, "e.ndjson", &ev)?;
    let now = "2026-10-07T10:00:00+05:00";
    for p in ["PAY2", "PAY3"] {
        let show = db.json(now, &["payment", "show", p])?;
        check_eq!((p, show["reason"].clone()), (p, json!("self_referral")));
        check_eq!((p, show["bonus"].clone()), (p, Value::Null));
    }
    let asel = db.json(now, &["partner", "show", "ASEL25"])?;
    // One case per partner and signal: both payments are its evidence.
    check_eq!(asel["open_cases"], json!(1));
    let case = db.json(now, &["fraud", "list", "--status", "open"])?;
    let said: Vec<Value> = case[0]["evidence"]["findings"].as_array().cloned().unwrap_or_default();
    check_eq!(
        said.iter().map(|f| f["explanation"].clone()).collect::<Vec<_>>(),
        vec![
            json!("payment PAY2 with ASEL25 came from partner ASEL25's own account"),
            json!("payment PAY3 with ASEL25 came from client C9, who shares the phone of partner ASEL25"),
        ]
    );
    check_eq!((case[0]["kind"].clone(), case[0]["payment_id"].clone()), (json!("self_referral"), json!("PAY2")));
    // An open case freezes her other bonus: it can be neither approved nor paid.
    check_eq!(asel["balance"]["frozen"], json!("25000.00"));
    check_eq!(asel["balance"]["held"], json!("0.00"));
    check_eq!(bonus_of(db, "2026-10-20T10:00:00+05:00", "PAY1")?["status"], json!("frozen"));
    let frozen = db.json("2026-10-20T10:00:00+05:00", &["bonus", "list", "--status", "frozen"])?;
    check_eq!(frozen[0]["reason"], json!("open fraud case"));
    let out = db.run("2026-10-20T10:00:00+05:00", &["bonus", "approve", "--all-due"]);
    check!(out.code == 0 && out.stdout.contains("No bonus is due"), "approve --all-due: {} {}", out.stdout, out.stderr);
    let id = frozen[0]["id"].to_string();
    let out = db.run("2026-10-20T10:00:00+05:00", &["bonus", "approve", &id]);
    check_eq!(out.code, 1);
    check!(out.stderr.contains("frozen"), "approve frozen said: {}", out.stderr);
    Ok(())
}

// ---- eligibility, one rule at a time ---------------------------------------------------------

pub fn eligibility_reasons(db: &TestDb) -> R {
    let mut ev = example_one();
    ev.push(partner("p2", "2026-10-01T09:00:00+05:00", "A2", "Ерлан Сейткали", "ERLAN25", "+7 701 111 22 33"));
    // unknown code
    ev.push(client("c3", "2026-10-06T09:00:00+05:00", "C3", None));
    ev.push(pay("y3", "2026-10-06T10:00:00+05:00", "PAY3", "C3", "P100", "100000", "75000", Some("NOPE99")));
    // existing client: C1 pays a second time
    ev.push(pay("y4", "2026-10-07T10:00:00+05:00", "PAY4", "C1", "P200", "200000", "150000", Some("ASEL25")));
    // existing client: registered 30 days and one second before paying
    ev.push(client("c5", "2026-09-06T09:59:59+05:00", "C5", None));
    ev.push(pay("y5", "2026-10-06T10:00:00+05:00", "PAY5", "C5", "P100", "100000", "75000", Some("ERLAN25")));
    // exactly 30 days is still new
    ev.push(client("c6", "2026-09-06T10:00:00+05:00", "C6", None));
    ev.push(pay("y6", "2026-10-06T10:00:00+05:00", "PAY6", "C6", "P100", "100000", "75000", Some("ERLAN25")));
    // no code at all: no partner, no reason
    ev.push(client("c7", "2026-10-06T09:00:00+05:00", "C7", None));
    ev.push(pay("y7", "2026-10-06T10:00:00+05:00", "PAY7", "C7", "P100", "100000", "100000", None));
    import(db, "a.ndjson", &ev)?;
    // the code is deactivated by an operator; a later payment with it earns nothing
    let out =
        db.run("2026-10-08T09:00:00+05:00", &["partner", "deactivate-code", "erlan25", "--reason", "spam in chats"]);
    check!(out.code == 0, "deactivate: {}", out.stderr);
    let again = db.run("2026-10-08T09:00:00+05:00", &["partner", "deactivate-code", "ERLAN25", "--reason", "x"]);
    check_eq!(again.code, 1);
    check!(again.stderr.contains("already deactivated by anna at 2026-10-08 09:00"), "{}", again.stderr);
    import(
        db,
        "b.ndjson",
        &[
            client("c8", "2026-10-08T10:00:00+05:00", "C8", Some("ERLAN25")),
            pay("y8", "2026-10-08T11:00:00+05:00", "PAY8", "C8", "P100", "100000", "75000", Some("ERLAN25")),
        ],
    )?;
    let now = "2026-10-09T10:00:00+05:00";
    let reason = |p: &str| -> Result<Value, String> { Ok(db.json(now, &["payment", "show", p])?["reason"].clone()) };
    check_eq!(reason("PAY3")?, json!("unknown_code"));
    check_eq!(reason("PAY4")?, json!("existing_client"));
    check_eq!(reason("PAY5")?, json!("existing_client"));
    check_eq!(reason("PAY6")?, Value::Null);
    check_eq!(reason("PAY7")?, Value::Null);
    check_eq!(reason("PAY8")?, json!("code_inactive"));
    check_eq!(db.json(now, &["payment", "show", "PAY3"])?["partner"], Value::Null);
    check_eq!(db.json(now, &["payment", "show", "PAY7"])?["bonus"], Value::Null);
    check_eq!(db.json(now, &["payment", "show", "PAY6"])?["bonus"]["amount"], json!("25000.00"));
    let erlan = db.json(now, &["partner", "show", "ERLAN25"])?;
    check_eq!(erlan["status"], json!("code_deactivated"));
    let list = db.json(now, &["partner", "list", "--status", "code_deactivated"])?;
    check_eq!(list.as_array().map(|a| a.len()), Some(1));
    check_eq!(list[0]["code"], json!("ERLAN25"));
    Ok(())
}

pub fn paid_amount_base_and_rounding(db: &TestDb) -> R {
    let cfg = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/config/refdesk.toml"))
        .map_err(|e| e.to_string())?;
    let cfg = cfg
        .replace("bonus_base = \"list_price\"", "bonus_base = \"paid_amount\"")
        .replace("partner_bonus_rate = \"25%\"", "partner_bonus_rate = \"12.5%\"")
        .replace("hold_days = 14", "hold_days = 3");
    let cfg_path = db.file("terms.toml", &cfg);
    let f = db.file(
        "e.ndjson",
        &lines(&[
            partner("e1", "2026-10-01T09:00:00+05:00", "A1", "Асель", "ASEL25", "+7 705 000 00 01"),
            client("e2", "2026-10-03T12:00:00+05:00", "C1", Some("ASEL25")),
            // 12.5% of 75 000,05 = 9 375,00625 → 9 375,01 (rounded once, half away from zero)
            pay("e3", "2026-10-31T20:00:00Z", "PAY1", "C1", "P100", "100000", "75000.05", Some("ASEL25")),
        ]),
    );
    let env = [("REFDESK_CONFIG", cfg_path.as_str())];
    let out = db.run_env("2026-11-01T12:00:00+05:00", &["import", &f], &env);
    check!(out.code == 0, "import: {}", out.stderr);
    let out = db.run_env("2026-11-01T12:00:00+05:00", &["bonus", "list", "--json"], &env);
    let v: Value = serde_json::from_str(&out.stdout).map_err(|e| format!("{e}: {}", out.stdout))?;
    check_eq!(v[0]["amount"], json!("9375.01"));
    // 2026-10-31T20:00Z is 1 November local; three local days later.
    check_eq!(v[0]["release_at"], json!("2026-11-04T01:00:00+05:00"));
    Ok(())
}

pub fn partial_refunds_leave_exactly_zero(db: &TestDb) -> R {
    let mut ev = example_one();
    ev.push(refund("r1", "2026-10-06T10:00:00+05:00", "PAY1", Some("25000")));
    ev.push(refund("r2", "2026-10-07T10:00:00+05:00", "PAY1", Some("0.01")));
    import(db, "e.ndjson", &ev)?;
    let now = "2026-10-08T10:00:00+05:00";
    // 25 000 × 25 000,01 / 75 000 = 8 333,34 taken back; 16 666,66 left.
    check_eq!(bonus_of(db, now, "PAY1")?["amount"], json!("16666.66"));
    check_eq!(db.json(now, &["partner", "show", "ASEL25"])?["balance"]["held"], json!("16666.66"));
    // Refunding more than the rest is refused and changes nothing …
    let over = db.file("over.ndjson", &lines(&[refund("r3", "2026-10-08T10:00:00+05:00", "PAY1", Some("50000"))]));
    let out = db.run(now, &["import", &over]);
    check_eq!(out.code, 1);
    check!(
        out.stderr.contains("line 1: amount: refunds would add up to 75000.01, more than the 75000.00 paid"),
        "{}",
        out.stderr
    );
    check_eq!(bonus_of(db, now, "PAY1")?["amount"], json!("16666.66"));
    // … and the rest, without an amount, refunds what remains and leaves exactly zero.
    import(db, "rest.ndjson", &[refund("r4", "2026-10-09T10:00:00+05:00", "PAY1", None)])?;
    let later = "2026-10-10T10:00:00+05:00";
    check_eq!(db.json(later, &["payment", "show", "PAY1"])?["refunded"], json!("75000.00"));
    check_eq!(bonus_of(db, later, "PAY1")?["status"], json!("voided"));
    let bal = db.json(later, &["partner", "show", "ASEL25"])?["balance"].clone();
    check_eq!(bal["held"], json!("0.00"));
    check_eq!(bal["net"], json!("0.00"));
    Ok(())
}
