//! The bonuses screen's keys and dialogs, against fixture rows (no database).
use super::*;
use crate::domain::Lang;
use crate::tui::action::Screen;
use crate::tui::app::{App, Mode};
use crate::tui::component::Message;
use crate::tui::fixtures::*;
use tui_input::InputRequest;

fn bonuses_app(rows: Vec<BonusRow>) -> App {
    let mut app = app(Lang::En);
    let fx = app.update(Action::GoTo(Screen::Bonuses));
    let Some(Effect::LoadBonuses { req, query }) = fx.first().cloned() else { panic!("no bonus load: {fx:?}") };
    assert!(matches!(fx.get(1), Some(Effect::CountBonuses { query, .. }) if query.state == Some(ShownBonusState::Due)));
    assert_eq!(query.state, Some(ShownBonusState::Due), "the due queue comes first");
    assert_eq!(query.limit, 20, "a page of the visible height plus one");
    app.update(Action::BonusesLoaded(req, Ok(rows)));
    app
}

#[test]
fn space_toggles_the_selection_and_moves_down() {
    let mut app = bonuses_app(bonus_rows());
    app.update(Action::Select);
    assert_eq!(app.screens.bonuses.selected.keys().copied().collect::<Vec<_>>(), vec![101]);
    assert_eq!(app.screens.bonuses.list.sel, 1);
    app.update(Action::Up);
    app.update(Action::Select);
    assert!(app.screens.bonuses.selected.is_empty(), "a second Space unselects");
}

/// The due queue's rows with the first one in `state`.
fn first_in(state: ShownBonusState) -> App {
    let mut rows = bonus_rows();
    rows[0].status = state;
    bonuses_app(rows)
}

#[test]
fn only_due_bonuses_can_be_selected() {
    let mut app = first_in(ShownBonusState::Held);
    app.update(Action::Select);
    assert!(app.screens.bonuses.selected.is_empty());
    assert_eq!(app.message.as_ref().map(|m| m.text.as_str()), Some(t(Lang::En, K::OnlyDueSelectable)));
}

#[test]
fn approve_with_nothing_due_says_so() {
    let mut app = bonuses_app(vec![]);
    let fx = app.update(Action::Approve);
    assert!(fx.is_empty());
    assert_eq!(app.message.as_ref().map(|m| m.text.as_str()), Some("No bonuses are due for approval"));
    // On another list, with no row to take, it says what is missing.
    let fx = app.update(Action::Filter);
    let Some(Effect::LoadBonuses { req, query }) = fx.first().cloned() else { panic!("{fx:?}") };
    assert_eq!(query.state, Some(ShownBonusState::Held));
    app.update(Action::BonusesLoaded(req, Ok(vec![])));
    assert!(app.update(Action::Approve).is_empty());
    assert_eq!(app.message.as_ref().map(|m| m.text.as_str()), Some(t(Lang::En, K::NothingToApprove)));
    // `A` asks the service, which finds nothing due.
    let fx = app.update(Action::ApproveAll);
    let Some(Effect::PreviewApprove { req, ids: None }) = fx.first().cloned() else { panic!("{fx:?}") };
    app.update(Action::Previewed(req, Ok(Preview { ids: vec![], total: Money::ZERO })));
    assert!(app.dialog.is_none());
    assert_eq!(app.message.as_ref().map(|m| m.text.as_str()), Some("No bonuses are due for approval"));
}

#[test]
fn approve_previews_then_asks_then_writes_what_was_shown() {
    let mut app = bonuses_app(bonus_rows());
    app.update(Action::Select);
    app.update(Action::Select);
    let fx = app.update(Action::Approve);
    let Some(Effect::PreviewApprove { req, ids: Some(ids) }) = fx.first().cloned() else { panic!("{fx:?}") };
    assert_eq!(ids, vec![101, 102]);
    assert!(app.dialog.is_none(), "no dialog before the preview is read");
    app.update(Action::Previewed(req, Ok(Preview { ids: vec![101, 102], total: Money::kzt(50_000) })));
    assert_eq!(app.mode(), Mode::Confirm);
    assert!(app.update(Action::Down).is_empty(), "the dialog has the keys");
    let fx = app.update(Action::Yes);
    let Some(Effect::Approve { req, ids }) = fx.first().cloned() else { panic!("{fx:?}") };
    assert_eq!(ids, vec![101, 102]);
    assert!(app.dialog.is_none());
    let fx = app.update(Action::Approved(req, Ok(Preview { ids: vec![101, 102], total: Money::kzt(50_000) })));
    assert!(app.screens.bonuses.selected.is_empty());
    assert_eq!(app.message.as_ref().map(|m| m.text.as_str()), Some("Approved 2 bonuses, 50,000.00 KZT in total"));
    assert!(matches!(fx.first(), Some(Effect::LoadBonuses { .. })), "the page is reloaded after a change");
}

