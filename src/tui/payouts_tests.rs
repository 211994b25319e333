//! The payouts screen: its list and a run's detail drawn (insta, both languages), each step's
//! dialog naming the run, its count and its total, and the keys that act on a run waiting for
//! the run they act on.
use super::action::{Action, Ask, Effect, RunStep, Screen, StepDone};
use super::app::App;
use super::fixtures::*;
use crate::domain::payout::{HoldBack, LineStatus, RunState};
use crate::domain::{Lang, Money};
use crate::service::payout_views::{NextRun, RunHead};
use crate::service::payouts::{LineView, MonthRun, RunView};
use crate::store::payouts::LineTotal;
use chrono::NaiveDate;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn month(
    m: &str,
    due: NaiveDate,
    id: Option<i64>,
    state: Option<&'static str>,
    total: Option<i64>,
    late: bool,
) -> MonthRun {
    MonthRun { month: m.into(), due, id, state, total: total.map(Money::kzt), late }
}

/// At 2026-11-25: October's run exported and late, September's completed (after a discarded
/// one), August's missing.
pub fn months() -> Vec<MonthRun> {
    vec![
        month("2026-10", day(2026, 11, 10), Some(3), Some("exported"), Some(1_425_000), true),
        month("2026-09", day(2026, 10, 10), Some(2), Some("completed"), Some(1_180_000), false),
        month("2026-09", day(2026, 10, 10), Some(1), Some("discarded"), Some(1_190_000), false),
        month("2026-08", day(2026, 9, 10), None, None, None, true),
    ]
}

fn line(code: &str, name: &str, amount: i64, status: LineStatus, reason: Option<HoldBack>) -> LineView {
    let iban = (reason != Some(HoldBack::NoContract)).then(|| format!("KZ86125KZT50040{code:0>5}"));
    LineView {
        partner: code.into(),
        name: name.into(),
        amount: Money::kzt(amount),
        available: Money::kzt(amount),
        clawed_back: Money::ZERO,
        status: status.as_str(),
        reason: reason.map(HoldBack::as_str),
        iban,
        contract: Some("RD-2026-001".into()),
        bonus_count: 1,
        bonuses: None,
        clawbacks: vec![],
    }
}

pub fn lines() -> Vec<LineView> {
    vec![
        line("ASEL25", "Асель Нурланова", 25_000, LineStatus::Payable, None),
        line("BOLAT7", "Bolat Seitkali", 1_125_000, LineStatus::Payable, None),
        line("DANA01", "Dana Sarsen", 275_000, LineStatus::Payable, None),
        line("ERBOL3", "Erbol Abenov", 40_000, LineStatus::HeldBack, Some(HoldBack::NoContract)),
        line("GULNAR", "Gulnar Kassym", 3_000, LineStatus::HeldBack, Some(HoldBack::BelowMinimum)),
    ]
}

fn total(status: LineStatus, reason: Option<HoldBack>, count: i64, amount: i64, available: i64) -> LineTotal {
    LineTotal { status, reason, count, amount: Money::kzt(amount), available: Money::kzt(available) }
}

pub fn head(id: i64, state: RunState) -> RunHead {
    let exported = matches!(state, RunState::Exported | RunState::Completed);
    RunHead {
        run: RunView {
            id,
            month: "2026-10".into(),
            state: state.as_str(),
            cutoff: "2026-11-01T00:00:00+05:00".into(),
            due: day(2026, 11, 10),
            prepared_by: "dana.ops".into(),
            prepared_at: "2026-11-02T09:15:00+05:00".into(),
            approved_by: (state != RunState::Draft).then(|| "bolat.fin".into()),
            approved_at: (state != RunState::Draft).then(|| "2026-11-03T11:40:00+05:00".into()),
            total: Money::kzt(1_425_000),
            payable: 3,
            held_back: 2,
            content_hash: "9f2c".into(),
            lines: vec![],
        },
        totals: vec![
            total(LineStatus::Payable, None, 3, 1_425_000, 1_425_000),
            total(LineStatus::HeldBack, Some(HoldBack::NoContract), 1, 0, 40_000),
            total(LineStatus::HeldBack, Some(HoldBack::BelowMinimum), 1, 0, 3_000),
        ],
        exported_by: exported.then(|| "bolat.fin".into()),
        exported_at: exported.then(|| "2026-11-04T10:05:00+05:00".into()),
        completed_by: None,
        completed_at: None,
        discarded_by: None,
        discarded_at: None,
        late: state != RunState::Completed,
    }
}

