//! Issue 12, "probes as tests": eight operators' processes racing on the same 200 due bonuses,
//! four approving them one by one and four voiding them one by one, each in its own order.
//! Each bonus ends voided by exactly one of the voiders and approved by at most one approver,
//! before its void; every other attempt is refused with exit 1 and one sentence naming who
//! made the change and when — never driver text, never a wait without end. Then the books
//! agree: every balance is back to zero and the audit chain holds one entry per change.
use super::{R, client, lines, partner, pay};
use crate::access::url_of;
use crate::common::{Out, TestDb, run_bin};
use crate::{check, check_eq};
use std::collections::BTreeMap;

const NOW: &str = "2026-11-25T12:00:00+05:00";
const BONUSES: usize = 200;
const PARTNERS: usize = 10;
const APPROVERS: [&str; 4] = ["ra1", "ra2", "ra3", "ra4"];
const VOIDERS: [&str; 4] = ["rv1", "rv2", "rv3", "rv4"];

/// 10 partners, each bringing 20 clients who pay a month before NOW: 200 bonuses past their hold.
fn events() -> Vec<String> {
    let mut ev = Vec::new();
    for p in 0..PARTNERS {
        let code = format!("RACE{p}");
        let phone = format!("+7 705 100 00 {p:02}");
        ev.push(partner(
            &format!("rp{p}"),
            "2026-09-01T09:00:00+05:00",
            &format!("RP{p}"),
            &format!("Partner {p}"),
            &code,
            &phone,
        ));
    }
    for i in 0..BONUSES {
        let code = format!("RACE{}", i % PARTNERS);
        let account = format!("RC{i}");
        ev.push(client(&format!("rc{i}"), "2026-10-01T10:00:00+05:00", &account, Some(&code)));
        let at = "2026-10-02T10:00:00+05:00";
        ev.push(pay(&format!("rpay{i}"), at, &format!("RPAY{i}"), &account, "P100", "100000", "75000", Some(&code)));
    }
    ev
}

/// A fixed shuffle per process (a small LCG: the same run every time, different per process).
fn order(ids: &[i64], seed: u64) -> Vec<i64> {
    let mut v = ids.to_vec();
    let mut x = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
    for i in (1..v.len()).rev() {
        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        v.swap(i, (x >> 33) as usize % (i + 1));
    }
    v
}