#[test]
fn approve_without_selection_takes_the_highlighted_row() {
    let mut app = bonuses_app(bonus_rows());
    app.update(Action::Down);
    let fx = app.update(Action::Approve);
    assert!(matches!(fx.first(), Some(Effect::PreviewApprove { ids: Some(ids), .. }) if ids == &vec![102]));
}

#[test]
fn a_refused_approval_shows_the_services_sentence() {
    let mut app = bonuses_app(bonus_rows());
    let fx = app.update(Action::Approve);
    let Some(Effect::PreviewApprove { req, .. }) = fx.first().cloned() else { panic!() };
    app.update(Action::Previewed(req, Err("bonus 101 was already approved by bob at 2026-11-25 09:00".into())));
    assert!(app.dialog.is_none());
    let m = app.message.clone().unwrap_or(Message { text: String::new(), kind: MsgKind::Info });
    assert_eq!(m.kind, MsgKind::Error);
    assert_eq!(m.text, "Refused: bonus 101 was already approved by bob at 2026-11-25 09:00");
}

#[test]
fn no_in_the_dialog_changes_nothing() {
    let mut app = bonuses_app(bonus_rows());
    let fx = app.update(Action::Approve);
    let Some(Effect::PreviewApprove { req, .. }) = fx.first().cloned() else { panic!() };
    app.update(Action::Previewed(req, Ok(Preview { ids: vec![101], total: Money::kzt(25_000) })));
    assert!(app.update(Action::No).is_empty());
    assert!(app.dialog.is_none());
    assert_eq!(app.screens.bonuses.mutation, None);
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        app.update(Action::Edit(InputRequest::InsertChar(c)));
    }
}

fn said(app: &App) -> Option<&str> {
    app.message.as_ref().map(|m| m.text.as_str())
}

fn question(app: &App) -> String {
    app.dialog.as_ref().map(|d| d.question.clone()).unwrap_or_default()
}

/// Opens the preview's dialog for what `key` asked, the service finding `ids` worth `total`.
fn previewed(app: &mut App, key: Action, ids: Vec<i64>, total: i64) {
    let fx = app.update(key);
    let Some(Effect::PreviewApprove { req, .. }) = fx.first().cloned() else { panic!("{fx:?}") };
    app.update(Action::Previewed(req, Ok(Preview { ids, total: Money::kzt(total) })));
}

#[test]
fn a_void_reason_says_a_few_words_then_only_y_voids() {
    let mut app = bonuses_app(bonus_rows());
    app.update(Action::Void);
    assert_eq!(question(&app), "Void bonus 101 of ASEL25, 25,000.00 KZT?");
    assert_eq!(app.mode(), Mode::Typing);
    typed(&mut app, "  too short  ");
    assert!(app.update(Action::Submit).is_empty(), "9 characters after trimming are refused");
    assert_eq!(said(&app), Some("The reason must be at least 10 characters long"));
    assert!(app.dialog.as_ref().and_then(|d| d.reason.as_ref()).is_some_and(|r| r.refused && r.given.is_none()));
    assert_eq!(app.mode(), Mode::Typing, "the dialog stays open");
    app.update(Action::Edit(InputRequest::DeleteLine));
    typed(&mut app, " refund due ");
    assert!(app.update(Action::Submit).is_empty(), "the reason is taken; the void waits for y");
    assert_eq!(app.mode(), Mode::Confirm);
    // Enter now cancels.
    assert!(app.update(Action::Submit).is_empty());
    assert!(app.dialog.is_none());
    assert_eq!(said(&app), Some(t(Lang::En, K::Cancelled)));
    // So does Esc (n).
    app.update(Action::Void);
    typed(&mut app, "duplicate payment");
    app.update(Action::Submit);
    assert!(app.update(Action::No).is_empty());
    assert!(app.dialog.is_none() && app.screens.bonuses.mutation.is_none());
    // y voids, for the reason trimmed.
    app.update(Action::Void);
    typed(&mut app, " refund due ");
    app.update(Action::Submit);
    let fx = app.update(Action::Yes);
    let Some(Effect::Void { req, ids, reason }) = fx.first().cloned() else { panic!("{fx:?}") };
    assert_eq!((ids.clone(), reason.as_str()), (vec![101], "refund due"));
    app.update(Action::Voided(req, ids, Ok(Money::kzt(25_000))));
    assert_eq!(said(&app), Some("Bonus 101 voided (25,000.00 KZT)"));
}

