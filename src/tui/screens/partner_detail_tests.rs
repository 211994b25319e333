//! The partner page's sections and keys, against a fixture partner (no database).
use super::*;
use crate::service::partners::LedgerLine;
use crate::tui::fixtures::*;

/// The detail opened, its first page read: six entries of 40, so the ledger has more.
fn opened_with_40_entries() -> crate::tui::app::App {
    let mut app = partners_listed(3);
    let fx = app.update(Action::Enter);
    let Some(Effect::LoadDetail { req, .. }) = fx.first().cloned() else { panic!() };
    let mut d = detail();
    d.ledger_total = 40;
    app.update(Action::DetailLoaded(req, Ok(Box::new(d))));
    app
}

#[test]
fn scrolling_the_ledger_near_its_end_reads_the_next_page() {
    let mut app = opened_with_40_entries();
    let rows = visible_rows(app.height);
    assert!(rows > 6 && rows < 40, "the test needs a screen taller than a page read and shorter than the ledger");
    // The ledger tab opens within a screen of its last entry read: the page after entry 4
    // (the oldest shown) is read at once.
    let fx = app.update(Action::Right);
    let Some(Effect::LoadDetailPage { req, account_id, more, find: None }) = fx.first().cloned() else {
        panic!("{fx:?}")
    };
    assert_eq!((account_id.as_str(), &more), ("P-00003", &More::Ledger { before: 4 }));
    assert!(app.update(Action::Down).is_empty(), "one page at a time");
    let older: Vec<_> = (1..=3).rev().map(|id| LedgerLine { id, ..detail().ledger[5].clone() }).collect();
    // Still within a screen of the end: the page after it is asked for at once.
    let fx = app.update(Action::DetailPageLoaded(req, Ok(DetailPage::Ledger(older))));
    let d = app.screens.partners.detail.as_ref().and_then(|d| d.partner.data.as_ref()).map(|d| d.ledger.len());
    assert_eq!(d, Some(9));
    let Some(Effect::LoadDetailPage { req: stale, more, .. }) = fx.first().cloned() else { panic!("{fx:?}") };
    assert_eq!(more, More::Ledger { before: 1 });
    // A stale answer (the detail was reloaded meanwhile) is dropped.
    app.update(Action::Reload);
    app.update(Action::DetailPageLoaded(stale, Ok(DetailPage::Ledger(vec![]))));
    let d = app
        .screens
        .partners
        .detail
        .as_ref()
        .and_then(|d| d.partner.data.as_ref())
        .map(|d| (d.ledger.len(), d.ledger_total));
    assert_eq!(d, Some((9, 40)));
}

/// The detail opened on the ledger section, its first page read (six of 40 entries).
fn on_ledger() -> crate::tui::app::App {
    let mut app = opened_with_40_entries();
    app.update(Action::Right);
    app
}

fn detail_of(app: &crate::tui::app::App) -> &DetailState {
    app.screens.partners.detail.as_ref().expect("the detail is open")
}

#[test]
fn the_ledger_is_searched_live_and_its_rows_replaced_by_the_matches() {
    let mut app = on_ledger();
    app.update(Action::Search);
    assert_eq!(app.mode(), crate::tui::app::Mode::Typing);
    assert_eq!(app.current().field().map(|f| f.0), Some(K::SearchPromptLedger));
    let fx: Vec<Effect> =
        "Payo".chars().flat_map(|c| app.update(Action::Edit(tui_input::InputRequest::InsertChar(c)))).collect();
    let Some(Effect::Debounce { req, text, .. }) = fx.last().cloned() else { panic!("{fx:?}") };
    let fx = app.update(Action::SearchDue { screen: crate::tui::action::Screen::Partners, req, text });
    // The kinds whose names contain the text go with it; the text in lower case.
    let Some(Effect::FindInDetail { req, part: Part::Ledger, find: Some(Find::Ledger(f)), .. }) = fx.first().cloned()
    else {
        panic!("{fx:?}")
    };
    assert_eq!((f.text.as_str(), f.bonus_id), ("payo", None));
    assert_eq!(f.kinds, vec!["payout".to_string()]);
    assert!(app.current().waiting(), "the old rows wait for the matches");
    let matches: Vec<_> = detail().ledger.into_iter().take(2).collect();
    app.update(Action::DetailFound(req, Ok((DetailPage::Ledger(matches.clone()), 2))));
    let d = detail_of(&app).partner.data.as_ref().map(|d| (d.ledger.clone(), d.ledger_total));
    assert_eq!(d, Some((matches, 2)));
    assert!(!app.current().waiting());
    // Esc while typing is the search line's; Esc after clears the search, reading every row.
    app.update(Action::Submit);
    let fx = app.update(Action::Back);
    assert!(matches!(fx.as_slice(), [Effect::FindInDetail { part: Part::Ledger, find: None, .. }]), "{fx:?}");
    assert!(app.screens.partners.detail.is_some(), "the first Esc clears, it does not close");
    assert!(app.update(Action::Back).is_empty());
    assert!(app.screens.partners.detail.is_none(), "the next Esc closes the detail");
}

/// A search that matches nothing says so; it is not a ledger with no entries yet.
#[test]
fn a_ledger_search_with_no_match_says_nothing_was_found() {
    let mut app = on_ledger();
    app.update(Action::Search);
    for c in "zzz".chars() {
        app.update(Action::Edit(tui_input::InputRequest::InsertChar(c)));
    }
    let fx = app.update(Action::Submit);
    let Some(Effect::FindInDetail { req, .. }) = fx.first().cloned() else { panic!("{fx:?}") };
    app.update(Action::DetailFound(req, Ok((DetailPage::Ledger(Vec::new()), 0))));
    let Ok(mut term) = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24));
    let _ = term.draw(|f| crate::tui::render(&app, f));
    let screen = format!("{:?}", term.backend().buffer());
    assert!(screen.contains("Nothing found for this search"), "{screen}");
    assert!(!screen.contains("No ledger entries yet"), "{screen}");
}

#[test]
fn a_kind_is_found_by_its_name_in_the_operators_words() {
    assert_eq!(ledger_find("Выпл", Lang::Ru).kinds, vec!["payout".to_string()]);
    assert_eq!(ledger_find("выпл", Lang::En).kinds, Vec::<String>::new());
    let f = ledger_find("void", Lang::Ru);
    assert_eq!((f.kinds, f.bonus_id), (vec!["void".to_string()], None), "the stored name in either language");
}

#[test]
fn a_bonus_id_and_a_page_read_on_keep_the_search() {
    let mut app = on_ledger();
    app.update(Action::Search);
    for c in "105".chars() {
        app.update(Action::Edit(tui_input::InputRequest::InsertChar(c)));
    }
    let fx = app.update(Action::Submit);
    let Some(Effect::FindInDetail { req, find: Some(Find::Ledger(f)), .. }) = fx.first().cloned() else {
        panic!("{fx:?}")
    };
    assert_eq!((f.text.as_str(), f.bonus_id), ("105", Some(105)));
    // 6 shown of 30 matches: the next page of matches is read with the same search.
    let fx = app.update(Action::DetailFound(req, Ok((DetailPage::Ledger(detail().ledger), 30))));
    let Some(Effect::LoadDetailPage { find: Some(Find::Ledger(g)), .. }) = fx.first().cloned() else {
        panic!("{fx:?}")
    };
    assert_eq!(g, f);
}
