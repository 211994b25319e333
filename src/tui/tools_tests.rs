//! Update tests of the console's tools: `e` export, `y` copy, `r` reload and the idle refresh.
use super::action::{Action, Effect, Screen};
use super::app::App;
use super::component::MsgKind;
use super::fixtures::*;
use crate::domain::Lang;
use crate::domain::bonus::ShownBonusState;
use crate::service::export::ExportOf;
use crate::service::partners::Status;
use tui_input::InputRequest;

fn said(app: &App) -> Option<&str> {
    app.message.as_ref().map(|m| m.text.as_str())
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        app.update(Action::Edit(InputRequest::InsertChar(c)));
    }
}

#[test]
fn e_exports_the_partners_filter_and_search_and_names_the_file() {
    let mut app = partners_listed(3);
    app.update(Action::Filter);
    app.update(Action::Search);
    typed(&mut app, "Мусина");
    app.update(Action::Submit);
    let fx = app.update(Action::Export);
    let [Effect::Export(ExportOf::Partners(q))] = fx.as_slice() else { panic!("{fx:?}") };
    assert_eq!((q.search.as_deref(), q.status), (Some("Мусина"), Some(Status::Active)));
    assert_eq!(q.cursor, None, "all rows, from the start, not the page");
    assert_eq!(said(&app), Some("Exporting…"));

    let file = "refdesk-partners-active-20261125-1000.csv";
    assert!(app.update(Action::Exported(Ok((file.into(), 1234)))).is_empty());
    assert_eq!(said(&app), Some(format!("Exported 1234 rows to {file}").as_str()));
    assert_eq!(app.message.as_ref().map(|m| m.kind), Some(MsgKind::Ok));
    app.update(Action::Exported(Err("Cannot write x.csv: permission denied".into())));
    assert_eq!(said(&app), Some("Cannot write x.csv: permission denied"));
    assert_eq!(app.message.as_ref().map(|m| m.kind), Some(MsgKind::Error));
}

#[test]
fn e_exports_the_bonus_state_shown_and_the_details_tab_in_russian_too() {
    let mut app = app(Lang::Ru);
    app.update(Action::GoTo(Screen::Bonuses));
    app.update(Action::Filter);
    let fx = app.update(Action::Export);
    let [Effect::Export(ExportOf::Bonuses(q))] = fx.as_slice() else { panic!("{fx:?}") };
    assert_eq!((q.state, q.after), (Some(ShownBonusState::Held), None));
    app.update(Action::Exported(Ok(("refdesk-bonuses-held-20261125-1000.csv".into(), 2))));
    assert_eq!(said(&app), Some("Выгружено строк: 2, файл refdesk-bonuses-held-20261125-1000.csv"));

    // The partner detail: its ledger, its clients; the profile has no list to export.
    let mut app = partners_listed(3);
    let fx = app.update(Action::Enter);
    let Some(Effect::LoadDetail { req, .. }) = fx.first().cloned() else { panic!("{fx:?}") };
    app.update(Action::DetailLoaded(req, Ok(Box::new(detail()))));
    assert!(app.update(Action::Export).is_empty());
    assert_eq!(said(&app), Some("Nothing to export here: open a list, the ledger or the clients"));
    app.update(Action::Right);
    let fx = app.update(Action::Export);
    assert!(matches!(fx.as_slice(), [Effect::Export(ExportOf::Ledger { code, .. })] if code == "ASEL25"), "{fx:?}");
    app.update(Action::Right);
    let fx = app.update(Action::Export);
    assert!(matches!(fx.as_slice(), [Effect::Export(ExportOf::Clients { account_id, .. })] if account_id == "P-00003"));
}

