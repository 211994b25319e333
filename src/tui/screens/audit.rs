//! Screen 7: the audit log, newest first, a page at a time by keyset on the entry's number (a
//! page back is read oldest first after the first entry shown). `f` opens a form of the five
//! filters of `audit list` (`/` opens it at the subject), Esc clears them; a filter the log
//! cannot read (a bad date) is said on the message line and the rows shown stay. Enter opens an
//! entry in full (`audit_entry`); `v` recomputes the chain and says what it found on the message
//! line and in a box that holds the head hash whole (or the break, Enter opening its entry).
use super::audit_entry::EntryView;
use super::audit_filter::{Field, FilterForm, Outcome};
use super::bonus_detail::wrap;
use crate::domain::audit::Entry;
use crate::service::audit::{Query, Verified};
use crate::tui::action::{Action, AuditCall, AuditFailed, Effect};
use crate::tui::columns::{self, Cell, Column};
use crate::tui::component::{Component, Cx, MsgKind, copy};
use crate::tui::i18n::{self, AuditK, HelpFor, K, audit_word, t};
use crate::tui::paging::{self, Land, List, Step};
use crate::tui::widgets::{Scroll, View, boxed, centered, fit, note};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

/// Where a page of the log is read from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Page {
    /// The newest entries.
    #[default]
    Newest,
    /// The entries just older than this one.
    Before(i64),
    /// The entries just newer than this one (read oldest first).
    After(i64),
    /// The oldest entries (read oldest first).
    Oldest,
}

impl Page {
    /// How the log reads it: newest first or not, and from which entry.
    fn read(self) -> (bool, Option<i64>) {
        match self {
            Page::Newest => (true, None),
            Page::Before(id) => (true, Some(id)),
            Page::After(id) => (false, Some(id)),
            Page::Oldest => (false, None),
        }
    }
}

/// The modes of the entries shown: every one sandbox, none, or both (a tampered log, or one
/// from before the mode was fixed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Modes {
    Sandbox,
    Production,
    Mixed,
}

/// A page asked for: where from, and under which filter.
pub type At = (Page, Query);

#[derive(Debug, Default)]
pub struct AuditState {
    pub list: List<Entry, At>,
    /// The filter of the rows shown.
    pub query: Query,
    /// How the page shown was read.
    pub page: Page,
    pub form: Option<FilterForm>,
    /// A filter the log could not read, as typed: `f` opens the form with it, to be mended.
    pub draft: Option<Query>,
    /// The entry opened with Enter.
    pub entry: Option<EntryView>,
    /// An entry read by its number (the one a break names): request and number.
    pub opening: Option<(u64, i64)>,
    pub verifying: Option<u64>,
    /// What the last check found, shown in a box until a key closes it.
    pub verdict: Option<Verified>,
    /// Written since the page was read: read it again when shown.
    pub stale: bool,
}

impl AuditState {
    fn load(&mut self, cx: &mut Cx, page: Page, query: Query, land: Land) -> Vec<Effect> {
        let (newest_first, bound) = page.read();
        let (req, limit) = self.list.ask(cx, (page, query.clone()), land);
        vec![Effect::Audit(AuditCall::List { req, query, newest_first, bound, limit })]
    }

    /// The page shown read again, the highlight staying on its entry.
    fn reload(&mut self, cx: &mut Cx) -> Vec<Effect> {
        self.stale = false;
        self.load(cx, self.page, self.query.clone(), Land::Keep)
    }

    fn turn(&mut self, cx: &mut Cx, step: Step) -> Vec<Effect> {
        let q = self.query.clone();
        let (page, land) = match step {
            Step::Stay => return vec![],
            Step::First => (Page::Newest, Land::First),
            Step::Last => (Page::Oldest, Land::Last),
            Step::Next(land) => match self.list.rows.last() {
                Some(e) => (Page::Before(e.id), land),
                None => return vec![],
            },
            Step::Prev(land) => match self.list.rows.first() {
                Some(e) => (Page::After(e.id), land),
                None => return vec![],
            },
        };
        self.load(cx, page, q, land)
    }

