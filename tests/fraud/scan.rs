//! `fraud scan` on both backends: each signal opens its case, and a pattern just under its
//! threshold opens none; a second scan adds nothing; a dismissed case is not reopened by the
//! same evidence, and new evidence opens a new one.
use super::super::{R, client, import, partner, pay, refund};
use crate::common::TestDb;
use crate::{check, check_eq};
use serde_json::{Value, json};

const NOW: &str = "2026-11-01T10:00:00+05:00";

fn at(day: u32, minute: u32) -> String {
    format!("2026-10-{day:02}T{:02}:{:02}:00+05:00", 9 + minute / 60, minute % 60)
}

/// Clients registered through `code` every `every` minutes from 10 October 09:00; paying P100 at
/// the list price less 25 % when `pay_too`.
fn clients(prefix: &str, code: &str, n: u32, every: u32, pay_too: bool) -> Vec<String> {
    let mut ev = Vec::new();
    for i in 0..n {
        let account = format!("{prefix}{i}");
        ev.push(client(&format!("r-{account}"), &at(10, i * every), &account, Some(code)));
        if pay_too {
            let when = at(11, i);
            ev.push(pay(
                &format!("p-{account}"),
                &when,
                &format!("PAY-{account}"),
                &account,
                "P100",
                "100000",
                "75000",
                Some(code),
            ));
        }
    }
    ev
}

fn case_of<'a>(cases: &'a Value, code: &str, kind: &str) -> Vec<&'a Value> {
    cases
        .as_array()
        .map(|l| l.iter().filter(|c| c["partner"] == json!(code) && c["kind"] == json!(kind)).collect())
        .unwrap_or_default()
}

