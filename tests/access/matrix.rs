//! The role matrix: every state-changing command of INTERFACE.md and every reading one, run as a
//! viewer, an operator, an approver, an admin, a name nobody registered and a disabled admin.
//!
//! One sandbox per subject goes through one script. Each change is asked by the subject first:
//! allowed, it exits 0 and the audit log gains the subject's entry for it (and the tables
//! changed); refused, it exits 1 with one sentence naming the role it needs, and every table and
//! the chain's count and head are as before — then anna (admin) or bolat (approver) does it, so
//! that the next step finds the same state whoever the subject is. The role each command needs
//! is written here from INTERFACE.md, not taken from the program.
use super::{Snapshot, read_json, sql, url_of};
use crate::common::run_bin;
use crate::common::{Out, TestDb};
use crate::{R, check, check_eq, client, lines, partner, pay};
use serde_json::{Value, json};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    Viewer,
    Operator,
    Approver,
    Admin,
    Unregistered,
    /// Registered as admin, then disabled by anna.
    Disabled,
}

const VIEWER: &str = "viewer";
const OPERATOR: &str = "operator";
const APPROVER: &str = "approver";
const ADMIN: &str = "admin";

fn rank(role: &str) -> usize {
    [VIEWER, OPERATOR, APPROVER, ADMIN].iter().position(|r| *r == role).unwrap_or(usize::MAX)
}

/// When the subjects are registered (and dias disabled), and when each part of the script runs.
const T0: &str = "2026-10-01T09:00:00+05:00";
const T1: &str = "2026-10-07T10:00:00+05:00";
const T2: &str = "2026-10-20T10:00:00+05:00";
const T3: &str = "2026-11-02T10:00:00+05:00";
const T4: &str = "2026-11-09T10:00:00+05:00";
const T5: &str = "2026-11-10T10:00:00+05:00";

impl Who {
    fn name(self) -> &'static str {
        match self {
            Who::Viewer => "vera",
            Who::Operator => "oleg",
            Who::Approver => "aida",
            Who::Admin => "adil",
            Who::Unregistered => "nobody",
            Who::Disabled => "dias",
        }
    }

    /// The role they act with; None: they may only read.
    fn role(self) -> Option<&'static str> {
        match self {
            Who::Viewer => Some(VIEWER),
            Who::Operator => Some(OPERATOR),
            Who::Approver => Some(APPROVER),
            Who::Admin => Some(ADMIN),
            Who::Unregistered | Who::Disabled => None,
        }
    }

    fn may(self, need: &str) -> bool {
        self.role().is_some_and(|r| rank(r) >= rank(need))
    }

    /// What the refusal of a deed needing `need` says of them.
    fn refusal(self, need: &str) -> String {
        let n = self.name();
        match self {
            Who::Unregistered => {
                format!("needs the {need} role; {n} is not a registered operator of this database and may only read")
            }
            Who::Disabled => {
                format!("needs the {need} role; {n} was disabled by anna at 2026-10-01 09:00 and may only read")
            }
            Who::Operator | Who::Approver | Who::Admin => {
                format!("needs the {need} role; {n} is an {}", self.role().unwrap_or_default())
            }
            Who::Viewer => format!("needs the {need} role; {n} is a viewer"),
        }
    }

    fn register(self, db: &TestDb) -> R {
        let n = self.name();
        let steps: Vec<Vec<&str>> = match self {
            Who::Unregistered => vec![],
            Who::Disabled => vec![vec!["operator", "add", n, "--role", ADMIN], vec!["operator", "disable", n]],
            _ => vec![vec!["operator", "add", n, "--role", self.role().unwrap_or_default()]],
        };
        for args in steps {
            let out = run_bin(&url_of(db), "anna", T0, &args, None, &[]);
            check!(out.code == 0, "{args:?}: {}", out.stderr);
        }
        Ok(())
    }
}