    /// A page read. A failure leaves the rows shown as they are, with the filter they were read
    /// by: nothing on screen is then another query's.
    fn loaded(&mut self, cx: &mut Cx, req: u64, res: Result<Vec<Entry>, AuditFailed>) -> Vec<Effect> {
        let Some(pend) = self.list.pending.take_if(|p| p.req == req) else {
            cx.stale();
            return vec![];
        };
        let ((mut page, query), limit) = (pend.at, pend.limit);
        let mut rows = match res {
            Ok(rows) => rows,
            Err(AuditFailed::Filter(why)) => {
                self.draft = Some(query);
                cx.say(MsgKind::Error, why);
                return vec![];
            }
            Err(AuditFailed::Read(why)) => {
                cx.load_failed(&why);
                if !self.list.loaded {
                    self.list.error = Some(why);
                }
                return vec![];
            }
        };
        match page {
            Page::Newest | Page::Before(_) => {
                self.list.cut(&mut rows, limit);
                self.list.has_prev = page != Page::Newest;
            }
            Page::After(_) | Page::Oldest => {
                // Read oldest first: the entries nearest the bound come first.
                let newer = rows.len() > limit;
                if page != Page::Oldest && !newer && rows.len() < limit {
                    // Fewer than a page are newer: the first page, full.
                    return self.load(cx, Page::Newest, query, pend.land);
                }
                rows.truncate(limit);
                rows.reverse();
                self.list.has_next = page != Page::Oldest;
                self.list.has_prev = newer;
                if !newer {
                    // Nothing newer: this is the first page, and is read again as one.
                    page = Page::Newest;
                }
            }
        }
        self.list.limit = limit;
        self.list.show(rows, pend.land, |a, b| a.id == b.id);
        self.page = page;
        self.query = query;
        vec![]
    }

    /// `f` or `/`: the form, filled with the filter that applies; or with the one the log
    /// refused, the keys in the date it could not read (the only field it refuses).
    fn open_form(&mut self, field: Field) {
        let (q, field) = match self.draft.take() {
            Some(d) if d.from != self.query.from => (d, Field::From),
            Some(d) if d.to != self.query.to => (d, Field::To),
            Some(d) => (d, field),
            None => (self.query.clone(), field),
        };
        self.form = Some(FilterForm::new(&q, field));
    }

    fn verify(&mut self, cx: &mut Cx) -> Vec<Effect> {
        if self.verifying.is_some() {
            cx.info(K::Audit(AuditK::Verifying));
            return vec![];
        }
        let req = cx.req();
        self.verifying = Some(req);
        cx.info(K::Audit(AuditK::Verifying));
        vec![Effect::Audit(AuditCall::Verify { req })]
    }

    fn verified(&mut self, cx: &mut Cx, req: u64, res: Result<Verified, String>) {
        if !cx.awaited(&mut self.verifying, req) {
            return;
        }
        let lang = cx.view.lang;
        match res {
            Ok(Ok((n, head))) => {
                cx.say(MsgKind::Ok, i18n::verified(lang, n, &head));
                self.verdict = Some(Ok((n, head)));
            }
            Ok(Err(b)) => {
                cx.say(MsgKind::Error, i18n::broken(lang, &b));
                self.verdict = Some(Err(b));
            }
            Err(e) => cx.load_failed(&e),
        }
    }

    /// A key while the verdict box is shown: `y` copies the head hash, Enter opens the entry a
    /// break names; any other key closes the box and then does what it does.
    fn verdict_key(&mut self, action: &Action, cx: &mut Cx) -> Option<Vec<Effect>> {
        let verdict = self.verdict.as_ref()?;
        match (action, verdict) {
            (Action::Copy, Ok((_, head))) => Some(copy(cx, Some(head.clone()))),
            (Action::Enter, Err(b)) => {
                let id = b.entry();
                self.verdict = None;
                let req = cx.req();
                self.opening = Some((req, id));
                Some(vec![Effect::Audit(AuditCall::One { req, id })])
            }
            (Action::Enter, Ok(_)) => {
                self.verdict = None;
                Some(vec![])
            }
            _ => {
                self.verdict = None;
                None
            }
        }
    }

