//! Reading long lists a part at a time, as the partners, the bonuses and the partner detail do:
//! lists page by keyset cursor (never OFFSET, never everything) with the highlight landing where
//! the key that turned the page says; the detail's tables read on as their highlight nears the
//! last row read. How a list page is drawn (its title, its rows) is here too, once.
use super::action::Action;
use super::columns::{self, Cell, Column};
use super::component::Cx;
use super::i18n::{self, K, t};
use super::widgets::{self, Scroll, View, fit};
use crate::domain::{Lang, Money};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

/// Rows of a table on a terminal of `height` lines that has `chrome` lines around the table.
pub fn rows(height: u16, chrome: usize) -> usize {
    (height as usize).saturating_sub(chrome).max(1)
}

/// Rows of a list page: the terminal less the tab bar, message and status lines, the list's
/// title and its header.
pub fn page_rows(height: u16) -> usize {
    rows(height, 5)
}

/// Where a movement key takes the highlight in a list read whole (`n` rows, `visible` at a
/// time): arrows, pages, the ends, the wheel and a click; `None` for any other action.
pub fn moved(scroll: Scroll, action: &Action, n: usize, visible: usize) -> Option<Scroll> {
    let by = |d: isize| Some(scroll.moved(d, n, visible));
    match *action {
        Action::Down => by(1),
        Action::Up => by(-1),
        Action::PageDown => by(visible as isize),
        Action::PageUp => by(-(visible as isize)),
        Action::Home => by(-(n as isize)),
        Action::End => by(n as isize),
        Action::Wheel(down) => by(if down { 3 } else { -3 }),
        Action::Pick(i) if scroll.offset + i < n => Some(Scroll { sel: scroll.offset + i, ..scroll }),
        _ => None,
    }
}

/// The sorted column's mark: ▲ from the first to the last, ▼ the other way round.
pub fn arrow(desc: bool) -> &'static str {
    if desc { "▼" } else { "▲" }
}

/// Where the highlight lands on the new page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Land {
    First,
    Last,
    /// On the same row while it is still listed (a reload), else at the same place.
    Keep,
}

/// A page asked for and not yet answered: `at` is where the list reads from, its own way.
#[derive(Clone, Debug)]
pub struct Pending<At> {
    pub req: u64,
    pub at: At,
    pub limit: usize,
    pub land: Land,
}

/// What a key asks of a list: nothing more (the highlight moved, or could not), or a page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Stay,
    Next(Land),
    Prev(Land),
    First,
    Last,
}

/// How many rows a list's query finds, and their value where the list has money.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Count {
    pub n: i64,
    pub total: Option<Money>,
}

/// What a list's title line says: its name, its page's number, what it shows (cut when the
/// width is short) and its figures (whole, or left out).
pub struct Title {
    pub name: K,
    pub page: usize,
    pub parts: Vec<String>,
    pub marks: Vec<String>,
}

/// A list page on screen and the page asked for; `At` is how the list's pages are addressed.
#[derive(Debug)]
pub struct List<T, At> {
    pub rows: Vec<T>,
    pub sel: usize,
    pub has_prev: bool,
    pub has_next: bool,
    /// A page has been shown (the first read may still be on its way).
    pub loaded: bool,
    pub pending: Option<Pending<At>>,
    pub error: Option<String>,
    /// Rows a page holds, as the page shown was read.
    pub limit: usize,
    /// What the list's query finds in all, once read; and the count on its way.
    pub count: Option<Count>,
    pub counting: Option<u64>,
}

impl<T, At> Default for List<T, At> {
    fn default() -> Self {
        List {
            rows: Vec::new(),
            sel: 0,
            has_prev: false,
            has_next: false,
            loaded: false,
            pending: None,
            error: None,
            limit: 0,
            count: None,
            counting: None,
        }
    }
}

impl<T, At> List<T, At> {
    /// Whether the rows of the query asked last are on their way: the rows shown are then a
    /// superseded query's, and no key may act on them (the `App` holds such keys back).
    pub fn waiting(&self) -> bool {
        self.pending.is_some()
    }

    /// The highlighted row, when it is one of the current query's rows.
    pub fn current(&self) -> Option<&T> {
        if self.waiting() { None } else { self.rows.get(self.sel) }
    }

    /// Moves the highlight for a movement key, or says which page to read; `None` for other keys.
    /// While a new query's rows are on their way the highlight stays on the old rows unmoved.
    pub fn step(&mut self, action: &Action) -> Option<Step> {
        let n = self.rows.len();
        if self.waiting() && matches!(action, Action::Down | Action::Up | Action::PageDown | Action::PageUp) {
            return Some(Step::Stay);
        }
        Some(match action {
            Action::Down if self.sel + 1 < n => {
                self.sel += 1;
                Step::Stay
            }
            Action::Down if self.has_next => Step::Next(Land::First),
            Action::Up if self.sel > 0 => {
                self.sel -= 1;
                Step::Stay
            }
            Action::Up if self.has_prev => Step::Prev(Land::Last),
            Action::Down | Action::Up => Step::Stay,
            Action::PageDown if self.has_next => Step::Next(Land::Keep),
            Action::PageDown => {
                self.sel = n.saturating_sub(1);
                Step::Stay
            }
            Action::PageUp if self.has_prev => Step::Prev(Land::Keep),
            Action::PageUp => {
                self.sel = 0;
                Step::Stay
            }
            Action::Pick(i) => {
                // Only a row that is shown: a click below the last does nothing.
                if *i < n {
                    self.sel = *i;
                }
                Step::Stay
            }
            Action::Home => Step::First,
            Action::End => Step::Last,
            _ => return None,
        })
    }

