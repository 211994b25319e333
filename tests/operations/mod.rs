//! Operators' actions end to end: voids and contracts, partners added by hand, detail pages,
//! paged lists, auto-approval, exclusion, the demo.
use super::*;
use crate::imports::snapshot;

// ---- operators' actions ------------------------------------------------------------------------

pub fn void_and_contract(db: &TestDb) -> R {
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
    let bad_iban = db.run(now, &crate::asel_contract("ASEL25", "KZ00125KZT5004100100", "900101300121"));
    check_eq!(bad_iban.code, 2);
    check!(
        bad_iban.stderr.contains("--iban: KZ00125KZT5004100100: the IBAN's check digits do not match (mod 97)"),
        "{}",
        bad_iban.stderr
    );
    let bad_iin = db.run(now, &crate::asel_contract("ASEL25", "KZ86125KZT5004100100", "900101300120"));
    check_eq!(bad_iin.code, 2);
    check!(bad_iin.stderr.contains("--iin"), "{}", bad_iin.stderr);
    let iin = refdesk::domain::identity::iin_with_check("90010130012").ok_or("no iin")?;
    let ok = db.run(now, &crate::asel_contract("asel25", "kz86 125K ZT50 0410 0100", &iin));
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

pub fn partner_add_generates_codes(db: &TestDb) -> R {
    let now = "2026-10-10T10:00:00+05:00";
    let a = db.run(now, &["partner", "add", "--name", "Асель Нурланова", "--phone", "+7 705 000 11 22"]);
    a.said(0, "ASEL25")?;
    let b = db.run(now, &["partner", "add", "--name", "Асель Ахметова"]);
    b.said(0, "ASEL26")?;
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
pub fn later_events_update_stored_accounts(db: &TestDb) -> R {
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
pub fn detail_pages_cover_every_row(db: &TestDb) -> R {
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
pub fn lists_page_both_ways_and_count_their_query(db: &TestDb) -> R {
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
pub fn an_unusable_db_is_bad_usage(db: &TestDb) -> R {
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

pub fn demo_is_deterministic(db: &TestDb) -> R {
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

pub fn auto_approval_releases_by_the_clock(db: &TestDb) -> R {
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

pub fn exclusion_voids_unpaid_bonuses(db: &TestDb) -> R {
    let mut ev = example_one();
    ev.push(client("c2", "2026-10-06T09:00:00+05:00", "C2", Some("ASEL25")));
    ev.push(pay("y2", "2026-10-06T10:00:00+05:00", "PAY2", "C2", "P200", "200000", "150000", Some("ASEL25")));
    import(db, "e.ndjson", &ev)?;
    let out = db.run_as("bolat", "2026-10-20T10:00:00+05:00", &["bonus", "approve", "--all-due"]);
    out.said(0, "Approved 2 bonuses, 75,000.00 KZT in total.")?;
    let out =
        db.run("2026-10-21T10:00:00+05:00", &["partner", "exclude", "ASEL25", "--reason", "sold codes on a forum"]);
    out.said(0, "2 unpaid bonuses voided (75,000.00 KZT)")?;
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
pub fn asel_code_earns_nothing_later(db: &TestDb) -> R {
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
