//! Imported text with escape sequences is drawn as plain text (issue 9, hygiene): a name that
//! would retitle the terminal (OSC 0 … BEL) and then clear it (CSI 2J), and an email and a
//! phone with escapes, on the partners list and on the partner's page (insta, 80×24).
use super::action::{Action, Effect, Screen};
use super::app::App;
use super::fixtures::*;
use crate::domain::Lang;

const NAME: &str = "\u{1b}]0;pwned\u{7}Evil\u{1b}[2J Name";
const EMAIL: &str = "evil\u{1b}[8m@mail.kz\u{7}";
const PHONE: &str = "+7 701\u{9b}2J 555 0007";

/// The partners list at 80×24 with EVIL1 (the eighth row) named [`NAME`] and highlighted.
fn partners_app() -> App {
    let mut app = app(Lang::En);
    app.update(Action::Resize(80, 24));
    let fx = app.update(Action::GoTo(Screen::Partners));
    let Some(Effect::LoadPartners { req, query }) = fx.first().cloned() else { panic!("{fx:?}") };
    let mut rows: Vec<_> = named_partners().into_iter().take(query.limit as usize).collect();
    let evil = rows.iter().position(|r| r.code == "EVIL1").unwrap_or_else(|| panic!("no EVIL1 in the fixture"));
    rows[evil].name = NAME.into();
    rows[evil].phone = Some(PHONE.into());
    app.update(Action::PartnersLoaded(req, Ok(rows)));
    for _ in 0..evil {
        app.update(Action::Down);
    }
    app
}

/// Every cell of the screen: no control character reached the terminal.
fn assert_no_control(app: &App) {
    let t = draw(app);
    let bad: Vec<String> = t
        .backend()
        .buffer()
        .content
        .iter()
        .map(|c| c.symbol())
        .filter(|s| s.chars().any(char::is_control))
        .map(|s| format!("{s:?}"))
        .collect();
    assert!(bad.is_empty(), "control characters on the screen: {bad:?}");
}

#[test]
fn an_escaped_name_is_plain_text_on_the_partners_list() {
    let app = partners_app();
    assert_no_control(&app);
    let text = screen_text(&app);
    assert!(text.contains("> EVIL1    ]0;pwnedEvil[2J Name"), "{text}");
    insta::assert_snapshot!("partners_escaped_name_en_80x24", draw(&app).backend());
}

#[test]
fn an_escaped_name_email_and_phone_are_plain_text_on_the_partners_page() {
    let mut app = partners_app();
    let fx = app.update(Action::Enter);
    let Some(Effect::LoadDetail { req, .. }) = fx.first().cloned() else { panic!("{fx:?}") };
    let mut d = detail();
    (d.code, d.name, d.email, d.phone) = ("EVIL1".into(), NAME.into(), Some(EMAIL.into()), Some(PHONE.into()));
    app.update(Action::DetailLoaded(req, Ok(Box::new(d))));
    assert_no_control(&app);
    let text = screen_text(&app);
    for shown in ["EVIL1 · ]0;pwnedEvil[2J Name", "evil[8m@mail.kz", "+7 7012J 555 0007"] {
        assert!(text.contains(shown), "{shown:?} is not on the screen:\n{text}");
    }
    insta::assert_snapshot!("partner_detail_escaped_en_80x24", draw(&app).backend());
}
