//! The audit screen: the list, an entry in full, a filtered list, the empty list, the filter form
//! and the chain's verdict drawn (insta, 80×24, both languages); an answer to a superseded query
//! dropped and the keys pressed meanwhile acting on the new rows; and, on a real sandbox
//! database through the services, a filter narrowing the rows to exactly the entries it names,
//! paging reaching the oldest entry and back, and a bad date said in one sentence with the rows
//! kept.
use super::action::{Action, AuditCall, Effect, Screen};
use super::app::{App, Mode};
use super::fixtures::*;
use crate::domain::Lang;
use crate::domain::access::Role;
use crate::domain::audit::{Break, Entry, hash};
use crate::service::audit::Query;
use crate::service::{Clock, Ctx};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::VecDeque;

/// One entry of the fixture log, chained to the one before.
fn entry(prev: Option<&Entry>, id: i64, who: (&str, &str), action: &str, subject: &str, detail: &str) -> Entry {
    let mut e = Entry {
        id,
        // A little under a day apart, from 1 November 09:00.
        at: at("2026-11-01T09:00:00") + (id - 1) * 68_400_000 + id * 420_000,
        operator: who.0.into(),
        role: who.1.into(),
        sandbox: true,
        action: action.into(),
        subject: subject.into(),
        detail: detail.into(),
        reason: None,
        prev_hash: prev.map(|p| p.hash.clone()).unwrap_or_default(),
        hash: String::new(),
    };
    e.hash = hash(&e);
    e
}

const AIGERIM: (&str, &str) = ("aigerim", "admin");
const BOLAT: (&str, &str) = ("bolat", "approver");
const SYSTEM: (&str, &str) = ("system", "system");

