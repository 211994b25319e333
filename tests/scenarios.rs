//! The program's rules end to end: events in through `refdesk import`, answers out through the
//! CLI's `--json`. Every scenario runs on SQLite and, when REFDESK_TEST_PG names a server, on
//! PostgreSQL (a fresh database each) — the same suite on both backends.
mod access;
mod common;
#[path = "hardening/corpus.rs"]
mod corpus;
#[path = "figures/mod.rs"]
mod figures;
mod fraud;
#[path = "ground/mod.rs"]
mod ground;
mod hardening;
mod hygiene;
#[path = "hardening/kill.rs"]
mod kill;
mod payouts;
#[path = "hardening/race.rs"]
mod race;
#[path = "hardening/replay.rs"]
mod replay;
#[path = "search/mod.rs"]
mod search;
#[path = "storage/mod.rs"]
mod storage;

use common::{Backend, TestDb};
use libtest_mimic::{Arguments, Failed, Trial};
use serde_json::{Value, json};

type R = Result<(), String>;

// ---- event builders ------------------------------------------------------------------------

fn partner(id: &str, at: &str, account: &str, name: &str, code: &str, phone: &str) -> String {
    json!({"type":"partner_registered","event_id":id,"at":at,"account_id":account,"name":name,"promo_code":code,"phone":phone,"email":format!("{}@mail.kz", account.to_lowercase())}).to_string()
}

fn client(id: &str, at: &str, account: &str, code: Option<&str>) -> String {
    let mut v = json!({"type":"client_registered","event_id":id,"at":at,"account_id":account,"phone":format!("+7 701 {:07}", id.len() * 7919 % 10_000_000)});
    if let Some(c) = code {
        v["promo_code"] = json!(c);
    }
    v.to_string()
}

#[allow(clippy::too_many_arguments)] // one argument per field of the event
fn pay(
    id: &str,
    at: &str,
    payment: &str,
    account: &str,
    pkg: &str,
    list: &str,
    paid: &str,
    code: Option<&str>,
) -> String {
    let mut v = json!({"type":"payment_confirmed","event_id":id,"at":at,"payment_id":payment,"account_id":account,"package":pkg,"list_price":list,"paid_amount":paid});
    if let Some(c) = code {
        v["promo_code"] = json!(c);
    }
    v.to_string()
}

fn refund(id: &str, at: &str, payment: &str, amount: Option<&str>) -> String {
    let mut v = json!({"type":"payment_refunded","event_id":id,"at":at,"payment_id":payment});
    if let Some(a) = amount {
        v["amount"] = json!(a);
    }
    v.to_string()
}

fn lines(ls: &[String]) -> String {
    let mut s = ls.join("\n");
    s.push('\n');
    s
}

/// Example 1's start: Asel registers with ASEL25, her colleague registers with it and pays P100.
fn example_one() -> Vec<String> {
    vec![
        partner("e1", "2026-10-01T09:00:00+05:00", "A1", "Асель Нурланова", "ASEL25", "+7 705 805 82 59"),
        client("e2", "2026-10-03T12:00:00+05:00", "C1", Some("ASEL25")),
        pay("e3", "2026-10-05T10:00:00+05:00", "PAY1", "C1", "P100", "100000", "75000", Some("ASEL25")),
    ]
}

fn import(db: &TestDb, name: &str, ls: &[String]) -> Result<common::Out, String> {
    let f = db.file(name, &lines(ls));
    let out = db.run("2026-11-25T12:00:00+05:00", &["import", &f]);
    if out.code != 0 {
        return Err(format!("import {name} exited {}: {}", out.code, out.stderr));
    }
    Ok(out)
}

fn bonus_of(db: &TestDb, now: &str, payment: &str) -> Result<Value, String> {
    let show = db.json(now, &["payment", "show", payment])?;
    Ok(show["bonus"].clone())
}

// ---- the worked examples ---------------------------------------------------------------------

