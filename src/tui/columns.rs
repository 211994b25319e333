//! Tables whose numbers are never cut. Each column says what it holds (a number, shown whole or
//! not at all; text, which may end in `…` down to a minimum; a fixed mark) and how much it
//! matters. When the width runs out the least important columns go first, whole; width left
//! over goes to text that was cut, never to padding one column to the far edge.
use super::widgets::{self, Scroll, View, fit};
use crate::domain::Money;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Row, Table};
use unicode_width::UnicodeWidthStr;

/// What a column holds, which says how it may shrink.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fill {
    /// Amounts, counts, ids, dates, phones: the column is as wide as its widest cell, or it is
    /// not shown.
    Whole,
    /// Text that may be cut with `…` down to `min` columns; `fair` is the width it should keep
    /// before a less important column is shown beside it.
    Text { min: usize, fair: usize },
}

/// One column: its header, how it fills, its importance (higher stays longer) and alignment.
#[derive(Clone, Debug)]
pub struct Column {
    pub header: String,
    pub fill: Fill,
    pub priority: u8,
    pub right: bool,
}

impl Column {
    pub fn whole(header: impl Into<String>, priority: u8) -> Column {
        Column { header: header.into(), fill: Fill::Whole, priority, right: false }
    }

    /// A right-aligned whole column: amounts and counts.
    pub fn number(header: impl Into<String>, priority: u8) -> Column {
        Column { header: header.into(), fill: Fill::Whole, priority, right: true }
    }

    pub fn text(header: impl Into<String>, min: usize, fair: usize, priority: u8) -> Column {
        Column { header: header.into(), fill: Fill::Text { min, fair }, priority, right: false }
    }
}

/// A cell's text and its style.
#[derive(Clone, Debug, Default)]
pub struct Cell {
    pub text: String,
    pub style: Style,
}

impl Cell {
    pub fn new(text: impl Into<String>) -> Cell {
        Cell { text: text.into(), style: Style::new() }
    }

    pub fn styled(text: impl Into<String>, style: Style) -> Cell {
        Cell { text: text.into(), style }
    }
}

/// The one way an amount is drawn in a table: grouped for the language, without the currency
/// (the header names it), negative amounts marked in colour as well as by their sign.
pub fn money(view: &View, m: Money) -> Cell {
    let style = if m.is_negative() { view.theme.money_negative() } else { Style::new() };
    Cell::styled(m.display_bare(view.lang), style)
}

/// Columns between cells.
const GAP: usize = 1;

/// The width of each column within `available` terminal columns, `None` for a column left out.
/// `natural` is each column's widest cell (header included). Columns are taken in order of
/// importance: one is shown when it fits at its least width beside the more important ones at
/// their fair widths; then what is left widens cut text toward its natural width, the most
/// important first.
pub fn widths(columns: &[Column], natural: &[usize], available: usize) -> Vec<Option<usize>> {
    let least = |i: usize| match columns[i].fill {
        Fill::Whole => natural[i],
        Fill::Text { min, .. } => natural[i].min(min),
    };
    let fair = |i: usize| match columns[i].fill {
        Fill::Whole => natural[i],
        Fill::Text { min, fair } => natural[i].min(fair.max(min)),
    };
    let mut order: Vec<usize> = (0..columns.len()).collect();
    // Of equals, the one further left first.
    order.sort_by_key(|&i| (std::cmp::Reverse(columns[i].priority), i));
    let mut shown = vec![false; columns.len()];
    let mut reserved = 0;
    for &i in &order {
        let gap = if reserved > 0 { GAP } else { 0 };
        if reserved + gap + least(i) <= available {
            shown[i] = true;
            reserved += gap + fair(i);
        }
    }
    let mut out: Vec<Option<usize>> = (0..columns.len()).map(|i| shown[i].then(|| least(i))).collect();
    let used: usize = out.iter().flatten().sum::<usize>() + GAP * out.iter().flatten().count().saturating_sub(1);
    let mut spare = available.saturating_sub(used);
    for &i in &order {
        if let Some(w) = out[i].as_mut() {
            let more = natural[i].saturating_sub(*w).min(spare);
            *w += more;
            spare -= more;
        }
    }
    out
}

