//! The abuse-review screen: its queue and a case drawn (insta, both languages), a decision's
//! dialog naming the case, the partner and what will happen, a dismissal that takes the case off
//! the open queue, and a refusal in the service's own sentence when another operator decided it.
use super::action::{Action, Ask, CaseRead, Effect, Screen};
use super::app::App;
use super::fixtures::*;
use crate::domain::fraud::{CaseKind, CaseStatus, Decision, days_open};
use crate::domain::partner::Status;
use crate::domain::{Lang, Money};
use crate::service::fraud::{CaseView, Decided};
use crate::service::partners::Balance;
use crate::service::{Conflict, ServiceError};
use crate::store::fraud::Which;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use tui_input::InputRequest;

fn case(id: i64, code: &str, kind: &str, opened: &str, findings: &[&str], bonuses: &[i64]) -> CaseView {
    let findings: Vec<serde_json::Value> = findings
        .iter()
        .enumerate()
        .map(|(i, e)| serde_json::json!({"key": format!("k{i}"), "explanation": e}))
        .collect();
    let opened_at = format!("{opened}+05:00");
    let opened_ms = chrono::DateTime::parse_from_rfc3339(&opened_at).map(|t| t.timestamp_millis()).unwrap_or_default();
    CaseView {
        id,
        partner: code.into(),
        kind: CaseKind::parse(kind).unwrap_or_else(|| panic!("kind {kind}")),
        status: CaseStatus::Open,
        opened_at,
        days_open: days_open(opened_ms, None, now().timestamp_millis()),
        opened_ms,
        decided_ms: None,
        payment_id: None,
        evidence: serde_json::json!({"findings": findings, "bonus_ids": bonuses}),
        decided_at: None,
        decided_by: None,
        reason: None,
    }
}

/// Four open cases as the service lists them, oldest first.
fn open_cases() -> Vec<CaseView> {
    vec![
        case(3, "GULNAR", "refund_rate", "2026-11-02T09:00:00", &["6 of 10 payments refunded (60%)"], &[31, 32]),
        case(
            4,
            "ASEL25",
            "self_referral",
            "2026-11-10T12:30:00",
            &[
                "Client C-1042 registered with ASEL25's own phone +7 701 555 12 34 and paid 25,000.00 KZT on \
                 2026-11-09; the bonus of 2,500.00 KZT went to the partner herself",
                "Client C-1077 shares ASEL25's IIN 900101300123 and paid 50,000.00 KZT on 2026-11-10",
            ],
            &[41, 42],
        ),
        case(5, "BOLAT7", "referral_ring", "2026-11-20T08:00:00", &["BOLAT7 → DANA01 → BOLAT7"], &[51]),
        case(6, "DANA01", "referral_ring", "2026-11-21T08:00:00", &["DANA01 → BOLAT7 → DANA01"], &[]),
    ]
}

fn sized(lang: Lang, w: u16, h: u16) -> App {
    let mut app = app(lang);
    app.update(Action::Resize(w, h));
    app
}

/// Answers the queue's read asked in `fx` with `cases`.
fn answer_queue(app: &mut App, fx: &[Effect], cases: Vec<CaseView>) {
    let Some(Effect::LoadCases { req, .. }) = fx.iter().find(|e| matches!(e, Effect::LoadCases { .. })).cloned() else {
        panic!("{fx:?}")
    };
    app.update(Action::CasesLoaded(req, Ok(cases)));
}

/// The abuse screen (reached by its number key) with the open cases read.
fn queue_app(lang: Lang, w: u16, h: u16) -> App {
    let mut app = sized(lang, w, h);
    let fx = app.key(KeyEvent::from(KeyCode::Char('5')));
    assert_eq!(app.screen, Screen::Abuse);
    assert!(matches!(fx.as_slice(), [Effect::LoadCases { which: Which::Open, .. }]), "{fx:?}");
    answer_queue(&mut app, &fx, open_cases());
    app
}

fn balance() -> Balance {
    Balance {
        held: Money::kzt(2_500),
        due: Money::ZERO,
        frozen: Money::kzt(12_500),
        available: Money::ZERO,
        paid: Money::kzt(40_000),
        clawed_back: Money::ZERO,
        net: Money::ZERO,
    }
}