/// The role of a helper, as its audit entries record it.
fn role_of(name: &str) -> &'static str {
    if name == "anna" { ADMIN } else { APPROVER }
}

/// One subject's way through the script.
struct Script<'a> {
    db: &'a TestDb,
    url: String,
    who: Who,
    /// The database after the last step.
    snap: Snapshot,
    allowed: usize,
    refused: usize,
    /// Files a refused command must not have written.
    files: Vec<std::path::PathBuf>,
}

impl Script<'_> {
    /// A change needing `need`: done by the subject, or refused and then done by `helper`.
    /// `action`: the audit actions of the entries it writes. Gives the output of whoever did it.
    fn change(&mut self, now: &str, need: &str, action: &[&str], helper: &str, args: &[&str]) -> Result<Out, String> {
        let name = self.who.name();
        let out = self.run(name, now, args);
        if self.who.may(need) {
            check!(out.code == 0, "{name} ({:?}) {args:?} exited {}: {}", self.who, out.code, out.stderr);
            self.written(name, self.who.role().unwrap_or_default(), action, args)?;
            self.allowed += 1;
            return Ok(out);
        }
        self.refused(&out, args, &self.who.refusal(need))?;
        let done = self.run(helper, now, args);
        check!(done.code == 0, "{helper} {args:?} after {name} was refused: {}", done.stderr);
        self.written(helper, role_of(helper), action, args)?;
        Ok(done)
    }

    /// The change is in the database: the tables changed, and the entries it wrote are `by`'s
    /// `action` with `role` — or for the demo, entries of which some are `by`'s.
    fn written(&mut self, by: &str, role: &str, action: &[&str], args: &[&str]) -> R {
        let after = Snapshot::of(self.db)?;
        check!(after.tables != self.snap.tables, "{by} {args:?}: exit 0 but no table changed");
        let rows = sql(
            self.db.backend,
            &self.url,
            &format!("SELECT operator, role, action FROM audit_log WHERE id > {} ORDER BY id", self.snap.entries()),
        )?;
        let rows: Vec<String> = rows.lines().map(String::from).collect();
        let mine: Vec<String> = action.iter().map(|a| format!("{by}|{role}|{a}")).collect();
        check_eq!(after.entries(), self.snap.entries() + rows.len() as i64);
        if action == ["demo"] {
            check!(rows.iter().any(|r| r.starts_with(&format!("{by}|{role}|"))), "{by} demo wrote {rows:?}");
        } else {
            check_eq!((args, rows), (args, mine));
        }
        self.snap = after;
        Ok(())
    }

    /// Refused: exit 1, one sentence on stderr saying `says`, nothing on stdout, nothing changed.
    fn refused(&mut self, out: &Out, args: &[&str], says: &str) -> R {
        let name = self.who.name();
        check_eq!((name, args, out.code), (name, args, 1));
        check!(out.stderr.contains(says), "{name} {args:?}: expected \"{says}\", got: {}", out.stderr);
        check_eq!((args, out.stderr.trim().lines().count()), (args, 1));
        check_eq!((args, out.stdout.as_str()), (args, ""));
        Snapshot::of(self.db)?.same(&self.snap, &format!("{name} {args:?} (refused)"))?;
        for f in &self.files {
            check!(!f.exists(), "{name} {args:?} was refused but wrote {}", f.display());
        }
        self.refused += 1;
        Ok(())
    }

    fn run(&self, who: &str, now: &str, args: &[&str]) -> Out {
        run_bin(&self.url, who, now, args, None, &[])
    }

    fn json(&self, now: &str, args: &[&str]) -> Result<Value, String> {
        read_json(&self.url, now, args)
    }
}