#[test]
fn y_copies_the_highlighted_code_or_id() {
    let mut app = partners_listed(3);
    app.update(Action::Down);
    let fx = app.update(Action::Copy);
    assert!(matches!(fx.as_slice(), [Effect::Copy(t)] if t == "CODE01"), "{fx:?}");
    assert_eq!(said(&app), Some("Copied CODE01"));

    // In the detail: the code on the profile, the entry's bonus in the ledger, the client's account.
    let fx = app.update(Action::Enter);
    let Some(Effect::LoadDetail { req, .. }) = fx.first().cloned() else { panic!("{fx:?}") };
    let d = detail();
    let (bonus, client) = (d.ledger[0].bonus_id, d.clients[0].account_id.clone());
    app.update(Action::DetailLoaded(req, Ok(Box::new(d))));
    assert!(matches!(app.update(Action::Copy).as_slice(), [Effect::Copy(t)] if t == "ASEL25"));
    app.update(Action::Right);
    let fx = app.update(Action::Copy);
    assert!(matches!(fx.as_slice(), [Effect::Copy(t)] if Some(t.clone()) == bonus.map(|b| b.to_string())), "{fx:?}");
    app.update(Action::Right);
    assert!(matches!(app.update(Action::Copy).as_slice(), [Effect::Copy(t)] if *t == client));

    // Bonuses: the id, and the message in Russian.
    let mut app = app_ru_bonuses();
    let fx = app.update(Action::Copy);
    let id = app.screens.bonuses.list.rows[0].id.to_string();
    assert!(matches!(fx.as_slice(), [Effect::Copy(t)] if *t == id), "{fx:?}");
    assert_eq!(said(&app), Some(format!("Скопировано: {id}").as_str()));
}

fn app_ru_bonuses() -> App {
    let mut app = app(Lang::Ru);
    let fx = app.update(Action::GoTo(Screen::Bonuses));
    let Some(Effect::LoadBonuses { req, .. }) = fx.first().cloned() else { panic!("{fx:?}") };
    app.update(Action::BonusesLoaded(req, Ok(bonus_rows())));
    app
}

/// `y` (or `н`) in a dialog is its yes, never a copy; `y` in a text field is a letter.
#[test]
fn y_copies_only_where_no_dialog_or_field_has_the_keys() {
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let key = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
    let mut app = partners_listed(3);
    assert!(matches!(super::keys::map(&app, key('y')), Some(Action::Copy)));
    assert!(matches!(super::keys::map(&app, key('н')), Some(Action::Copy)));
    assert!(matches!(super::keys::map(&app, key('e')), Some(Action::Export)));
    assert!(matches!(super::keys::map(&app, key('у')), Some(Action::Export)));
    app.update(Action::Search);
    assert!(matches!(super::keys::map(&app, key('y')), Some(Action::Edit(InputRequest::InsertChar('y')))));
    app.update(Action::CancelInput);
    let mut app = app_ru_bonuses();
    app.update(Action::Void);
    typed(&mut app, "duplicate payment");
    app.update(Action::Submit);
    assert!(matches!(super::keys::map(&app, key('н')), Some(Action::Yes)));
}

#[test]
fn r_says_what_it_reloaded_when_it_is_read() {
    let mut app = partners_listed(3);
    let fx = app.update(Action::Reload);
    let Some(Effect::LoadPartners { req, .. }) = fx.first().cloned() else { panic!("{fx:?}") };
    assert_eq!(said(&app), None, "said when read, not before");
    app.update(Action::PartnersLoaded(req, Ok(partner_rows(3))));
    assert_eq!(said(&app), Some("Reloaded 3 partners, page 1"));

    let mut app = app_ru_bonuses();
    let fx = app.update(Action::Reload);
    let Some(Effect::LoadBonuses { req, .. }) = fx.first().cloned() else { panic!("{fx:?}") };
    app.update(Action::BonusesLoaded(req, Ok(bonus_rows())));
    let n = bonus_rows().len();
    assert_eq!(said(&app), Some(format!("Обновлено: {n} бонусов, стр. 1").as_str()));

    let fx = app.update(Action::GoTo(Screen::Dashboard));
    let Some(Effect::LoadDashboard { req }) = fx.first().cloned() else { panic!("{fx:?}") };
    app.update(Action::DashboardLoaded(req, Ok(Box::new(dashboard()))));
    assert_eq!(said(&app), None, "a screen's first read says nothing");
    let fx = app.update(Action::Reload);
    let Some(Effect::LoadDashboard { req }) = fx.first().cloned() else { panic!("{fx:?}") };
    app.update(Action::DashboardLoaded(req, Ok(Box::new(dashboard()))));
    assert_eq!(said(&app), Some("Сводка обновлена"));

    let mut app = partners_listed(3);
    let fx = app.update(Action::Enter);
    let Some(Effect::LoadDetail { req, .. }) = fx.first().cloned() else { panic!("{fx:?}") };
    app.update(Action::DetailLoaded(req, Ok(Box::new(detail()))));
    let fx = app.update(Action::Reload);
    let Some(Effect::LoadDetail { req, .. }) = fx.first().cloned() else { panic!("{fx:?}") };
    app.update(Action::DetailLoaded(req, Ok(Box::new(detail()))));
    assert_eq!(said(&app), Some("Reloaded the detail of ASEL25"));
}