    fn key(&mut self, action: Action, cx: &mut Cx) -> Vec<Effect> {
        if let Some(step) = self.list.step(&action) {
            return self.turn(cx, step);
        }
        match action {
            Action::Enter => match self.list.current() {
                Some(e) => self.entry = Some(EntryView::new(e.clone())),
                None => cx.info(K::Audit(AuditK::NoEntryHighlighted)),
            },
            Action::Filter => self.open_form(Field::Operator),
            Action::Search => self.open_form(Field::Subject),
            Action::Reload => return self.reload(cx),
            Action::Copy => {
                let hash = self.list.current().map(|e| e.hash.clone());
                return copy(cx, hash);
            }
            _ => {}
        }
        vec![]
    }
}

impl Component for AuditState {
    fn update(&mut self, action: Action, cx: &mut Cx) -> Vec<Effect> {
        match action {
            Action::AuditLoaded(req, res) => return self.loaded(cx, req, res),
            Action::AuditVerified(req, res) => {
                self.verified(cx, req, res);
                return vec![];
            }
            Action::AuditEntry(req, res) => {
                let Some((_, id)) = self.opening.take_if(|(r, _)| *r == req) else {
                    cx.stale();
                    return vec![];
                };
                match res {
                    Ok(Some(e)) => self.entry = Some(EntryView::new(*e)),
                    Ok(None) => cx.say(MsgKind::Error, i18n::not_in_log(cx.view.lang, id)),
                    Err(e) => cx.load_failed(&e),
                }
                return vec![];
            }
            // Quietly, over the list only, and only when nothing is on its way.
            Action::Refresh => {
                let idle = self.list.pending.is_none() && self.entry.is_none() && self.form.is_none();
                return if idle && self.list.loaded { self.reload(cx) } else { vec![] };
            }
            _ => {}
        }
        if let Some(form) = self.form.as_mut() {
            match form.update(action) {
                Outcome::Open => {}
                Outcome::Cancelled => self.form = None,
                Outcome::Apply(q) => {
                    self.form = None;
                    if q != self.query || self.list.error.is_some() {
                        return self.load(cx, Page::Newest, q, Land::First);
                    }
                }
            }
            return vec![];
        }
        if let Some(fx) = self.verdict_key(&action, cx) {
            return fx;
        }
        // `v`, the key that voids elsewhere (nothing is voided here), checks the chain: the whole
        // log's, so from the list or from an entry alike.
        if matches!(action, Action::Void) {
            return self.verify(cx);
        }
        match self.entry.as_mut() {
            Some(v) => v.update(action, cx),
            None => self.key(action, cx),
        }
    }

    fn render(&self, view: &View, frame: &mut Frame, area: Rect) {
        let [title, body] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
        match &self.entry {
            Some(v) => v.render(view, frame, area),
            None => {
                self.render_title(view, frame, title);
                self.render_rows(view, frame, body);
            }
        }
        if let Some(f) = &self.form {
            f.render(view, frame, body);
        } else if let Some(v) = &self.verdict {
            render_verdict(view, frame, body, v);
        }
    }

    fn hint(&self) -> K {
        K::Audit(match (&self.form, &self.verdict, &self.entry) {
            (Some(_), _, _) => AuditK::HintForm,
            (None, Some(Ok(_)), _) => AuditK::HintVerdict,
            (None, Some(Err(_)), _) => AuditK::OpenBroken,
            (None, None, Some(_)) => AuditK::HintEntry,
            (None, None, None) => AuditK::Hint,
        })
    }