/// ASEL25 with three clients who paid on 5 October (three bonuses, due on the 19th); DANA25 and
/// EXCL25 to deactivate and exclude (EXCL25 has a bonus, voided by the exclusion); SELF25 paying
/// with its own code, which opens a self-referral case.
fn events() -> Vec<String> {
    let mut ev = vec![
        partner("e1", "2026-10-01T09:00:00+05:00", "A1", "Асель Нурланова", "ASEL25", "+7 705 805 82 59"),
        partner("e2", "2026-10-01T09:10:00+05:00", "A3", "Дана Ахметова", "DANA25", "+7 701 300 00 03"),
        partner("e3", "2026-10-01T09:20:00+05:00", "A4", "Ержан Ким", "EXCL25", "+7 701 400 00 04"),
        partner("e4", "2026-10-01T09:30:00+05:00", "A5", "Самат Оспанов", "SELF25", "+7 701 500 00 05"),
        client("c4", "2026-10-03T11:00:00+05:00", "C4", Some("EXCL25")),
        pay("y4", "2026-10-05T09:00:00+05:00", "PAY4", "C4", "P100", "100000", "75000", Some("EXCL25")),
        pay("y5", "2026-10-05T09:30:00+05:00", "PAY5", "A5", "P100", "100000", "75000", Some("SELF25")),
    ];
    for i in 1..=3 {
        ev.push(client(&format!("c{i}"), "2026-10-03T12:00:00+05:00", &format!("C{i}"), Some("ASEL25")));
        let at = format!("2026-10-05T1{i}:00:00+05:00");
        ev.push(pay(
            &format!("y{i}"),
            &at,
            &format!("PAY{i}"),
            &format!("C{i}"),
            "P100",
            "100000",
            "75000",
            Some("ASEL25"),
        ));
    }
    ev
}

fn bonus_of(list: &Value, payment: &str) -> Result<String, String> {
    let all = list.as_array().ok_or("bonus list: not an array")?;
    let b = all.iter().find(|b| b["payment_id"] == json!(payment)).ok_or(format!("no bonus of {payment}: {list}"))?;
    Ok(b["id"].to_string())
}

fn run_id(out: &Out) -> Result<String, String> {
    let v: Value = serde_json::from_str(&out.stdout).map_err(|e| format!("prepare --json: {e}: {}", out.stdout))?;
    v["id"].as_i64().map(|i| i.to_string()).ok_or(format!("prepare --json: no id: {v}"))
}

