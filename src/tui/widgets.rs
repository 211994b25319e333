//! Small pieces every screen shares: text cleaning and fitting, the theme (colour only when
//! allowed, never alone), the tab bar, the message and status lines, the help overlay and the
//! dialogs.
use super::app::{App, Dialog, MsgKind, Screen};
use super::i18n::{self, K, t};
use crate::domain::bonus::ShownBonusState as State;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use tui_input::Input;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Imported text without control or direction-override characters, so that a name cannot move
/// the cursor, ring the bell or reorder the line it is drawn on.
pub fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c == '\t' || c == '\n' || c == '\r' { ' ' } else { c })
        .filter(|c| {
            !c.is_control() && !matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        })
        .collect()
}

/// Cleans `s` and cuts it to `width` terminal columns, ending with `…` when it was cut.
pub fn fit(s: &str, width: usize) -> String {
    let s = clean(s);
    if s.width() <= width {
        return s;
    }
    if width == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// `s` padded with spaces to `width` columns (or cut to them).
pub fn pad(s: &str, width: usize) -> String {
    let mut out = fit(s, width);
    let w = out.width();
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(w)));
    out
}

/// Styles: with colour unless `NO_COLOR` is set; every state is also written in words, so the
/// colours only help.
#[derive(Clone, Copy, Debug)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    fn fg(self, c: Color) -> Style {
        if self.color { Style::new().fg(c) } else { Style::new() }
    }

    pub fn title(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn header(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }

    pub fn highlight(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    pub fn tab_active(self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD | Modifier::REVERSED)
    }

    pub fn dim(self) -> Style {
        if self.color { Style::new().fg(Color::DarkGray) } else { Style::new() }
    }

    pub fn status_bar(self) -> Style {
        if self.color {
            Style::new().bg(Color::DarkGray).fg(Color::White)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }

    pub fn error(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    pub fn ok(self) -> Style {
        self.fg(Color::Green)
    }

    pub fn key(self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    pub fn state(self, s: State) -> Style {
        self.fg(match s {
            State::Held => Color::Blue,
            State::Due => Color::Yellow,
            State::Frozen => Color::Magenta,
            State::Available => Color::Green,
            State::Paid => Color::Cyan,
            State::Voided => Color::DarkGray,
        })
    }

    pub fn money_negative(self) -> Style {
        self.fg(Color::Red)
    }

    pub fn bar(self) -> Style {
        self.fg(Color::Cyan)
    }
}

/// The four bands of every screen: tab bar, content, message line, status line.
pub struct Bands {
    pub tabs: Rect,
    pub content: Rect,
    pub message: Rect,
    pub status: Rect,
}

pub fn bands(area: Rect) -> Bands {
    let [tabs, content, message, status] =
        Layout::vertical([Constraint::Length(1), Constraint::Fill(1), Constraint::Length(1), Constraint::Length(1)])
            .areas(area);
    Bands { tabs, content, message, status }
}

/// `[1 Dashboard]  2 Partners   3 Bonuses` — the current screen in brackets, not only in colour.
pub fn tab_bar(app: &App, frame: &mut Frame, area: Rect) {
    let theme = app.theme();
    let mut spans = Vec::new();
    for (i, (screen, key)) in
        [(Screen::Dashboard, K::TabDashboard), (Screen::Partners, K::TabPartners), (Screen::Bonuses, K::TabBonuses)]
            .into_iter()
            .enumerate()
    {
        let label = i18n::tab_label(app.lang, key, i as u8 + 1);
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
    if area.width > w + 40 {
        let r = Rect { x: area.x + area.width - w - 1, width: w + 1, ..area };
        frame.render_widget(Line::styled(hint, theme.dim()), r);
    }
}

/// The message line: the search being typed, the latest message, or the screen's key hints.
pub fn message_line(app: &App, frame: &mut Frame, area: Rect) {
    let theme = app.theme();
    if let Some(input) = app.partners.input.as_ref().filter(|_| app.screen == Screen::Partners && app.dialog.is_none())
    {
        let prompt = t(app.lang, K::SearchPrompt);
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
            Line::styled(fit(&m.text, width), style)
        }
        None => Line::styled(fit(t(app.lang, app.hint()), width), theme.dim()),
    };
    frame.render_widget(line, area);
}

/// `operator alice │ 2026-11-25 10:00 │ sqlite:…/demo.db`
pub fn status_line(app: &App, frame: &mut Frame, area: Rect) {
    let theme = app.theme();
    let left = format!(" {} {} │ {} │ ", t(app.lang, K::Operator), clean(&app.operator), i18n::clock(app.tz, app.now));
    let room = (area.width as usize).saturating_sub(left.width() + 1);
    let text = format!("{left}{}", fit(&app.database, room));
    frame.render_widget(Paragraph::new(text).style(theme.status_bar()), area);
}

/// A one-line text field with its cursor; long text scrolls.
pub fn input_field(frame: &mut Frame, area: Rect, input: &Input, focused: bool) {
    let width = area.width.max(1) as usize - 1;
    let scroll = input.visual_scroll(width);
    let p = Paragraph::new(clean(input.value()))
        .scroll((0, scroll as u16))
        .style(Style::new().add_modifier(Modifier::UNDERLINED));
    frame.render_widget(p, area);
    if focused {
        let x = (input.visual_cursor().max(scroll) - scroll) as u16;
        frame.set_cursor_position(Position::new(area.x + x.min(area.width.saturating_sub(1)), area.y));
    }
}

/// A box of `width` × `height` in the middle of `area`, never larger than it.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h }
}

fn popup<'a>(app: &App, title: String) -> Block<'a> {
    Block::new().borders(Borders::ALL).title(Span::styled(format!(" {title} "), app.theme().title()))
}

pub fn help_overlay(app: &App, frame: &mut Frame, area: Rect) {
    let theme = app.theme();
    let lines = i18n::help(app.lang, app.help_for());
    let key_w = lines.iter().map(|(k, _)| k.width()).max().unwrap_or(0) + 2;
    let width = area.width.saturating_sub(4).min(76);
    let text_w = (width as usize).saturating_sub(key_w + 4);
    let mut body: Vec<Line> = lines
        .iter()
        .map(|(k, d)| {
            Line::from(vec![Span::styled(format!(" {k:<w$}", w = key_w - 1), theme.key()), Span::raw(fit(d, text_w))])
        })
        .collect();
    body.push(Line::raw(""));
    body.push(Line::styled(fit(t(app.lang, K::HelpClose), (width as usize).saturating_sub(3)), theme.dim()).centered());
    let r = centered(area, width, body.len() as u16 + 2);
    frame.render_widget(Clear, r);
    frame.render_widget(Paragraph::new(body).block(popup(app, i18n::help_title(app.lang, app.screen_name()))), r);
}

pub fn dialog(app: &App, frame: &mut Frame, area: Rect) {
    let Some(d) = &app.dialog else { return };
    let theme = app.theme();
    let lang = app.lang;
    let width = area.width.saturating_sub(4).min(64);
    match d {
        Dialog::Approve { ids, total } => {
            let question = i18n::approve_question(lang, ids.len(), &total.display(lang));
            let body = vec![
                Line::raw(""),
                Line::styled(question, Style::new().add_modifier(Modifier::BOLD)).centered(),
                Line::raw(""),
                Line::styled(t(lang, K::ConfirmKeys), theme.key()).centered(),
            ];
            let r = centered(area, width, 7);
            frame.render_widget(Clear, r);
            frame.render_widget(
                Paragraph::new(body).wrap(Wrap { trim: true }).block(popup(app, t(lang, K::ConfirmTitle).into())),
                r,
            );
        }
        Dialog::Void { id, code, amount, input, refused } => {
            let r = centered(area, width, 9);
            frame.render_widget(Clear, r);
            let block = popup(app, t(lang, K::VoidTitle).into());
            let inner = block.inner(r);
            frame.render_widget(block, r);
            let [q, _, label, field, err, keys] = Layout::vertical([
                Constraint::Length(1),
                Constraint::Length(1),
                Constraint::Length(1),
                Constraint::Length(1),
                Constraint::Length(1),
                Constraint::Length(1),
            ])
            .areas(inner);
            let inner_w = inner.width as usize;
            let question = i18n::void_question(lang, *id, &clean(code), &amount.display(lang));
            frame.render_widget(Line::styled(fit(&question, inner_w), Style::new().add_modifier(Modifier::BOLD)), q);
            frame.render_widget(Line::raw(t(lang, K::ReasonLabel)), label);
            input_field(frame, field, input, true);
            if *refused {
                frame.render_widget(Line::styled(fit(t(lang, K::ReasonRequired), inner_w), theme.error()), err);
            }
            frame.render_widget(Line::styled(t(lang, K::VoidKeys), theme.key()).centered(), keys);
        }
    }
}

/// A right-aligned cell text (amounts).
pub fn right(s: String) -> Line<'static> {
    Line::from(s).right_aligned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_cuts_by_columns_and_cleans() {
        assert_eq!(fit("Asel Nurlanovna", 8), "Asel Nu…");
        assert_eq!(fit("Asel", 8), "Asel");
        assert_eq!(fit("a\u{1b}[31mb", 10), "a[31mb");
        assert_eq!(fit("日本語テキスト", 5), "日本…");
        assert_eq!(fit("x\u{202e}y", 5), "xy");
    }
}
