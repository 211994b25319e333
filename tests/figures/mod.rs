//! Figures that agree, on both backends: a partner's purchases are its referred clients'
//! payments (the clients tab sums to them), refunds are marked wherever a payment is shown,
//! ledger entries name who made them, their payment and their bonus's state now (as the balance
//! counts it), and `bonus show` tells a bonus's history: who, when and why.
use super::{R, client, example_one, import, pay, refund};
use crate::common::TestDb;
use crate::{check, check_eq};
use serde_json::{Value, json};

const NOW: &str = "2026-10-20T12:00:00+05:00";

fn arr(v: &Value) -> Vec<Value> {
    v.as_array().cloned().unwrap_or_default()
}

fn money(v: &Value) -> i64 {
    let s = v.as_str().unwrap_or("x");
    let (whole, frac) = s.split_once('.').unwrap_or((s, "00"));
    whole.parse::<i64>().unwrap_or(i64::MIN / 4) * 100 + frac.parse::<i64>().unwrap_or(0)
}

/// Asel's clients: C1 (registered with her code), C2 (came through its first payment, then paid
/// again without a code); Asel's own purchase with her code is not a client's.
fn program() -> Vec<String> {
    let mut ev = example_one();
    ev.extend([
        client("c2", "2026-10-02T09:00:00+05:00", "C2", None),
        pay("y2", "2026-10-06T10:00:00+05:00", "PAY2", "C2", "P200", "200000", "150000", Some("ASEL25")),
        pay("y3", "2026-10-08T10:00:00+05:00", "PAY3", "C2", "P100", "100000", "100000", None),
        pay("y4", "2026-10-09T10:00:00+05:00", "PAY4", "A1", "P100", "100000", "75000", Some("ASEL25")),
        refund("r1", "2026-10-10T10:00:00+05:00", "PAY1", None),
    ]);
    ev
}

/// Purchases are the referred clients' payments: the clients tab sums to them, the partner's
/// own purchase is not among them, and a client's later payment without the code is.
pub fn purchases_are_the_clients_tab_total(db: &TestDb) -> R {
    import(db, "e.ndjson", &program())?;
    let show = db.json(NOW, &["partner", "show", "ASEL25"])?;
    let clients = arr(&show["clients"]);
    let tab_total: i64 = clients.iter().map(|c| money(&c["paid"])).sum();
    check_eq!(show["stats"]["purchases_amount"], json!("325000.00"));
    check_eq!(money(&show["stats"]["purchases_amount"]), tab_total);
    check_eq!(show["stats"]["paying_clients"], json!(2));
    check_eq!(show["stats"]["purchases_refunded"], json!("75000.00"));
    let c1 = clients.iter().find(|c| c["account_id"] == json!("C1")).cloned().unwrap_or_default();
    check_eq!(
        (c1["paid"].clone(), c1["refunded"].clone(), c1["refund"].clone()),
        (json!("75000.00"), json!("75000.00"), json!("fully"))
    );
    let c2 = clients.iter().find(|c| c["account_id"] == json!("C2")).cloned().unwrap_or_default();
    check_eq!((c2["paid"].clone(), c2["refund"].clone()), (json!("250000.00"), json!("none")));
    Ok(())
}

/// A refunded payment is never shown as simply paid: `payment list` and `payment show` mark it
/// and give what is left.
pub fn refunds_are_marked(db: &TestDb) -> R {
    let mut ev = program();
    ev.push(refund("r2", "2026-10-11T10:00:00+05:00", "PAY2", Some("50000")));
    import(db, "e.ndjson", &ev)?;
    let list = db.json(NOW, &["payment", "list", "--partner", "ASEL25"])?;
    let by_id = |id: &str| arr(&list).into_iter().find(|p| p["payment_id"] == json!(id)).unwrap_or_default();
    let p1 = by_id("PAY1");
    check_eq!(
        (p1["refunded"].clone(), p1["net"].clone(), p1["refund"].clone()),
        (json!("75000.00"), json!("0.00"), json!("fully"))
    );
    let p2 = by_id("PAY2");
    check_eq!(
        (p2["refunded"].clone(), p2["net"].clone(), p2["refund"].clone()),
        (json!("50000.00"), json!("100000.00"), json!("partly"))
    );
    check_eq!(by_id("PAY4")["refund"], json!("none"));
    let text = db.run(NOW, &["payment", "list", "--partner", "ASEL25"]);
    let line = text.stdout.lines().find(|l| l.starts_with("PAY1")).unwrap_or_default().to_string();
    check!(line.contains("fully") && line.contains("75,000.00") && line.contains(" 0.00"), "PAY1 line: {line}");
    let show = db.json(NOW, &["payment", "show", "PAY2"])?;
    check_eq!((show["net"].clone(), show["refund"].clone()), (json!("100000.00"), json!("partly")));
    Ok(())
}

