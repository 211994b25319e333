//! Search as operators type it, on both backends: a phone in any of its written forms finds
//! its partner, an exact code comes before the codes that contain it (and keyset pages never
//! repeat it), `%` and `_` are matched as themselves, and bonuses are found by the partner's
//! code, the payment id or the bonus id.
use super::{R, client, import, partner, pay};
use crate::common::TestDb;
use crate::{check, check_eq};
use refdesk::store::Store;
use refdesk::store::partners::{ListQuery, Sort, list};
use serde_json::Value;

const NOW: &str = "2026-11-25T12:00:00+05:00";

fn codes(v: &Value) -> Vec<String> {
    v.as_array().map(|a| a.iter().map(|r| r["code"].as_str().unwrap_or("?").to_string()).collect()).unwrap_or_default()
}

fn searched(db: &TestDb, text: &str) -> Result<Vec<String>, String> {
    Ok(codes(&db.json(NOW, &["partner", "list", "--search", text])?))
}

/// Three partners whose codes contain DANA78, the exact one sorting last by name, and a fourth
/// with a phone of its own.
fn dana_partners() -> Vec<String> {
    vec![
        partner("s1", "2026-10-01T09:00:00+05:00", "A1", "Айдана Бекова", "AYDANA78", "+7 701 111 22 33"),
        partner("s2", "2026-10-01T09:05:00+05:00", "A2", "Ядвига Данова", "DANA78", "+7 702 222 33 44"),
        partner("s3", "2026-10-01T09:10:00+05:00", "A3", "Бота Сейтова", "BDANA78X", "+7 703 333 44 55"),
        partner("s4", "2026-10-01T09:15:00+05:00", "A4", "Азамат Мусин", "AZAMAT25", "+7 747 375 88 78"),
    ]
}

pub fn a_phone_in_any_written_form_finds_its_partner(db: &TestDb) -> R {
    import(db, "p.ndjson", &dana_partners())?;
    for typed in [
        "+7 747 375 88 78",
        "8 747 375 88 78",
        "87473758878",
        "77473758878",
        "7473758878",
        "8-747-375-88-78",
        "375 88 78",
    ] {
        let found = searched(db, typed)?;
        check!(found == ["AZAMAT25"], "searching {typed:?} found {found:?}");
    }
    // Part of a name and of a code still match as text, in any case.
    check_eq!(searched(db, "мусин")?, vec!["AZAMAT25".to_string()]);
    check_eq!(searched(db, "zamat")?, vec!["AZAMAT25".to_string()]);
    // `%` and `_` are text, not wildcards.
    check_eq!(searched(db, "%")?, Vec::<String>::new());
    check_eq!(searched(db, "_")?, Vec::<String>::new());
    Ok(())
}

pub fn an_exact_code_ranks_first_and_pages_never_repeat_it(db: &TestDb) -> R {
    import(db, "p.ndjson", &dana_partners())?;
    // By name Айдана and Бота come before Ядвига, whose code is the one typed.
    check_eq!(searched(db, "dana78")?, vec!["DANA78", "AYDANA78", "BDANA78X"]);
    check_eq!(searched(db, " DANA78 ")?, vec!["DANA78", "AYDANA78", "BDANA78X"]);
    // No code is exactly the text: the sort alone.
    check_eq!(searched(db, "dana7")?, vec!["AYDANA78", "BDANA78X", "DANA78"]);
    // Keyset pages of two: the exact code on the first page only, every partner once.
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
    let pages = rt.block_on(async {
        let store = Store::open(&db.url).await.map_err(|e| e.to_string())?;
        let mut q = ListQuery { search: Some("Dana78".into()), sort: Sort::Name, limit: 2, ..Default::default() };
        let first = list(&store.db, &q).await.map_err(|e| e.to_string())?;
        q.cursor = first.last().map(|r| r.cursor(Sort::Name));
        let second = list(&store.db, &q).await.map_err(|e| e.to_string())?;
        // Back from the second page's first row: the rows before it in the sort, without the exact code.
        q.cursor = second.first().map(|r| r.cursor(Sort::Name));
        q.backward = true;
        let back = list(&store.db, &q).await.map_err(|e| e.to_string())?;
        let c = |rows: Vec<refdesk::store::partners::PartnerRow>| rows.into_iter().map(|r| r.code).collect::<Vec<_>>();
        Ok::<_, String>((c(first), c(second), c(back)))
    })?;
    check_eq!(pages.0, vec!["DANA78", "AYDANA78"]);
    check_eq!(pages.1, vec!["BDANA78X"]);
    check_eq!(pages.2, vec!["AYDANA78"]);
    Ok(())
}