fn script(db: &TestDb, who: Who) -> R {
    who.register(db)?;
    let started = std::time::Instant::now();
    let mut s = Script { db, url: url_of(db), who, snap: Snapshot::of(db)?, allowed: 0, refused: 0, files: vec![] };
    let me = who.name();

    // Import, partners and contracts, the abuse scan: the operator's work.
    let file = db.file("events.ndjson", &lines(&events()));
    s.change(T1, OPERATOR, &["import", "fraud.scan"], "anna", &["import", &file])?;
    s.change(T1, OPERATOR, &["partner.add"], "anna", &["partner", "add", "--name", "Нурлан Ким", "--code", "NEW25"])?;
    check_eq!(s.json(T1, &["partner", "show", "NEW25"])?["status"], json!("active"));
    let iin = refdesk::domain::identity::iin_with_check("90010130012").ok_or("no iin")?;
    let contract = crate::asel_contract("ASEL25", "KZ86125KZT5004100100", &iin);
    s.change(T1, OPERATOR, &["partner.contract"], "anna", &contract)?;
    let deactivate = ["partner", "deactivate-code", "DANA25", "--reason", "spam in chats"];
    s.change(T1, OPERATOR, &["code.deactivate"], "anna", &deactivate)?;
    check_eq!(s.json(T1, &["partner", "show", "DANA25"])?["status"], json!("code_deactivated"));
    s.change(T1, OPERATOR, &["partner.exclude"], "anna", &["partner", "exclude", "EXCL25", "--reason", "sold codes"])?;
    check_eq!(s.json(T1, &["partner", "show", "EXCL25"])?["status"], json!("excluded"));
    s.change(T1, OPERATOR, &["fraud.scan"], "anna", &["fraud", "scan"])?;

    // Deciding a case: the approver's.
    let open = s.json(T1, &["fraud", "list", "--status", "open"])?;
    let case = open
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["partner"] == json!("SELF25")))
        .map(|c| c["id"].to_string())
        .ok_or(format!("no open case of SELF25: {open}"))?;
    let decide = ["fraud", "decide", &case, "--action", "dismiss", "--reason", "a family account"];
    s.change(T1, APPROVER, &["fraud.decide"], "bolat", &decide)?;

    // Bonuses: approved by id and all due, voided: the operator's.
    let bonuses = s.json(T2, &["bonus", "list", "--partner", "ASEL25"])?;
    let (b1, b2) = (bonus_of(&bonuses, "PAY1")?, bonus_of(&bonuses, "PAY2")?);
    s.change(T2, OPERATOR, &["bonus.approve"], "anna", &["bonus", "approve", &b1])?;
    s.change(
        T2,
        OPERATOR,
        &["bonus.void"],
        "anna",
        &["bonus", "void", &b2, "--reason", "client disputed the purchase"],
    )?;
    s.change(T2, OPERATOR, &["bonus.approve"], "anna", &["bonus", "approve", "--all-due"])?;
    let after = s.json(T2, &["bonus", "list", "--partner", "ASEL25"])?;
    let states: Vec<Value> =
        after.as_array().map(|a| a.iter().map(|b| b["status"].clone()).collect()).unwrap_or_default();
    check_eq!(states.len(), 3);
    check!(states.iter().filter(|st| **st == json!("available")).count() == 2, "{after}");

    // Payout runs: prepared and discarded by an operator, approved, exported and completed by an
    // approver who did not prepare them.
    let first = s.run("anna", T3, &["payout", "prepare", "--month", "2026-10", "--json"]);
    check!(first.code == 0, "anna prepare: {}", first.stderr);
    let r1 = run_id(&first)?;
    s.snap = Snapshot::of(db)?;
    s.change(T3, OPERATOR, &["payout.discard"], "anna", &["payout", "discard", &r1])?;
    let prepared =
        s.change(T3, OPERATOR, &["payout.prepare"], "anna", &["payout", "prepare", "--month", "2026-10", "--json"])?;
    let r2 = run_id(&prepared)?;
    let preparer = serde_json::from_str::<Value>(&prepared.stdout).map_err(|e| e.to_string())?["prepared_by"].clone();
    check_eq!(preparer, json!(if who.may(OPERATOR) { me } else { "anna" }));
    // Approving that run: refused to its preparer whatever their role (an approver's or an
    // admin's own run), and for lack of the role to the others.
    let own = s.run(me, T3, &["payout", "approve", &r2]);
    let says = if who.may(APPROVER) {
        format!("payout run {r2} was prepared by {me}; another operator must approve it")
    } else {
        who.refusal(APPROVER)
    };
    s.refused(&own, &["payout", "approve", &r2], &says)?;
    let out = s.run("anna", T3, &["payout", "discard", &r2]);
    check!(out.code == 0, "anna discards {r2}: {}", out.stderr);
    let again = s.run("anna", T3, &["payout", "prepare", "--month", "2026-10", "--json"]);
    check!(again.code == 0, "anna prepares: {}", again.stderr);
    let r3 = run_id(&again)?;
    s.snap = Snapshot::of(db)?;
    s.change(T3, APPROVER, &["payout.approve"], "bolat", &["payout", "approve", &r3])?;
    let file = db.path(&format!("{me}.csv"));
    let out = file.display().to_string();
    let export = ["payout", "export", &r3, "--format", "csv", "--out", &out];
    s.files = vec![file.clone()];
    let who_exported = s.change(T4, APPROVER, &["payout.export"], "bolat", &export)?;
    s.files.clear();
    check!(file.exists(), "no bank file after {who_exported:?}");
    s.change(T5, APPROVER, &["payout.complete"], "bolat", &["payout", "complete", &r3])?;
    check_eq!(s.json(T5, &["payout", "show", &r3])?["state"], json!("completed"));

    // Operators: the admin's.
    s.change(T5, ADMIN, &["operator.add"], "anna", &["operator", "add", "frank", "--role", VIEWER])?;
    s.change(T5, ADMIN, &["operator.set_role"], "anna", &["operator", "set-role", "frank", OPERATOR])?;
    s.change(T5, ADMIN, &["operator.disable"], "anna", &["operator", "disable", "frank"])?;

    // Reading: everyone, the unregistered and the disabled too; nothing changes.
    let b1n = b1.as_str();
    let reads: [&[&str]; 15] = [
        &["partner", "list", "--json"],
        &["partner", "list", "--status", "excluded"],
        &["partner", "show", "ASEL25", "--json"],
        &["partner", "tree", "ASEL25", "--json"],
        &["payment", "list", "--json"],
        &["payment", "show", "PAY1", "--json"],
        &["bonus", "list", "--json"],
        &["bonus", "show", b1n, "--json"],
        &["payout", "list", "--json"],
        &["payout", "show", &r3, "--json"],
        &["fraud", "list", "--json"],
        &["audit", "list", "--json"],
        &["audit", "list", "--operator", "anna"],
        &["audit", "verify"],
        &["audit", "verify", "--json"],
    ];
    for args in reads {
        let out = s.run(me, T5, args);
        check!(out.code == 0, "{me} {args:?} exited {}: {}", out.code, out.stderr);
        check!(!out.stdout.trim().is_empty(), "{me} {args:?} printed nothing");
    }
    // Who may do what is the admins' business (issue 9: operator add|list|set-role|disable,
    // admin only): the list is refused to anyone else, naming the role, and changes nothing.
    for args in [&["operator", "list", "--json"][..], &["operator", "list"][..]] {
        let out = s.run(me, T5, args);
        if who == Who::Admin {
            check!(out.code == 0 && out.stdout.contains("anna"), "{me} {args:?}: {} {}", out.code, out.stderr);
        } else {
            check_eq!(out.code, 1);
            check!(out.stderr.contains("needs the admin role"), "{me} {args:?}: {}", out.stderr);
            check!(out.stdout.is_empty(), "{me} {args:?} printed {}", out.stdout);
        }
    }
    Snapshot::of(db)?.same(&s.snap, &format!("{me}'s reads"))?;

    // The demonstration data: the admin's.
    s.change(T5, ADMIN, &["demo"], "anna", &["demo", "--partners", "4", "--clients", "40", "--seed", "3"])?;

    // Every change of the script was asked once by the subject: 20 of them.
    check_eq!((who, s.allowed + s.refused), (who, 20));
    let expected = match who {
        Who::Viewer | Who::Unregistered | Who::Disabled => 0,
        Who::Operator => 11,
        Who::Approver => 15,
        Who::Admin => 19,
    };
    check_eq!((who, s.allowed), (who, expected));
    eprintln!("role matrix {:?} on {:?}: {:.1?}", who, db.backend, started.elapsed());
    Ok(())
}

pub fn role_matrix_viewer(db: &TestDb) -> R {
    script(db, Who::Viewer)
}

pub fn role_matrix_operator(db: &TestDb) -> R {
    script(db, Who::Operator)
}

pub fn role_matrix_approver(db: &TestDb) -> R {
    script(db, Who::Approver)
}

pub fn role_matrix_admin(db: &TestDb) -> R {
    script(db, Who::Admin)
}

pub fn role_matrix_unregistered(db: &TestDb) -> R {
    script(db, Who::Unregistered)
}

pub fn role_matrix_disabled(db: &TestDb) -> R {
    script(db, Who::Disabled)
}
