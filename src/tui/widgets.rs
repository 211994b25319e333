//! Small pieces every screen shares: text cleaning and fitting, the theme (colour only when
//! allowed, never alone), what a screen draws with ([`View`]), boxes, text fields, and tables
//! drawn one way everywhere.
use crate::domain::Lang;
use crate::domain::bonus::ShownBonusState;
use crate::domain::identity::printable;
use chrono::FixedOffset;
use ratatui::Frame;
use ratatui::layout::{Constraint, Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders, HighlightSpacing, Paragraph, Row, Table, TableState};
use tui_input::Input;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// What every screen draws with: the console's language, its theme and the program's time zone.
#[derive(Clone, Copy, Debug)]
pub struct View {
    pub lang: Lang,
    pub theme: Theme,
    pub tz: FixedOffset,
}

/// Imported text without control or direction-override characters, so that a name cannot move
/// the cursor, ring the bell or reorder the line it is drawn on (one rule with the CLI's text:
/// [`printable`]).
pub fn clean(s: &str) -> String {
    printable(s).into_owned()
}

/// Cleans `s` and cuts it to `width` terminal columns, ending with `…` when it was cut.
/// `s` in `width` columns, cut at its start with `…` when longer: for a path, whose end is what
/// matters.
pub fn fit_left(s: &str, width: usize) -> String {
    let s = clean(s);
    if s.width() <= width {
        return s;
    }
    if width == 0 {
        return String::new();
    }
    let mut tail = Vec::new();
    let mut used = 0;
    for c in s.chars().rev() {
        let w = c.width().unwrap_or(0);
        if used + w > width - 1 {
            break;
        }
        tail.push(c);
        used += w;
    }
    std::iter::once('…').chain(tail.into_iter().rev()).collect()
}

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

/// `s` cleaned and broken into lines of at most `width` columns between words (at ordinary
/// spaces only: a figure grouped with no-break spaces stays on one line); a single word wider
/// than a line is cut.
pub fn wrap(s: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in clean(s).split(' ').filter(|w| !w.is_empty()) {
        let needed = if line.is_empty() { word.width() } else { line.width() + 1 + word.width() };
        if needed > width && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines.into_iter().map(|l| fit(&l, width)).collect()
}

/// `s` on one line of `width` columns, cut between words (then ending in `…`), so that a figure
/// in a sentence is shown whole or not at all.
pub fn fit_words(s: &str, width: usize) -> String {
    if clean(s).width() <= width {
        return fit(s, width);
    }
    let first = wrap(s, width.saturating_sub(2)).into_iter().next().unwrap_or_default();
    format!("{first} …")
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

    pub fn state(self, s: ShownBonusState) -> Style {
        self.fg(match s {
            ShownBonusState::Held => Color::Blue,
            ShownBonusState::Due => Color::Yellow,
            ShownBonusState::Frozen => Color::Magenta,
            ShownBonusState::Available => Color::Green,
            ShownBonusState::Paid => Color::Cyan,
            ShownBonusState::Voided => Color::DarkGray,
        })
    }

    pub fn money_negative(self) -> Style {
        self.fg(Color::Red)
    }

    pub fn bar(self) -> Style {
        self.fg(Color::Cyan)
    }
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

/// A bordered box with its title in the border: panels, the help, the dialogs.
pub fn boxed<'a>(theme: Theme, title: String) -> Block<'a> {
    Block::new().borders(Borders::ALL).title(Span::styled(format!(" {title} "), theme.title()))
}

/// A table's highlighted row and the first row shown: kept in the state (moved in update) so
/// that the highlight stays in view as it moves.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Scroll {
    pub sel: usize,
    pub offset: usize,
}

impl Scroll {
    /// The highlight `delta` rows on, within `len` rows of which `visible` show at a time.
    pub fn moved(self, delta: isize, len: usize, visible: usize) -> Scroll {
        if len == 0 {
            return Scroll::default();
        }
        let visible = visible.max(1);
        let sel = (self.sel as isize).saturating_add(delta).clamp(0, len as isize - 1) as usize;
        let mut offset = self.offset.min(sel);
        if sel >= offset + visible {
            offset = sel + 1 - visible;
        }
        Scroll { sel, offset: offset.min(len.saturating_sub(visible)) }
    }
}

/// What marks the highlighted row of a table.
pub const MARK: &str = "> ";

/// A table as every screen draws it: a header, one column between cells, [`MARK`] before the
/// highlighted row, scrolled as `scroll` says.
pub fn table(
    view: &View,
    frame: &mut Frame,
    area: Rect,
    rows: Vec<Row>,
    header: Row,
    widths: &[Constraint],
    scroll: Scroll,
) {
    let n = rows.len();
    let t = Table::new(rows, widths.to_vec())
        .header(header)
        .column_spacing(1)
        .highlight_symbol(MARK)
        .highlight_spacing(HighlightSpacing::Always)
        .row_highlight_style(view.theme.highlight());
    let mut state = TableState::new().with_offset(scroll.offset).with_selected((n > 0).then_some(scroll.sel));
    frame.render_stateful_widget(t, area, &mut state);
}

/// A dim line of text under a table's header, where its rows would be.
pub fn note(view: &View, frame: &mut Frame, area: Rect, text: &str) {
    let r = Rect { y: area.y + 1, height: area.height.saturating_sub(1), ..area };
    frame.render_widget(Paragraph::new(fit(text, area.width as usize)).style(view.theme.dim()), r);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_left_keeps_the_end() {
        assert_eq!(fit_left("ASEL25 › BOLAT7 › c-1", 12), "…OLAT7 › c-1");
        assert_eq!(fit_left("ASEL25", 6), "ASEL25");
        assert_eq!(fit_left("ASEL25", 0), "");
    }

    #[test]
    fn wrap_breaks_between_words_and_keeps_figures_whole() {
        assert_eq!(
            wrap("Void bonus 103 of GULNAR3 (75,067.03 KZT)?", 20),
            ["Void bonus 103 of", "GULNAR3 (75,067.03", "KZT)?"]
        );
        assert_eq!(wrap("Сумма 25\u{a0}000,00\u{a0}₸", 12), ["Сумма", "25\u{a0}000,00\u{a0}₸"]);
        assert_eq!(wrap("", 10), [""]);
    }

    #[test]
    fn a_message_is_cut_between_words_never_inside_a_figure() {
        let m = "Payout run 1 for October 2026 prepared: 134 payable, 79,745,833.33 KZT";
        assert_eq!(fit_words(m, 80), m);
        assert_eq!(fit_words(m, 60), "Payout run 1 for October 2026 prepared: 134 payable, …");
        assert_eq!(fit_words(m, 68), "Payout run 1 for October 2026 prepared: 134 payable, 79,745,833.33 …");
    }

    #[test]
    fn fit_cuts_by_columns_and_cleans() {
        assert_eq!(fit("Asel Nurlanovna", 8), "Asel Nu…");
        assert_eq!(fit("Asel", 8), "Asel");
        assert_eq!(fit("a\u{1b}[31mb", 10), "a[31mb");
        assert_eq!(fit("日本語テキスト", 5), "日本…");
        assert_eq!(fit("x\u{202e}y", 5), "xy");
    }
}