/// ASEL25's case (the queue's third row) opened.
fn detail_app(lang: Lang) -> App {
    let mut app = queue_app(lang, 80, 24);
    app.update(Action::Down);
    app.update(Action::Down);
    let fx = app.update(Action::Enter);
    let [Effect::LoadCase { req, id: 4 }] = fx.as_slice() else { panic!("{fx:?}") };
    let c = open_cases().into_iter().find(|c| c.id == 4).unwrap_or_else(|| panic!("case 4"));
    let read = CaseRead { case: c, status: Status::Active, balance: balance() };
    app.update(Action::CaseLoaded(*req, Ok(Box::new(read))));
    app
}

fn typed(app: &mut App, s: &str) {
    for c in s.chars() {
        app.update(Action::Edit(InputRequest::InsertChar(c)));
    }
}

fn message(app: &App) -> String {
    app.message.as_ref().map(|m| m.text.clone()).unwrap_or_default()
}

fn ids(app: &App) -> Vec<i64> {
    app.screens.abuse.queue.data.as_ref().map(|q| q.iter().map(|c| c.id).collect()).unwrap_or_default()
}

#[test]
fn snapshots_of_the_queue_a_case_and_a_decision() {
    for lang in [Lang::En, Lang::Ru] {
        let code = lang.code();
        let app = queue_app(lang, 80, 24);
        insta::assert_snapshot!(format!("abuse_queue_{code}_80x24"), draw(&app).backend());
        let mut app = detail_app(lang);
        insta::assert_snapshot!(format!("abuse_case_{code}_80x24"), draw(&app).backend());
        app.update(Action::Void);
        typed(&mut app, "same phone as the partner");
        insta::assert_snapshot!(format!("abuse_void_reason_{code}_80x24"), draw(&app).backend());
    }
}

#[test]
fn enter_on_the_dashboard_opens_the_queue() {
    let mut app = sized(Lang::En, 80, 24);
    app.start();
    let fx = app.update(Action::Enter);
    assert_eq!(app.screen, Screen::Abuse);
    assert!(matches!(fx.as_slice(), [Effect::LoadCases { which: Which::Open, .. }]), "{fx:?}");
}

#[test]
fn the_queue_puts_the_most_serious_open_cases_first_then_the_oldest() {
    let app = queue_app(Lang::En, 80, 24);
    assert_eq!(ids(&app), [5, 6, 4, 3]);
    let text = screen_text(&app);
    assert!(text.contains("Abuse · status: open · 4 cases"), "{text}");
    let asel = text.lines().find(|l| l.contains("ASEL25")).unwrap_or_default();
    assert!(asel.contains("self-referral") && asel.contains("14") && asel.contains("open"), "{asel}");
    let ru = screen_text(&queue_app(Lang::Ru, 80, 24));
    assert!(ru.contains("кольцо приглашений") && ru.contains("доля возвратов"), "{ru}");
}

#[test]
fn the_detail_shows_every_finding_whole_and_the_partners_balance() {
    let text = screen_text(&detail_app(Lang::En));
    assert!(text.contains("Abuse case 4 · self-referral · open"), "{text}");
    assert!(text.contains("ASEL25 · active"), "{text}");
    // Wrapped between words: each figure is on screen whole.
    for figure in ["+7 701 555 12 34", "25,000.00", "2,500.00", "900101300123", "50,000.00"] {
        let joined = text.lines().map(str::trim_end).collect::<Vec<_>>().join(" ");
        assert!(joined.contains(figure), "{figure} in {text}");
    }
    assert!(text.contains("Frozen 12,500.00") && text.contains("Paid 40,000.00"), "{text}");
    assert!(text.contains("Bonuses named   2"), "{text}");
}