/// The idle refresh reads the page again quietly, the highlight staying on its row where that
/// row moved; never while a dialog or the search line has the keys.
#[test]
fn the_idle_refresh_keeps_the_row_and_waits_for_dialogs_and_typing() {
    let mut app = partners_listed(5);
    app.update(Action::Down);
    app.update(Action::Down);
    app.update(Action::Copy);
    let fx = app.update(Action::Refresh);
    let Some(Effect::LoadPartners { req, .. }) = fx.first().cloned() else { panic!("{fx:?}") };
    assert!(app.update(Action::Refresh).is_empty(), "one read at a time");
    // A new partner sorts first: CODE02 is now the fourth row, and stays highlighted.
    let mut rows = partner_rows(5);
    rows.insert(0, partner_rows(6).pop().unwrap_or_else(|| panic!()));
    app.update(Action::PartnersLoaded(req, Ok(rows)));
    let list = &app.screens.partners.list;
    assert_eq!(list.rows[list.sel].code, "CODE02");
    assert_eq!(said(&app), Some("Copied CODE02"), "a refresh leaves the message line alone");

    app.update(Action::Search);
    assert!(app.update(Action::Refresh).is_empty(), "not while typing");
    assert!(!app.redraw);
    app.update(Action::CancelInput);

    let mut app = app_ru_bonuses();
    app.update(Action::Void);
    assert!(app.update(Action::Refresh).is_empty(), "not under a dialog");
    app.update(Action::Back);
    assert!(matches!(
        app.update(Action::Refresh).as_slice(),
        [Effect::LoadBonuses { .. }, Effect::CountBonuses { .. }]
    ));
}

/// In the detail the highlighted ledger entry stays highlighted when new entries come first.
#[test]
fn the_detail_keeps_its_highlighted_entry_on_a_refresh() {
    let mut app = partners_listed(3);
    let fx = app.update(Action::Enter);
    let Some(Effect::LoadDetail { req, .. }) = fx.first().cloned() else { panic!("{fx:?}") };
    app.update(Action::DetailLoaded(req, Ok(Box::new(detail()))));
    app.update(Action::Right);
    app.update(Action::Down);
    let d = app.screens.partners.detail.as_ref().unwrap_or_else(|| panic!());
    let id = d.partner.data.as_ref().map(|p| p.ledger[d.ledger.sel].id);
    let fx = app.update(Action::Refresh);
    let Some(Effect::LoadDetail { req, .. }) = fx.first().cloned() else { panic!("{fx:?}") };
    let mut fresh = detail();
    let mut newer = fresh.ledger[0].clone();
    newer.id = 99;
    fresh.ledger.insert(0, newer);
    app.update(Action::DetailLoaded(req, Ok(Box::new(fresh))));
    let d = app.screens.partners.detail.as_ref().unwrap_or_else(|| panic!());
    assert_eq!(d.partner.data.as_ref().map(|p| p.ledger[d.ledger.sel].id), id);
    assert_eq!(d.ledger.sel, 2);
    assert_eq!(said(&app), None);
}

#[test]
fn a_change_still_being_written_says_so_and_its_answer_replaces_the_notice() {
    let mut app = app(Lang::En);
    app.update(Action::GoTo(Screen::Bonuses));
    assert!(app.update(Action::Writing(3)).is_empty());
    assert_eq!(said(&app), Some("Writing the change… 3 s (perhaps waiting for another change to be written)"));
    // Not a key: it does not clear what a key would.
    assert_eq!(app.message.as_ref().map(|m| m.kind), Some(MsgKind::Info));
    let mut ru = super::fixtures::app(Lang::Ru);
    ru.update(Action::Writing(12));
    assert_eq!(said(&ru), Some("Изменение записывается… 12 с (возможно, ждёт, пока запишется другое)"));
}
