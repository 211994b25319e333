//! Snapshots of every screen and dialog, drawn by the real `render` into a `TestBackend` from
//! state built by the real `update` (no database: render is a pure function of the state).
//! 80×24 and 120×40 in English, 80×24 in Russian.
use super::action::{Action, Effect, Screen};
use super::app::App;
use super::fixtures::*;
use crate::domain::Lang;
use crate::domain::Money;
use crate::service::bonuses::Preview;
use tui_input::InputRequest;

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn sized(lang: Lang, w: u16, h: u16) -> App {
    let mut app = app(lang);
    app.update(Action::Resize(w, h));
    app
}

fn dashboard_app(lang: Lang, w: u16, h: u16) -> App {
    let mut app = sized(lang, w, h);
    let fx = app.start();
    let [Effect::LoadDashboard { req }, Effect::LoadNextRun { req: next }] = fx.as_slice() else { panic!("{fx:?}") };
    let (req, next) = (*req, *next);
    app.update(Action::DashboardLoaded(req, Ok(Box::new(dashboard()))));
    app.update(Action::NextRunLoaded(next, Ok(Box::new(next_run()))));
    app
}

fn partners_app(lang: Lang, w: u16, h: u16) -> App {
    let mut app = sized(lang, w, h);
    let fx = app.update(Action::GoTo(Screen::Partners));
    let Some(Effect::LoadPartners { req, query }) = fx.first().cloned() else { panic!("{fx:?}") };
    let rows: Vec<_> = named_partners().into_iter().take(query.limit as usize).collect();
    app.update(Action::PartnersLoaded(req, Ok(rows)));
    // Two rows down, within the page: a key past its end would read the next one.
    for _ in 0..2 {
        if app.screens.partners.list.sel + 1 < app.screens.partners.list.rows.len() {
            app.update(Action::Down);
        }
    }
    app
}

fn detail_app(lang: Lang, w: u16, h: u16) -> App {
    let mut app = partners_app(lang, w, h);
    let fx = app.update(Action::Enter);
    let Some(Effect::LoadDetail { req, .. }) = fx.first().cloned() else { panic!("{fx:?}") };
    app.update(Action::DetailLoaded(req, Ok(Box::new(detail()))));
    app
}

/// The due queue with two bonuses selected and the highlight on the third.
fn bonuses_app(lang: Lang, w: u16, h: u16) -> App {
    let mut app = sized(lang, w, h);
    let fx = app.update(Action::GoTo(Screen::Bonuses));
    let Some(Effect::LoadBonuses { req, .. }) = fx.first().cloned() else { panic!("{fx:?}") };
    app.update(Action::BonusesLoaded(req, Ok(bonus_rows())));
    app.update(Action::Select);
    app.update(Action::Select);
    app
}

fn approve_app(lang: Lang, w: u16, h: u16) -> App {
    let mut app = bonuses_app(lang, w, h);
    let fx = app.update(Action::Approve);
    let Some(Effect::PreviewApprove { req, ids: Some(ids) }) = fx.first().cloned() else { panic!("{fx:?}") };
    app.update(Action::Previewed(req, Ok(Preview { ids, total: Money::kzt(75_000) })));
    app
}

fn void_app(lang: Lang, w: u16, h: u16) -> App {
    let mut app = bonuses_app(lang, w, h);
    app.update(Action::Void);
    app.update(Action::Submit);
    let reason = if lang == Lang::Ru { "возврат платежа" } else { "payment refunded" };
    for c in reason.chars() {
        app.update(Action::Edit(InputRequest::InsertChar(c)));
    }
    app
}

fn help_app(lang: Lang, w: u16, h: u16) -> App {
    let mut app = bonuses_app(lang, w, h);
    app.update(Action::Help);
    app
}

type Build = fn(Lang, u16, u16) -> App;

const SCREENS: [(&str, Build); 7] = [
    ("dashboard", dashboard_app),
    ("partners", partners_app),
    ("partner_detail", detail_app),
    ("bonuses_due_selected", bonuses_app),
    ("approve_confirm", approve_app),
    ("void_reason", void_app),
    ("help_bonuses", help_app),
];

#[test]
fn snapshots_english() {
    for (w, h) in SIZES {
        for (name, build) in SCREENS {
            let app = build(Lang::En, w, h);
            insta::assert_snapshot!(format!("{name}_en_{w}x{h}"), draw(&app).backend());
        }
    }
}

