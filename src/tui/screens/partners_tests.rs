//! The partners screen's keys, search and sorting, against fixture rows (no database).
use super::*;
use crate::domain::Lang;
use crate::tui::app::{App, Mode};
use crate::tui::fixtures::*;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui_input::InputRequest;

fn typed(app: &mut App, text: &str) -> Vec<Effect> {
    text.chars().flat_map(|c| app.update(Action::Edit(InputRequest::InsertChar(c)))).collect()
}

/// The search the partners load `fx` asks for, and its request id.
fn load(fx: &[Effect]) -> (u64, Option<String>) {
    match fx.first() {
        Some(Effect::LoadPartners { req, query }) => (*req, query.search.clone()),
        other => panic!("no partners load: {other:?}"),
    }
}

fn key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    app.key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn keys(app: &mut App, text: &str) -> Vec<Effect> {
    text.chars().flat_map(|c| key(app, KeyCode::Char(c))).collect()
}

fn rows(codes: &[&str]) -> Vec<PartnerRow> {
    codes.iter().zip(partner_rows(codes.len())).map(|(c, r)| PartnerRow { code: c.to_string(), ..r }).collect()
}

#[test]
fn search_applies_live_after_a_pause_in_typing_and_a_stale_timer_is_ignored() {
    let mut app = partners_listed(3);
    app.update(Action::Search);
    assert_eq!(app.mode(), Mode::Typing);
    let fx = typed(&mut app, "as");
    let timers: Vec<(u64, String, u64)> = fx
        .iter()
        .map(|e| match e {
            Effect::Debounce { req, screen: Screen::Partners, text, ms } => (*req, text.clone(), *ms),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(timers.iter().map(|t| (t.1.as_str(), t.2)).collect::<Vec<_>>(), vec![("a", 150), ("as", 150)]);
    assert_eq!(app.screens.partners.search.applied, None, "nothing applies while the keys come");
    // The first key's timer comes back after the second key: stale, nothing read.
    let (old, new) = (&timers[0], &timers[1]);
    assert!(app.update(Action::SearchDue { screen: Screen::Partners, req: old.0, text: old.1.clone() }).is_empty());
    assert!(!app.redraw);
    let fx = app.update(Action::SearchDue { screen: Screen::Partners, req: new.0, text: new.1.clone() });
    assert_eq!(load(&fx).1.as_deref(), Some("as"), "the pause applies the text typed, still typing");
    assert_eq!(app.mode(), Mode::Typing);
    // Enter keeps what live search applied: no second read of the same search.
    assert!(app.update(Action::Submit).is_empty());
    assert_eq!((app.mode(), app.screens.partners.search.applied.as_deref()), (Mode::Normal, Some("as")));
    // Deleting the text back to nothing applies no search.
    app.update(Action::Search);
    let fx = typed(&mut app, "x");
    let Some(Effect::Debounce { req, .. }) = fx.first().cloned() else { panic!("{fx:?}") };
    app.update(Action::Edit(InputRequest::DeletePrevChar));
    assert!(app.update(Action::SearchDue { screen: Screen::Partners, req, text: "x".into() }).is_empty());
    let fx = app.update(Action::Submit);
    assert_eq!(load(&fx).1, None);
}

#[test]
fn slash_starts_empty_esc_while_typing_restores_and_esc_after_clears() {
    let mut app = partners_listed(3);
    app.update(Action::Search);
    typed(&mut app, "ase");
    let fx = app.update(Action::Submit);
    assert_eq!(load(&fx).1.as_deref(), Some("ase"));
    // `/` again: an empty line, so typing replaces the search instead of appending to it.
    app.update(Action::Search);
    assert_eq!(app.screens.partners.search.input.as_ref().map(|i| i.value()), Some(""));
    let fx = typed(&mut app, "bau");
    let Some(Effect::Debounce { req, text, .. }) = fx.last().cloned() else { panic!("{fx:?}") };
    let fx = app.update(Action::SearchDue { screen: Screen::Partners, req, text });
    assert_eq!(load(&fx).1.as_deref(), Some("bau"));
    // The first Esc cancels the typing and puts back the search from before `/`.
    let fx = app.update(Action::CancelInput);
    assert_eq!(load(&fx).1.as_deref(), Some("ase"));
    assert_eq!(app.mode(), Mode::Normal);
    // Esc with the search applied and nothing typed clears it and reads the list again.
    let fx = app.update(Action::Back);
    assert_eq!(load(&fx).1, None);
    assert_eq!(app.screens.partners.search.applied, None);
    assert!(app.update(Action::Back).is_empty(), "nothing left to clear");
    assert!(!app.quit, "Esc does not quit");
    // Esc while typing with nothing applied live changes nothing.
    app.update(Action::Search);
    typed(&mut app, "q");
    assert!(app.update(Action::CancelInput).is_empty());
}

#[test]
fn enter_after_a_search_opens_the_new_searchs_first_row_not_the_old_highlight() {
    // The demo's report: `/ Мусина Enter`, then `/ <phone> Enter Enter` in one write.
    let mut app = app(Lang::En);
    let fx = key(&mut app, KeyCode::Char('2'));
    let (first, _) = load(&fx);
    let fx = keys(&mut app, "/Мусина");
    assert_eq!(fx.len(), "Мусина".chars().count(), "typing does not wait for the rows: {fx:?}");
    let (musina, search) = load(&key(&mut app, KeyCode::Enter));
    assert_eq!(search.as_deref(), Some("Мусина"));
    keys(&mut app, "/");
    app.key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    keys(&mut app, "7473758878");
    let (phone, search) = load(&key(&mut app, KeyCode::Enter));
    assert_eq!(search.as_deref(), Some("7473758878"));
    assert!(key(&mut app, KeyCode::Enter).is_empty(), "Enter waits for the rows of the phone search");
    assert_eq!(app.queued.len(), 1);
    // The superseded answers come: dropped, and the Enter still waits.
    app.update(Action::PartnersLoaded(first, Ok(rows(&["CODE00", "CODE01"]))));
    app.update(Action::PartnersLoaded(musina, Ok(rows(&["BOTAGOZ26", "MADINA26"]))));
    assert!(app.screens.partners.detail.is_none() && app.screens.partners.list.rows.is_empty());
    let fx = app.update(Action::PartnersLoaded(phone, Ok(rows(&["AZAMAT25"]))));
    assert!(matches!(fx.as_slice(), [Effect::LoadDetail { code, .. }] if code == "AZAMAT25"), "{fx:?}");
    assert_eq!(app.screens.partners.detail.as_ref().map(|d| d.code.as_str()), Some("AZAMAT25"));
    assert!(app.queued.is_empty());
}

#[test]
fn movement_and_enter_wait_for_the_rows_and_are_replayed_in_order() {
    let mut app = partners_listed(3);
    assert_eq!(app.screens.partners.list.current().map(|r| r.code.as_str()), Some("CODE00"));
    let (req, _) = load(&key(&mut app, KeyCode::Char('s')));
    assert!(app.screens.partners.list.current().is_none(), "the old rows are not the current query's");
    // Down, Down, Enter, then `/`: all wait, in order, even `/` behind them.
    keys(&mut app, "jj");
    key(&mut app, KeyCode::Enter);
    keys(&mut app, "/x");
    assert_eq!(app.queued.len(), 5);
    assert_eq!(app.screens.partners.list.sel, 0, "the old rows did not move");
    let fx = app.update(Action::PartnersLoaded(req, Ok(rows(&["AA1", "BB2", "CC3", "DD4"]))));
    assert!(matches!(fx.first(), Some(Effect::LoadDetail { code, .. }) if code == "CC3"), "{fx:?}");
    // `/` and `x` wait for the detail, then mean nothing there.
    assert_eq!(app.queued.len(), 2);
    let Some(Effect::LoadDetail { req, .. }) = fx.first().cloned() else { panic!() };
    app.update(Action::DetailLoaded(req, Ok(Box::new(detail()))));
    assert!(app.queued.is_empty());
    assert_eq!(app.mode(), Mode::Normal);
    // Ctrl-C never waits.
    let (_, _) =
        load(&app.update(Action::Back).into_iter().chain(key(&mut app, KeyCode::Char('s'))).collect::<Vec<_>>());
    key(&mut app, KeyCode::Enter);
    app.key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert!(app.quit);
}

#[test]
fn keyset_paging_asks_for_the_next_rows_after_the_last_one() {
    let mut app = app(Lang::En);
    let fx = app.update(Action::GoTo(Screen::Partners));
    let Some(Effect::LoadPartners { req, query }) = fx.first().cloned() else { panic!() };
    assert_eq!(query.limit, 20);
    app.update(Action::PartnersLoaded(req, Ok(partner_rows(20))));
    assert_eq!(app.screens.partners.list.rows.len(), 19, "the extra row only says that more follow");
    assert!(app.screens.partners.list.has_next && !app.screens.partners.list.has_prev);
    let fx = app.update(Action::PageDown);
    let Some(Effect::LoadPartners { req, query }) = fx.first().cloned() else { panic!() };
    let last = &app.screens.partners.list.rows[18];
    assert_eq!(query.cursor, Some(last.cursor(query.sort)));
    assert!(!query.backward);
    app.update(Action::PartnersLoaded(req, Ok(partner_rows(5))));
    assert_eq!(
        (app.screens.partners.page_no, app.screens.partners.list.has_next, app.screens.partners.list.has_prev),
        (2, false, true)
    );
    // Back: the rows before the first one, and a short answer means the first page.
    let fx = app.update(Action::PageUp);
    let Some(Effect::LoadPartners { req, query }) = fx.first().cloned() else { panic!() };
    assert!(query.backward);
    let fx = app.update(Action::PartnersLoaded(req, Ok(partner_rows(3))));
    assert!(
        matches!(fx.first(), Some(Effect::LoadPartners { query, .. }) if query.cursor.is_none() && !query.backward)
    );
}

#[test]
fn end_reads_the_last_page_and_home_the_first() {
    let mut app = partners_listed(20);
    let count = app.screens.partners.list.counting.unwrap_or(0);
    app.update(Action::PartnersCounted(count, Ok(100)));
    assert_eq!(app.screens.partners.list.pages(), Some(6));
    let fx = app.update(Action::End);
    let Some(Effect::LoadPartners { req, query }) = fx.first().cloned() else { panic!("{fx:?}") };
    assert!(query.backward && query.cursor.is_none(), "the last rows, read back from the end");
    app.update(Action::PartnersLoaded(req, Ok(partner_rows(20))));
    let p = &app.screens.partners;
    assert_eq!((p.page_no, p.list.has_prev, p.list.has_next, p.list.sel), (6, true, false, 18));
    assert!(app.update(Action::Down).is_empty(), "nothing after the last page");
    let fx = app.update(Action::Home);
    assert!(
        matches!(fx.first(), Some(Effect::LoadPartners { query, .. }) if query.cursor.is_none() && !query.backward)
    );
}

#[test]
fn capital_s_turns_the_sort_round_and_pages_go_on_in_that_order() {
    let mut app = partners_listed(20);
    let fx = app.update(Action::SortDirection);
    let Some(Effect::LoadPartners { req, query }) = fx.first().cloned() else { panic!("{fx:?}") };
    assert!(query.desc && query.cursor.is_none());
    app.update(Action::PartnersLoaded(req, Ok(partner_rows(20))));
    let fx = app.update(Action::PageDown);
    let Some(Effect::LoadPartners { query, .. }) = fx.first().cloned() else { panic!("{fx:?}") };
    assert!(query.desc && !query.backward && query.cursor.is_some(), "the next page keeps the direction");
    // A new column starts from its own first row, in the direction chosen.
    let fx = app.update(Action::Sort);
    assert!(matches!(fx.first(), Some(Effect::LoadPartners { query, .. }) if query.desc && query.sort == Sort::Code));
}

#[test]
fn a_new_status_is_counted_and_a_stale_count_dropped() {
    let mut app = partners_listed(3);
    let old = app.screens.partners.list.counting.unwrap_or(0);
    let fx = app.update(Action::Filter);
    let Some(Effect::CountPartners { req, query }) = fx.get(1).cloned() else { panic!("{fx:?}") };
    assert_eq!(query.status, Some(Status::Active));
    app.update(Action::PartnersCounted(old, Ok(300)));
    assert_eq!(app.screens.partners.list.count, None, "the count of the old status is dropped");
    app.update(Action::PartnersCounted(req, Ok(291)));
    assert_eq!(app.screens.partners.list.count.map(|c| c.n), Some(291));
}