/// Each ledger entry names who made it, its payment, and the state its bonus shows now; with a
/// fraud case open every held entry's bonus says frozen, as the balance's frozen bucket does.
pub fn ledger_entries_agree_with_the_balance(db: &TestDb) -> R {
    import(db, "e.ndjson", &program())?;
    let show = db.json("2026-10-12T12:00:00+05:00", &["partner", "show", "ASEL25"])?;
    check!(show["open_cases"].as_i64().unwrap_or(0) > 0, "the self-referral opened no case: {}", show["open_cases"]);
    check_eq!(show["balance"]["frozen"], json!("50000.00"));
    check_eq!(show["balance"]["held"], json!("0.00"));
    let ledger = arr(&show["ledger"]);
    let pay2: Vec<_> = ledger.iter().filter(|e| e["payment_id"] == json!("PAY2")).collect();
    check_eq!(pay2.len(), 1);
    check_eq!((pay2[0]["bucket"].clone(), pay2[0]["bonus_state"].clone()), (json!("held"), json!("frozen")));
    check_eq!(pay2[0]["operator"], json!("anna"));
    // The frozen bucket is the sum of the entries whose bonus says frozen.
    let frozen: i64 = ledger.iter().filter(|e| e["bonus_state"] == json!("frozen")).map(|e| money(&e["amount"])).sum();
    check_eq!(frozen, money(&show["balance"]["frozen"]));
    // PAY1's bonus was voided by its refund: both entries name the payment and say voided.
    let pay1: Vec<_> = ledger.iter().filter(|e| e["payment_id"] == json!("PAY1")).collect();
    check_eq!(pay1.len(), 2);
    check!(pay1.iter().all(|e| e["bonus_state"] == json!("voided")), "{pay1:?}");
    check_eq!(pay1[0]["reference"], json!("r1"));
    Ok(())
}

/// `bonus show`: a partial refund reduces the bonus (which refund, when), an approval says who
/// and when, a void who, when and the reason whole.
pub fn bonus_show_tells_its_history(db: &TestDb) -> R {
    let mut ev = example_one();
    ev.push(refund("r1", "2026-10-07T10:00:00+05:00", "PAY1", Some("25000")));
    import(db, "e.ndjson", &ev)?;
    let id = db.json(NOW, &["bonus", "list", "--partner", "ASEL25"])?[0]["id"].to_string();
    let out = db.run_as("bolat", "2026-10-20T09:00:00+05:00", &["bonus", "approve", &id]);
    check!(out.code == 0, "approve: {}", out.stderr);
    let why = "the client's bank disputed the remaining charge and the partner admitted selling codes on a forum";
    let out = db.run_as("dana", "2026-10-21T15:30:00+05:00", &["bonus", "void", &id, "--reason", why]);
    check!(out.code == 0, "void: {}", out.stderr);
    let b = db.json("2026-10-22T10:00:00+05:00", &["bonus", "show", &id])?;
    check_eq!(b["status"], json!("voided"));
    check_eq!(b["partner"], json!("ASEL25"));
    check_eq!((b["payment"]["payment_id"].clone(), b["account_id"].clone()), (json!("PAY1"), json!("C1")));
    check_eq!((b["payment"]["refunded"].clone(), b["payment"]["refund"].clone()), (json!("25000.00"), json!("partly")));
    check_eq!(
        (b["base"].clone(), b["base_amount"].clone(), b["rate"].clone()),
        (json!("list_price"), json!("100000.00"), json!("0.25"))
    );
    check_eq!((b["hold_days"].clone(), b["release_at"].clone()), (json!(14), json!("2026-10-19T10:00:00+05:00")));
    check_eq!(
        (b["booked"].clone(), b["reduced"].clone(), b["amount"].clone()),
        (json!("25000.00"), json!("8333.33"), json!("16666.67"))
    );
    check_eq!(b["kept"], json!("0.00"));
    let h = arr(&b["history"]);
    let what: Vec<Value> = h.iter().map(|s| s["what"].clone()).collect();
    check_eq!(what, vec![json!("booked"), json!("reduced"), json!("approved"), json!("voided")]);
    check_eq!((h[0]["by"].clone(), h[0]["at"].clone()), (json!("anna"), json!("2026-10-05T10:00:00+05:00")));
    check_eq!(
        (h[1]["refund"].clone(), h[1]["refund_amount"].clone(), h[1]["amount"].clone()),
        (json!("r1"), json!("25000.00"), json!("-8333.33"))
    );
    check_eq!(h[1]["at"], json!("2026-10-07T10:00:00+05:00"));
    check_eq!((h[2]["by"].clone(), h[2]["at"].clone()), (json!("bolat"), json!("2026-10-20T09:00:00+05:00")));
    check_eq!(
        (h[3]["by"].clone(), h[3]["at"].clone(), h[3]["reason"].clone()),
        (json!("dana"), json!("2026-10-21T15:30:00+05:00"), json!(why))
    );
    // The text form says the same, the reason whole.
    let text = db.run("2026-10-22T10:00:00+05:00", &["bonus", "show", &id]);
    check!(
        text.code == 0 && text.stdout.contains(why) && text.stdout.contains("bolat"),
        "{}{}",
        text.stdout,
        text.stderr
    );
    let none = db.run(NOW, &["bonus", "show", "999"]);
    check_eq!(none.code, 2);
    check!(none.stderr.contains("there is no bonus 999"), "{}", none.stderr);
    Ok(())
}