#[test]
fn snapshots_russian() {
    for (name, build) in SCREENS {
        let app = build(Lang::Ru, 80, 24);
        insta::assert_snapshot!(format!("{name}_ru_80x24"), draw(&app).backend());
    }
}

#[test]
fn snapshots_detail_sections() {
    for lang in [Lang::En, Lang::Ru] {
        let mut app = detail_app(lang, 80, 24);
        app.update(Action::Right);
        app.update(Action::Down);
        insta::assert_snapshot!(format!("partner_detail_ledger_{}_80x24", lang.code()), draw(&app).backend());
        app.update(Action::Right);
        insta::assert_snapshot!(format!("partner_detail_clients_{}_80x24", lang.code()), draw(&app).backend());
    }
}

/// The ledger with room for its low-priority columns: who made each entry and its payment.
#[test]
fn snapshot_ledger_wide() {
    let mut app = detail_app(Lang::En, 150, 30);
    app.update(Action::Right);
    insta::assert_snapshot!("partner_detail_ledger_en_150x30", draw(&app).backend());
}

/// Bonus 101's detail at 80×24: the top, then scrolled to the end of its history, where the
/// void's reason is whole (wrapped, not cut).
#[test]
fn snapshots_bonus_detail() {
    for lang in [Lang::En, Lang::Ru] {
        let mut app = bonuses_app(lang, 80, 24);
        app.update(Action::Up);
        app.update(Action::Up);
        let fx = app.update(Action::Enter);
        let Some(Effect::LoadBonusDetail { req, id }) = fx.first().cloned() else { panic!("{fx:?}") };
        assert_eq!(id, 101);
        app.update(Action::BonusDetailLoaded(req, Ok(Box::new(bonus_detail()))));
        insta::assert_snapshot!(format!("bonus_detail_{}_80x24", lang.code()), draw(&app).backend());
        app.update(Action::PageDown);
        app.update(Action::PageDown);
        let text = draw(&app).backend().to_string();
        insta::assert_snapshot!(format!("bonus_detail_end_{}_80x24", lang.code()), text);
        let reason =
            "the client's bank disputed the remaining charge and the partner admitted selling codes on a forum";
        let shown: String = text
            .lines()
            .map(|l| l.trim_matches('"').trim())
            .skip_while(|l| !l.contains("the client's"))
            .take_while(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        assert!(shown.contains(reason), "the reason is not whole: {shown}");
    }
}

#[test]
fn snapshots_refusals_and_a_troubled_partner() {
    for lang in [Lang::En, Lang::Ru] {
        let mut app = bonuses_app(lang, 80, 24);
        app.update(Action::Void);
        app.update(Action::Submit);
        insta::assert_snapshot!(format!("void_reason_empty_{}_80x24", lang.code()), draw(&app).backend());

        let mut app = partners_app(lang, 80, 24);
        let fx = app.update(Action::Enter);
        let Some(Effect::LoadDetail { req, .. }) = fx.first().cloned() else { panic!("{fx:?}") };
        let mut d = detail();
        d.status = crate::service::partners::Status::CodeDeactivated;
        d.status_reason = Some("shared phone with another partner".into());
        d.code_deactivated_at = Some(at("2026-11-21T16:40:00"));
        d.code_deactivated_by = Some("aigerim.ops".into());
        d.contract = None;
        d.open_cases = 2;
        d.balance.frozen = Money::kzt(150_000);
        d.balance.net = Money::kzt(-25_000);
        app.update(Action::DetailLoaded(req, Ok(Box::new(d))));
        insta::assert_snapshot!(format!("partner_detail_troubled_{}_80x24", lang.code()), draw(&app).backend());
    }
}

#[test]
fn snapshot_partners_help_and_search() {
    let mut app = partners_app(Lang::En, 80, 24);
    app.update(Action::Help);
    insta::assert_snapshot!("help_partners_en_80x24", draw(&app).backend());
    app.update(Action::Back);
    app.update(Action::Search);
    for c in "asel".chars() {
        app.update(Action::Edit(InputRequest::InsertChar(c)));
    }
    insta::assert_snapshot!("partners_search_typing_en_80x24", draw(&app).backend());
}

/// What the screen says must not depend on colour: with colours on, the same words are drawn.
#[test]
fn colour_adds_nothing_but_colour() {
    for (_, build) in SCREENS {
        let plain = build(Lang::En, 80, 24);
        let mut coloured = build(Lang::En, 80, 24);
        coloured.color = true;
        assert_eq!(draw(&plain).backend().to_string(), draw(&coloured).backend().to_string());
    }
}

/// NO_COLOR: not one cell carries a colour.
#[test]
fn no_colour_means_no_colour() {
    for (name, build) in SCREENS {
        let app = build(Lang::En, 80, 24);
        let t = draw(&app);
        let buf = t.backend().buffer();
        for cell in buf.content() {
            assert_eq!(cell.fg, ratatui::style::Color::Reset, "{name}: a coloured cell {cell:?}");
            assert_eq!(cell.bg, ratatui::style::Color::Reset, "{name}: a coloured cell {cell:?}");
        }
    }
}

/// Tiny or odd terminals must not panic.
#[test]
fn small_terminals_do_not_panic() {
    for (w, h) in [(1, 1), (20, 5), (40, 10), (79, 23), (200, 60)] {
        for (_, build) in SCREENS {
            let app = build(Lang::Ru, w, h);
            let _ = draw(&app);
        }
    }
}

#[test]
fn hostile_names_are_drawn_without_their_control_characters() {
    let app = partners_app(Lang::En, 120, 40);
    let text = draw(&app).backend().to_string();
    assert!(text.contains("Evil[2JName"));
    assert!(!text.contains('\u{1b}') && !text.contains('\u{7}'));
}

/// Types `text` into the open search line and lets its pause pass: the effects of the search.
fn type_and_pause(app: &mut App, text: &str) -> Vec<Effect> {
    let fx: Vec<Effect> = text.chars().flat_map(|c| app.update(Action::Edit(InputRequest::InsertChar(c)))).collect();
    let Some(Effect::Debounce { req, screen, text, .. }) = fx.last().cloned() else { panic!("{fx:?}") };
    app.update(Action::SearchDue { screen, req, text })
}

#[test]
fn snapshots_search_in_progress() {
    for lang in [Lang::En, Lang::Ru] {
        // Partners: the live search applied while still typing, its rows shown.
        let mut app = partners_app(lang, 80, 24);
        app.update(Action::Search);
        let fx = type_and_pause(&mut app, "Zarina");
        let Some(Effect::LoadPartners { req, query }) = fx.first().cloned() else { panic!("{fx:?}") };
        assert_eq!(query.search.as_deref(), Some("Zarina"));
        let found: Vec<_> = named_partners().into_iter().filter(|p| p.name.starts_with("Zarina")).take(3).collect();
        app.update(Action::PartnersLoaded(req, Ok(found)));
        insta::assert_snapshot!(format!("partners_search_live_{}_80x24", lang.code()), draw(&app).backend());

        // Bonuses: the `/` line open over the due queue.
        let mut app = bonuses_app(lang, 80, 24);
        app.update(Action::Search);
        for c in "pay-2026".chars() {
            app.update(Action::Edit(InputRequest::InsertChar(c)));
        }
        insta::assert_snapshot!(format!("bonuses_search_typing_{}_80x24", lang.code()), draw(&app).backend());

        // The partner's ledger searched: the matches, counted on the tab, the search named.
        let mut app = detail_app(lang, 80, 24);
        app.update(Action::Right);
        app.update(Action::Search);
        let fx = type_and_pause(&mut app, "refund");
        let Some(Effect::FindInDetail { req, .. }) = fx.first().cloned() else { panic!("{fx:?}") };
        app.update(Action::Submit);
        let lines: Vec<_> = detail().ledger.into_iter().filter(|l| l.kind == "clawback").collect();
        let n = lines.len() as i64;
        app.update(Action::DetailFound(req, Ok((crate::service::partners::DetailPage::Ledger(lines), n))));
        insta::assert_snapshot!(format!("partner_detail_ledger_search_{}_80x24", lang.code()), draw(&app).backend());
    }
}

/// The dialogs name what they act on: one bonus, a selection, every due one, a void's
/// confirmation after its reason; and a reason too short is refused in one sentence.
#[test]
fn snapshots_dialogs_name_their_target() {
    for lang in [Lang::En, Lang::Ru] {
        let code = lang.code();
        let mut app = bonuses_app(lang, 80, 24);
        let fx = app.update(Action::ApproveAll);
        let Some(Effect::PreviewApprove { req, ids: None }) = fx.first().cloned() else { panic!("{fx:?}") };
        let ids = vec![101, 102, 103, 104, 105];
        app.update(Action::Previewed(req, Ok(Preview { ids, total: Money::from_tiyn(19_375_050) })));
        insta::assert_snapshot!(format!("approve_all_due_{code}_80x24"), draw(&app).backend());

        let mut app = sized(lang, 80, 24);
        let fx = app.update(Action::GoTo(Screen::Bonuses));
        let Some(Effect::LoadBonuses { req, .. }) = fx.first().cloned() else { panic!("{fx:?}") };
        let mut rows = bonus_rows();
        rows[1].status = crate::domain::bonus::ShownBonusState::Held;
        app.update(Action::BonusesLoaded(req, Ok(rows)));
        app.update(Action::Down);
        let fx = app.update(Action::Approve);
        let Some(Effect::PreviewApprove { req, .. }) = fx.first().cloned() else { panic!("{fx:?}") };
        app.update(Action::Previewed(req, Ok(Preview { ids: vec![102], total: Money::kzt(50_000) })));
        insta::assert_snapshot!(format!("approve_one_{code}_80x24"), draw(&app).backend());

        let mut app = bonuses_app(lang, 80, 24);
        app.update(Action::Void);
        for c in "too short".chars() {
            app.update(Action::Edit(InputRequest::InsertChar(c)));
        }
        app.update(Action::Submit);
        insta::assert_snapshot!(format!("void_selection_short_reason_{code}_80x24"), draw(&app).backend());
        for c in " for the audit".chars() {
            app.update(Action::Edit(InputRequest::InsertChar(c)));
        }
        app.update(Action::Submit);
        insta::assert_snapshot!(format!("void_selection_confirm_{code}_80x24"), draw(&app).backend());
    }
}

/// List headers: what the query finds (with its money), the page of all pages, the sorted
/// column's direction; at 80 columns a long search is cut, never the page or loading marks.
#[test]
fn snapshots_list_headers_count_page_and_sort() {
    for lang in [Lang::En, Lang::Ru] {
        let code = lang.code();
        let mut app = partners_app(lang, 80, 24);
        let req = app.screens.partners.list.counting.unwrap_or(0);
        app.update(Action::PartnersCounted(req, Ok(300)));
        let fx = app.update(Action::SortDirection);
        let Some(Effect::LoadPartners { req, .. }) = fx.first().cloned() else { panic!("{fx:?}") };
        let mut rows = named_partners();
        rows.reverse();
        app.update(Action::PartnersLoaded(req, Ok(rows.into_iter().take(20).collect())));
        let text = draw(&app).backend().to_string();
        let page = if lang == Lang::Ru { "стр. 1 из 16" } else { "page 1 of 16" };
        assert!(text.contains(page), "{text}");
        assert!(text.contains(if lang == Lang::Ru { "300 партнёров" } else { "300 partners" }), "{text}");
        insta::assert_snapshot!(format!("partners_desc_counted_{code}_80x24"), draw(&app).backend());

        // A long search applied, the next page on its way: the marks stay whole.
        app.update(Action::Search);
        for c in "Нурлан Сапарбаевич Жумагалиев".chars() {
            app.update(Action::Edit(InputRequest::InsertChar(c)));
        }
        app.update(Action::Submit);
        let title = draw(&app).backend().to_string().lines().nth(1).unwrap_or_default().to_string();
        assert!(title.contains('…'), "the search is cut: {title}");
        let loading = if lang == Lang::Ru { "Загрузка…" } else { "Loading…" };
        assert!(title.contains(&format!("{page} · {loading}")), "{title}");

        let mut app = bonuses_app(lang, 80, 24);
        let req = app.screens.bonuses.list.counting.unwrap_or(0);
        app.update(Action::BonusesCounted(req, Ok((37, Money::kzt(1_012_500)))));
        insta::assert_snapshot!(format!("bonuses_due_counted_{code}_80x24"), draw(&app).backend());
    }
}

/// The command palette over the dashboard, as opened and with "бон"/"bon" typed, in both languages.
#[test]
fn snapshot_palette() {
    for lang in [Lang::En, Lang::Ru] {
        let mut app = dashboard_app(lang, 80, 24);
        app.update(Action::Palette);
        let l = if lang == Lang::En { "en" } else { "ru" };
        insta::assert_snapshot!(format!("palette_{l}_80x24"), draw(&app).backend());
        for c in if lang == Lang::En { "bon" } else { "бон" }.chars() {
            app.update(Action::Edit(InputRequest::InsertChar(c)));
        }
        app.update(Action::Down);
        insta::assert_snapshot!(format!("palette_typed_{l}_80x24"), draw(&app).backend());
    }
}

/// The mouse's geometry is the drawing's: the row a click on line `LIST_FIRST_ROW + i` picks is
/// the row drawn there, on both lists, and a tab's columns hold its label.
#[test]
fn clicks_land_where_the_rows_and_tabs_are_drawn() {
    use super::chrome::{LIST_FIRST_ROW, tabs};
    for (app, first) in [(partners_app(Lang::En, 80, 24), "AIGERIM7"), (bonuses_app(Lang::Ru, 80, 24), "101")] {
        let t = draw(&app);
        let line = |y: u16| (0..80u16).map(|x| t.backend().buffer()[(x, y)].symbol().to_string()).collect::<String>();
        assert!(line(LIST_FIRST_ROW).contains(first), "{}", line(LIST_FIRST_ROW));
        assert!(!line(LIST_FIRST_ROW - 1).contains(first));
        for (_, label, cols) in tabs(app.lang) {
            let drawn: String = cols.map(|x| t.backend().buffer()[(x, 0)].symbol().to_string()).collect();
            assert!(drawn.contains(&label), "{drawn:?} holds {label:?}");
        }
    }
}

/// A search that finds nothing says so, in both languages; a list with nothing in it says that
/// there is nothing to show.
#[test]
fn an_empty_search_says_nothing_was_found() {
    for (lang, found, nothing) in [
        (Lang::En, "Nothing found for this search", "Nothing to show"),
        (Lang::Ru, "По этому поиску ничего не найдено", "Нечего показать"),
    ] {
        let mut app = partners_app(lang, 80, 24);
        app.update(Action::Search);
        for c in "zzz".chars() {
            app.update(Action::Edit(InputRequest::InsertChar(c)));
        }
        let fx = app.update(Action::Submit);
        let Some(Effect::LoadPartners { req, query }) = fx.first().cloned() else { panic!("{fx:?}") };
        assert_eq!(query.search.as_deref(), Some("zzz"));
        app.update(Action::PartnersLoaded(req, Ok(vec![])));
        let text = screen_text(&app);
        assert!(text.contains(found) && !text.contains(nothing), "{text}");
        // Esc clears the search; an empty program is a list with nothing to show.
        let fx = app.update(Action::Back);
        let Some(Effect::LoadPartners { req, .. }) = fx.first().cloned() else { panic!("{fx:?}") };
        app.update(Action::PartnersLoaded(req, Ok(vec![])));
        let text = screen_text(&app);
        assert!(text.contains(nothing) && !text.contains(found), "{text}");
    }
}

/// Inside a partner's detail a click on a section's tab opens it, and a click on a row
/// highlights that row (the line under the header is the first shown).
#[test]
fn clicks_in_a_detail_open_a_section_and_pick_a_row() {
    use super::chrome::LIST_FIRST_ROW;
    use super::keys::mouse;
    use super::screens::partner_detail::Section;
    use ratatui::crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
    for lang in [Lang::En, Lang::Ru] {
        let mut app = detail_app(lang, 80, 24);
        let t = draw(&app);
        let line = |y: u16| (0..80u16).map(|x| t.backend().buffer()[(x, y)].symbol().to_string()).collect::<Vec<_>>();
        let tabs = line(LIST_FIRST_ROW - 1);
        let label = if lang == Lang::En { "Clients" } else { "Клиенты" };
        let first = label.chars().next().unwrap_or('?').to_string();
        let column = (0..tabs.len())
            .find(|&x| tabs[x] == first && tabs[x..].concat().starts_with(label))
            .unwrap_or_else(|| panic!("no {label} in {:?}", tabs.concat()));
        let click = |column: u16, row: u16| MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column,
            row,
            modifiers: KeyModifiers::NONE,
        };
        let Some(action) = mouse(&app, click(column as u16 + 1, LIST_FIRST_ROW - 1)) else { panic!("no action") };
        app.update(action);
        let detail = app.screens.partners.detail.as_ref().unwrap_or_else(|| panic!("no detail"));
        assert_eq!(detail.section, Section::Clients);
        // The header is on LIST_FIRST_ROW; the third client shown is two lines under the first.
        let Some(action) = mouse(&app, click(10, LIST_FIRST_ROW + 3)) else { panic!("no action") };
        app.update(action);
        let detail = app.screens.partners.detail.as_ref().unwrap_or_else(|| panic!("no detail"));
        assert_eq!(detail.clients.sel, 2);
        let t = draw(&app);
        let row: String =
            (0..80u16).map(|x| t.backend().buffer()[(x, LIST_FIRST_ROW + 3)].symbol().to_string()).collect();
        assert!(row.starts_with("> "), "the clicked row is highlighted: {row:?}");
    }
}