fn sized(lang: Lang, w: u16, h: u16) -> App {
    let mut app = app(lang);
    app.update(Action::Resize(w, h));
    app
}

/// The payouts screen with its months read.
pub fn payouts_app(lang: Lang, w: u16, h: u16) -> App {
    let mut app = sized(lang, w, h);
    let fx = app.update(Action::GoTo(Screen::Payouts));
    let Some(Effect::LoadRuns { req }) = fx.first().cloned() else { panic!("{fx:?}") };
    app.update(Action::RunsLoaded(req, Ok(months())));
    app
}

/// Run 3 open (exported), its lines read, the highlight on the second line, marked failed.
fn detail_app(lang: Lang, w: u16, h: u16, state: RunState) -> App {
    let mut app = payouts_app(lang, w, h);
    let fx = app.update(Action::Enter);
    let [Effect::LoadRun { req: head_req, id: 3 }, Effect::LoadRunLines { req: lines_req, id: 3, .. }] = fx.as_slice()
    else {
        panic!("{fx:?}")
    };
    let (head_req, lines_req) = (*head_req, *lines_req);
    app.update(Action::RunLoaded(head_req, Ok(Box::new(head(3, state)))));
    app.update(Action::RunLinesLoaded(lines_req, Ok(lines())));
    app.update(Action::Down);
    app
}

/// Asks for `key`'s step on the run shown and answers the fresh read with `state`.
fn step_dialog(app: &mut App, key: Action, state: RunState) {
    let fx = app.update(key);
    let Some(Effect::LoadRun { req, id }) = fx.first().cloned() else { panic!("{fx:?}") };
    app.update(Action::RunLoaded(req, Ok(Box::new(head(id, state)))));
}

#[test]
fn snapshots_of_the_runs_and_a_run() {
    for lang in [Lang::En, Lang::Ru] {
        let code = lang.code();
        let app = payouts_app(lang, 80, 24);
        insta::assert_snapshot!(format!("payouts_{code}_80x24"), draw(&app).backend());
        let mut app = detail_app(lang, 80, 24, RunState::Exported);
        app.update(Action::Select);
        insta::assert_snapshot!(format!("payout_run_exported_{code}_80x24"), draw(&app).backend());
        // Completion names what is paid and what failed, and takes y only.
        step_dialog(&mut app, Action::Complete, RunState::Exported);
        insta::assert_snapshot!(format!("payout_complete_confirm_{code}_80x24"), draw(&app).backend());
    }
    let app = payouts_app(Lang::En, 120, 40);
    insta::assert_snapshot!("payouts_en_120x40", draw(&app).backend());
    let mut app = detail_app(Lang::En, 120, 40, RunState::Draft);
    step_dialog(&mut app, Action::Approve, RunState::Draft);
    insta::assert_snapshot!("payout_approve_confirm_en_120x40", draw(&app).backend());
}

#[test]
fn the_list_says_late_and_missing_in_words() {
    let text = screen_text(&payouts_app(Lang::En, 80, 24));
    assert!(text.contains("Payouts · 3 months · late 2"), "{text}");
    let oct = text.lines().find(|l| l.contains("October 2026")).unwrap_or_default();
    assert!(oct.contains("exported") && oct.contains("1,425,000.00") && oct.contains("LATE"), "{oct}");
    let aug = text.lines().find(|l| l.contains("August 2026")).unwrap_or_default();
    assert!(aug.contains("LATE: no run"), "{aug}");
    let text = screen_text(&payouts_app(Lang::Ru, 80, 24));
    assert!(text.contains("ПРОСРОЧЕНА: нет выплаты"), "{text}");
}