/// Thirty entries as a sandbox program writes them, oldest first: the database's start, its
/// operators, partners, approvals, scans, a void with a long reason, a role changed, a hostile
/// name, a case decided.
fn log() -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    let mut push = |who, action: &str, subject: &str, detail: &str, reason: Option<&str>| {
        let id = out.len() as i64 + 1;
        let mut e = entry(out.last(), id, who, action, subject, detail);
        e.reason = reason.map(String::from);
        e.hash = hash(&e);
        out.push(e);
    };
    push(AIGERIM, "database.init", "database", r#"{"before":{"mode":null},"after":{"mode":"sandbox"}}"#, None);
    push(AIGERIM, "operator.add", "aigerim", r#"{"role":"admin"}"#, Some("first administrator (init)"));
    push(AIGERIM, "operator.add", "bolat", r#"{"role":"approver"}"#, None);
    push(AIGERIM, "operator.add", "dana", r#"{"role":"operator"}"#, None);
    for i in 0..20 {
        match i % 4 {
            0 => push(
                BOLAT,
                "bonus.approve",
                "1 bonuses",
                &format!(r#"{{"ids":[{}],"total":"25000.00","from":"due","to":"available"}}"#, 100 + i),
                None,
            ),
            1 => push(
                AIGERIM,
                "partner.add",
                &format!("CODE{i:02}"),
                &format!(r#"{{"account_id":"P-{i:05}","name":"Partner {i}"}}"#),
                None,
            ),
            2 => push(
                AIGERIM,
                "partner.contract",
                &format!("CODE{:02}", i - 1),
                r#"{"number":"RP-2026-0042","signed_on":"2026-11-02","iban":"KZ86125KZT5004100100","previous":null}"#,
                None,
            ),
            _ => push(SYSTEM, "fraud.scan", "database", r#"{"found":2,"opened":1,"added_to":0}"#, None),
        }
    }
    push(
        AIGERIM,
        "bonus.void",
        "bonus 101",
        r#"{"ids":[101],"total":"16666.67"}"#,
        Some("the client's bank disputed the remaining charge and the partner admitted selling codes on a forum"),
    );
    push(
        AIGERIM,
        "operator.set_role",
        "dana",
        r#"{"before":{"role":"operator"},"after":{"role":"approver"}}"#,
        Some("dana signs the payout runs from December"),
    );
    push(
        AIGERIM,
        "code.deactivate",
        "EVIL\u{1b}[2J\u{7}1",
        r#"{"before":{"code_active":true},"after":{"code_active":false}}"#,
        Some("hostile\u{1b}]0;owned\u{7} name"),
    );
    push(
        BOLAT,
        "fraud.decide",
        "case 7",
        r#"{"partner":"GULNAR3","decision":"void","voided":[41,52],"voided_total":"50000.00","excluded":false}"#,
        Some("a side deal at 60% of the list price"),
    );
    push(AIGERIM, "operator.disable", "dana", r#"{"before":{"disabled":false},"after":{"disabled":true}}"#, None);
    push(
        BOLAT,
        "bonus.approve",
        "2 bonuses",
        r#"{"ids":[160,161],"total":"50000.00","from":"due","to":"available"}"#,
        None,
    );
    out
}

/// The newest first, as the log reads them, a page (and one more) at a time.
fn newest(entries: &[Entry], limit: u64) -> Vec<Entry> {
    entries.iter().rev().take(limit as usize).cloned().collect()
}

fn key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    app.key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn typed(app: &mut App, text: &str) -> Vec<Effect> {
    text.chars().flat_map(|c| key(app, KeyCode::Char(c))).collect()
}

/// The page of the audit log a list of effects asks for.
fn asked(fx: &[Effect]) -> (u64, Query, bool, Option<i64>, u64) {
    match fx.iter().find(|e| matches!(e, Effect::Audit(AuditCall::List { .. }))) {
        Some(Effect::Audit(AuditCall::List { req, query, newest_first, bound, limit })) => {
            (*req, query.clone(), *newest_first, *bound, *limit)
        }
        _ => panic!("no page of the log asked for: {fx:?}"),
    }
}

fn ids(app: &App) -> Vec<i64> {
    app.screens.audit.list.rows.iter().map(|e| e.id).collect()
}

fn message(app: &App) -> String {
    app.message.as_ref().map(|m| m.text.clone()).unwrap_or_default()
}

/// Screen 7 at 80×24 with the fixture log's newest page shown.
fn listed(lang: Lang) -> App {
    let mut app = app(lang);
    app.update(Action::Resize(80, 24));
    let fx = key(&mut app, KeyCode::Char('7'));
    assert_eq!(app.screen, Screen::Audit);
    let (req, query, newest_first, bound, limit) = asked(&fx);
    assert_eq!((query, newest_first, bound, limit), (Query::default(), true, None, 20), "a page of 19 and one");
    app.update(Action::AuditLoaded(req, Ok(newest(&log(), limit))));
    app
}

/// The filter form filled field by field (Tab between them) and applied: what Enter asks for.
fn filtered(app: &mut App, fields: [&str; 5]) -> Vec<Effect> {
    key(app, KeyCode::Char('f'));
    assert_eq!(app.mode(), Mode::Typing);
    for (i, text) in fields.iter().enumerate() {
        if i > 0 {
            key(app, KeyCode::Tab);
        }
        app.key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        typed(app, text);
    }
    let fx = key(app, KeyCode::Enter);
    assert_eq!(app.mode(), Mode::Normal);
    fx
}

/// The same, and the request and filter of the page it asks for.
fn filter(app: &mut App, fields: [&str; 5]) -> (u64, Query) {
    let (req, query, ..) = asked(&filtered(app, fields));
    (req, query)
}

/// What the log holds of `action` (an action or its family), newest first.
fn of_action(entries: &[Entry], action: &str) -> Vec<Entry> {
    let family = format!("{action}.");
    entries.iter().rev().filter(|e| e.action == action || e.action.starts_with(&family)).cloned().collect()
}

#[test]
fn snapshots_of_the_list_an_entry_a_filter_and_nothing_found() {
    for lang in [Lang::En, Lang::Ru] {
        let code = lang.code();
        let mut app = listed(lang);
        insta::assert_snapshot!(format!("audit_list_{code}_80x24"), draw(&app).backend());
        // The newest: an approval, its state's step written as from → to.
        key(&mut app, KeyCode::Enter);
        insta::assert_snapshot!(format!("audit_entry_step_{code}_80x24"), draw(&app).backend());
        key(&mut app, KeyCode::Char('q'));
        assert!(app.screens.audit.entry.is_none() && !app.quit, "q goes back to the list");
        // The role change, four rows down: its before → after, its reason, its hashes whole.
        for _ in 0..4 {
            key(&mut app, KeyCode::Down);
        }
        key(&mut app, KeyCode::Enter);
        assert_eq!(app.screens.audit.entry.as_ref().map(|v| v.entry.id), Some(26));
        insta::assert_snapshot!(format!("audit_entry_{code}_80x24"), draw(&app).backend());
        key(&mut app, KeyCode::Esc);
        let (req, query) = filter(&mut app, ["", "operator", "", "2026-11-01", ""]);
        assert_eq!(query.action.as_deref(), Some("operator"));
        app.update(Action::AuditLoaded(req, Ok(of_action(&log(), "operator"))));
        insta::assert_snapshot!(format!("audit_filtered_{code}_80x24"), draw(&app).backend());
        let (req, _) = filter(&mut app, ["", "", "zzz", "", ""]);
        app.update(Action::AuditLoaded(req, Ok(vec![])));
        insta::assert_snapshot!(format!("audit_empty_{code}_80x24"), draw(&app).backend());
    }
}

#[test]
fn snapshots_of_the_form_and_the_chains_verdict() {
    for lang in [Lang::En, Lang::Ru] {
        let code = lang.code();
        let mut app = listed(lang);
        key(&mut app, KeyCode::Char('f'));
        typed(&mut app, "bolat");
        key(&mut app, KeyCode::Tab);
        typed(&mut app, "bonus");
        insta::assert_snapshot!(format!("audit_form_{code}_80x24"), draw(&app).backend());
        key(&mut app, KeyCode::Esc);
        assert!(app.screens.audit.form.is_none() && app.screens.audit.query == Query::default());
        let head = log().last().map(|e| e.hash.clone()).unwrap_or_default();
        let fx = key(&mut app, KeyCode::Char('v'));
        let [Effect::Audit(AuditCall::Verify { req })] = fx.as_slice() else { panic!("{fx:?}") };
        app.update(Action::AuditVerified(*req, Ok(Ok((30, head.clone())))));
        assert!(screen_text(&app).contains(&head), "the head hash whole in the box");
        insta::assert_snapshot!(format!("audit_verified_{code}_80x24"), draw(&app).backend());
        key(&mut app, KeyCode::Esc);
        let fx = key(&mut app, KeyCode::Char('v'));
        let [Effect::Audit(AuditCall::Verify { req })] = fx.as_slice() else { panic!("{fx:?}") };
        app.update(Action::AuditVerified(*req, Ok(Err(Break::Changed { entry: 26 }))));
        insta::assert_snapshot!(format!("audit_broken_{code}_80x24"), draw(&app).backend());
        assert_eq!(app.message.as_ref().map(|m| m.kind), Some(super::component::MsgKind::Error), "red on a break");
        // Enter opens the entry the break names, read by its number.
        let fx = key(&mut app, KeyCode::Enter);
        let [Effect::Audit(AuditCall::One { req, id: 26 })] = fx.as_slice() else { panic!("{fx:?}") };
        let changed = log().into_iter().find(|e| e.id == 26).map(Box::new);
        app.update(Action::AuditEntry(*req, Ok(changed)));
        assert_eq!(app.screens.audit.entry.as_ref().map(|v| v.entry.id), Some(26));
    }
}

#[test]
fn the_verdict_says_the_entries_and_the_head_on_the_message_line() {
    let mut app = listed(Lang::En);
    let fx = key(&mut app, KeyCode::Char('м'));
    let [Effect::Audit(AuditCall::Verify { req })] = fx.as_slice() else { panic!("the Russian layout's v: {fx:?}") };
    assert!(key(&mut app, KeyCode::Char('v')).is_empty(), "one check at a time");
    app.update(Action::AuditVerified(*req + 100, Ok(Ok((1, "x".into())))));
    assert!(app.screens.audit.verdict.is_none(), "an answer nobody waits for is dropped");
    app.update(Action::AuditVerified(*req, Ok(Ok((30, "ab12".into())))));
    assert_eq!(message(&app), "Audit chain intact: 30 entries, head ab12");
    let fx = key(&mut app, KeyCode::Char('y'));
    assert!(matches!(fx.as_slice(), [Effect::Copy(h)] if h == "ab12"), "{fx:?}");
    // Another key closes the box and does what it does.
    key(&mut app, KeyCode::Down);
    assert!(app.screens.audit.verdict.is_none());
    assert_eq!(app.screens.audit.list.sel, 1);
}

#[test]
fn a_superseded_answer_is_dropped_and_the_keys_meanwhile_act_on_the_new_rows() {
    let mut app = app(Lang::En);
    app.update(Action::Resize(80, 24));
    let (first, ..) = asked(&key(&mut app, KeyCode::Char('7')));
    // A filter before the first page came: the first page's answer is superseded.
    let (second, query) = filter(&mut app, ["bolat", "", "", "", ""]);
    assert_eq!(query.operator.as_deref(), Some("bolat"));
    // Down and Enter wait for the bolat rows.
    assert!(key(&mut app, KeyCode::Down).is_empty());
    assert!(key(&mut app, KeyCode::Enter).is_empty());
    assert_eq!(app.queued.len(), 2);
    app.update(Action::AuditLoaded(first, Ok(newest(&log(), 20))));
    assert!(ids(&app).is_empty(), "the superseded rows are never shown");
    assert!(!app.redraw);
    let bolat: Vec<Entry> = log().into_iter().rev().filter(|e| e.operator == "bolat").collect();
    let want: Vec<i64> = bolat.iter().map(|e| e.id).collect();
    app.update(Action::AuditLoaded(second, Ok(bolat)));
    assert_eq!(ids(&app), want);
    assert!(app.queued.is_empty());
    assert_eq!(app.screens.audit.entry.as_ref().map(|v| v.entry.id), Some(want[1]), "the second bolat row");
    // Esc back to the list, the same row highlighted.
    key(&mut app, KeyCode::Esc);
    assert!(app.screens.audit.entry.is_none());
    assert_eq!(app.screens.audit.list.current().map(|e| e.id), Some(want[1]));
    // The title says the filter; Esc again clears it.
    assert!(screen_text(&app).contains("operator bolat"), "{}", screen_text(&app));
    let (_, query, ..) = asked(&key(&mut app, KeyCode::Esc));
    assert_eq!(query, Query::default());
}

#[test]
fn hostile_text_from_the_log_is_drawn_without_its_control_characters() {
    let mut app = listed(Lang::En);
    let text = screen_text(&app);
    assert!(text.contains("EVIL[2J1") && !text.contains('\u{1b}') && !text.contains('\u{7}'), "{text}");
    for _ in 0..3 {
        key(&mut app, KeyCode::Down);
    }
    key(&mut app, KeyCode::Enter);
    let text = screen_text(&app);
    assert!(text.contains("hostile]0;owned name") && !text.contains('\u{1b}'), "{text}");
}

// The same screen over a real sandbox database, through the services the console calls.

struct Logged {
    _dir: tempfile::TempDir,
    ctx: Ctx,
    rt: tokio::runtime::Runtime,
}

/// A sandbox database written by anna (admin) and bolat (approver): the start (entries 1–3),
/// then 40 partners added, a day apart from 2 November, the even ones by bolat; then bolat
/// deactivates the code of the partner with the code AUD07.
fn logged() -> Logged {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("audit.db").display());
    let ctx = rt.block_on(async {
        let store = crate::store::Store::open(&url).await.expect("the database");
        let clock = |s: &str| Clock::Fixed(chrono::DateTime::from_timestamp_millis(at(s)).unwrap_or_default());
        let anna = Ctx {
            store,
            terms: crate::domain::Terms::defaults(),
            operator: "anna".into(),
            clock: clock("2026-11-01T09:00:00"),
        };
        crate::service::operators::sandbox(&anna, &[("bolat", Role::Approver)]).await.expect("a sandbox");
        for i in 0..40 {
            let who = if i % 2 == 0 { "bolat" } else { "anna" };
            let when = clock(&format!("2026-11-{:02}T10:00:00", 2 + i / 2));
            let ctx = Ctx { operator: who.into(), clock: when, ..anna.clone() };
            let p = crate::service::partners::NewPartner {
                name: format!("Partner {i}"),
                code: Some(format!("AUD{i:02}")),
                phone: None,
                email: None,
                iin: None,
            };
            crate::service::partners::add(&ctx, p).await.expect("a partner");
        }
        let bolat = Ctx { operator: "bolat".into(), clock: clock("2026-11-23T12:00:00"), ..anna.clone() };
        crate::service::partners::deactivate_code(&bolat, "AUD07", "sold codes on a forum").await.expect("deactivated");
        Ctx { clock: clock("2026-11-25T10:00:00"), ..anna }
    });
    Logged { _dir: dir, ctx, rt }
}

impl Logged {
    /// Makes the audit reads of `fx` (and of what their answers ask for) and hands the answers
    /// to the console, as the run loop does.
    fn run(&self, app: &mut App, fx: Vec<Effect>) {
        let mut todo: VecDeque<Effect> = fx.into();
        while let Some(e) = todo.pop_front() {
            if let Effect::Audit(call) = e {
                let answer = self.rt.block_on(super::audit_io::answer(&self.ctx, app.lang, call));
                todo.extend(app.update(answer));
            }
        }
    }

    fn press(&self, app: &mut App, code: KeyCode) {
        let fx = key(app, code);
        self.run(app, fx);
    }

    fn filter(&self, app: &mut App, fields: [&str; 5]) {
        let fx = filtered(app, fields);
        self.run(app, fx);
    }
}

fn audit_app(db: &Logged, lang: Lang) -> App {
    let mut app = app(lang);
    app.update(Action::Resize(80, 24));
    db.press(&mut app, KeyCode::Char('7'));
    app
}

#[test]
fn a_filter_narrows_the_rows_to_exactly_its_entries() {
    let db = logged();
    let mut app = audit_app(&db, Lang::En);
    assert_eq!(ids(&app), (26..=44).rev().collect::<Vec<i64>>(), "the newest page: 44 entries in all");
    // bolat's entries from 20 November on: two partners (of his 4, 6, …, 42) and the code (44).
    db.filter(&mut app, ["bolat", "", "", "2026-11-20", ""]);
    assert_eq!(ids(&app), vec![44, 42, 40]);
    // The same of the family `partner` only.
    db.filter(&mut app, ["bolat", "partner", "", "2026-11-20", ""]);
    assert_eq!(ids(&app), vec![42, 40]);
    // An action and part of a subject: the deactivation alone.
    db.filter(&mut app, ["", "code.deactivate", "UD0", "", ""]);
    assert_eq!(ids(&app), vec![44]);
    assert_eq!(app.screens.audit.list.rows[0].subject, "AUD07");
    // Days from and to, the last one included: the partners of 3 and 4 November.
    db.filter(&mut app, ["", "partner", "", "2026-11-03", "2026-11-04"]);
    assert_eq!(ids(&app), vec![9, 8, 7, 6]);
    assert!(screen_text(&app).contains("from 2026-11-03"), "{}", screen_text(&app));
    // The operators' own entries: the family `operator`.
    db.filter(&mut app, ["", "operator", "", "", ""]);
    assert_eq!(ids(&app), vec![3, 2]);
    // Enter shows the entry the service read, its reason and its hash whole.
    db.press(&mut app, KeyCode::Down);
    db.press(&mut app, KeyCode::Enter);
    let text = screen_text(&app);
    assert!(text.contains("first administrator (init)"), "{text}");
    let hash = app.screens.audit.entry.as_ref().map(|v| v.entry.hash.clone()).unwrap_or_default();
    assert_eq!(hash.len(), 64);
    assert!(text.contains(&hash), "{text}");
}

#[test]
fn paging_reaches_the_oldest_entry_and_comes_back() {
    let db = logged();
    let mut app = audit_app(&db, Lang::En);
    let mut seen = ids(&app);
    // Page by page down to the end: every entry once, in order, down to entry 1.
    while app.screens.audit.list.has_next {
        db.press(&mut app, KeyCode::PageDown);
        let page = ids(&app);
        assert!(page.first() < seen.last(), "older than the page before: {page:?}");
        seen.extend(page);
    }
    assert_eq!(seen, (1..=44).rev().collect::<Vec<i64>>());
    // Back up, a page at a time, to the newest.
    while app.screens.audit.list.has_prev {
        db.press(&mut app, KeyCode::PageUp);
    }
    assert_eq!(ids(&app), (26..=44).rev().collect::<Vec<i64>>());
    // End: the oldest page, the oldest entry highlighted; ↑ from the top of it goes on.
    db.press(&mut app, KeyCode::End);
    assert_eq!(ids(&app), (1..=19).rev().collect::<Vec<i64>>());
    assert_eq!(app.screens.audit.list.current().map(|e| e.id), Some(1));
    for _ in 0..19 {
        db.press(&mut app, KeyCode::Up);
    }
    assert_eq!(app.screens.audit.list.current().map(|e| e.id), Some(20));
    db.press(&mut app, KeyCode::Home);
    assert_eq!(app.screens.audit.list.current().map(|e| e.id), Some(44));
    // The chain of this database holds.
    db.press(&mut app, KeyCode::Char('v'));
    assert!(message(&app).starts_with("Audit chain intact: 44 entries, head "), "{}", message(&app));
}

#[test]
fn a_bad_date_is_said_in_one_sentence_and_the_rows_stay() {
    let db = logged();
    for (lang, says) in [
        (Lang::En, "From: \"2026-13-01\" is not a date YYYY-MM-DD"),
        (Lang::Ru, "С: \"2026-13-01\" — не дата ГГГГ-ММ-ДД"),
    ] {
        let mut app = audit_app(&db, lang);
        db.filter(&mut app, ["bolat", "", "", "", ""]);
        let before = ids(&app);
        assert_eq!(before.len(), 19, "a page of bolat's 21 entries");
        db.filter(&mut app, ["bolat", "", "", "2026-13-01", ""]);
        assert_eq!(message(&app), says);
        assert_eq!(app.message.as_ref().map(|m| m.kind), Some(super::component::MsgKind::Error));
        assert_eq!(ids(&app), before, "the rows stay");
        assert_eq!(app.screens.audit.query.from, None, "and the filter they were read by");
        // `f` brings back what was typed, to mend it.
        key(&mut app, KeyCode::Char('f'));
        let form = app.screens.audit.form.as_ref().map(|f| (f.query(), f.focus));
        let (typed, focus) = form.unwrap_or_default();
        assert_eq!((typed.from.as_deref(), focus), (Some("2026-13-01"), 3), "the keys in the date");
    }
}

/// Tiny or odd terminals: the list, the form, the verdict and an entry drawn without a panic,
/// and an entry's hash still whole (wrapped) on a narrow one.
#[test]
fn small_terminals_do_not_panic_and_a_hash_wraps_whole() {
    let head = log().last().map(|e| e.hash.clone()).unwrap_or_default();
    for (w, h) in [(1, 1), (20, 5), (40, 10), (79, 23), (200, 60)] {
        for lang in [Lang::En, Lang::Ru] {
            let mut app = listed(lang);
            app.update(Action::Resize(w, h));
            let _ = draw(&app);
            key(&mut app, KeyCode::Char('f'));
            let _ = draw(&app);
            key(&mut app, KeyCode::Esc);
            let fx = key(&mut app, KeyCode::Char('v'));
            if let [Effect::Audit(AuditCall::Verify { req })] = fx.as_slice() {
                app.update(Action::AuditVerified(*req, Ok(Ok((30, head.clone())))));
            }
            let _ = draw(&app);
            key(&mut app, KeyCode::Esc);
            key(&mut app, KeyCode::Enter);
            let _ = draw(&app);
        }
    }
    let mut app = listed(Lang::En);
    key(&mut app, KeyCode::Enter);
    app.update(Action::Resize(40, 30));
    let text = screen_text(&app).replace(['\n', ' ', '│'], "");
    assert!(text.contains(&head), "{}", screen_text(&app));
}