pub fn each_signal_opens_its_case_and_not_below_its_threshold(db: &TestDb) -> R {
    let d = "2026-10-01T09:00:00+05:00";
    let mut ev = vec![
        partner("pa", d, "A1", "Асель", "ASEL25", "+7 705 805 82 59"),
        partner("pb", d, "B1", "Болат", "BOLAT25", "8 (705) 805-82-59"),
        partner("pd", d, "D1", "Дана", "DANA25", "+7 705 000 00 04"),
        partner("pe", d, "E1", "Ева", "EVA25", "+7 705 000 00 05"),
        partner("pf", d, "F1", "Фарид", "FARID25", "+7 705 000 00 06"),
        partner("pg", d, "G1", "Гуль", "GUL25", "+7 705 000 00 07"),
        partner("ph", d, "H1", "Хан", "HAN25", "+7 705 000 00 08"),
        partner("pi", d, "I1", "Ира", "IRA25", "+7 705 000 00 09"),
        partner("r1", d, "R1", "Руслан", "RING1", "+7 705 000 00 11"),
        partner("r2", d, "R2", "Рита", "RING2", "+7 705 000 00 12"),
        // Each brought the other.
        json!({"type":"client_registered","event_id":"r1c","at":"2026-10-02T09:00:00+05:00","account_id":"R1","promo_code":"RING2"}).to_string(),
        json!({"type":"client_registered","event_id":"r2c","at":"2026-10-02T09:05:00+05:00","account_id":"R2","promo_code":"RING1"}).to_string(),
        // A client of Asel's with her phone; another with its own.
        json!({"type":"client_registered","event_id":"k1","at":"2026-10-03T09:00:00+05:00","account_id":"K1","promo_code":"ASEL25","phone":"87058058259"}).to_string(),
        json!({"type":"client_registered","event_id":"k2","at":"2026-10-03T09:00:00+05:00","account_id":"K2","promo_code":"ASEL25","phone":"+7 777 111 22 33"}).to_string(),
        // Dana's client paid less than the list price less the client discount; another paid right.
        client("dc1", &at(4, 0), "DC1", Some("DANA25")),
        pay("dp1", &at(5, 0), "PAY-DC1", "DC1", "P100", "100000", "60000", Some("DANA25")),
        client("dc2", &at(4, 1), "DC2", Some("DANA25")),
        pay("dp2", &at(5, 1), "PAY-DC2", "DC2", "P100", "100000", "75000", Some("DANA25")),
    ];
    // 21 registrations within 40 minutes through EVA25; 20 within 38 through FARID25.
    ev.extend(clients("EC", "EVA25", 21, 2, false));
    ev.extend(clients("FC", "FARID25", 20, 2, false));
    // 10 paying clients each for GUL25 (4 refunded) and HAN25 (3); 9 for IRA25 (all refunded).
    ev.extend(clients("GC", "GUL25", 10, 70, true));
    ev.extend(clients("HC", "HAN25", 10, 70, true));
    ev.extend(clients("IC", "IRA25", 9, 70, true));
    for (prefix, n) in [("GC", 4), ("HC", 3), ("IC", 9)] {
        for i in 0..n {
            ev.push(refund(&format!("x-{prefix}{i}"), &at(12, i), &format!("PAY-{prefix}{i}"), None));
        }
    }
    import(db, "abuse.ndjson", &ev)?;
    // The import judged the mismatched price as it wrote the payment (its audit entry names that
    // case), then ran the signals of the whole program once its events were in.
    let cases = db.json(NOW, &["fraud", "list", "--status", "open"])?;
    let mismatch = case_of(&cases, "DANA25", "price_mismatch");
    check_eq!(mismatch.len(), 1);
    check_eq!(mismatch[0]["payment_id"], json!("PAY-DC1"));
    check_eq!(super::audit_detail(db, "import")?["cases_opened"], json!([mismatch[0]["id"].clone()]));
    let mut opened: Vec<(String, String)> = cases
        .as_array()
        .map(|l| {
            l.iter()
                .map(|c| {
                    (c["partner"].as_str().unwrap_or("").to_string(), c["kind"].as_str().unwrap_or("").to_string())
                })
                .collect()
        })
        .unwrap_or_default();
    opened.sort();
    let want: Vec<(String, String)> = [
        ("ASEL25", "self_referral"),
        ("ASEL25", "shared_identity"),
        ("BOLAT25", "shared_identity"),
        ("DANA25", "price_mismatch"),
        ("EVA25", "registration_burst"),
        ("GUL25", "refund_rate"),
        ("RING1", "referral_ring"),
        ("RING2", "referral_ring"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    check_eq!(opened, want);
    let at_import = super::audit_detail(db, "fraud.scan")?;
    check_eq!(at_import["opened"].as_array().map(|a| a.len()), Some(7));
    check_eq!(at_import["found"]["price_mismatch"], json!(1));
    // A scan on demand finds the same again and changes nothing.
    let scan = db.json(NOW, &["fraud", "scan"])?;
    check_eq!((scan["opened"].clone(), scan["added_to"].clone()), (json!([]), json!([])));
    check_eq!(db.json(NOW, &["fraud", "list", "--status", "open"])?, cases);

    let say = |code: &str, kind: &str| -> String {
        case_of(&cases, code, kind)
            .first()
            .map(|c| c["evidence"]["findings"][0]["explanation"].as_str().unwrap_or("").to_string())
            .unwrap_or_default()
    };
    check_eq!(say("ASEL25", "shared_identity"), "partner ASEL25 shares the phone +77058058259 with partner BOLAT25");
    check_eq!(say("ASEL25", "self_referral"), "client K1 shares the phone +77058058259 of partner ASEL25");
    check_eq!(say("GUL25", "refund_rate"), "4 of 10 paying clients of GUL25 were refunded (40%, more than 30%)");
    check_eq!(
        say("DANA25", "price_mismatch"),
        "payment PAY-DC1 through DANA25 paid 60000.00 where the list price 100000.00 less the client discount is 75000.00"
    );
    check!(
        say("EVA25", "registration_burst")
            .starts_with("21 clients registered through EVA25 within 60 minutes (more than 20)"),
        "{}",
        say("EVA25", "registration_burst")
    );
    check_eq!(say("RING1", "referral_ring"), "partners RING1, RING2 brought each other, in a ring");
    // The case freezes the partner's bonuses.
    check_eq!(db.json(NOW, &["partner", "show", "DANA25"])?["balance"]["frozen"], json!("50000.00"));

    // Again: nothing new.
    let again = db.json(NOW, &["fraud", "scan"])?;
    check_eq!((again["opened"].clone(), again["added_to"].clone()), (json!([]), json!([])));

    // The price mismatch voided: that payment's bonus only.
    let price = case_of(&cases, "DANA25", "price_mismatch")[0]["id"].to_string();
    let out = db.run(NOW, &["fraud", "decide", &price, "--action", "void", "--reason", "discount from elsewhere"]);
    out.said(0, "1 bonus(es) voided, 25,000.00 KZT")?;
    check_eq!(db.json(NOW, &["payment", "show", "PAY-DC2"])?["bonus"]["status"], json!("due"));

    // Dismissed, the refund case is not reopened by the same numbers; a fifth refund is new.
    let rate = case_of(&cases, "GUL25", "refund_rate")[0]["id"].to_string();
    let out =
        db.run(NOW, &["fraud", "decide", &rate, "--action", "dismiss", "--reason", "a bad batch, refunded by us"]);
    check!(out.code == 0, "{}", out.stderr);
    check_eq!(db.json(NOW, &["fraud", "scan"])?["opened"], json!([]));
    // The import of that refund runs the signals: the new rate opens a case there and then.
    let out = import(db, "more.ndjson", &[refund("x-GC4", &at(13, 0), "PAY-GC4", None)])?;
    check!(out.stdout.contains("abuse scan: 1 case opened, 0 cases with new evidence"), "{}", out.stdout);
    check_eq!(db.json(NOW, &["fraud", "scan"])?["opened"], json!([]));
    let open = db.json(NOW, &["fraud", "list", "--status", "open"])?;
    let gul = case_of(&open, "GUL25", "refund_rate");
    check_eq!(gul.len(), 1);
    check_eq!(
        gul[0]["evidence"]["findings"][0]["explanation"],
        json!("5 of 10 paying clients of GUL25 were refunded (50%, more than 30%)")
    );
    Ok(())
}

/// The edges the scan's reads narrow by, judged as the domain judges them: 21 registrations
/// within 59:59 are a burst, within exactly 60 minutes none; a device id or a contract's IBAN
/// held by two partners is shared.
pub fn a_burst_to_the_second_and_shared_devices_and_ibans(db: &TestDb) -> R {
    let d = "2026-10-01T09:00:00+05:00";
    let with_device = |id: &str, account: &str, name: &str, code: &str, phone: &str| {
        json!({"type":"partner_registered","event_id":id,"at":d,"account_id":account,"name":name,"promo_code":code,"phone":phone,"device_id":"DEV-7"}).to_string()
    };
    let mut ev = vec![
        with_device("pj", "J1", "Жан", "JAN25", "+7 705 000 00 21"),
        with_device("pk", "K1", "Кира", "KIRA25", "+7 705 000 00 22"),
        partner("pl", d, "L1", "Лена", "LENA25", "+7 705 000 00 23"),
    ];
    // 21 clients through each code, two minutes apart but the last: JAN25's at 09:59:59,
    // KIRA25's at 10:00:00, 60 minutes after its first.
    for (code, last) in [("JAN25", "09:59:59"), ("KIRA25", "10:00:00")] {
        for i in 0..21u32 {
            let t = if i == 20 { last.to_string() } else { format!("09:{:02}:00", i * 2) };
            let account = format!("{code}-C{i}");
            ev.push(client(&format!("r-{account}"), &format!("2026-10-10T{t}+05:00"), &account, Some(code)));
        }
    }
    import(db, "edges.ndjson", &ev)?;
    for (code, number, base) in [("JAN25", "AT-1", "90010130012"), ("LENA25", "AT-2", "91020240013")] {
        let iin = refdesk::domain::identity::iin_with_check(base).ok_or("no iin")?;
        let iban = "KZ86125KZT5004100100";
        let args = ["partner", "contract", code, "--number", number, "--signed", "2026-10-02", "--iban", iban, "--iin"];
        let mut args: Vec<&str> = args.to_vec();
        args.push(&iin);
        let out = db.run(NOW, &args);
        check!(out.code == 0, "{}", out.stderr);
    }
    db.json(NOW, &["fraud", "scan"])?;
    let cases = db.json(NOW, &["fraud", "list", "--status", "open"])?;
    let mut opened: Vec<(String, String)> = cases
        .as_array()
        .map(|l| {
            l.iter()
                .map(|c| {
                    (c["partner"].as_str().unwrap_or("").to_string(), c["kind"].as_str().unwrap_or("").to_string())
                })
                .collect()
        })
        .unwrap_or_default();
    opened.sort();
    let want: Vec<(String, String)> = [
        ("JAN25", "registration_burst"),
        ("JAN25", "shared_identity"),
        ("KIRA25", "shared_identity"),
        ("LENA25", "shared_identity"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    check_eq!(opened, want);
    let said = |code: &str, kind: &str| -> Vec<String> {
        case_of(&cases, code, kind)
            .first()
            .and_then(|c| c["evidence"]["findings"].as_array().cloned())
            .unwrap_or_default()
            .iter()
            .map(|f| f["explanation"].as_str().unwrap_or("").to_string())
            .collect()
    };
    // The import's own scan found the device; the scan after the contracts adds the bank account.
    check_eq!(
        said("JAN25", "shared_identity"),
        vec![
            "partner JAN25 shares the device DEV-7 with partner KIRA25".to_string(),
            "partner JAN25 shares the bank account KZ86125KZT5004100100 with partner LENA25".to_string(),
        ]
    );
    let burst = said("JAN25", "registration_burst");
    check!(
        burst.first().is_some_and(|s| s.starts_with("21 clients registered through JAN25 within 60 minutes")),
        "{burst:?}"
    );
    Ok(())
}