#[test]
fn each_step_names_its_run_count_and_total_and_takes_y_only() {
    let mut app = detail_app(Lang::En, 80, 24, RunState::Draft);
    step_dialog(&mut app, Action::Approve, RunState::Draft);
    let d = app.dialog.clone().unwrap_or_else(|| panic!("no dialog: {:?}", app.message));
    assert_eq!(
        d.question,
        "Approve payout run 3 for October 2026: 3 lines to pay, 1,425,000.00 KZT in total (2 held back)?"
    );
    // Enter cancels a bulk money step; only y confirms.
    assert!(app.update(Action::Submit).is_empty());
    assert!(app.dialog.is_none());
    step_dialog(&mut app, Action::Approve, RunState::Draft);
    let fx = app.update(Action::Yes);
    assert!(matches!(fx.as_slice(), [Effect::PayoutStep { step: RunStep::Approve(3), .. }]), "{fx:?}");

    // The preparer is told at once that another operator must approve, with no dialog.
    let mut app = detail_app(Lang::En, 80, 24, RunState::Draft);
    let fx = app.update(Action::Approve);
    let Some(Effect::LoadRun { req, .. }) = fx.first().cloned() else { panic!("{fx:?}") };
    let mut own = head(3, RunState::Draft);
    own.run.prepared_by = "aigerim.ops".into();
    app.update(Action::RunLoaded(req, Ok(Box::new(own))));
    assert!(app.dialog.is_none());
    assert_eq!(
        app.message.as_ref().map(|m| m.text.as_str()),
        Some("Refused: payout run 3 was prepared by aigerim.ops; another operator must approve it")
    );

    // Export names both files; the run pays, so the pain.001 file comes first.
    let mut app = detail_app(Lang::En, 80, 24, RunState::Approved);
    step_dialog(&mut app, Action::Export, RunState::Approved);
    let q = app.dialog.as_ref().map(|d| d.question.clone()).unwrap_or_default();
    assert_eq!(
        q,
        "Export payout run 3 for October 2026: 3 lines, 1,425,000.00 KZT, to payout-2026-10-run3.xml, \
         payout-2026-10-run3.csv? Nothing is marked paid."
    );
    let fx = app.update(Action::Yes);
    let Some(Effect::PayoutStep { step: RunStep::Export { run: 3, csv, pain001 }, .. }) = fx.first().cloned() else {
        panic!("{fx:?}")
    };
    assert_eq!((csv.as_str(), pain001.as_deref()), ("payout-2026-10-run3.csv", Some("payout-2026-10-run3.xml")));
}

#[test]
fn completion_leaves_out_the_lines_marked_failed() {
    let mut app = detail_app(Lang::En, 80, 24, RunState::Exported);
    app.update(Action::Select);
    step_dialog(&mut app, Action::Complete, RunState::Exported);
    let q = app.dialog.as_ref().map(|d| d.question.clone()).unwrap_or_default();
    assert_eq!(
        q,
        "Complete payout run 3 for October 2026: 2 lines paid, 300,000.00 KZT; 1 failed (BOLAT7 1,125,000.00 KZT), \
         their bonuses back for the next run?"
    );
    let fx = app.update(Action::Yes);
    let Some(Effect::PayoutStep { req, step: RunStep::Complete { run: 3, failed } }) = fx.first().cloned() else {
        panic!("{fx:?}")
    };
    assert_eq!(failed, vec!["BOLAT7".to_string()]);
    // The step runs: the message line says so, with its seconds, and a second step waits.
    app.update(Action::PayoutWorking(req, 3));
    assert_eq!(app.message.as_ref().map(|m| m.text.as_str()), Some("Completing payout run 3… 3 s"));
    assert!(app.update(Action::Approve).is_empty(), "one step at a time");
    // An answer to a superseded step is dropped.
    app.update(Action::PayoutWorking(req + 100, 9));
    assert!(!app.redraw);
}

#[test]
fn a_held_back_line_cannot_be_marked_failed_nor_a_draft_completed() {
    let mut app = detail_app(Lang::En, 80, 24, RunState::Exported);
    for _ in 0..2 {
        app.update(Action::Down);
    }
    app.update(Action::Select);
    assert!(app.screens.payouts.detail.as_ref().is_some_and(|d| d.failed.is_empty()));
    assert_eq!(
        app.message.as_ref().map(|m| m.text.as_str()),
        Some("Only a payable line of an exported run can be marked failed")
    );
    // A step the run's state does not allow is refused in the service's words, with no dialog.
    let mut app = detail_app(Lang::En, 80, 24, RunState::Draft);
    step_dialog(&mut app, Action::Complete, RunState::Draft);
    assert!(app.dialog.is_none());
    assert_eq!(
        app.message.as_ref().map(|m| m.text.as_str()),
        Some("Refused: payout run 3 is draft: only an exported run can be completed")
    );
}

