//! A payout run opened from screen 4: who did each step when, its lines counted by standing and
//! by the reason money is held back, and its lines, read a page at a time as the highlight nears
//! the last row read (a run has a line per partner: a hundred thousand lines open at once). In
//! an exported run, Space marks a payable line failed for its completion.
use crate::domain::Money;
use crate::domain::payout::{LineStatus, RunState};
use crate::service::payout_views::RunHead;
use crate::service::payouts::LineView;
use crate::tui::action::{Action, Effect};
use crate::tui::columns::{self, Cell, Column, money};
use crate::tui::component::{Cx, Read, copy};
use crate::tui::i18n::{self, K, t};
use crate::tui::paging;
use crate::tui::widgets::{Scroll, View, clean, fit};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use std::collections::BTreeMap;
use unicode_width::UnicodeWidthStr;

/// Lines read at a time.
const PAGE: u64 = 200;

/// Rows of the lines' table on a terminal of `height` lines: the tab bar, the title, the three
/// lines of figures, the table's title and header, the message and status lines.
pub fn visible_rows(height: u16) -> usize {
    paging::rows(height, 9)
}

/// The line of the table's first row, counted from the content's top (clicks land there).
const FIRST_ROW: usize = 4;

#[derive(Debug)]
pub struct RunDetail {
    pub id: i64,
    pub head: Read<RunHead>,
    /// The lines read, in the codes' order (pages are read after the last code).
    pub lines: Vec<LineView>,
    /// More lines follow the last one read.
    pub more: bool,
    /// The first page for the filter asked last: the rows shown are a superseded filter's.
    pub first_pending: Option<u64>,
    /// A next page on its way.
    pub page_pending: Option<u64>,
    pub scroll: Scroll,
    /// The lines shown: of one standing, or all.
    pub filter: Option<LineStatus>,
    /// The payable lines marked failed for the completion: by partner code, with the amount.
    pub failed: BTreeMap<String, Money>,
}

impl RunDetail {
    pub fn new(id: i64) -> RunDetail {
        RunDetail {
            id,
            head: Read::default(),
            lines: Vec::new(),
            more: false,
            first_pending: None,
            page_pending: None,
            scroll: Scroll::default(),
            filter: None,
            failed: BTreeMap::new(),
        }
    }

    /// Reads the head and the first page of lines afresh.
    pub fn reload(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let req = self.head.ask(cx);
        let mut fx = vec![Effect::LoadRun { req, id: self.id }];
        fx.extend(self.first_page(cx));
        fx
    }

    fn first_page(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let req = cx.req();
        self.first_pending = Some(req);
        self.page_pending = None;
        vec![Effect::LoadRunLines { req, id: self.id, status: self.filter, after: None, limit: PAGE }]
    }

    /// The next page, when the highlight nears the last line read and nothing is on its way.
    fn read_on(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let visible = visible_rows(cx.height);
        if !self.more || self.first_pending.is_some() || self.page_pending.is_some() {
            return vec![];
        }
        if self.scroll.sel + visible < self.lines.len() {
            return vec![];
        }
        let Some(after) = self.lines.last().map(|l| l.partner.clone()) else { return vec![] };
        let req = cx.req();
        self.page_pending = Some(req);
        vec![Effect::LoadRunLines { req, id: self.id, status: self.filter, after: Some(after), limit: PAGE }]
    }

    pub fn waiting(&self) -> bool {
        self.head.pending.is_some() || self.first_pending.is_some()
    }

    /// The highlighted line, when the lines shown are the current filter's.
    pub fn current(&self) -> Option<&LineView> {
        if self.first_pending.is_some() { None } else { self.lines.get(self.scroll.sel) }
    }

    pub fn state(&self) -> Option<RunState> {
        self.head.data.as_ref().map(RunHead::state)
    }