#[test]
fn v_voids_the_selection_when_there_is_one() {
    let mut app = bonuses_app(bonus_rows());
    app.update(Action::Select);
    app.update(Action::Select);
    app.update(Action::Down);
    app.update(Action::Void);
    assert_eq!(question(&app), "Void 2 selected bonuses, 75,000.00 KZT in total?");
    typed(&mut app, "client is the partner");
    app.update(Action::Submit);
    let fx = app.update(Action::Yes);
    let Some(Effect::Void { req, ids, .. }) = fx.first().cloned() else { panic!("{fx:?}") };
    assert_eq!(ids, vec![101, 102], "the selection, not the highlighted 104");
    app.update(Action::Voided(req, ids, Ok(Money::kzt(75_000))));
    assert_eq!(said(&app), Some("Voided 2 bonuses, 75,000.00 KZT in total"));
    assert!(app.screens.bonuses.selected.is_empty());
}

#[test]
fn a_void_of_a_bonus_not_due_names_its_state() {
    let mut app = first_in(ShownBonusState::Available);
    app.update(Action::Void);
    assert_eq!(question(&app), "Void bonus 101 of ASEL25, 25,000.00 KZT (available)?");
    let mut app = first_in(ShownBonusState::Held);
    app.lang = Lang::Ru;
    app.update(Action::Void);
    assert_eq!(question(&app), "Аннулировать бонус 101 партнёра ASEL25, 25\u{a0}000,00\u{a0}₸ (удержан)?");
}

#[test]
fn a_bulk_approval_is_confirmed_with_y_only() {
    let mut app = bonuses_app(bonus_rows());
    app.update(Action::Select);
    app.update(Action::Select);
    previewed(&mut app, Action::Approve, vec![101, 102], 75_000);
    assert_eq!(question(&app), "Approve 2 selected bonuses, 75,000.00 KZT in total?");
    assert_eq!(app.dialog.as_ref().map(|d| d.keys), Some(K::ConfirmKeysStrict));
    assert!(app.update(Action::Submit).is_empty(), "Enter cancels");
    assert!(app.dialog.is_none() && app.screens.bonuses.mutation.is_none());
    assert_eq!(said(&app), Some(t(Lang::En, K::Cancelled)));
    previewed(&mut app, Action::Approve, vec![101, 102], 75_000);
    assert!(app.update(Action::No).is_empty(), "Esc cancels");
    assert!(app.dialog.is_none());
    previewed(&mut app, Action::Approve, vec![101, 102], 75_000);
    let fx = app.update(Action::Yes);
    assert!(matches!(fx.first(), Some(Effect::Approve { ids, .. }) if ids == &vec![101, 102]), "{fx:?}");
}

#[test]
fn all_due_names_the_whole_queue_and_wants_y() {
    let mut app = bonuses_app(bonus_rows());
    previewed(&mut app, Action::ApproveAll, vec![101, 102, 103, 104, 105], 193_750);
    assert_eq!(question(&app), "Approve all 5 due bonuses, 193,750.00 KZT in total?");
    assert!(app.update(Action::Submit).is_empty(), "Enter cancels");
    assert!(app.dialog.is_none());
    let mut app = bonuses_app(bonus_rows());
    app.lang = Lang::Ru;
    previewed(&mut app, Action::ApproveAll, vec![101, 102], 75_000);
    assert_eq!(question(&app), "Одобрить все 2 бонуса к одобрению, всего 75\u{a0}000,00\u{a0}₸?");
    assert!(matches!(app.update(Action::Yes).first(), Some(Effect::Approve { .. })));
}