    fn help(&self) -> HelpFor {
        if self.entry.is_some() { HelpFor::AuditEntry } else { HelpFor::Audit }
    }

    fn enter(&mut self, _again: bool, cx: &mut Cx) -> Vec<Effect> {
        if self.list.pending.is_some() {
            return vec![];
        }
        if !self.list.loaded {
            return self.load(cx, Page::Newest, self.query.clone(), Land::First);
        }
        if self.stale { self.reload(cx) } else { vec![] }
    }

    fn resized(&mut self, before: u16, cx: &mut Cx) -> Vec<Effect> {
        if paging::page_rows(before) == paging::page_rows(cx.height) || !self.list.loaded {
            return vec![];
        }
        // A different page height: the same page again at the new size.
        self.load(cx, self.page, self.query.clone(), Land::Keep)
    }

    /// Every change writes an entry: the log shown is then behind.
    fn ledger_changed(&mut self) {
        self.stale = true;
    }

    fn back(&mut self) -> bool {
        self.form.take().is_some() || self.verdict.take().is_some() || self.entry.take().is_some()
    }

    /// Esc over the list: the filters cleared, the newest entries read.
    fn clear_search(&mut self, cx: &mut Cx) -> Option<Vec<Effect>> {
        let over = self.form.is_some() || self.verdict.is_some() || self.entry.is_some();
        if over || self.query == Query::default() {
            return None;
        }
        Some(self.load(cx, Page::Newest, Query::default(), Land::First))
    }

    fn waiting(&self) -> bool {
        self.opening.is_some() || (self.entry.is_none() && self.list.waiting())
    }

    fn typing(&self) -> bool {
        self.form.is_some()
    }
}

impl AuditState {
    /// `Audit · operator aigerim · action bonus · sandbox · entries 812–794`: the filters
    /// cut when the width runs short, the figures whole or left out (the first first).
    fn render_title(&self, view: &View, frame: &mut Frame, area: Rect) {
        let lang = view.lang;
        // The filters first: on a narrow screen the sandbox mark is what is cut (the status line
        // says it too).
        let mut parts = i18n::filter_parts(lang, &self.query);
        if parts.is_empty() {
            parts.push(audit_word(lang, AuditK::AllEntries).to_string());
        }
        if self.modes() == Modes::Sandbox {
            parts.push(audit_word(lang, AuditK::Sandbox).to_string());
        }
        let mut marks = Vec::new();
        if let (Some(first), Some(last)) = (self.list.rows.first(), self.list.rows.last()) {
            marks.push(i18n::entries_shown(lang, first.id, last.id));
        }
        if self.list.pending.is_some() || self.opening.is_some() {
            marks.push(t(lang, K::Loading).to_string());
        }
        let head = audit_word(lang, AuditK::Tab);
        let room = (area.width as usize).saturating_sub(head.width());
        let join = |m: &[String]| m.iter().map(|m| format!(" · {m}")).collect::<String>();
        while !marks.is_empty() && join(&marks).width() > room {
            marks.remove(0);
        }
        let marks = join(&marks);
        let rest = fit(&join(&parts), room.saturating_sub(marks.width()));
        let line = Line::from(vec![Span::styled(head, view.theme.title()), Span::raw(rest), Span::raw(marks)]);
        frame.render_widget(line, area);
    }

    /// Which modes the entries shown were written in.
    fn modes(&self) -> Modes {
        let rows = &self.list.rows;
        match (rows.iter().any(|e| e.sandbox), rows.iter().all(|e| e.sandbox)) {
            (false, _) => Modes::Production,
            (true, true) => Modes::Sandbox,
            (true, false) => Modes::Mixed,
        }
    }