    /// An answer for this detail (a head or a page of lines); other actions are the keys.
    pub fn update(&mut self, action: Action, cx: &mut Cx) -> Vec<Effect> {
        match action {
            Action::RunLoaded(req, res) => {
                self.head.answer(cx, req, res);
                // Marks only make sense while the run is exported.
                if self.state() != Some(RunState::Exported) {
                    self.failed.clear();
                }
                vec![]
            }
            Action::RunLinesLoaded(req, res) => {
                let first = self.first_pending == Some(req);
                if !first && !cx.awaited(&mut self.page_pending, req) {
                    return vec![];
                }
                if first {
                    self.first_pending = None;
                }
                match res {
                    Ok(page) => {
                        self.more = page.len() as u64 == PAGE;
                        if first {
                            let keep = self.current_code();
                            self.lines = page;
                            let at = keep.and_then(|c| self.lines.iter().position(|l| l.partner == c));
                            let (n, visible) = (self.lines.len(), visible_rows(cx.height));
                            self.scroll = Scroll::default().moved(at.unwrap_or(0) as isize, n, visible);
                        } else {
                            self.lines.extend(page);
                        }
                        self.read_on(cx)
                    }
                    Err(e) => {
                        cx.load_failed(&e);
                        if first {
                            self.lines.clear();
                            self.scroll = Scroll::default();
                        }
                        vec![]
                    }
                }
            }
            other => self.key(other, cx),
        }
    }

    fn current_code(&self) -> Option<String> {
        self.lines.get(self.scroll.sel).map(|l| l.partner.clone())
    }

    fn key(&mut self, action: Action, cx: &mut Cx) -> Vec<Effect> {
        let visible = visible_rows(cx.height);
        let n = self.lines.len();
        let moved = |s: &mut Self, d: isize| {
            s.scroll = s.scroll.moved(d, n, visible);
        };
        match action {
            Action::Down => moved(self, 1),
            Action::Up => moved(self, -1),
            Action::PageDown => moved(self, visible as isize),
            Action::PageUp => moved(self, -(visible as isize)),
            Action::Home => moved(self, -(n as isize)),
            Action::End => moved(self, n as isize),
            Action::Pick(i) if i >= FIRST_ROW && self.scroll.offset + i - FIRST_ROW < n => {
                self.scroll.sel = self.scroll.offset + i - FIRST_ROW;
            }
            Action::Filter => {
                self.filter = match self.filter {
                    None => Some(LineStatus::Payable),
                    Some(LineStatus::Payable) => Some(LineStatus::HeldBack),
                    Some(LineStatus::HeldBack) => Some(LineStatus::Paid),
                    Some(LineStatus::Paid) => Some(LineStatus::Failed),
                    Some(LineStatus::Failed) => None,
                };
                self.scroll = Scroll::default();
                return self.first_page(cx);
            }
            Action::Select => {
                let exported = self.state() == Some(RunState::Exported);
                match self.current().filter(|l| exported && l.status == LineStatus::Payable.as_str()) {
                    Some(l) => {
                        let (code, amount) = (l.partner.clone(), l.amount);
                        if self.failed.remove(&code).is_none() {
                            self.failed.insert(code, amount);
                        }
                        moved(self, 1);
                    }
                    None => cx.info(K::OnlyPayableFails),
                }
            }
            Action::Copy => {
                let code = self.current().map(|l| l.partner.clone());
                return copy(cx, code);
            }
            _ => return vec![],
        }
        self.read_on(cx)
    }