    /// Marks a page at `at` as asked for; returns its request id and how many rows to read: one
    /// more than shown, which says whether another page follows without counting.
    pub fn ask(&mut self, cx: &mut Cx, at: At, land: Land) -> (u64, u64) {
        let req = cx.req();
        let limit = page_rows(cx.height);
        self.pending = Some(Pending { req, at, limit, land });
        (req, limit as u64 + 1)
    }

    /// The rows answering the page awaited, with what was asked. An answer to another request
    /// (a superseded query) is dropped; a failure is said and kept for the empty list to show,
    /// and the rows of the query before are dropped, as no key may act on them now.
    pub fn answer(&mut self, cx: &mut Cx, req: u64, res: Result<Vec<T>, String>) -> Option<(Vec<T>, Pending<At>)> {
        let Some(pend) = self.pending.take_if(|p| p.req == req) else {
            cx.stale();
            return None;
        };
        match res {
            Ok(rows) => {
                self.limit = pend.limit;
                Some((rows, pend))
            }
            Err(e) => {
                cx.load_failed(&e);
                self.error = Some(e);
                self.rows.clear();
                self.sel = 0;
                None
            }
        }
    }

    /// Marks a count of the list's query as asked for; its request id.
    pub fn ask_count(&mut self, cx: &mut Cx) -> u64 {
        let req = cx.req();
        self.counting = Some(req);
        req
    }

    /// Takes the count awaited (an answer to another request is dropped; a failure is said).
    pub fn counted(&mut self, cx: &mut Cx, req: u64, res: Result<Count, String>) {
        if !cx.awaited(&mut self.counting, req) {
            return;
        }
        match res {
            Ok(c) => self.count = Some(c),
            Err(e) => cx.load_failed(&e),
        }
    }

    /// The number of pages, once the count is read: at least one.
    pub fn pages(&self) -> Option<usize> {
        let n = self.count?.n.max(0) as usize;
        Some(n.div_ceil(self.limit.max(1)).max(1))
    }

    /// Cuts a page read forward to `limit` rows; the extra row only says that more follow.
    pub fn cut(&mut self, rows: &mut Vec<T>, limit: usize) {
        self.has_next = rows.len() > limit;
        rows.truncate(limit);
    }

    /// Shows `rows`, the highlight landing as `land` says; `same` tells a row that stayed.
    pub fn show(&mut self, rows: Vec<T>, land: Land, same: impl Fn(&T, &T) -> bool) {
        let last = rows.len().saturating_sub(1);
        self.sel = match land {
            Land::First => 0,
            Land::Last => last,
            Land::Keep => {
                self.rows.get(self.sel).and_then(|o| rows.iter().position(|r| same(o, r))).unwrap_or(self.sel.min(last))
            }
        };
        self.rows = rows;
        self.loaded = true;
        self.error = None;
    }

    /// The list's title line: its name, then what it shows (`parts`, cut to the width when
    /// they must be), then its figures (`marks`: what it finds, what is selected), its page and
    /// whether a page is on its way, which are never cut: one that does not fit is left out
    /// whole, the first first.
    pub fn render_title(&self, view: &View, frame: &mut Frame, area: Rect, title: Title) {
        let Title { name, page, parts, mut marks } = title;
        let lang = view.lang;
        if self.loaded {
            marks.push(i18n::page_title(lang, page, self.pages()));
        }
        if self.pending.is_some() {
            marks.push(t(lang, K::Loading).to_string());
        }
        let head = t(lang, name);
        let room = (area.width as usize).saturating_sub(head.width());
        let join = |m: &[String]| m.iter().map(|m| format!(" · {m}")).collect::<String>();
        while !marks.is_empty() && join(&marks).width() > room {
            marks.remove(0);
        }
        let marks = join(&marks);
        let rest = fit(&join(&parts), room - marks.width());
        frame.render_widget(
            Line::from(vec![Span::styled(head, view.theme.title()), Span::raw(rest), Span::raw(marks)]),
            area,
        );
    }

    /// The page under `columns` (numbers whole, the least important columns left out first
    /// when the width runs out), or what an empty list says instead (`searched`: a search found
    /// nothing, which is not a list with nothing in it).
    pub fn render_cells(
        &self,
        view: &View,
        frame: &mut Frame,
        area: Rect,
        columns: &[Column],
        rows: &[Vec<Cell>],
        searched: bool,
    ) {
        columns::table(view, frame, area, columns, rows, Scroll { sel: self.sel, offset: 0 });
        if let Some(text) = self.empty_text(view.lang, searched) {
            widgets::note(view, frame, area, &text);
        }
    }

    /// What an empty list says instead of rows: why it failed, that it is loading, or that
    /// there is nothing; `None` while it has rows.
    fn empty_text(&self, lang: Lang, searched: bool) -> Option<String> {
        if !self.rows.is_empty() {
            return None;
        }
        Some(match (&self.error, self.pending.is_some() || !self.loaded) {
            (Some(e), _) => i18n::load_failed(lang, e),
            (None, true) => t(lang, K::Loading).to_string(),
            (None, false) => t(lang, if searched { K::NothingFound } else { K::NoRows }).to_string(),
        })
    }
}

/// Whether a table whose highlight is at `scroll` should read on: fewer rows are read than there
/// are (`total`), and the highlight is within a screen (`visible` rows) of the last one read, so
/// that scrolling through thousands of rows never stops at a page's end.
pub fn reads_on(scroll: Scroll, visible: usize, read: usize, total: i64) -> bool {
    (read as i64) < total && scroll.sel + visible.max(1) >= read
}