fn worked_example_1(db: &TestDb) -> R {
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

fn worked_example_2(db: &TestDb) -> R {
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

fn worked_example_4(db: &TestDb) -> R {
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

fn worked_example_5(db: &TestDb) -> R {
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

fn eligibility_reasons(db: &TestDb) -> R {
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

fn paid_amount_base_and_rounding(db: &TestDb) -> R {
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

fn partial_refunds_leave_exactly_zero(db: &TestDb) -> R {
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

// ---- import: bad lines, idempotency, CSV ---------------------------------------------------

fn snapshot(db: &TestDb) -> Result<Value, String> {
    let now = "2026-11-25T12:00:00+05:00";
    Ok(json!({
        "partners": db.json(now, &["partner", "list"])?,
        "payments": db.json(now, &["payment", "list"])?,
        "bonuses": db.json(now, &["bonus", "list"])?,
    }))
}

fn bad_lines_are_rejected_one_by_one(db: &TestDb) -> R {
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

fn reimport_changes_nothing(db: &TestDb) -> R {
    let mut ev = example_one();
    ev.push(refund("e4", "2026-10-06T15:00:00+05:00", "PAY1", Some("1000")));
    let f = db.file("e.ndjson", &lines(&ev));
    let first = db.run("2026-11-25T12:00:00+05:00", &["import", &f]);
    check!(
        first.code == 0 && first.stdout.contains("4 accepted, 0 duplicates, 0 rejected"),
        "{}{}",
        first.stdout,
        first.stderr
    );
    let before = snapshot(db)?;
    let second = db.run("2026-11-25T12:00:00+05:00", &["import", &f]);
    check!(
        second.code == 0 && second.stdout.contains("0 accepted, 4 duplicates, 0 rejected"),
        "{}{}",
        second.stdout,
        second.stderr
    );
    check_eq!(snapshot(db)?, before);
    // The same events as CSV, fields in another order: duplicates too.
    let csv = "type,event_id,at,account_id,name,promo_code,phone,email,payment_id,package,list_price,paid_amount,amount\n\
               partner_registered,e1,2026-10-01T09:00:00+05:00,A1,Асель Нурланова,ASEL25,+7 705 805 82 59,a1@mail.kz,,,,,\n\
               payment_confirmed,e3,2026-10-05T10:00:00+05:00,C1,,ASEL25,,,PAY1,P100,100000,75000.00,\n";
    let fc = db.file("e.csv", csv);
    let third = db.run("2026-11-25T12:00:00+05:00", &["import", &fc]);
    check!(
        third.code == 0 && third.stdout.contains("0 accepted, 2 duplicates, 0 rejected"),
        "{}{}",
        third.stdout,
        third.stderr
    );
    check_eq!(snapshot(db)?, before);
    Ok(())
}

fn csv_import_and_rejected_file(db: &TestDb) -> R {
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
    check!(stdin.code == 0 && stdin.stdout.contains("1 accepted"), "{}{}", stdin.stdout, stdin.stderr);
    Ok(())
}

// ---- operators' actions ------------------------------------------------------------------------

fn void_and_contract(db: &TestDb) -> R {
    import(db, "e.ndjson", &example_one())?;
    let now = "2026-10-10T10:00:00+05:00";
    let id = bonus_of(db, now, "PAY1")?["id"].to_string();
    let out = db.run(now, &["bonus", "void", &id, "--reason", "  "]);
    check_eq!(out.code, 2);
    check!(out.stderr.contains("--reason"), "{}", out.stderr);
    let out = db.run(now, &["bonus", "void", &id, "--reason", "client is the partner's spouse"]);
    check!(out.code == 0, "void: {}", out.stderr);
    let b = bonus_of(db, now, "PAY1")?;
    check_eq!(b["status"], json!("voided"));
    let out = db.run(now, &["bonus", "void", &id, "--reason", "again"]);
    check_eq!(out.code, 1);
    check!(
        out.stderr.contains("was voided by anna at 2026-10-10 10:00: client is the partner's spouse"),
        "{}",
        out.stderr
    );
    let out = db.run(now, &["bonus", "approve", "999"]);
    check_eq!(out.code, 2);
    // Contracts: IBAN and IIN are checked.
    let bad_iban = db.run(
        now,
        &[
            "partner",
            "contract",
            "ASEL25",
            "--number",
            "AT-1",
            "--signed",
            "2026-10-02",
            "--iban",
            "KZ00125KZT5004100100",
            "--iin",
            "900101300121",
        ],
    );
    check_eq!(bad_iban.code, 2);
    check!(
        bad_iban.stderr.contains("--iban: KZ00125KZT5004100100: the IBAN's check digits do not match (mod 97)"),
        "{}",
        bad_iban.stderr
    );
    let bad_iin = db.run(
        now,
        &[
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
            "900101300120",
        ],
    );
    check_eq!(bad_iin.code, 2);
    check!(bad_iin.stderr.contains("--iin"), "{}", bad_iin.stderr);
    let iin = refdesk::domain::identity::iin_with_check("90010130012").ok_or("no iin")?;
    let ok = db.run(
        now,
        &[
            "partner",
            "contract",
            "asel25",
            "--number",
            "AT-1",
            "--signed",
            "2026-10-02",
            "--iban",
            "kz86 125K ZT50 0410 0100",
            "--iin",
            &iin,
        ],
    );
    check!(ok.code == 0, "contract: {}", ok.stderr);
    let show = db.json(now, &["partner", "show", "ASEL25"])?;
    check_eq!(show["contract"]["iban"], json!("KZ86125KZT5004100100"));
    check_eq!(show["contract"]["iin_bin"], json!(iin));
    check_eq!(show["contract"]["number"], json!("AT-1"));
    let unknown = db.run(now, &["partner", "show", "NOBODY1"]);
    check_eq!(unknown.code, 2);
    check!(unknown.stderr.contains("no partner has the code NOBODY1"), "{}", unknown.stderr);
    Ok(())
}

fn partner_add_generates_codes(db: &TestDb) -> R {
    let now = "2026-10-10T10:00:00+05:00";
    let a = db.run(now, &["partner", "add", "--name", "Асель Нурланова", "--phone", "+7 705 000 11 22"]);
    check!(a.code == 0 && a.stdout.contains("ASEL25"), "{}{}", a.stdout, a.stderr);
    let b = db.run(now, &["partner", "add", "--name", "Асель Ахметова"]);
    check!(b.code == 0 && b.stdout.contains("ASEL26"), "{}{}", b.stdout, b.stderr);
    let c = db.run(now, &["partner", "add", "--name", "Ерлан", "--code", "asel25"]);
    check_eq!(c.code, 1);
    // Events registering a partner without a code get one made from the name.
    import(db, "e.ndjson", &[json!({"type":"partner_registered","event_id":"p1","at":"2026-10-09T10:00:00+05:00","account_id":"A7","name":"Жанна Ким"}).to_string()])?;
    let list = db.json(now, &["partner", "list", "--search", "жанна"])?;
    check_eq!(list[0]["code"], json!("ZHANNA25"));
    let by_phone = db.json(now, &["partner", "list", "--search", "7050001122"])?;
    check_eq!(by_phone[0]["code"], json!("ASEL25"));
    Ok(())
}

/// Events of a later import change accounts stored by an earlier one: a client who registered
/// without a code gets its parent from its first payment, and a client becomes a partner.
fn later_events_update_stored_accounts(db: &TestDb) -> R {
    let now = "2026-11-25T12:00:00+05:00";
    import(
        db,
        "first.ndjson",
        &[
            partner("e1", "2026-10-01T09:00:00+05:00", "A1", "Асель Нурланова", "ASEL25", "+7 705 805 82 59"),
            client("e2", "2026-10-02T09:00:00+05:00", "C1", None),
            client("e3", "2026-10-02T10:00:00+05:00", "C2", Some("ASEL25")),
        ],
    )?;
    import(
        db,
        "second.ndjson",
        &[
            pay("e4", "2026-10-05T10:00:00+05:00", "PAY1", "C1", "P100", "100000", "75000", Some("ASEL25")),
            partner("e5", "2026-10-06T09:00:00+05:00", "C1", "Бауыржан Ким", "BAUR25", "+7 701 222 33 44"),
        ],
    )?;
    let asel = db.json(now, &["partner", "show", "ASEL25"])?;
    // C2 registered with the code; C1 came through its payment and counts as a client, not a registration.
    check_eq!(asel["stats"]["registrations"], json!(1));
    check_eq!(asel["stats"]["paying_clients"], json!(1));
    let mut clients: Vec<String> = asel["clients"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["account_id"].as_str().map(String::from))
        .collect();
    clients.sort();
    check_eq!(clients, vec!["C1".to_string(), "C2".to_string()]);
    let c1 = asel["clients"].as_array().into_iter().flatten().find(|c| c["account_id"] == json!("C1")).cloned();
    check_eq!(c1.map(|c| (c["is_partner"].clone(), c["paid"].clone())), Some((json!(true), json!("75000.00"))));
    let baur = db.json(now, &["partner", "show", "BAUR25"])?;
    check_eq!(baur["status"], json!("active"));
    check_eq!(bonus_of(db, now, "PAY1")?["amount"], json!("25000.00"));
    Ok(())
}

/// The detail view reads a partner's clients and ledger page by page: every row once, in order,
/// with clients who share a registration time and clients who never registered.
fn detail_pages_cover_every_row(db: &TestDb) -> R {
    use refdesk::service::partners::{self, DETAIL_PAGE, DetailPage, More};
    use refdesk::service::{Clock, Ctx};
    let mut events =
        vec![partner("p", "2026-09-01T09:00:00+05:00", "A1", "Асель Нурланова", "ASEL25", "+7 705 805 82 59")];
    // 450 registrations, three to a minute; 30 payers who never registered.
    let mut expected: Vec<(i64, String)> = Vec::new();
    for i in 0..450 {
        let at = chrono::DateTime::parse_from_rfc3339("2026-10-01T09:00:00+05:00").map_err(|e| e.to_string())?
            + chrono::Duration::minutes(i / 3);
        let id = format!("C{i:04}");
        events.push(client(&format!("r{i}"), &at.to_rfc3339(), &id, Some("ASEL25")));
        expected.push((at.timestamp_millis(), id));
    }
    for i in 0..250 {
        let id = format!("C{i:04}");
        events.push(pay(
            &format!("y{i}"),
            "2026-10-20T10:00:00+05:00",
            &format!("PAY{i}"),
            &id,
            "P100",
            "100000",
            "100000",
            Some("ASEL25"),
        ));
    }
    for i in 0..30 {
        let id = format!("U{i:04}");
        events.push(pay(
            &format!("u{i}"),
            "2026-10-21T10:00:00+05:00",
            &format!("UPAY{i}"),
            &id,
            "P100",
            "100000",
            "100000",
            Some("ASEL25"),
        ));
        expected.push((-1, id));
    }
    expected.sort_by(|a, b| b.cmp(a));
    import(db, "many.ndjson", &events)?;

    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
    rt.block_on(async {
        let store = refdesk::store::Store::open(&db.url).await.map_err(|e| e.to_string())?;
        let ctx = Ctx { store, terms: refdesk::domain::Terms::defaults(), operator: "t".into(), clock: Clock::System };
        let d = partners::show(&ctx, "ASEL25").await.map_err(|e| e.to_string())?;
        check_eq!(d.clients_total, 480);
        check_eq!(d.clients.len(), DETAIL_PAGE);
        let mut clients = d.clients.clone();
        while let Some(more) = More::after_clients(&clients).filter(|_| (clients.len() as i64) < d.clients_total) {
            match partners::detail_page(&ctx, &d.account_id, &more, None).await.map_err(|e| e.to_string())? {
                DetailPage::Clients(page) if !page.is_empty() => clients.extend(page),
                other => return Err(format!("after {} clients: {other:?}", clients.len())),
            }
        }
        let got: Vec<(i64, String)> =
            clients.iter().map(|c| (c.registered_at.unwrap_or(-1), c.account_id.clone())).collect();
        check_eq!(got, expected);

        check!(d.ledger_total >= 250, "{} ledger entries", d.ledger_total);
        let mut ledger = d.ledger.clone();
        while let Some(more) = More::after_ledger(&ledger).filter(|_| (ledger.len() as i64) < d.ledger_total) {
            match partners::detail_page(&ctx, &d.account_id, &more, None).await.map_err(|e| e.to_string())? {
                DetailPage::Ledger(page) if !page.is_empty() => ledger.extend(page),
                other => return Err(format!("after {} entries: {other:?}", ledger.len())),
            }
        }
        check_eq!(ledger.len() as i64, d.ledger_total);
        check!(ledger.windows(2).all(|w| w[0].id > w[1].id), "ledger pages out of order");
        Ok(())
    })
}

/// The console's lists read in either direction, forward and back, and from the end, by keyset;
/// each list's count (and value) covers exactly its query.
fn lists_page_both_ways_and_count_their_query(db: &TestDb) -> R {
    use refdesk::service::partners::{self, ListQuery, Sort};
    use refdesk::service::{Clock, Ctx, bonuses};
    let mut events = Vec::new();
    for i in 0..23 {
        let name = if i % 3 == 0 { format!("Айгерим {i:02}") } else { format!("Partner {i:02}") };
        let at = format!("2026-09-{:02}T09:00:00+05:00", i + 1);
        events.push(partner(
            &format!("p{i}"),
            &at,
            &format!("A{i:02}"),
            &name,
            &format!("CODE{i:02}"),
            "+7 705 805 82 59",
        ));
    }
    for i in 0..17 {
        let at = format!("2026-10-{:02}T10:00:00+05:00", i + 1);
        events.push(client(&format!("c{i}"), &at, &format!("C{i:02}"), Some("CODE01")));
        let (pay_id, acc) = (format!("PAY{i:02}"), format!("C{i:02}"));
        events.push(pay(&format!("y{i}"), &at, &pay_id, &acc, "P100", "100000", "100000", Some("CODE01")));
    }
    import(db, "lists.ndjson", &events)?;
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
    rt.block_on(async {
        let store = refdesk::store::Store::open(&db.url).await.map_err(|e| e.to_string())?;
        let ctx =
            Ctx { store, terms: refdesk::domain::Terms::defaults(), operator: "anna".into(), clock: Clock::System };
        let e = |e: refdesk::service::ServiceError| e.to_string();
        for sort in [Sort::Name, Sort::Code, Sort::Registered] {
            let all = partners::list(&ctx, &ListQuery { sort, ..Default::default() }).await.map_err(e)?;
            let asc: Vec<String> = all.iter().map(|r| r.code.clone()).collect();
            // Descending, five at a time.
            let mut desc: Vec<String> = Vec::new();
            let mut q = ListQuery { sort, desc: true, limit: 5, ..Default::default() };
            loop {
                let page = partners::list(&ctx, &q).await.map_err(e)?;
                desc.extend(page.iter().map(|r| r.code.clone()));
                match page.last() {
                    Some(last) if page.len() == 5 => q.cursor = Some(last.cursor(sort)),
                    _ => break,
                }
            }
            check_eq!(desc, asc.iter().rev().cloned().collect::<Vec<_>>());
            // The last page, read back from the end, in the list's order, both ways.
            let last = ListQuery { sort, backward: true, limit: 5, ..Default::default() };
            let tail: Vec<String> = partners::list(&ctx, &last).await.map_err(e)?.into_iter().map(|r| r.code).collect();
            check_eq!(tail, asc[asc.len() - 5..].to_vec());
            let tail: Vec<String> = partners::list(&ctx, &ListQuery { desc: true, ..last.clone() })
                .await
                .map_err(e)?
                .into_iter()
                .map(|r| r.code)
                .collect();
            check_eq!(tail, asc[..5].iter().rev().cloned().collect::<Vec<_>>());
            // Back from a row of a descending list: the rows before it in that order.
            let cursor = all[10].cursor(sort);
            let back =
                ListQuery { sort, desc: true, backward: true, cursor: Some(cursor), limit: 3, ..Default::default() };
            let before: Vec<String> =
                partners::list(&ctx, &back).await.map_err(e)?.into_iter().map(|r| r.code).collect();
            check_eq!(before, vec![asc[13].clone(), asc[12].clone(), asc[11].clone()]);
        }
        check_eq!(partners::count(&ctx, &ListQuery::default()).await.map_err(e)?, 23);
        let search = ListQuery { search: Some("айгерим".into()), ..Default::default() };
        check_eq!(partners::count(&ctx, &search).await.map_err(e)?, 8);
        check_eq!(partners::list(&ctx, &search).await.map_err(e)?.len(), 8);

        let all = bonuses::list(&ctx, &bonuses::BonusQuery::default()).await.map_err(e)?;
        check_eq!(all.len(), 17);
        let (n, total) = bonuses::list_total(&ctx, &bonuses::BonusQuery::default()).await.map_err(e)?;
        check_eq!((n, total), (17, all.iter().map(|b| b.amount).sum()));
        let mut desc = Vec::new();
        let mut q = bonuses::BonusQuery { desc: true, limit: 4, ..Default::default() };
        loop {
            let page = bonuses::list(&ctx, &q).await.map_err(e)?;
            desc.extend(page.iter().map(|b| b.id));
            match page.last() {
                Some(last) if page.len() == 4 => q.after = Some((last.release_at, last.id)),
                _ => break,
            }
        }
        check_eq!(desc, all.iter().rev().map(|b| b.id).collect::<Vec<_>>());
        let last = bonuses::BonusQuery { backward: true, limit: 4, ..Default::default() };
        let tail: Vec<i64> = bonuses::list(&ctx, &last).await.map_err(e)?.iter().map(|b| b.id).collect();
        check_eq!(tail, all[13..].iter().map(|b| b.id).collect::<Vec<_>>());
        for state in refdesk::domain::bonus::ShownBonusState::ALL {
            let q = bonuses::BonusQuery { state: Some(state), ..Default::default() };
            let rows = bonuses::list(&ctx, &q).await.map_err(e)?;
            let (n, total) = bonuses::list_total(&ctx, &q).await.map_err(e)?;
            check_eq!((n, total), (rows.len() as i64, rows.iter().map(|b| b.amount).sum()));
        }
        // A selection voided at once: all or none, for one reason.
        let (a, b, c) = (all[0].id, all[1].id, all[2].id);
        let got = bonuses::void_many(&ctx, &[a, b], "duplicate of another payment").await.map_err(e)?;
        check_eq!(got, all[0].amount + all[1].amount);
        check!(bonuses::void_many(&ctx, &[c, a], "again, with one voided").await.is_err(), "a voided bonus again");
        let voided =
            bonuses::BonusQuery { state: Some(refdesk::domain::bonus::ShownBonusState::Voided), ..Default::default() };
        let ids: Vec<i64> = bonuses::list(&ctx, &voided).await.map_err(e)?.iter().map(|b| b.id).collect();
        check_eq!(ids, vec![a, b]);
        Ok(())
    })
}

/// A --db that names no database refdesk can use is bad usage: exit 2, one sentence, nothing made.
fn an_unusable_db_is_bad_usage(db: &TestDb) -> R {
    let now = "2026-11-25T12:00:00+05:00";
    if db.backend == Backend::Postgres {
        // A server that does not answer: a failure (1) in one sentence, with no password in it.
        let url = "postgres://postgres:s3cret@127.0.0.1:1/nowhere";
        let out = common::run_bin(url, "anna", now, &["partner", "list"], None, &[]);
        check_eq!(out.code, 1);
        check!(
            out.stderr.starts_with("the PostgreSQL server at 127.0.0.1:1 did not answer within 5 s: ")
                && out.stderr.trim().lines().count() == 1
                && !out.stderr.contains("s3cret"),
            "{}",
            out.stderr
        );
        return Ok(());
    }
    let out = common::run_bin("mysql://u@h/x", "anna", now, &["partner", "list"], None, &[]);
    check_eq!(out.code, 2);
    check_eq!(
        out.stderr.trim(),
        "--db mysql://u@h/x: refdesk keeps its data in SQLite (a file's path, or sqlite://PATH) or in PostgreSQL (postgres://…)"
    );
    let empty = common::run_bin("", "anna", now, &["partner", "list"], None, &[]);
    check_eq!((empty.code, empty.stderr.trim()), (2, "--db is empty: give a SQLite file's path or a postgres:// URL"));
    // A bare path is a SQLite file.
    let path = db.path("bare.db").display().to_string();
    // A database refdesk has not set up is read as a production one: as the login, at any time.
    let bare = common::run_bin(&path, &refdesk::app::login(), now, &["partner", "list", "--json"], None, &[]);
    check_eq!((bare.code, bare.stdout.trim()), (0, "[]"));
    Ok(())
}

fn demo_is_deterministic(db: &TestDb) -> R {
    let now = "2026-11-25T12:00:00+05:00";
    let out = db.run(now, &["demo", "--partners", "40", "--clients", "400", "--seed", "7"]);
    check!(out.code == 0, "demo: {}", out.stderr);
    let partners = db.json(now, &["partner", "list"])?;
    check!(
        partners.as_array().map(|a| a.len()) == Some(40),
        "{} partners",
        partners.as_array().map(|a| a.len()).unwrap_or(0)
    );
    let first = snapshot(db)?;
    let other = TestDb::new(db.backend)?;
    let out = other.run(now, &["demo", "--partners", "40", "--clients", "400", "--seed", "7"]);
    check!(out.code == 0, "demo: {}", out.stderr);
    check_eq!(snapshot(&other)?, first);
    let bonuses = first["bonuses"].as_array().cloned().unwrap_or_default();
    for s in ["held", "due", "available", "voided"] {
        check!(bonuses.iter().any(|b| b["status"] == json!(s)), "no {s} bonus in the demo");
    }
    Ok(())
}

fn auto_approval_releases_by_the_clock(db: &TestDb) -> R {
    let cfg = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/config/refdesk.toml"))
        .map_err(|e| e.to_string())?;
    let cfg_path = db.file("auto.toml", &cfg.replace("approval = \"manual\"", "approval = \"auto\""));
    let env = [("REFDESK_CONFIG", cfg_path.as_str())];
    let f = db.file("e.ndjson", &lines(&example_one()));
    let out = db.run_env("2026-10-06T10:00:00+05:00", &["import", &f], &env);
    check!(out.code == 0, "import: {}", out.stderr);
    let json = |now: &str, args: &[&str]| -> Result<Value, String> {
        let mut a = args.to_vec();
        a.push("--json");
        let out = db.run_env(now, &a, &env);
        serde_json::from_str(&out.stdout).map_err(|e| format!("{args:?}: {e}: {}{}", out.stdout, out.stderr))
    };
    check_eq!(json("2026-10-19T09:59:00+05:00", &["bonus", "list"])?[0]["status"], json!("held"));
    // At the end of the hold it is available without anyone approving it, and the ledger says so.
    let show = json("2026-10-19T10:00:00+05:00", &["partner", "show", "ASEL25"])?;
    check_eq!(show["balance"]["available"], json!("25000.00"));
    check_eq!(show["balance"]["due"], json!("0.00"));
    check_eq!(show["balance"]["net"], json!("25000.00"));
    let kinds: Vec<Value> =
        show["ledger"].as_array().map(|l| l.iter().map(|e| e["kind"].clone()).collect()).unwrap_or_default();
    check_eq!(kinds, vec![json!("release"), json!("release"), json!("accrual")]);
    let out = db.run_env("2026-10-20T10:00:00+05:00", &["bonus", "approve", "--all-due"], &env);
    check_eq!(out.code, 1);
    check!(out.stderr.contains("approval is automatic"), "{}", out.stderr);
    Ok(())
}

fn exclusion_voids_unpaid_bonuses(db: &TestDb) -> R {
    let mut ev = example_one();
    ev.push(client("c2", "2026-10-06T09:00:00+05:00", "C2", Some("ASEL25")));
    ev.push(pay("y2", "2026-10-06T10:00:00+05:00", "PAY2", "C2", "P200", "200000", "150000", Some("ASEL25")));
    import(db, "e.ndjson", &ev)?;
    let out = db.run_as("bolat", "2026-10-20T10:00:00+05:00", &["bonus", "approve", "--all-due"]);
    check!(
        out.code == 0 && out.stdout.contains("Approved 2 bonuses, 75,000.00 KZT in total."),
        "{}{}",
        out.stdout,
        out.stderr
    );
    let out =
        db.run("2026-10-21T10:00:00+05:00", &["partner", "exclude", "ASEL25", "--reason", "sold codes on a forum"]);
    check!(
        out.code == 0 && out.stdout.contains("2 unpaid bonuses voided (75,000.00 KZT)"),
        "{}{}",
        out.stdout,
        out.stderr
    );
    let show = db.json("2026-10-21T10:00:00+05:00", &["partner", "show", "ASEL25"])?;
    check_eq!(show["status"], json!("excluded"));
    check_eq!(show["status_reason"], json!("sold codes on a forum"));
    check_eq!(show["balance"]["available"], json!("0.00"));
    check_eq!(show["balance"]["net"], json!("0.00"));
    let again = db.run("2026-10-22T10:00:00+05:00", &["partner", "exclude", "ASEL25", "--reason", "x"]);
    check_eq!(again.code, 1);
    check!(again.stderr.contains("already excluded by anna at 2026-10-21 10:00"), "{}", again.stderr);
    asel_code_earns_nothing_later(db)?;
    Ok(())
}

/// A client who registers and pays with ASEL25 on 22 October earns nothing: the code is off.
fn asel_code_earns_nothing_later(db: &TestDb) -> R {
    import(
        db,
        "later.ndjson",
        &[
            client("c3", "2026-10-22T09:00:00+05:00", "C3", Some("ASEL25")),
            pay("y3", "2026-10-22T10:00:00+05:00", "PAY3", "C3", "P100", "100000", "75000", Some("ASEL25")),
        ],
    )?;
    check_eq!(db.json("2026-10-23T10:00:00+05:00", &["payment", "show", "PAY3"])?["reason"], json!("code_inactive"));
    Ok(())
}

// ---- the harness -------------------------------------------------------------------------------

type Scenario = fn(&TestDb) -> R;

const SCENARIOS: &[(&str, Scenario)] = &[
    ("worked_example_1", worked_example_1),
    ("worked_example_2", worked_example_2),
    ("worked_example_4", worked_example_4),
    ("worked_example_5", worked_example_5),
    ("eligibility_reasons", eligibility_reasons),
    ("paid_amount_base_and_rounding", paid_amount_base_and_rounding),
    ("partial_refunds_leave_exactly_zero", partial_refunds_leave_exactly_zero),
    ("bad_lines_are_rejected_one_by_one", bad_lines_are_rejected_one_by_one),
    ("reimport_changes_nothing", reimport_changes_nothing),
    ("csv_import_and_rejected_file", csv_import_and_rejected_file),
    ("void_and_contract", void_and_contract),
    ("partner_add_generates_codes", partner_add_generates_codes),
    ("later_events_update_stored_accounts", later_events_update_stored_accounts),
    ("detail_pages_cover_every_row", detail_pages_cover_every_row),
    ("lists_page_both_ways_and_count_their_query", lists_page_both_ways_and_count_their_query),
    ("an_unusable_db_is_bad_usage", an_unusable_db_is_bad_usage),
    ("demo_is_deterministic", demo_is_deterministic),
    ("auto_approval_releases_by_the_clock", auto_approval_releases_by_the_clock),
    ("exclusion_voids_unpaid_bonuses", exclusion_voids_unpaid_bonuses),
    ("ledger_and_audit_are_append_only", ground::ledger_and_audit_are_append_only),
    ("bonus_ids_come_from_the_database", ground::bonus_ids_come_from_the_database),
    ("shown_state_sql_agrees_with_rust", ground::shown_state_sql_agrees_with_rust),
    ("an_unknown_stored_state_names_the_row", ground::an_unknown_stored_state_names_the_row),
    ("kept_figures_agree_with_the_rows", ground::kept_figures_agree_with_the_rows),
    ("a_phone_in_any_written_form_finds_its_partner", search::a_phone_in_any_written_form_finds_its_partner),
    (
        "an_exact_code_ranks_first_and_pages_never_repeat_it",
        search::an_exact_code_ranks_first_and_pages_never_repeat_it,
    ),
    ("bonuses_are_found_by_code_payment_or_id", search::bonuses_are_found_by_code_payment_or_id),
    ("the_detail_finds_ledger_entries_and_clients", search::the_detail_finds_ledger_entries_and_clients),
    ("purchases_are_the_clients_tab_total", figures::purchases_are_the_clients_tab_total),
    ("refunds_are_marked", figures::refunds_are_marked),
    ("ledger_entries_agree_with_the_balance", figures::ledger_entries_agree_with_the_balance),
    ("bonus_show_tells_its_history", figures::bonus_show_tells_its_history),
    ("the_october_run_pays_asel", payouts::the_october_run_pays_asel),
    ("an_approval_after_a_change_is_refused", payouts::an_approval_after_a_change_is_refused),
    ("held_back_lines_and_one_run_per_bonus", payouts::held_back_lines_and_one_run_per_bonus),
    ("a_clawback_is_netted_in_the_next_run", payouts::a_clawback_is_netted_in_the_next_run),
    ("a_refund_after_export_claws_back", payouts::a_refund_after_export_claws_back),
    ("racing_operators_and_a_failed_line", payouts::racing_operators_and_a_failed_line),
    ("a_kill_during_completion_pays_once_or_not_at_all", payouts::a_kill_during_completion_pays_once_or_not_at_all),
    ("what_the_console_reads_of_a_run", payouts::what_the_console_reads_of_a_run),
    ("pending_runs_never_share_a_bonus", payouts::pending_runs_never_share_a_bonus),
    ("self_referral_cases_are_decided_once", fraud::self_referral_cases_are_decided_once),
    ("a_case_voids_its_bonuses_or_stops_the_code", fraud::a_case_voids_its_bonuses_or_stops_the_code),
    ("an_exclusion_takes_the_partner_out_of_a_draft_run", fraud::an_exclusion_takes_the_partner_out_of_a_draft_run),
    (
        "each_signal_opens_its_case_and_not_below_its_threshold",
        fraud::each_signal_opens_its_case_and_not_below_its_threshold,
    ),
    ("a_burst_to_the_second_and_shared_devices_and_ibans", fraud::a_burst_to_the_second_and_shared_devices_and_ibans),
    ("the_tree_goes_down_and_stops_where_the_data_loops", fraud::the_tree_goes_down_and_stops_where_the_data_loops),
    ("the_demo_has_a_living_abuse_queue", fraud::the_demo_has_a_living_abuse_queue),
    ("escape_sequences_reach_no_terminal", hygiene::escape_sequences_reach_no_terminal),
    ("a_config_with_a_password_open_to_others_is_refused", hygiene::a_config_with_a_password_open_to_others_is_refused),
    ("no_client_pii_reaches_the_log", hygiene::no_client_pii_reaches_the_log),
    ("role_matrix_viewer", access::role_matrix_viewer),
    ("role_matrix_operator", access::role_matrix_operator),
    ("role_matrix_approver", access::role_matrix_approver),
    ("role_matrix_admin", access::role_matrix_admin),
    ("role_matrix_unregistered", access::role_matrix_unregistered),
    ("role_matrix_disabled", access::role_matrix_disabled),
    (
        "the_preparer_never_approves_and_an_admin_always_remains",
        access::the_preparer_never_approves_and_an_admin_always_remains,
    ),
    (
        "production_trusts_only_the_login_and_the_real_clock",
        access::production_trusts_only_the_login_and_the_real_clock,
    ),
    ("random_tampering_is_named", access::random_tampering_is_named),
    (
        "a_changed_reason_is_named_and_an_untouched_log_verifies",
        access::a_changed_reason_is_named_and_an_untouched_log_verifies,
    ),
    ("tampering_at_the_edges_is_named", access::tampering_at_the_edges_is_named),
    ("a_bad_byte_rejects_its_own_line_only", hardening::a_bad_byte_rejects_its_own_line_only),
    ("a_rejected_crlf_line_keeps_its_line_end", hardening::a_rejected_crlf_line_keeps_its_line_end),
    ("a_nul_in_an_id_is_refused_not_stripped", hardening::a_nul_in_an_id_is_refused_not_stripped),
    ("csv_is_read_as_records_and_needs_its_header", hardening::csv_is_read_as_records_and_needs_its_header),
    ("values_out_of_bounds_are_refused_by_name", hardening::values_out_of_bounds_are_refused_by_name),
    ("text_is_held_to_one_policy", hardening::text_is_held_to_one_policy),
    ("an_import_that_changed_nothing_writes_no_audit", hardening::an_import_that_changed_nothing_writes_no_audit),
    ("a_corpus_of_malformed_lines_rejects_each_alone", replay::a_corpus_of_malformed_lines_rejects_each_alone),
    ("a_corpus_of_malformed_csv_rows_rejects_each_alone", replay::a_corpus_of_malformed_csv_rows_rejects_each_alone),
    ("racing_operators_change_each_bonus_once", race::racing_operators_change_each_bonus_once),
    ("killed_imports_leave_what_a_clean_import_leaves", kill::killed_imports_leave_what_a_clean_import_leaves),
    ("a_writer_gives_up_on_a_held_lock", storage::a_writer_gives_up_on_a_held_lock),
    ("a_server_that_cannot_serve_is_named", storage::a_server_that_cannot_serve_is_named),
    ("a_file_that_is_not_a_database_is_named", storage::a_file_that_is_not_a_database_is_named),
    ("a_read_only_database_still_reads", storage::a_read_only_database_still_reads),
    ("a_read_only_directory_still_reads", storage::a_read_only_directory_still_reads),
    ("no_password_reaches_the_log", storage::no_password_reaches_the_log),
    ("files_are_for_their_owner_only", storage::files_are_for_their_owner_only),
];

fn main() {
    let args = Arguments::from_args();
    let pg = common::pg_server();
    let mut trials = Vec::new();
    for &(name, f) in SCENARIOS {
        trials.push(Trial::test(format!("sqlite::{name}"), move || run(Backend::Sqlite, f)));
        let t = Trial::test(format!("postgres::{name}"), move || run(Backend::Postgres, f));
        // Without a server the PostgreSQL half is listed as ignored and said so below; .ci/run
        // always sets the server and fails when it cannot reach it.
        trials.push(if pg.is_some() { t } else { t.with_ignored_flag(true) });
    }
    if pg.is_none() {
        eprintln!("note: the PostgreSQL suite was not run (set REFDESK_TEST_PG=postgres://…/test, as .ci/run does)");
    }
    libtest_mimic::run(&args, trials).exit();
}

fn run(backend: Backend, f: Scenario) -> Result<(), Failed> {
    let db = TestDb::new(backend).map_err(Failed::from)?;
    f(&db).map_err(Failed::from)
}