/// One attempt: the bonus, who tried, the verb, and what came of it.
type Attempt = (i64, String, &'static str, Outcome);

/// What one attempt came to.
#[derive(Debug)]
enum Outcome {
    Won,
    /// Refused, naming the change that came first: (`approved` | `voided`, by whom).
    Refused(&'static str, String),
}

/// Reads one attempt's exit and words; anything but a win or a clean refusal fails the test.
fn judge(id: i64, who: &str, verb: &str, out: &Out) -> Result<Outcome, String> {
    let said = format!("{who} {verb} {id}: exit {}, {:?} {:?}", out.code, out.stdout, out.stderr);
    match out.code {
        0 => {
            let want = if verb == "approve" { "Approved 1 bonus" } else { "voided" };
            check!(out.stdout.contains(want) && out.stderr.is_empty(), "{said}");
            Ok(Outcome::Won)
        }
        1 => {
            let line = out.stderr.trim_end();
            check!(!line.contains('\n'), "{said}: more than one sentence");
            let (kind, rest) = if let Some(r) = line.strip_prefix(&format!("bonus {id} was already approved by ")) {
                ("approved", r)
            } else if let Some(r) = line.strip_prefix(&format!("bonus {id} was voided by ")) {
                ("voided", r)
            } else {
                return Err(format!("{said}: not a refusal naming the change"));
            };
            let (by, when) = rest.split_once(" at ").ok_or_else(|| format!("{said}: no time"))?;
            check!(when.starts_with("2026-11-25 12:00"), "{said}: the time");
            Ok(Outcome::Refused(kind, by.to_string()))
        }
        _ => Err(format!("{said}: neither done nor cleanly refused")),
    }
}

pub fn racing_operators_change_each_bonus_once(db: &TestDb) -> R {
    for name in APPROVERS.iter().chain(&VOIDERS) {
        let out = db.run(NOW, &["operator", "add", name, "--role", "operator"]);
        check!(out.code == 0, "operator add {name}: {}", out.stderr);
    }
    let f = db.file("race.ndjson", &lines(&events()));
    let out = db.run(NOW, &["import", &f]);
    check!(out.code == 0, "import: {}{}", out.stdout, out.stderr);
    let due = db.json(NOW, &["bonus", "list", "--status", "due"])?;
    let ids: Vec<i64> = due.as_array().into_iter().flatten().filter_map(|b| b["id"].as_i64()).collect();
    check_eq!(ids.len(), BONUSES);

    // The eight processes, started together; each goes through all 200 in its own order.
    let barrier = std::sync::Barrier::new(APPROVERS.len() + VOIDERS.len());
    let results: Vec<Result<Vec<Attempt>, String>> = std::thread::scope(|s| {
        let mut handles = Vec::new();
        for (k, (who, verb)) in
            APPROVERS.iter().map(|w| (*w, "approve")).chain(VOIDERS.iter().map(|w| (*w, "void"))).enumerate()
        {
            let (ids, barrier) = (order(&ids, k as u64 + 1), &barrier);
            handles.push(s.spawn(move || {
                barrier.wait();
                let mut seen = Vec::new();
                // Without TLS on PostgreSQL: 1 600 commands, each its own connection.
                let url = url_of(db);
                for id in ids {
                    let n = id.to_string();
                    let args: Vec<&str> = if verb == "approve" {
                        vec!["bonus", "approve", &n]
                    } else {
                        vec!["bonus", "void", &n, "--reason", "race"]
                    };
                    let out = run_bin(&url, who, NOW, &args, None, &[]);
                    seen.push((id, who.to_string(), verb, judge(id, who, verb, &out)?));
                }
                Ok(seen)
            }));
        }
        handles.into_iter().map(|h| h.join().unwrap_or_else(|_| Err("a racer panicked".into()))).collect()
    });

    // Per bonus: who won each kind of change, and what the losers were told.
    let mut approved: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    let mut voided: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    let mut refusals = Vec::new();
    for r in results {
        for (id, who, verb, outcome) in r? {
            match outcome {
                Outcome::Won if verb == "approve" => approved.entry(id).or_default().push(who),
                Outcome::Won => voided.entry(id).or_default().push(who),
                Outcome::Refused(kind, by) => refusals.push((id, verb, kind, by)),
            }
        }
    }
    for &id in &ids {
        let v = voided.get(&id).map_or(&[][..], Vec::as_slice);
        check!(v.len() == 1, "bonus {id} voided by {v:?}: want exactly one voider");
        let a = approved.get(&id).map_or(&[][..], Vec::as_slice);
        check!(a.len() <= 1, "bonus {id} approved by {a:?}: want one approver at most");
    }
    // A refusal names the winner; an approval refused for a void names the one voider; and a
    // bonus approved was approved before its void (no voider was told "approved" falsely).
    for (id, verb, kind, by) in &refusals {
        let winners = if *kind == "voided" { &voided } else { &approved };
        let w = winners.get(id).map_or(&[][..], Vec::as_slice);
        check!(w == [by.clone()], "{verb} of bonus {id} was refused as {kind} by {by}; the winners: {w:?}");
    }
    let attempts = (APPROVERS.len() + VOIDERS.len()) * BONUSES;
    check_eq!(refusals.len(), attempts - BONUSES - approved.len());
    // The race was run, not sidestepped: approvals won some bonuses and lost others, and both
    // kinds of refusal were given.
    check!(!approved.is_empty() && approved.len() < BONUSES, "{} of {BONUSES} approved", approved.len());
    for kind in ["approved", "voided"] {
        check!(refusals.iter().any(|r| r.2 == kind), "no attempt was refused as {kind}");
    }
    eprintln!(
        "race ({:?}): {attempts} attempts by 8 processes on {BONUSES} bonuses: {} approved, {BONUSES} voided, {} refused",
        db.backend,
        approved.len(),
        refusals.len()
    );

    // The stored state agrees: all 200 voided, every balance back to zero, one audit entry per
    // change, and the chain verifies.
    let all = db.json(NOW, &["bonus", "list", "--status", "voided"])?;
    check_eq!(all.as_array().map_or(0, Vec::len), BONUSES);
    for p in 0..PARTNERS {
        let show = db.json(NOW, &["partner", "show", &format!("RACE{p}")])?;
        for bucket in ["held", "due", "available", "paid", "net"] {
            check!(show["balance"][bucket] == "0.00", "RACE{p} {bucket}: {}", show["balance"]);
        }
    }
    let log = db.json(NOW, &["audit", "list", "--action", "bonus.approve"])?;
    check_eq!(log.as_array().map_or(0, Vec::len), approved.len());
    let log = db.json(NOW, &["audit", "list", "--action", "bonus.void"])?;
    check_eq!(log.as_array().map_or(0, Vec::len), BONUSES);
    let verify = db.run(NOW, &["audit", "verify"]);
    check!(verify.code == 0, "audit verify: {}{}", verify.stdout, verify.stderr);
    Ok(())
}