#[test]
fn one_bonus_is_named_and_enter_approves_it() {
    let mut app = bonuses_app(bonus_rows());
    app.update(Action::Down);
    previewed(&mut app, Action::Approve, vec![102], 50_000);
    assert_eq!(question(&app), "Approve bonus 102 of DIMA10, 50,000.00 KZT?");
    assert!(matches!(app.update(Action::Submit).first(), Some(Effect::Approve { ids, .. }) if ids == &vec![102]));
    // A selection of one is named too, wherever the highlight is.
    let mut app = bonuses_app(bonus_rows());
    app.update(Action::Down);
    app.update(Action::Down);
    app.update(Action::Select);
    app.update(Action::Home);
    previewed(&mut app, Action::Approve, vec![103], 75_000);
    assert_eq!(question(&app), "Approve bonus 103 of GULNAR3, 75,000.00 KZT?");
}

#[test]
fn end_reads_the_last_page_back_from_the_end_and_home_the_first() {
    let mut app = bonuses_app((0..20).map(|i| bonus(200 + i, ShownBonusState::Due)).collect());
    let fx = app.update(Action::BonusesCounted(
        app.screens.bonuses.list.counting.unwrap_or(0),
        Ok((50, Money::kzt(1_250_000))),
    ));
    assert!(fx.is_empty());
    assert_eq!(app.screens.bonuses.list.pages(), Some(3));
    let fx = app.update(Action::End);
    let Some(Effect::LoadBonuses { req, query }) = fx.first().cloned() else { panic!("{fx:?}") };
    assert_eq!((query.after, query.backward, query.limit), (None, true, 20));
    app.update(Action::BonusesLoaded(req, Ok((230..250).map(|i| bonus(i, ShownBonusState::Due)).collect())));
    let b = &app.screens.bonuses;
    assert_eq!((b.page_no, b.list.has_prev, b.list.has_next), (3, true, false));
    assert_eq!((b.list.rows.first().map(|r| r.id), b.list.sel), (Some(231), 18), "the last 19, the last highlighted");
    // Back from the last page reads before its first row.
    let fx = app.update(Action::PageUp);
    let Some(Effect::LoadBonuses { query, .. }) = fx.first().cloned() else { panic!("{fx:?}") };
    assert!(query.backward);
    assert_eq!(query.after.map(|a| a.1), Some(231));
    let fx = app.update(Action::Home);
    let Some(Effect::LoadBonuses { query, .. }) = fx.first().cloned() else { panic!("{fx:?}") };
    assert_eq!((query.after, query.backward), (None, false));
}

#[test]
fn capital_s_turns_the_release_order_round() {
    let mut app = bonuses_app(bonus_rows());
    let fx = app.update(Action::SortDirection);
    let Some(Effect::LoadBonuses { query, .. }) = fx.first().cloned() else { panic!("{fx:?}") };
    assert!(query.desc && query.after.is_none());
    let fx = app.update(Action::SortDirection);
    assert!(matches!(fx.first(), Some(Effect::LoadBonuses { query, .. }) if !query.desc));
}

#[test]
fn a_second_change_waits_for_the_first() {
    let mut app = bonuses_app(bonus_rows());
    app.update(Action::Approve);
    assert!(app.update(Action::Void).is_empty());
    assert!(app.dialog.is_none());
    assert_eq!(app.message.as_ref().map(|m| m.text.as_str()), Some(t(Lang::En, K::Busy)));
}