    /// The entries under their columns: the number and the time whole, the rest cut as needed,
    /// the reason going first when the width runs short. A sandbox entry is marked: in the title
    /// when every entry shown is one (a database never changes mode), else in a column.
    fn render_rows(&self, view: &View, frame: &mut Frame, area: Rect) {
        let lang = view.lang;
        let word = |k: AuditK| audit_word(lang, k);
        let mut columns = vec![
            // Newest first, marked as the sorted column of every list is.
            Column::number(format!("{} {}", t(lang, K::Id), paging::arrow(true)), 9),
            Column::whole(word(AuditK::Time), 8),
            Column::text(word(AuditK::Operator), 5, 12, 6),
            Column::whole(word(AuditK::Role), 4),
            Column::text(word(AuditK::Action), 8, 16, 7),
            Column::text(word(AuditK::Subject), 6, 14, 5),
            Column::text(t(lang, K::Reason), 6, 40, 3),
        ];
        let mixed = self.modes() == Modes::Mixed;
        if mixed {
            // Whatever else goes, the mark of an entry out of the database's mode stays.
            columns.push(Column::whole(word(AuditK::Mode), 8));
        }
        let rows: Vec<Vec<Cell>> = self
            .list
            .rows
            .iter()
            .map(|e| {
                let mut row = vec![
                    Cell::new(e.id.to_string()),
                    Cell::new(i18n::datetime_ms(lang, view.tz, e.at)),
                    Cell::new(&e.operator),
                    Cell::new(&e.role),
                    Cell::new(&e.action),
                    Cell::new(&e.subject),
                    Cell::new(e.reason.as_deref().unwrap_or("")),
                ];
                if mixed {
                    let mode = if e.sandbox { word(AuditK::Sandbox) } else { "" };
                    row.push(Cell::styled(mode, view.theme.key()));
                }
                row
            })
            .collect();
        columns::table(view, frame, area, &columns, &rows, Scroll { sel: self.list.sel, offset: 0 });
        if rows.is_empty() {
            let text = match (&self.list.error, self.list.pending.is_some() || !self.list.loaded) {
                (Some(e), _) => i18n::load_failed(lang, e),
                (None, true) => t(lang, K::Loading).to_string(),
                (None, false) if self.query != Query::default() => word(AuditK::NoMatch).to_string(),
                (None, false) => t(lang, K::NoRows).to_string(),
            };
            note(view, frame, area, &text);
        }
    }
}

/// The check's box over the list: intact, with the head hash whole; or the break, in words.
fn render_verdict(view: &View, frame: &mut Frame, area: Rect, v: &Verified) {
    let (lang, theme) = (view.lang, view.theme);
    let width = area.width.saturating_sub(4).min(72);
    let inner_w = width.saturating_sub(2) as usize;
    let mut lines: Vec<Line> = Vec::new();
    match v {
        Ok((n, head)) => {
            lines.push(Line::styled(audit_word(lang, AuditK::Intact), theme.ok()));
            lines.extend(wrap(&i18n::intact_details(lang, *n), inner_w).into_iter().map(Line::raw));
            lines.push(Line::raw(""));
            lines.push(Line::styled(audit_word(lang, AuditK::HeadHash), theme.dim()));
            lines.extend(wrap(head, inner_w).into_iter().map(Line::raw));
        }
        Err(b) => {
            lines.push(Line::styled(audit_word(lang, AuditK::Broken), theme.error()));
            lines.extend(wrap(&b.text(lang == crate::domain::Lang::Ru), inner_w).into_iter().map(Line::raw));
        }
    }
    // What the keys do here: the message line above the status line says the verdict.
    let keys = if v.is_ok() { AuditK::HintVerdict } else { AuditK::OpenBroken };
    lines.push(Line::raw(""));
    lines.push(Line::styled(fit(audit_word(lang, keys), inner_w), theme.key()).centered());
    let r = centered(area, width, lines.len() as u16 + 2);
    frame.render_widget(Clear, r);
    let block = boxed(theme, audit_word(lang, AuditK::VerdictTitle).to_string());
    frame.render_widget(Paragraph::new(lines).block(block), r);
}
