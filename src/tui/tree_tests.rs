//! The referral-tree screen: a tree drawn (insta, both languages) with its marks in words and the
//! path to the highlighted node; a level read when a node first opens and kept after; keys that
//! wait while a level is on its way; Enter on a partner opening its page; `t` elsewhere opening
//! the tree; data that loops shown where it closes and never followed.
use super::action::{Action, Effect, Screen};
use super::app::App;
use super::fixtures::*;
use crate::domain::tree::{Mark, Node};
use crate::domain::{Lang, Money};
use crate::service::tree::{Level, Rooted};
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use tui_input::InputRequest;

fn node(id: &str, code: Option<&str>, depth: u32, brought: i64, paid: i64, bonus: i64, marks: &[Mark]) -> Node {
    Node {
        account_id: id.into(),
        kind: if code.is_some() { "partner" } else { "client" },
        code: code.map(str::to_string),
        depth,
        brought,
        purchases: Money::kzt(paid),
        bonus: Money::kzt(bonus),
        marks: marks.to_vec(),
        children: Vec::new(),
    }
}

/// ASEL25 (frozen by her self-referral case), who brought three clients, one of them BOLAT7, a
/// partner now, with clients of his own; KAIRAT8 brought her.
fn asel() -> Rooted {
    Rooted {
        level: Level {
            node: node("A-0001", Some("ASEL25"), 0, 3, 150_000, 0, &[Mark::Frozen]),
            children: vec![
                node("C-1042", None, 1, 0, 150_000, 50_000, &[]),
                node("C-1077", Some("BOLAT7"), 1, 2, 1_234_567, 412_345, &[Mark::CodeDeactivated]),
                node("C-1090", None, 1, 0, 0, 0, &[]),
            ],
        },
        upline: vec![("A-0000".into(), Some("KAIRAT8".into()))],
    }
}

fn bolat_level() -> Level {
    Level {
        node: node("C-1077", Some("BOLAT7"), 0, 2, 1_234_567, 412_345, &[Mark::CodeDeactivated]),
        children: vec![
            node("C-2001", None, 1, 0, 75_000, 25_000, &[]),
            // BOLAT7's client who is also above him: data that loops.
            node("A-0001", Some("ASEL25"), 1, 3, 150_000, 0, &[Mark::Frozen]),
        ],
    }
}

fn key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    app.key(KeyEvent::from(code))
}

/// Screen 6 with ASEL25's tree read through `/`.
fn tree_app(lang: Lang) -> App {
    rooted_app(lang, "asel25", asel())
}

/// Screen 6 with the tree of `typed` read through `/`, answered with `tree`.
fn rooted_app(lang: Lang, typed: &str, tree: Rooted) -> App {
    let mut app = app(lang);
    app.update(Action::Resize(80, 24));
    key(&mut app, KeyCode::Char('6'));
    assert_eq!(app.screen, Screen::Tree);
    key(&mut app, KeyCode::Char('/'));
    for c in typed.chars() {
        app.update(Action::Edit(InputRequest::InsertChar(c)));
    }
    let fx = key(&mut app, KeyCode::Enter);
    let [Effect::LoadTree { req, code }] = fx.as_slice() else { panic!("{fx:?}") };
    assert_eq!(*code, typed.to_uppercase());
    app.update(Action::TreeLoaded(*req, Ok(Box::new(tree))));
    app
}

/// Opens BOLAT7 (the root's second child) and answers its level.
fn with_bolat_open(app: &mut App) {
    key(app, KeyCode::Down);
    key(app, KeyCode::Down);
    let fx = key(app, KeyCode::Right);
    let [Effect::LoadLevel { req, account_id }] = fx.as_slice() else { panic!("{fx:?}") };
    assert_eq!(account_id, "C-1077");
    app.update(Action::LevelLoaded(*req, Ok(Box::new(bolat_level()))));
}

fn ids(app: &App) -> Vec<String> {
    app.screens.tree.rows.iter().map(|r| r.id.clone()).collect()
}

fn message(app: &App) -> String {
    app.message.as_ref().map(|m| m.text.clone()).unwrap_or_default()
}