/// The header, rows and widths of `rows` under `columns` in `width` terminal columns: whole
/// cells in whole columns, text cut to its column, left-out columns gone.
fn build(
    columns: &[Column],
    rows: &[Vec<Cell>],
    width: usize,
    stretch_last: bool,
) -> (Row<'static>, Vec<Row<'static>>, Vec<Constraint>) {
    let natural: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            rows.iter().filter_map(|r| r.get(i)).map(|cell| cell.text.width()).fold(c.header.width(), usize::max)
        })
        .collect();
    let mut widths = widths(columns, &natural, width);
    if stretch_last {
        // A panel's last column reaches its right edge, so that its figures line up there.
        let used: usize =
            widths.iter().flatten().sum::<usize>() + GAP * widths.iter().flatten().count().saturating_sub(1);
        if let Some(last) = widths.iter_mut().rev().find_map(|w| w.as_mut()) {
            *last += width.saturating_sub(used);
        }
    }
    let line = |text: &str, w: usize, right: bool, style: Style| {
        let l = Line::styled(fit(text, w), style);
        if right { l.right_aligned() } else { l }
    };
    let shown: Vec<(usize, usize)> = widths.iter().enumerate().filter_map(|(i, w)| w.map(|w| (i, w))).collect();
    let header = Row::new(
        shown.iter().map(|&(i, w)| line(&columns[i].header, w, columns[i].right, Style::new())).collect::<Vec<_>>(),
    );
    let body = rows
        .iter()
        .map(|r| {
            Row::new(
                shown
                    .iter()
                    .map(|&(i, w)| {
                        let cell = r.get(i).cloned().unwrap_or_default();
                        line(&cell.text, w, columns[i].right, cell.style)
                    })
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    (header, body, shown.iter().map(|&(_, w)| Constraint::Length(w as u16)).collect())
}

/// Draws a list's rows under `columns` with the highlight at `scroll`, as [`widgets::table`]
/// draws every list.
pub fn table(view: &View, frame: &mut Frame, area: Rect, columns: &[Column], rows: &[Vec<Cell>], scroll: Scroll) {
    let (header, body, widths) = build(columns, rows, (area.width as usize).saturating_sub(widgets::MARK.len()), false);
    widgets::table(view, frame, area, body, header.style(view.theme.header()), &widths, scroll);
}

/// Draws a small table without a highlight (a panel's figures) inside `block`.
pub fn panel(view: &View, frame: &mut Frame, area: Rect, block: Block, columns: &[Column], rows: &[Vec<Cell>]) {
    let inner = block.inner(area);
    let (header, body, widths) = build(columns, rows, inner.width as usize, true);
    let t = Table::new(body, widths).header(header.style(view.theme.header())).column_spacing(GAP as u16).block(block);
    frame.render_widget(t, area);
}

/// `text` when it fits `width` columns; otherwise `…`, so that a number is never shown cut.
pub fn whole(text: &str, width: usize) -> String {
    if text.width() <= width {
        text.to_string()
    } else if width > 0 {
        "…".to_string()
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols() -> Vec<Column> {
        vec![
            Column::text("Code", 4, 12, 5),
            Column::text("Name", 4, 20, 3),
            Column::whole("Status", 2),
            Column::number("Pending", 6),
            Column::number("Available", 9),
        ]
    }

    #[test]
    fn numbers_stay_whole_and_the_least_important_go_first() {
        let natural = [12, 30, 16, 10, 10];
        // Everything fits: text at its natural width.
        assert_eq!(widths(&cols(), &natural, 200), vec![Some(12), Some(30), Some(16), Some(10), Some(10)]);
        // Tighter: the status would squeeze the name below its fair width: it goes, whole, and
        // the name keeps what is left.
        assert_eq!(widths(&cols(), &natural, 60), vec![Some(12), Some(25), None, Some(10), Some(10)]);
        // Tighter still: the name is cut, numbers never.
        assert_eq!(widths(&cols(), &natural, 45), vec![Some(12), Some(10), None, Some(10), Some(10)]);
        assert_eq!(widths(&cols(), &natural, 30), vec![Some(8), None, None, Some(10), Some(10)]);
        assert_eq!(widths(&cols(), &natural, 21), vec![None, None, None, Some(10), Some(10)]);
        // No room for both amounts: the less important goes, whole.
        assert_eq!(widths(&cols(), &natural, 12), vec![None, None, None, None, Some(10)]);
        assert_eq!(widths(&cols(), &natural, 5), vec![Some(5), None, None, None, None]);
        // A less important column that fits is shown even after a more important one did not.
        let wide = [12, 30, 16, 10, 40];
        assert_eq!(widths(&cols(), &wide, 30), vec![Some(12), Some(6), None, Some(10), None]);
    }

    #[test]
    fn whole_or_nothing() {
        assert_eq!(whole("25,000.00", 9), "25,000.00");
        assert_eq!(whole("225,000.00", 9), "…");
        assert_eq!(whole("1", 0), "");
    }
}