    pub fn render(&self, view: &View, frame: &mut Frame, area: Rect) {
        let lang = view.lang;
        let Some(h) = &self.head.data else {
            frame.render_widget(Line::raw(fit(&self.head.missing(lang), area.width as usize)), area);
            return;
        };
        let [title, figures, lines_title, table] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(3),
            Constraint::Length(1),
            Constraint::Fill(1),
        ])
        .areas(area);
        render_title(view, h, frame, title);
        render_figures(view, h, frame, figures);
        self.render_lines(view, h, frame, lines_title, table);
    }

    fn render_lines(&self, view: &View, h: &RunHead, frame: &mut Frame, title: Rect, area: Rect) {
        let (lang, theme) = (view.lang, view.theme);
        let mut head =
            format!("{} · {}: {}", t(lang, K::Lines), t(lang, K::Filter), i18n::line_filter(lang, self.filter));
        let shown = self.filter.map_or(h.totals.iter().map(|t| t.count).sum(), |s| h.of(s).0);
        head.push_str(&format!(" · {} / {shown}", self.lines.len()));
        if !self.failed.is_empty() {
            let total: Money = self.failed.values().copied().sum();
            head.push_str(&format!(" · {}: {} ({})", t(lang, K::FailedLines), self.failed.len(), total.display(lang)));
        }
        if self.first_pending.is_some() || self.page_pending.is_some() {
            head.push_str(&format!(" · {}", t(lang, K::Loading)));
        }
        frame.render_widget(Line::styled(fit(&head, title.width as usize), theme.title()), title);
        let marks = h.state() == RunState::Exported;
        let cur = |k: K| format!("{}, {}", t(lang, k), t(lang, K::Currency));
        // The line's balance beside what it pays: a held-back line pays nothing and shows what stays.
        let columns = [
            Column::whole("", if marks { 9 } else { 0 }),
            Column::text(t(lang, K::Code), 6, 10, 8),
            Column::text(t(lang, K::Name), 6, 16, 3),
            Column::number(cur(K::Available), 4),
            Column::number(cur(K::ToPay), 9),
            Column::whole(t(lang, K::Status), 6),
            Column::text(t(lang, K::Reason), 8, 20, 5),
            Column::number(t(lang, K::Clawed), 1),
            Column::whole(t(lang, K::Iban), 2),
        ];
        let rows: Vec<Vec<Cell>> = self
            .lines
            .iter()
            .map(|l| {
                let status = LineStatus::parse(l.status);
                let status_word = status.map(|s| i18n::line_status(lang, s)).unwrap_or(l.status);
                let style = match status {
                    Some(LineStatus::HeldBack | LineStatus::Failed) => theme.error(),
                    Some(LineStatus::Paid) => theme.ok(),
                    _ => Style::new(),
                };
                let reason = l
                    .reason
                    .and_then(crate::domain::payout::HoldBack::parse)
                    .map(|r| i18n::hold_back(lang, r))
                    .unwrap_or("");
                let mark = match (marks, self.failed.contains_key(&l.partner)) {
                    (false, _) => "",
                    (true, true) => "[x]",
                    (true, false) => "[ ]",
                };
                vec![
                    Cell::new(mark),
                    Cell::new(clean(&l.partner)),
                    Cell::new(clean(&l.name)),
                    money(view, l.available),
                    // A held-back line pays nothing: what it would net is not a sum to pay.
                    if status == Some(LineStatus::HeldBack) {
                        Cell::new(t(lang, K::Missing))
                    } else {
                        money(view, l.amount)
                    },
                    Cell::styled(status_word, style),
                    Cell::new(reason),
                    money(view, l.clawed_back),
                    Cell::new(l.iban.as_deref().map(clean).unwrap_or_else(|| t(lang, K::Missing).into())),
                ]
            })
            .collect();
        columns::table(view, frame, area, &columns, &rows, self.scroll);
        if self.lines.is_empty() {
            let text = if self.first_pending.is_some() { t(lang, K::Loading) } else { t(lang, K::NoRows) };
            crate::tui::widgets::note(view, frame, area, text);
        }
    }
}

/// `Payout run 12 · November 2026 · draft · due 10.12.2026 · LATE`
fn render_title(view: &View, h: &RunHead, frame: &mut Frame, area: Rect) {
    let lang = view.lang;
    let r = &h.run;
    let mut spans = vec![Span::styled(
        format!("{} {} · {}", t(lang, K::PayoutRun), r.id, i18n::month_words(lang, &r.month)),
        view.theme.title(),
    )];
    spans.push(Span::raw(format!(
        " · {} · {} {}",
        i18n::run_state(lang, h.state()),
        t(lang, K::Due).to_lowercase(),
        i18n::date(lang, r.due)
    )));
    if h.late {
        spans.push(Span::styled(format!(" · {}", i18n::run_note(lang, Some(h.state()), true)), view.theme.error()));
    }
    let width = area.width as usize;
    let text: String = spans.iter().map(|s| s.content.as_ref()).collect();
    if text.width() > width {
        frame.render_widget(Line::raw(fit(&text, width)), area);
    } else {
        frame.render_widget(Line::from(spans), area);
    }
}

