//! The console and the operator's role: the status line says who acts, as what, and in a
//! sandbox; a key the role does not allow is refused on the flash line before any dialog, and
//! greyed out in the help.
use super::action::{Action, Effect, Screen};
use super::component::MsgKind;
use super::fixtures::*;
use crate::domain::Lang;
use crate::domain::access::{Mode, Role};
use crate::service::access::Standing;

fn bonuses_as(lang: Lang, standing: Standing) -> super::app::App {
    let mut app = app(lang);
    app.standing = Some(standing);
    let fx = app.update(Action::GoTo(Screen::Bonuses));
    let Some(Effect::LoadBonuses { req, .. }) = fx.first().cloned() else { panic!("{fx:?}") };
    app.update(Action::BonusesLoaded(req, Ok(bonus_rows())));
    app
}

#[test]
fn a_viewer_is_told_why_a_approves_nothing_and_sees_the_keys_greyed() {
    let viewer = Standing { role: Some(Role::Viewer), mode: Mode::Production, what_if: false, read_only: false };
    let mut app = bonuses_as(Lang::En, viewer.clone());
    assert!(app.update(Action::Approve).is_empty(), "no preview asked, no dialog");
    assert!(app.dialog.is_none());
    let m = app.message.clone().unwrap_or_else(|| panic!("no message"));
    assert_eq!(m.text, "approving bonuses needs the operator role; aigerim.ops is a viewer");
    assert_eq!(m.kind, MsgKind::Error);
    insta::assert_snapshot!("viewer_refused_en", screen_text(&app));
    app.update(Action::Help);
    insta::assert_snapshot!("viewer_help_en", screen_text(&app));

    let mut app = bonuses_as(Lang::Ru, viewer);
    app.update(Action::Void);
    insta::assert_snapshot!("viewer_refused_ru", screen_text(&app));
}

#[test]
fn an_operator_approves_bonuses_but_not_payout_runs_and_a_sandbox_says_so() {
    let operator = Standing { role: Some(Role::Operator), mode: Mode::Sandbox, what_if: false, read_only: false };
    let mut app = bonuses_as(Lang::En, operator);
    let fx = app.update(Action::Approve);
    assert!(matches!(fx.first(), Some(Effect::PreviewApprove { .. })), "{fx:?}");
    assert!(screen_text(&app).lines().last().unwrap_or_default().contains("aigerim.ops · operator │ SANDBOX │"));
    app.update(Action::Back);
    app.update(Action::GoTo(Screen::Payouts));
    app.update(Action::Approve);
    assert_eq!(
        app.message.as_ref().map(|m| m.text.as_str()),
        Some("approving payout runs needs the approver role; aigerim.ops is an operator")
    );
}

#[test]
fn a_production_database_at_a_given_time_reads_only() {
    let admin = Standing { role: Some(Role::Admin), mode: Mode::Production, what_if: true, read_only: false };
    let mut app = bonuses_as(Lang::En, admin);
    app.update(Action::Approve);
    assert_eq!(
        app.message.as_ref().map(|m| m.text.as_str()),
        Some(
            "approving bonuses is refused at a given time: a production database changes only at the real time; a given time is for reading"
        )
    );
    assert!(screen_text(&app).contains("aigerim.ops · read-only (given time) │ 2026-11-25 10:00"));
}