#[test]
fn prepare_asks_for_a_month_without_a_run_and_opens_the_new_run() {
    let mut app = payouts_app(Lang::En, 80, 24);
    // October has a live run: p says so and asks nothing.
    assert!(app.update(Action::Prepare).is_empty());
    assert!(app.dialog.is_none());
    assert_eq!(
        app.message.as_ref().map(|m| m.text.as_str()),
        Some("October 2026 already has payout run 3 (exported); discard it (v) to prepare the month again")
    );
    for _ in 0..3 {
        app.update(Action::Down);
    }
    app.update(Action::Prepare);
    let d = app.dialog.clone().unwrap_or_else(|| panic!("{:?}", app.message));
    assert_eq!(
        d.question,
        "Prepare the payout run for August 2026 (due 2026-09-10)? It pays nothing until another operator approves it."
    );
    assert_eq!(d.ask, Ask::Payout(RunStep::Prepare("2026-08".into())));
    let fx = app.update(Action::Yes);
    let Some(Effect::PayoutStep { req, .. }) = fx.first().cloned() else { panic!("{fx:?}") };
    assert_eq!(app.message.as_ref().map(|m| m.text.as_str()), Some("Preparing the payout run for August 2026…"));
    let mut run = head(7, RunState::Draft).run;
    run.month = "2026-08".into();
    let fx = app.update(Action::PayoutStepped(req, Ok(StepDone::Run(Box::new(run)))));
    assert!(
        matches!(
            fx.as_slice(),
            [Effect::LoadRuns { .. }, Effect::LoadRun { id: 7, .. }, Effect::LoadRunLines { id: 7, .. }]
        ),
        "{fx:?}"
    );
    assert_eq!(
        app.message.as_ref().map(|m| m.text.as_str()),
        Some(
            "Payout run 7 for August 2026 prepared: 1,425,000.00 KZT to pay on 3 lines, 2 held back; another \
             operator approves it"
        )
    );
}

#[test]
fn keys_wait_for_the_run_they_act_on() {
    let mut app = payouts_app(Lang::En, 80, 24);
    app.update(Action::Reload);
    // The months are being read again: Enter waits for them.
    let enter = ratatui::crossterm::event::KeyEvent::from(ratatui::crossterm::event::KeyCode::Enter);
    assert!(app.key(enter).is_empty());
    assert_eq!(app.queued.len(), 1);
    let req = app.screens.payouts.runs.pending.unwrap_or_default();
    let fx = app.update(Action::RunsLoaded(req, Ok(months())));
    assert!(matches!(fx.first(), Some(Effect::LoadRun { id: 3, .. })), "{fx:?}");
}

#[test]
fn the_dashboard_shows_the_next_run_and_what_it_is_expected_to_pay() {
    for (lang, late, want) in
        [(Lang::En, vec![], "75,000.00 KZT so far"), (Lang::Ru, vec!["2026-10".to_string()], "октябрь 2026")]
    {
        let mut app = sized(lang, 80, 24);
        let fx = app.start();
        let [Effect::LoadDashboard { req }, Effect::LoadNextRun { req: next }] = fx.as_slice() else {
            panic!("{fx:?}")
        };
        let (req, next) = (*req, *next);
        app.update(Action::DashboardLoaded(req, Ok(Box::new(dashboard()))));
        let label = crate::tui::i18n::t(lang, crate::tui::i18n::K::ExpectedTotal);
        let row = screen_text(&app).lines().find(|l| l.contains(label)).map(str::to_string).unwrap_or_default();
        assert!(row.contains('…') && !row.contains("75"), "the row is there, its figure not yet: {row}");
        let n = NextRun {
            month: "2026-11".into(),
            due: day(2026, 12, 10),
            run: None,
            total: Money::kzt(75_000),
            payable: 3,
            held_back: 1,
            held_back_value: Money::kzt(3_000),
            so_far: true,
            late,
        };
        app.update(Action::NextRunLoaded(next, Ok(Box::new(n))));
        let text = screen_text(&app);
        assert!(text.contains(want), "{text}");
        insta::assert_snapshot!(format!("dashboard_next_run_{}_80x24", lang.code()), draw(&app).backend());
    }
}