#[test]
fn a_dismissal_takes_a_reason_and_the_case_leaves_the_open_queue() {
    let mut app = queue_app(Lang::En, 80, 24);
    // `d` on the Russian layout is `в`: the same key dismisses.
    assert!(app.key(KeyEvent::from(KeyCode::Char('в'))).is_empty());
    let d = app.dialog.clone().unwrap_or_else(|| panic!("no dialog: {:?}", app.message));
    assert_eq!(d.ask, Ask::Decide { case: 5, decision: Decision::Dismiss });
    assert_eq!(
        d.question,
        "Dismiss abuse case 5 (referral ring) on BOLAT7 as no abuse? Its partner's bonuses are no longer frozen by it."
    );
    // An empty reason is refused in words, and the dialog stays.
    app.update(Action::Submit);
    assert_eq!(message(&app), "Say why: the reason cannot be empty");
    assert!(app.dialog.is_some());
    typed(&mut app, "a family, checked by phone");
    app.update(Action::Submit);
    // A dismissal moves no money: Enter confirms it.
    let fx = app.update(Action::Submit);
    let [Effect::DecideCase { req, id: 5, decision: Decision::Dismiss, reason }] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    assert_eq!(reason, "a family, checked by phone");
    assert_eq!(message(&app), "Deciding abuse case 5…");
    let done = Decided {
        case: 5,
        partner: "BOLAT7".into(),
        status: CaseStatus::Dismissed,
        voided: vec![],
        voided_total: Money::ZERO,
        code_deactivated: false,
        excluded: false,
        draft_runs: vec![],
    };
    let fx = app.update(Action::CaseDecided(*req, Ok(Box::new(done))));
    assert_eq!(message(&app), "Abuse case 5 on BOLAT7: dismissed");
    let left: Vec<CaseView> = open_cases().into_iter().filter(|c| c.id != 5).collect();
    answer_queue(&mut app, &fx, left);
    assert_eq!(ids(&app), [6, 4, 3]);
    let text = screen_text(&app);
    let rows: Vec<&str> = text.lines().take(22).collect();
    assert!(!rows.iter().any(|l| l.contains("BOLAT7")), "{text}");
    assert_eq!(message(&app), "Abuse case 5 on BOLAT7: dismissed", "the reload keeps the message");
}

#[test]
fn a_case_decided_meanwhile_is_refused_in_the_services_sentence() {
    let mut app = detail_app(Lang::En);
    app.update(Action::Exclude);
    let d = app.dialog.clone().unwrap_or_else(|| panic!("no dialog"));
    assert!(d.question.starts_with("Exclude ASEL25 from the program on abuse case 4 (self-referral)"), "{d:?}");
    typed(&mut app, "own phone and IIN");
    app.update(Action::Submit);
    // Money moves: Enter cancels, only y confirms.
    assert!(app.update(Action::Submit).is_empty());
    assert!(app.dialog.is_none());
    app.update(Action::Exclude);
    typed(&mut app, "own phone and IIN");
    app.update(Action::Submit);
    let fx = app.update(Action::Yes);
    let [Effect::DecideCase { req, id: 4, decision: Decision::Exclude, .. }] = fx.as_slice() else { panic!("{fx:?}") };
    let at = chrono::DateTime::parse_from_rfc3339("2026-11-25T09:58:00+05:00").ok();
    let e = ServiceError::Refused(Conflict::CaseDecided {
        case: 4,
        status: CaseStatus::Dismissed,
        by: "bolat.fin".into(),
        at,
    });
    let fx = app.update(Action::CaseDecided(*req, Err(crate::tui::i18n::service_error(Lang::En, &e))));
    assert_eq!(message(&app), "Refused: abuse case 4 was already decided by bolat.fin at 2026-11-25 09:58: dismissed");
    // The queue and the case are read again, to show them as they now are.
    assert!(fx.iter().any(|e| matches!(e, Effect::LoadCases { .. })), "{fx:?}");
    assert!(fx.iter().any(|e| matches!(e, Effect::LoadCase { id: 4, .. })), "{fx:?}");
}

#[test]
fn a_decided_case_asks_nothing_and_an_answer_to_another_decision_is_dropped() {
    let mut app = queue_app(Lang::Ru, 80, 24);
    let fx = app.update(Action::Filter);
    let mut decided = case(2, "ERBOL3", "price_mismatch", "2026-10-01T10:00:00", &["цена 1 000 ₸"], &[]);
    decided.status = CaseStatus::Voided;
    decided.decided_at = Some("2026-10-05T10:00:00+05:00".into());
    decided.decided_ms =
        chrono::DateTime::parse_from_rfc3339("2026-10-05T10:00:00+05:00").map(|t| t.timestamp_millis()).ok();
    decided.days_open = days_open(decided.opened_ms, decided.decided_ms, now().timestamp_millis());
    answer_queue(&mut app, &fx, vec![decided]);
    assert_eq!(app.screens.abuse.which, Which::Decided);
    app.update(Action::Void);
    assert!(app.dialog.is_none());
    assert_eq!(message(&app), "По делу 2 уже есть решение: бонусы аннулированы");
    assert!(screen_text(&app).contains("ERBOL3"), "its age is the days it was open: 4");
    app.update(Action::CaseDecided(999, Err("late".into())));
    assert!(!app.redraw);
}