#[test]
fn snapshots_of_a_tree_with_marks_a_loop_and_the_path() {
    for lang in [Lang::En, Lang::Ru] {
        let code = lang.code();
        let app = {
            let mut a = app(lang);
            a.update(Action::Resize(80, 24));
            key(&mut a, KeyCode::Char('6'));
            a
        };
        insta::assert_snapshot!(format!("tree_none_{code}_80x24"), draw(&app).backend());
        let mut app = tree_app(lang);
        with_bolat_open(&mut app);
        key(&mut app, KeyCode::Down);
        insta::assert_snapshot!(format!("tree_open_{code}_80x24"), draw(&app).backend());
        app.update(Action::Resize(120, 30));
        insta::assert_snapshot!(format!("tree_open_{code}_120x30"), draw(&app).backend());
    }
}

#[test]
fn a_level_is_read_once_and_the_path_follows_the_highlight() {
    let mut app = tree_app(Lang::En);
    assert_eq!(ids(&app), ["A-0001", "C-1042", "C-1077", "C-1090"]);
    with_bolat_open(&mut app);
    assert_eq!(ids(&app), ["A-0001", "C-1042", "C-1077", "C-2001", "A-0001", "C-1090"]);
    key(&mut app, KeyCode::Down);
    let text = screen_text(&app);
    assert!(text.contains("Path: ASEL25 › BOLAT7 › C-2001"), "{text}");
    assert!(text.contains("KAIRAT8"), "who brought the root: {text}");
    // ← on a leaf goes up to its parent; ← again closes it; → opens it from what was read.
    key(&mut app, KeyCode::Left);
    assert_eq!(app.screens.tree.scroll.sel, 2);
    key(&mut app, KeyCode::Left);
    assert_eq!(ids(&app), ["A-0001", "C-1042", "C-1077", "C-1090"]);
    assert!(key(&mut app, KeyCode::Right).is_empty(), "read already: no second read");
    assert_eq!(ids(&app).len(), 6);
    // → on an open node goes to its first child.
    key(&mut app, KeyCode::Right);
    assert_eq!(app.screens.tree.scroll.sel, 3);
}

#[test]
fn a_loop_is_shown_where_it_closes_and_not_followed() {
    let mut app = tree_app(Lang::En);
    with_bolat_open(&mut app);
    for _ in 0..2 {
        key(&mut app, KeyCode::Down);
    }
    let row = &app.screens.tree.rows[app.screens.tree.scroll.sel];
    assert_eq!((row.id.as_str(), row.loops), ("A-0001", true));
    assert!(key(&mut app, KeyCode::Right).is_empty(), "a loop is never read again");
    assert_eq!(message(&app), "This account is also above here: the data loops, and it is not followed again");
    app.update(Action::Resize(120, 30));
    assert!(screen_text(&app).contains("loop: also above; frozen: open case"));
}

#[test]
fn keys_wait_for_a_level_and_a_stale_level_is_dropped() {
    let mut app = tree_app(Lang::En);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    let fx = key(&mut app, KeyCode::Right);
    let [Effect::LoadLevel { req, .. }] = fx.as_slice() else { panic!("{fx:?}") };
    // Down waits for the level: it then moves onto BOLAT7's first client, shown by then.
    assert!(key(&mut app, KeyCode::Down).is_empty());
    assert_eq!(app.screens.tree.scroll.sel, 2);
    app.update(Action::LevelLoaded(*req, Ok(Box::new(bolat_level()))));
    assert_eq!(app.screens.tree.rows[app.screens.tree.scroll.sel].id, "C-2001");
    // An answer nobody waits for changes nothing.
    app.update(Action::LevelLoaded(999, Ok(Box::new(bolat_level()))));
    assert_eq!(ids(&app).len(), 6);
    // A failed level closes its node again and says why.
    let mut app = tree_app(Lang::En);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    let fx = key(&mut app, KeyCode::Right);
    let [Effect::LoadLevel { req, .. }] = fx.as_slice() else { panic!("{fx:?}") };
    app.update(Action::LevelLoaded(*req, Err("database is locked".into())));
    assert_eq!(ids(&app).len(), 4);
    assert!(message(&app).contains("database is locked"), "{}", message(&app));
}

