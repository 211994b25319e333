//! The frame around the screens, drawn from the `App`: the tab bar, the message and status
//! lines, the help overlay, and the open dialog over the screen. Drawing changes nothing.
use super::action::Screen;
use super::app::App;
use super::component::MsgKind;
use super::i18n::{self, K, t};
use super::widgets::{boxed, centered, clean, fit, fit_words, input_field};
use crate::domain::Lang;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

/// Draws the whole screen from the state; changes nothing.
pub fn render(app: &App, frame: &mut Frame) {
    let view = app.view();
    let b = bands(frame.area());
    tab_bar(app, frame, b.tabs);
    app.current().render(&view, frame, b.content);
    message_line(app, frame, b.message);
    status_line(app, frame, b.status);
    if let Some(p) = &app.palette {
        p.render(app.lang, view.theme, frame, b.content);
    }
    if let Some(d) = &app.dialog {
        d.render(&view, frame, b.content);
    }
    if app.help {
        help_overlay(app, frame, frame.area());
    }
}

/// The four bands of every screen: tab bar, content, message line, status line.
struct Bands {
    tabs: Rect,
    content: Rect,
    message: Rect,
    status: Rect,
}

/// The line of the tab bar: the first.
pub const TAB_LINE: u16 = 0;
/// The line of a list's first row: under the tab bar, the list's title and its header (the
/// lists are drawn so, and `paging::page_rows` counts them; a test holds the three together).
pub const LIST_FIRST_ROW: u16 = 3;

fn bands(area: Rect) -> Bands {
    let [tabs, content, message, status] =
        Layout::vertical([Constraint::Length(1), Constraint::Fill(1), Constraint::Length(1), Constraint::Length(1)])
            .areas(area);
    Bands { tabs, content, message, status }
}

/// Each screen's tab and the columns it takes on the tab bar (its label with a cell either
/// side, for the brackets of the current one), a space between tabs.
pub fn tabs(lang: Lang) -> Vec<(Screen, String, std::ops::Range<u16>)> {
    let mut x = 0u16;
    let mut out = Vec::new();
    for (i, screen) in Screen::ALL.into_iter().enumerate() {
        let label = i18n::tab_label(lang, screen.title(), i as u8 + 1);
        let w = label.width() as u16 + 2;
        out.push((screen, label, x..x + w));
        x += w + 1;
    }
    out
}

/// The screen whose tab is at column `x`.
pub fn tab_at(lang: Lang, x: u16) -> Option<Screen> {
    tabs(lang).into_iter().find(|(_, _, r)| r.contains(&x)).map(|(s, _, _)| s)
}

/// `[1 Dashboard]  2 Partners   3 Bonuses` — the current screen in brackets, not only in colour.
fn tab_bar(app: &App, frame: &mut Frame, area: Rect) {
    let theme = app.view().theme;
    let mut spans = Vec::new();
    for (screen, label, _) in tabs(app.lang) {
        if app.screen == screen {
            spans.push(Span::styled(format!("[{label}]"), theme.tab_active()));
        } else {
            spans.push(Span::raw(format!(" {label} ")));
        }
        spans.push(Span::raw(" "));
    }
    frame.render_widget(Line::from(spans), area);
    let hint = t(app.lang, K::HelpHint);
    let w = hint.width() as u16;
    // Only where it leaves a gap after the last tab: the tabs are what the mouse clicks.
    let tabs_end = tabs(app.lang).last().map_or(0, |(_, _, r)| r.end);
    if area.width > tabs_end + w + 1 {
        let r = Rect { x: area.x + area.width - w - 1, width: w + 1, ..area };
        frame.render_widget(Line::styled(hint, theme.dim()), r);
    }
}

/// The message line: the search being typed, the latest message, or the screen's key hints.
fn message_line(app: &App, frame: &mut Frame, area: Rect) {
    let theme = app.view().theme;
    if let Some((prompt, input)) = app.current().field().filter(|_| app.dialog.is_none()) {
        let prompt = t(app.lang, prompt);
        let [p, rest] =
            Layout::horizontal([Constraint::Length(prompt.width() as u16), Constraint::Fill(1)]).areas(area);
        frame.render_widget(Span::styled(prompt, theme.key()), p);
        input_field(frame, rest, input, true);
        return;
    }
    let width = area.width as usize;
    let line = match &app.message {
        Some(m) => {
            let style = match m.kind {
                MsgKind::Info => Style::new(),
                MsgKind::Ok => theme.ok(),
                MsgKind::Error => theme.error(),
            };
            // A message carries figures: it is cut between words, never inside one.
            Line::styled(fit_words(&m.text, width), style)
        }
        None => Line::styled(fit(t(app.lang, app.current().hint()), width), theme.dim()),
    };
    frame.render_widget(line, area);
}

/// `operator alice │ 2026-11-25 10:00 │ sqlite:…/demo.db`
fn status_line(app: &App, frame: &mut Frame, area: Rect) {
    let theme = app.view().theme;
    let standing =
        app.standing.as_ref().map(|s| format!(" · {}", super::access::standing_words(app.lang, s))).unwrap_or_default();
    let left = format!(
        " {} {}{standing} │ {} │ ",
        t(app.lang, K::Operator),
        clean(&app.operator),
        i18n::clock(app.tz, app.now)
    );
    let room = (area.width as usize).saturating_sub(left.width() + 1);
    let text = format!("{left}{}", fit(&app.database, room));
    frame.render_widget(Paragraph::new(text).style(theme.status_bar()), area);
}

/// The keys of the screen shown, over everything.
fn help_overlay(app: &App, frame: &mut Frame, area: Rect) {
    let theme = app.view().theme;
    let lines = i18n::help(app.lang, app.current().help());
    let key_w = lines.iter().map(|(k, _)| k.width()).max().unwrap_or(0) + 2;
    let width = area.width.saturating_sub(4).min(76);
    let text_w = (width as usize).saturating_sub(key_w + 4);
    // A key the operator's role does not allow is greyed out, with the role it needs.
    let off = |k: &str| {
        let s = app.standing.as_ref()?;
        super::access::help_deed(app.current().help(), k).filter(|d| !s.may(*d))
    };
    let body: Vec<Line> = lines
        .iter()
        .map(|(k, d)| match off(k) {
            Some(deed) => {
                let needs = deed.needs();
                let role = if app.lang == Lang::Ru { needs.ru() } else { needs.as_str() };
                let text = format!("{} {role}: {d}", t(app.lang, K::Needs));
                Line::styled(format!(" {k:<w$}{}", fit(&text, text_w), w = key_w - 1), theme.dim())
            }
            None => Line::from(vec![
                Span::styled(format!(" {k:<w$}", w = key_w - 1), theme.key()),
                Span::raw(fit(d, text_w)),
            ]),
        })
        .collect();
    // How to close it goes in the bottom border, so that every key's line fits 80×24.
    let close = fit(t(app.lang, K::HelpClose), (width as usize).saturating_sub(4));
    let block = boxed(theme, i18n::help_title(app.lang, t(app.lang, app.screen.title())))
        .title_bottom(Line::styled(format!(" {close} "), theme.dim()).centered());
    let r = centered(area, width, body.len() as u16 + 2);
    frame.render_widget(Clear, r);
    frame.render_widget(Paragraph::new(body).block(block), r);
}