/// Three lines: who did the steps; what is paid and what stays; why it stays.
fn render_figures(view: &View, h: &RunHead, frame: &mut Frame, area: Rect) {
    let (lang, theme) = (view.lang, view.theme);
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let width = area.width as usize;
    let r = &h.run;
    let mut steps =
        vec![format!("{} {} {}", t(lang, K::PreparedBy), clean(&r.prepared_by), when(view, &r.prepared_at))];
    let step = |k: K, by: &Option<String>, at: &Option<String>| {
        by.as_ref().map(|b| {
            format!("{} {} {}", t(lang, k), clean(b), at.as_deref().map(|a| when(view, a)).unwrap_or_default())
        })
    };
    steps.extend(step(K::ApprovedBy, &r.approved_by, &r.approved_at));
    steps.extend(step(K::ExportedBy, &h.exported_by, &h.exported_at));
    steps.extend(step(K::CompletedBy, &h.completed_by, &h.completed_at));
    steps.extend(step(K::DiscardedBy, &h.discarded_by, &h.discarded_at));
    // Later steps matter more: the earliest go first when the width runs out, whole.
    while steps.len() > 1 && steps.join(" · ").chars().count() > width {
        steps.remove(0);
    }
    let (paid_n, paid) = h.of(LineStatus::Paid);
    let (pay_n, pay) = h.of(LineStatus::Payable);
    let (held_n, held) = h.of(LineStatus::HeldBack);
    let (failed_n, failed) = h.of(LineStatus::Failed);
    let mut money_spans: Vec<Span> = Vec::new();
    let mut figure = |k: K, n: i64, m: Money, style: Style| {
        if !money_spans.is_empty() {
            money_spans.push(Span::raw(" · "));
        }
        money_spans.push(Span::raw(format!("{} ", t(lang, k))));
        money_spans.push(Span::styled(format!("{n}: {}", m.display(lang)), style));
    };
    if h.state() == RunState::Completed {
        figure(K::PaidLines, paid_n, paid, bold);
        if failed_n > 0 {
            figure(K::FailedLines, failed_n, failed, theme.error());
        }
    } else {
        figure(K::PayableLines, pay_n, pay, bold);
    }
    figure(K::HeldBackLines, held_n, held, Style::new());
    let money_line = Line::from(money_spans);
    // A figure is whole or not there: a line too wide for the terminal is left out.
    let money_line = if money_line.width() <= width { money_line } else { Line::raw("…") };
    let reasons: Vec<String> = h
        .totals
        .iter()
        .filter_map(|t| Some((t.reason?, t.count, t.available)))
        .map(|(r, n, m)| format!("{} {n} ({})", i18n::hold_back(lang, r), m.display(lang)))
        .collect();
    // Each reason with its figure whole, as many as fit; `…` says that more follow.
    let mut said = String::new();
    for (i, r) in reasons.iter().enumerate() {
        let next = if i == 0 { format!("{}: {r}", t(lang, K::HeldBackLines)) } else { format!("{said} · {r}") };
        let more = if i + 1 < reasons.len() { 4 } else { 0 };
        if next.width() + more > width {
            said.push_str(if i == 0 { "…" } else { " · …" });
            break;
        }
        said = next;
    }
    let reasons = said;
    let lines =
        vec![Line::raw(fit(&steps.join(" · "), width)), money_line, Line::styled(fit(&reasons, width), theme.dim())];
    frame.render_widget(ratatui::widgets::Paragraph::new(lines), area);
}

/// An instant the service gives in RFC 3339, as the console writes dates and times.
fn when(view: &View, rfc3339: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(rfc3339) {
        Ok(t) => i18n::datetime_ms(view.lang, view.tz, t.timestamp_millis()),
        Err(_) => rfc3339.to_string(),
    }
}