#[test]
fn enter_opens_a_partners_page_and_t_elsewhere_opens_the_tree() {
    let mut app = tree_app(Lang::En);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    assert_eq!(message(&app), "This is a client: Enter opens a partner's page");
    key(&mut app, KeyCode::Down);
    let fx = key(&mut app, KeyCode::Enter);
    assert_eq!(app.screen, Screen::Partners);
    let Some(Effect::LoadDetail { req, .. }) =
        fx.iter().find(|e| matches!(e, Effect::LoadDetail { code, .. } if code == "BOLAT7"))
    else {
        panic!("{fx:?}")
    };
    assert_eq!(app.screens.partners.detail.as_ref().map(|d| d.code.as_str()), Some("BOLAT7"));
    app.update(Action::DetailLoaded(*req, Ok(Box::new(detail()))));
    // Esc closes the page and goes back to the tree it came from, as it was.
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.screen, Screen::Tree);
    assert!(app.screens.partners.detail.is_none());
    assert_eq!(app.screens.tree.rows[app.screens.tree.scroll.sel].id, "C-1077");
    let fx = key(&mut app, KeyCode::Enter);
    let Some(Effect::LoadDetail { req, .. }) = fx.iter().find(|e| matches!(e, Effect::LoadDetail { .. })) else {
        panic!("{fx:?}")
    };
    app.update(Action::DetailLoaded(*req, Ok(Box::new(detail()))));
    // t on the partner's page: its tree, on screen 6.
    let fx = key(&mut app, KeyCode::Char('t'));
    assert_eq!(app.screen, Screen::Tree);
    assert!(matches!(fx.as_slice(), [Effect::LoadTree { code, .. }] if code == "BOLAT7"), "{fx:?}");
    // q goes back to the page that opened the tree, not out of the console.
    key(&mut app, KeyCode::Char('q'));
    assert_eq!((app.screen, app.quit), (Screen::Partners, false));
    // The Russian layout's е is the t key.
    key(&mut app, KeyCode::Char('2'));
    let fx = key(&mut app, KeyCode::Char('е'));
    assert!(matches!(fx.as_slice(), [Effect::LoadTree { code, .. }] if code == "BOLAT7"), "{fx:?}");
}

#[test]
fn an_unknown_code_says_so_and_leaves_no_tree() {
    let mut app = app(Lang::En);
    key(&mut app, KeyCode::Char('6'));
    key(&mut app, KeyCode::Char('/'));
    app.update(Action::Edit(InputRequest::InsertChar('x')));
    let fx = key(&mut app, KeyCode::Enter);
    let [Effect::LoadTree { req, .. }] = fx.as_slice() else { panic!("{fx:?}") };
    app.update(Action::TreeLoaded(*req, Err("no partner has the code X".into())));
    assert!(screen_text(&app).contains("no partner has the code X"));
    assert!(app.screens.tree.rows.is_empty());
}

#[test]
fn a_level_of_ten_thousand_scrolls_to_its_last_row() {
    let big = Rooted {
        level: Level {
            node: node("A-0001", Some("BIG25"), 0, 10_000, 0, 0, &[]),
            children: (0..10_000).map(|i| node(&format!("C{i:05}"), None, 1, 0, 0, 0, &[])).collect(),
        },
        upline: vec![],
    };
    let mut app = rooted_app(Lang::En, "big25", big);
    assert_eq!(ids(&app).len(), 10_001);
    key(&mut app, KeyCode::End);
    let text = screen_text(&app);
    assert!(text.contains(">   · C09999"), "{text}");
    assert!(text.contains("Path: BIG25 › C09999"), "{text}");
    key(&mut app, KeyCode::Left);
    assert!(screen_text(&app).contains("> ▾ BIG25"), "← goes up to the root");
}

#[test]
fn a_failed_code_leaves_the_tree_shown_and_r_reads_that_tree() {
    let mut app = tree_app(Lang::En);
    key(&mut app, KeyCode::Char('/'));
    app.update(Action::Edit(InputRequest::InsertChar('x')));
    let fx = key(&mut app, KeyCode::Enter);
    let [Effect::LoadTree { req, .. }] = fx.as_slice() else { panic!("{fx:?}") };
    app.update(Action::TreeLoaded(*req, Err("no partner has the code X".into())));
    assert_eq!(message(&app), "Could not load: no partner has the code X");
    assert_eq!(ids(&app).len(), 4, "ASEL25's tree stays");
    let fx = key(&mut app, KeyCode::Char('r'));
    assert!(matches!(fx.as_slice(), [Effect::LoadTree { code, .. }] if code == "ASEL25"), "{fx:?}");
}
