//! `partner tree` on both backends: clients and the partners among them to any depth, `--depth`
//! cutting it, and data that loops read once, not forever.
use super::super::{R, client, import, partner, pay};
use crate::common::TestDb;
use crate::{check, check_eq};
use serde_json::{Value, json};

fn ids(n: &Value) -> Vec<String> {
    n["children"]
        .as_array()
        .map(|c| c.iter().map(|x| x["account_id"].as_str().unwrap_or("").to_string()).collect())
        .unwrap_or_default()
}

pub fn the_tree_goes_down_and_stops_where_the_data_loops(db: &TestDb) -> R {
    let d = "2026-10-01T09:00:00+05:00";
    let ev = vec![
        partner("pa", d, "A1", "Асель", "ASEL25", "+7 705 805 82 59"),
        client("c1", "2026-10-02T09:00:00+05:00", "C1", Some("ASEL25")),
        client("c2", "2026-10-02T10:00:00+05:00", "C2", Some("ASEL25")),
        pay("y1", "2026-10-03T10:00:00+05:00", "PAY1", "C1", "P100", "100000", "75000", Some("ASEL25")),
        // C2 becomes a partner and brings C3, who brings nobody.
        partner("pc2", "2026-10-04T09:00:00+05:00", "C2", "Карина", "KARINA25", "+7 705 000 00 02"),
        client("c3", "2026-10-05T09:00:00+05:00", "C3", Some("KARINA25")),
        // Two partners who brought each other.
        partner("r1", d, "R1", "Руслан", "RING1", "+7 705 000 00 11"),
        partner("r2", d, "R2", "Рита", "RING2", "+7 705 000 00 12"),
        json!({"type":"client_registered","event_id":"r1c","at":"2026-10-02T09:00:00+05:00","account_id":"R1","promo_code":"RING2"}).to_string(),
        json!({"type":"client_registered","event_id":"r2c","at":"2026-10-02T09:05:00+05:00","account_id":"R2","promo_code":"RING1"}).to_string(),
    ];
    import(db, "tree.ndjson", &ev)?;
    let now = "2026-10-20T10:00:00+05:00";
    let t = db.json(now, &["partner", "tree", "asel25"])?;
    check_eq!(
        (t["account_id"].clone(), t["kind"].clone(), t["code"].clone(), t["depth"].clone()),
        (json!("A1"), json!("partner"), json!("ASEL25"), json!(0))
    );
    check_eq!(ids(&t), vec!["C1", "C2"]);
    let c1 = &t["children"][0];
    check_eq!(
        (c1["kind"].clone(), c1["purchases"].clone(), c1["bonus"].clone(), c1["depth"].clone()),
        (json!("client"), json!("75000.00"), json!("25000.00"), json!(1))
    );
    let c2 = &t["children"][1];
    check_eq!(
        (c2["kind"].clone(), c2["code"].clone(), c2["brought"].clone()),
        (json!("partner"), json!("KARINA25"), json!(1))
    );
    check_eq!(ids(c2), vec!["C3"]);
    check_eq!(c2["children"][0]["depth"], json!(2));
    // One level only.
    let one = db.json(now, &["partner", "tree", "ASEL25", "--depth", "1"])?;
    check_eq!(one["children"][1]["children"], json!([]));
    check_eq!(one["children"][1]["brought"], json!(1));
    // The ring: RING1 brought RING2, who brought RING1: shown once each.
    let ring = db.json(now, &["partner", "tree", "RING1"])?;
    check_eq!(ids(&ring), vec!["R2"]);
    check_eq!(ring["children"][0]["children"], json!([]));
    let text = db.run(now, &["partner", "tree", "ASEL25"]);
    check!(
        text.code == 0
            && text.stdout.contains("ASEL25 (A1, partner) · brought 2")
            && text.stdout.contains("\n  C1 (client) · paid 75,000.00 KZT · earned its parent 25,000.00 KZT")
            && text.stdout.contains("\n    C3 (client)"),
        "{}{}",
        text.stdout,
        text.stderr
    );
    let none = db.run(now, &["partner", "tree", "NOPE25"]);
    check!(none.code == 2 && none.stderr.contains("no partner has the code NOPE25"), "{}", none.stderr);
    console_levels(db)
}

/// The console's reads of the same data, a level at a time: the partner, who brought it, and one
/// level under any node; the ring's partners each brought the other (the screen shows where the
/// loop closes).
fn console_levels(db: &TestDb) -> R {
    use refdesk::service::tree::{level, rooted};
    use refdesk::service::{Clock, Ctx};
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
    rt.block_on(async {
        let store = refdesk::store::Store::open(&db.url).await.map_err(|e| e.to_string())?;
        let ctx = Ctx { store, terms: refdesk::domain::Terms::defaults(), operator: "t".into(), clock: Clock::System };
        let kids = |l: &refdesk::service::tree::Level| -> Vec<String> {
            l.children.iter().map(|c| c.account_id.clone()).collect()
        };
        let top = rooted(&ctx, "asel25").await.map_err(|e| e.to_string())?;
        check_eq!((top.level.node.account_id.as_str(), top.level.node.brought), ("A1", 2));
        check_eq!(kids(&top.level), vec!["C1", "C2"]);
        check_eq!(top.upline, Vec::<(String, Option<String>)>::new());
        let karina = rooted(&ctx, "KARINA25").await.map_err(|e| e.to_string())?;
        check_eq!(karina.upline, vec![("A1".to_string(), Some("ASEL25".to_string()))]);
        let under = level(&ctx, "C2").await.map_err(|e| e.to_string())?;
        check_eq!((under.node.code.as_deref(), kids(&under)), (Some("KARINA25"), vec!["C3".to_string()]));
        check_eq!(under.children[0].depth, 1);
        let leaf = level(&ctx, "C3").await.map_err(|e| e.to_string())?;
        check!(leaf.children.is_empty(), "{leaf:?}");
        // RING1 brought RING2 and RING2 brought RING1: one above the other, both ways.
        let ring = rooted(&ctx, "RING1").await.map_err(|e| e.to_string())?;
        check_eq!(kids(&ring.level), vec!["R2"]);
        check_eq!(ring.upline, vec![("R2".to_string(), Some("RING2".to_string()))]);
        check_eq!(kids(&level(&ctx, "R2").await.map_err(|e| e.to_string())?), vec!["R1"]);
        let nobody = level(&ctx, "NOBODY").await.map(|_| ()).map_err(|e| e.to_string());
        check_eq!(nobody, Err("there is no account NOBODY".to_string()));
        Ok(())
    })
}