pub fn bonuses_are_found_by_code_payment_or_id(db: &TestDb) -> R {
    let mut ev = dana_partners();
    ev.extend([
        client("c1", "2026-10-03T12:00:00+05:00", "C1", Some("DANA78")),
        pay("c2", "2026-10-05T10:00:00+05:00", "PAY-7001", "C1", "P100", "100000", "75000", Some("DANA78")),
        client("c3", "2026-10-03T12:00:00+05:00", "C2", Some("AZAMAT25")),
        pay("c4", "2026-10-06T10:00:00+05:00", "PAY-8002", "C2", "P100", "100000", "100000", Some("AZAMAT25")),
    ]);
    import(db, "b.ndjson", &ev)?;
    let found = |text: &str| -> Result<Vec<(String, String)>, String> {
        let v = db.json(NOW, &["bonus", "list", "--search", text])?;
        Ok(v.as_array()
            .map(|a| {
                a.iter()
                    .map(|b| {
                        (b["partner"].as_str().unwrap_or("?").into(), b["payment_id"].as_str().unwrap_or("?").into())
                    })
                    .collect()
            })
            .unwrap_or_default())
    };
    let dana = ("DANA78".to_string(), "PAY-7001".to_string());
    let azamat = ("AZAMAT25".to_string(), "PAY-8002".to_string());
    // By part of the code in any case, by part of the payment id, by the bonus id.
    check_eq!(found("dana")?, vec![dana.clone()]);
    check_eq!(found("pay-80")?, vec![azamat.clone()]);
    check_eq!(found("PAY-")?, vec![dana.clone(), azamat.clone()]);
    let all = db.json(NOW, &["bonus", "list"])?;
    let id = all.as_array().and_then(|a| a.iter().find(|b| b["partner"] == "AZAMAT25")).map(|b| b["id"].to_string());
    let id = id.ok_or("no bonus of AZAMAT25")?;
    check_eq!(found(&id)?, vec![azamat]);
    check!(found("%")?.is_empty(), "`%` is text");
    Ok(())
}

pub fn the_detail_finds_ledger_entries_and_clients(db: &TestDb) -> R {
    use refdesk::service::partners::{self, DetailPage, Find, LedgerFind, Part};
    use refdesk::service::{Clock, Ctx};
    let mut ev = dana_partners();
    ev.extend([
        client("c1", "2026-10-03T12:00:00+05:00", "C-ALMA1", Some("DANA78")),
        pay("c2", "2026-10-05T10:00:00+05:00", "PAY-7001", "C-ALMA1", "P100", "100000", "75000", Some("DANA78")),
        client("c3", "2026-10-04T12:00:00+05:00", "C-BORA2", Some("DANA78")),
        pay("c4", "2026-10-06T10:00:00+05:00", "PAY-7002", "C-BORA2", "P100", "100000", "100000", Some("DANA78")),
    ]);
    import(db, "d.ndjson", &ev)?;
    let bonuses = db.json(NOW, &["bonus", "list", "--partner", "DANA78"])?;
    let id_of = |payment: &str| {
        bonuses.as_array().and_then(|a| a.iter().find(|b| b["payment_id"] == payment)).and_then(|b| b["id"].as_i64())
    };
    let (first, second) =
        (id_of("PAY-7001").ok_or("no bonus of PAY-7001")?, id_of("PAY-7002").ok_or("none of PAY-7002")?);
    let out = db.run(NOW, &["bonus", "void", &second.to_string(), "--reason", "the client is the partner's brother"]);
    check!(out.code == 0, "void: {}", out.stderr);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
    rt.block_on(async {
        let store = Store::open(&db.url).await.map_err(|e| e.to_string())?;
        let ctx = Ctx { store, terms: refdesk::domain::Terms::defaults(), operator: "t".into(), clock: Clock::System };
        let account = partners::show(&ctx, "DANA78").await.map_err(|e| e.to_string())?.account_id;
        let ledger = |find: LedgerFind| {
            let (ctx, account) = (&ctx, &account);
            async move {
                let find = Find::Ledger(find);
                match partners::find_in_detail(ctx, account, Part::Ledger, Some(&find)).await {
                    Ok((DetailPage::Ledger(lines), total)) => {
                        Ok((lines.iter().map(|l| (l.bonus_id, l.kind.clone())).collect::<Vec<_>>(), total))
                    }
                    other => Err(format!("{other:?}")),
                }
            }
        };
        let text = |t: &str| LedgerFind { text: t.into(), ..Default::default() };
        // By the payment (its bonus's), newest first, with the count of matches.
        let by_payment = ledger(text("pay-7002")).await?;
        check_eq!(by_payment, (vec![(Some(second), "void".to_string()), (Some(second), "accrual".to_string())], 2));
        // By the reason, by the bonus id, by the kind.
        check_eq!(ledger(text("brother")).await?, (vec![(Some(second), "void".to_string())], 1));
        let by_id = LedgerFind { text: first.to_string(), bonus_id: Some(first), kinds: vec![] };
        check_eq!(ledger(by_id).await?, (vec![(Some(first), "accrual".to_string())], 1));
        let by_kind = LedgerFind { text: "начисл".into(), bonus_id: None, kinds: vec!["accrual".into()] };
        check_eq!(ledger(by_kind).await?.1, 2);
        check_eq!(ledger(text("%")).await?.1, 0);
        // Clients by part of the account id; with no search, all of them.
        let find = Find::Clients("bora".into());
        match partners::find_in_detail(&ctx, &account, Part::Clients, Some(&find)).await.map_err(|e| e.to_string())? {
            (DetailPage::Clients(c), 1) if c.len() == 1 && c[0].account_id == "C-BORA2" => {}
            other => return Err(format!("clients found by \"bora\": {other:?}")),
        }
        match partners::find_in_detail(&ctx, &account, Part::Clients, None).await.map_err(|e| e.to_string())? {
            (DetailPage::Clients(c), 2) if c.len() == 2 => {}
            other => return Err(format!("every client: {other:?}")),
        }
        Ok(())
    })
}