#[test]
fn bonus_pages_keep_a_stack_of_cursors() {
    let mut app = bonuses_app((0..20).map(|i| bonus(200 + i, ShownBonusState::Due)).collect());
    assert!(app.screens.bonuses.list.has_next);
    let fx = app.update(Action::PageDown);
    let Some(Effect::LoadBonuses { req, query }) = fx.first().cloned() else { panic!() };
    assert_eq!(query.after, Some((app.screens.bonuses.list.rows[18].release_at, 218)));
    app.update(Action::BonusesLoaded(req, Ok(vec![bonus(300, ShownBonusState::Due)])));
    assert_eq!(app.screens.bonuses.stack, vec![None]);
    let fx = app.update(Action::PageUp);
    let Some(Effect::LoadBonuses { query, .. }) = fx.first().cloned() else { panic!() };
    assert_eq!(query.after, None);
}

#[test]
fn slash_searches_bonuses_and_keys_wait_for_the_rows_found() {
    let mut app = bonuses_app(bonus_rows());
    app.update(Action::Search);
    assert_eq!(app.current().field().map(|f| f.0), Some(K::SearchPromptBonuses));
    for c in "PAY-2026".chars() {
        app.update(Action::Edit(InputRequest::InsertChar(c)));
    }
    let fx = app.update(Action::Submit);
    let Some(Effect::LoadBonuses { req, query }) = fx.first().cloned() else { panic!("{fx:?}") };
    assert_eq!(
        (query.search.as_deref(), query.state, query.after),
        (Some("PAY-2026"), Some(ShownBonusState::Due), None)
    );
    // `a` on the old rows while the found ones load does nothing to them.
    assert!(app.update(Action::Approve).is_empty());
    assert!(app.update(Action::Void).is_empty() && app.dialog.is_none());
    app.update(Action::BonusesLoaded(req, Ok(vec![bonus(777, ShownBonusState::Due)])));
    let fx = app.update(Action::Approve);
    assert!(matches!(fx.first(), Some(Effect::PreviewApprove { ids: Some(ids), .. }) if ids == &vec![777]));
    // Esc clears the search: the filter stays.
    let fx = app.update(Action::Back);
    assert!(
        matches!(fx.first(), Some(Effect::LoadBonuses { query, .. }) if query.search.is_none() && query.state == Some(ShownBonusState::Due))
    );
}

#[test]
fn enter_opens_the_highlighted_bonus_and_esc_returns_to_it() {
    let mut app = bonuses_app(bonus_rows());
    app.update(Action::Down);
    app.update(Action::Down);
    let fx = app.update(Action::Enter);
    let Some(Effect::LoadBonusDetail { req, id }) = fx.first().cloned() else { panic!("{fx:?}") };
    assert_eq!(id, 103, "the highlighted bonus");
    assert_eq!(app.current().hint(), K::HintBonusDetail);
    // An answer to an earlier request is dropped; the awaited one is shown.
    app.update(Action::BonusDetailLoaded(req + 100, Ok(Box::new(bonus_detail()))));
    let shown = |app: &App| app.screens.bonuses.detail.as_ref().and_then(|d| d.bonus.data.as_ref()).map(|d| d.id);
    assert_eq!(shown(&app), None);
    app.update(Action::BonusDetailLoaded(req, Ok(Box::new(bonus_detail()))));
    assert_eq!(shown(&app), Some(101));
    // Keys scroll the detail, not the list.
    app.update(Action::Down);
    assert_eq!(app.screens.bonuses.list.sel, 2);
    assert_eq!(app.screens.bonuses.detail.as_ref().map(|d| d.offset), Some(1));
    app.update(Action::Back);
    assert!(app.screens.bonuses.detail.is_none());
    assert_eq!(app.screens.bonuses.list.sel, 2, "the highlight where it was");
    assert_eq!(app.current().hint(), K::HintBonuses);
    // An answer that comes after the detail closed changes nothing.
    app.update(Action::BonusDetailLoaded(req, Ok(Box::new(bonus_detail()))));
    assert!(app.screens.bonuses.detail.is_none() && !app.redraw);
}

#[test]
fn a_new_height_reloads_the_page_at_the_new_size() {
    let mut app = bonuses_app(bonus_rows());
    let fx = app.update(Action::Resize(120, 40));
    assert!(matches!(fx.first(), Some(Effect::LoadBonuses { query, .. }) if query.limit == 36));
    assert!(app.update(Action::Resize(100, 40)).is_empty(), "same height, same page");
}
