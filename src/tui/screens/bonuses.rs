//! Screen 3: bonuses by state, the due queue first; selection, approval with a confirmation,
//! voiding with a reason. Pages go forward by keyset cursor (release_at, id); the cursors of
//! the pages before are kept on a stack for PgUp. Enter opens the highlighted bonus's detail,
//! which has the screen until Esc, over the list left as it was.
use super::bonus_detail::BonusDetailState;
use crate::domain::Money;
use crate::domain::bonus::ShownBonusState;
use crate::service::bonuses::{BonusQuery, BonusRow, Preview};
use crate::service::export::ExportOf;
use crate::tui::action::{Action, Ask, Effect, Screen};
use crate::tui::columns::{Cell, Column, money};
use crate::tui::component::{Component, Cx, MsgKind, copy};
use crate::tui::dialog::Dialog;
use crate::tui::i18n::{self, Found, HelpFor, K, t};
use crate::tui::paging::{self, Count, Land, List, Step, Title};
use crate::tui::search::{Handled, SearchLine};
use crate::tui::widgets::{View, clean};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use std::collections::BTreeMap;
use tui_input::Input;

/// A bonus page's keyset cursor: the (release_at, id) it is read after.
pub type After = Option<(i64, i64)>;

/// How a bonus page is read: after its cursor, or back before it (`back`; with no cursor, the
/// last rows).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PageAt {
    pub after: After,
    pub back: bool,
}

/// Where a bonus page reads from, the cursors of the pages before it, and its number.
pub type At = (PageAt, Vec<After>, usize);

/// What an approval was asked for, which its dialog names.
#[derive(Clone, Debug)]
pub enum Target {
    /// One bonus: the selected one, or the highlighted one when none is.
    One(BonusRow),
    Selection,
    AllDue,
}

#[derive(Debug)]
pub struct BonusesState {
    /// The shown state; `None` is every state.
    pub filter: Option<ShownBonusState>,
    /// The `/` line: a partner's code, a payment id or a bonus id.
    pub search: SearchLine,
    /// Latest release first.
    pub desc: bool,
    pub list: List<BonusRow, At>,
    /// How this page was read.
    pub at: PageAt,
    /// The cursors of the pages before this one (read forward from the first).
    pub stack: Vec<After>,
    pub page_no: usize,
    /// Selected bonuses (kept across pages), as they were shown.
    pub selected: BTreeMap<i64, BonusRow>,
    /// The approval preview being computed, and what it was asked for.
    pub preview: Option<u64>,
    pub target: Option<Target>,
    /// The approval or void being written: one change at a time.
    pub mutation: Option<u64>,
    /// The bonus opened with Enter.
    pub detail: Option<BonusDetailState>,
    /// The reload asked for with `r`, whose answer says so on the message line.
    pub announce: Option<u64>,
}

impl Default for BonusesState {
    fn default() -> Self {
        BonusesState {
            filter: Some(ShownBonusState::Due),
            search: SearchLine::default(),
            desc: false,
            list: List::default(),
            at: PageAt::default(),
            stack: Vec::new(),
            page_no: 1,
            selected: BTreeMap::new(),
            preview: None,
            target: None,
            mutation: None,
            detail: None,
            announce: None,
        }
    }
}

impl BonusesState {
    fn query(&self) -> BonusQuery {
        BonusQuery { state: self.filter, desc: self.desc, search: self.search.applied.clone(), ..BonusQuery::default() }
    }

    fn load(&mut self, cx: &mut Cx, at: PageAt, stack: Vec<After>, land: Land, no: usize) -> Vec<Effect> {
        let (req, limit) = self.list.ask(cx, (at, stack, no), land);
        let query = BonusQuery { after: at.after, backward: at.back, limit, ..self.query() };
        vec![Effect::LoadBonuses { req, query }]
    }

    /// Counts what the list's filter finds, and their value.
    fn count(&mut self, cx: &mut Cx) -> Effect {
        let req = self.list.ask_count(cx);
        Effect::CountBonuses { req, query: self.query() }
    }

    fn first_page(&mut self, cx: &mut Cx) -> Vec<Effect> {
        self.load(cx, PageAt::default(), Vec::new(), Land::First, 1)
    }

    /// The first page of a new filter, and its count.
    fn refilter(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let mut fx = self.first_page(cx);
        fx.push(self.count(cx));
        fx
    }

    /// The current page again (after a change, or at a new height), and the count.
    fn reload(&mut self, cx: &mut Cx) -> Vec<Effect> {
        if !self.list.loaded && self.list.pending.is_none() {
            return vec![];
        }
        let (at, stack, no) = (self.at, self.stack.clone(), self.page_no);
        let mut fx = self.load(cx, at, stack, Land::Keep, no);
        fx.push(self.count(cx));
        fx
    }

    fn turn(&mut self, cx: &mut Cx, step: Step) -> Vec<Effect> {
        let (mut stack, no) = (self.stack.clone(), self.page_no);
        let cursor = |r: &BonusRow| Some((r.release_at, r.id));
        match step {
            Step::Stay => vec![],
            Step::First => self.first_page(cx),
            Step::Last => {
                let no = self.list.pages().unwrap_or(no + 1);
                self.load(cx, PageAt { after: None, back: true }, Vec::new(), Land::Last, no)
            }
            Step::Next(land) => {
                let Some(last) = self.list.rows.last() else { return vec![] };
                let at = PageAt { after: cursor(last), back: false };
                // A page read back has no cursor of its own to come back to: back from the
                // next one reads before its first row.
                match self.at.back {
                    true => stack.clear(),
                    false => stack.push(self.at.after),
                }
                self.load(cx, at, stack, land, no + 1)
            }
            Step::Prev(land) => {
                let no = no.saturating_sub(1).max(1);
                if let (false, Some(after)) = (self.at.back, stack.pop()) {
                    return self.load(cx, PageAt { after, back: false }, stack, land, no);
                }
                let Some(first) = self.list.rows.first() else { return vec![] };
                self.load(cx, PageAt { after: cursor(first), back: true }, Vec::new(), land, no)
            }
        }
    }

    fn loaded(&mut self, cx: &mut Cx, req: u64, res: Result<Vec<BonusRow>, String>) -> Vec<Effect> {
        let Some((mut rows, pend)) = self.list.answer(cx, req, res) else { return vec![] };
        let ((at, stack, mut no), limit) = (pend.at, pend.limit);
        if at.back {
            if rows.len() > limit {
                rows.drain(..rows.len() - limit);
                self.list.has_prev = true;
                no = no.max(2);
            } else if rows.len() < limit && at.after.is_some() {
                // Reached the start with a short page: show the first page, full.
                return self.load(cx, PageAt::default(), Vec::new(), pend.land, 1);
            } else {
                self.list.has_prev = false;
                no = 1;
            }
            self.list.has_next = at.after.is_some();
        } else {
            self.list.cut(&mut rows, limit);
            self.list.has_prev = at.after.is_some();
        }
        self.list.show(rows, pend.land, |x, y| x.id == y.id);
        self.at = at;
        self.stack = stack;
        self.page_no = no;
        if self.announce.take_if(|r| *r == req).is_some() {
            let what = i18n::Reloaded::Bonuses { rows: self.list.rows.len(), page: no };
            cx.say(MsgKind::Info, i18n::reloaded(cx.view.lang, &what));
        }
        vec![]
    }

    fn busy(&self) -> bool {
        self.preview.is_some() || self.mutation.is_some()
    }

    /// Asks the service which bonuses an approval would write (`None`: every due one).
    fn preview(&mut self, cx: &mut Cx, ids: Option<Vec<i64>>, target: Target) -> Vec<Effect> {
        let req = cx.req();
        self.preview = Some(req);
        self.target = Some(target);
        cx.info(K::Checking);
        vec![Effect::PreviewApprove { req, ids }]
    }

    fn previewed(&mut self, cx: &mut Cx, req: u64, res: Result<Preview, String>) -> Vec<Effect> {
        if !cx.awaited(&mut self.preview, req) {
            return vec![];
        }
        let lang = cx.view.lang;
        let total = |p: &Preview| p.total.display(lang);
        match (res, self.target.take()) {
            (Ok(p), _) if p.ids.is_empty() => cx.info(K::NothingDue),
            // One bonus, named: y or Enter.
            (Ok(p), Some(Target::One(row))) if p.ids == [row.id] => {
                let question = i18n::approve_one(lang, row.id, &clean(&row.partner), &total(&p), shown(lang, &row));
                cx.ask(Dialog::confirm(K::ConfirmTitle, question, K::ConfirmKeys, false, Ask::Approve(p.ids)));
            }
            // Every due one: y only.
            (Ok(p), Some(Target::AllDue)) => {
                let question = i18n::approve_all_question(lang, p.ids.len(), &total(&p));
                cx.ask(Dialog::confirm(K::ConfirmTitle, question, K::ConfirmKeysStrict, true, Ask::Approve(p.ids)));
            }
            // A selection: y only.
            (Ok(p), _) => {
                let question = i18n::approve_question(lang, p.ids.len(), &total(&p));
                cx.ask(Dialog::confirm(K::ConfirmTitle, question, K::ConfirmKeysStrict, true, Ask::Approve(p.ids)));
            }
            (Err(e), _) => cx.say(MsgKind::Error, i18n::refused(lang, &e)),
        }
        vec![]
    }

    /// The bonuses `a` and `v` act on: the selection, or the highlighted one when none is.
    fn targets(&self) -> Vec<BonusRow> {
        if self.selected.is_empty() {
            self.list.current().cloned().into_iter().collect()
        } else {
            self.selected.values().cloned().collect()
        }
    }

    /// Writes what the operator said yes to. One change at a time: the next waits for this answer.
    fn write(&mut self, cx: &mut Cx, saying: K, effect: impl FnOnce(u64) -> Effect) -> Vec<Effect> {
        let req = cx.req();
        self.mutation = Some(req);
        cx.info(saying);
        vec![effect(req)]
    }

    /// The answer to a write: `done` applies it and says what changed; the page is read again.
    fn written<T>(
        &mut self,
        cx: &mut Cx,
        req: u64,
        res: Result<T, String>,
        done: impl FnOnce(&mut Self, T) -> String,
    ) -> Vec<Effect> {
        if !cx.awaited(&mut self.mutation, req) {
            return vec![];
        }
        match res {
            Ok(v) => {
                cx.wrote();
                let text = done(self, v);
                cx.say(MsgKind::Ok, text);
            }
            Err(e) => cx.say(MsgKind::Error, i18n::refused(cx.view.lang, &e)),
        }
        self.reload(cx)
    }

    fn key(&mut self, action: Action, cx: &mut Cx) -> Vec<Effect> {
        if let Some(step) = self.list.step(&action) {
            return self.turn(cx, step);
        }
        let lang = cx.view.lang;
        let highlighted = self.list.current();
        match action {
            Action::Search => {
                self.search.open();
                vec![]
            }
            Action::Reload => {
                let fx = self.reload(cx);
                self.announce = self.list.pending.as_ref().map(|p| p.req);
                fx
            }
            // Quietly, and only when nothing is on its way (the operator's own read goes first).
            Action::Refresh if self.list.pending.is_none() && !self.busy() => self.reload(cx),
            Action::Export => {
                cx.info(K::Exporting);
                vec![Effect::Export(ExportOf::Bonuses(self.query()))]
            }
            Action::Copy => copy(cx, highlighted.map(|row| row.id.to_string())),
            Action::Filter => {
                self.filter = match self.filter {
                    Some(ShownBonusState::Due) => Some(ShownBonusState::Held),
                    Some(ShownBonusState::Held) => Some(ShownBonusState::Frozen),
                    Some(ShownBonusState::Frozen) => Some(ShownBonusState::Available),
                    Some(ShownBonusState::Available) => Some(ShownBonusState::Paid),
                    Some(ShownBonusState::Paid) => Some(ShownBonusState::Voided),
                    Some(ShownBonusState::Voided) => None,
                    None => Some(ShownBonusState::Due),
                };
                self.selected.clear();
                self.refilter(cx)
            }
            Action::SortDirection => {
                self.desc = !self.desc;
                self.first_page(cx)
            }
            Action::Select => {
                let Some(row) = highlighted else {
                    cx.info(K::NoBonusHighlighted);
                    return vec![];
                };
                if row.status != ShownBonusState::Due {
                    cx.info(K::OnlyDueSelectable);
                    return vec![];
                }
                if self.selected.remove(&row.id).is_none() {
                    self.selected.insert(row.id, row.clone());
                }
                if self.list.sel + 1 < self.list.rows.len() {
                    self.list.sel += 1;
                }
                vec![]
            }
            Action::Approve | Action::ApproveAll | Action::Void if self.busy() => {
                cx.info(K::Busy);
                vec![]
            }
            Action::Approve => {
                let mut rows = self.targets();
                if rows.is_empty() {
                    // An empty due queue says so; an empty other list says what is missing.
                    cx.info(if self.filter == Some(ShownBonusState::Due) {
                        K::NothingDue
                    } else {
                        K::NothingToApprove
                    });
                    return vec![];
                }
                let ids = rows.iter().map(|r| r.id).collect();
                let target = if rows.len() == 1 { rows.pop().map(Target::One) } else { None };
                self.preview(cx, Some(ids), target.unwrap_or(Target::Selection))
            }
            Action::ApproveAll => self.preview(cx, None, Target::AllDue),
            Action::Enter => {
                let Some(row) = highlighted else { return vec![] };
                let mut detail = BonusDetailState::new(row.id);
                let fx = detail.reload(cx);
                self.detail = Some(detail);
                fx
            }
            Action::Void => {
                let rows = self.targets();
                let question = match rows.as_slice() {
                    [] => {
                        cx.info(K::NoBonusHighlighted);
                        return vec![];
                    }
                    [row] => i18n::void_question(
                        lang,
                        row.id,
                        &clean(&row.partner),
                        &row.amount.display(lang),
                        shown(lang, row),
                    ),
                    _ => {
                        let total: Money = rows.iter().map(|r| r.amount).sum();
                        i18n::void_many_question(lang, rows.len(), &total.display(lang))
                    }
                };
                let ask = Ask::Void(rows.iter().map(|r| r.id).collect());
                cx.ask(Dialog::with_reason(K::VoidTitle, question, K::VoidKeys, K::VoidConfirmKeys, ask));
                vec![]
            }
            _ => vec![],
        }
    }
}

/// A bonus's state as a dialog names it: only when it is not due.
fn shown(lang: crate::domain::Lang, row: &BonusRow) -> Option<&'static str> {
    (row.status != ShownBonusState::Due).then(|| i18n::state(lang, row.status))
}

impl Component for BonusesState {
    fn update(&mut self, action: Action, cx: &mut Cx) -> Vec<Effect> {
        let lang = cx.view.lang;
        match action {
            Action::BonusesLoaded(req, res) => self.loaded(cx, req, res),
            a @ (Action::Edit(_) | Action::SearchDue { .. } | Action::Submit | Action::CancelInput) => {
                match self.search.handle(a, Screen::Bonuses, cx) {
                    Handled::Changed => self.refilter(cx),
                    Handled::Done(fx) => fx,
                    Handled::Other => vec![],
                }
            }
            Action::BonusFilter(filter) => {
                self.detail = None;
                self.filter = filter;
                self.selected.clear();
                self.refilter(cx)
            }
            Action::Previewed(req, res) => self.previewed(cx, req, res),
            Action::Confirmed { ask: Ask::Approve(ids), .. } => {
                self.write(cx, K::Approving, |req| Effect::Approve { req, ids })
            }
            Action::Confirmed { ask: Ask::Void(ids), reason } => {
                let reason = reason.unwrap_or_default();
                self.write(cx, K::Voiding, |req| Effect::Void { req, ids, reason })
            }
            Action::Approved(req, res) => self.written(cx, req, res, |b, p| {
                for id in &p.ids {
                    b.selected.remove(id);
                }
                i18n::approved(lang, p.ids.len(), &p.total.display(lang))
            }),
            Action::Voided(req, ids, res) => self.written(cx, req, res, |b, m| {
                for id in &ids {
                    b.selected.remove(id);
                }
                i18n::voided(lang, &ids, &m.display(lang))
            }),
            Action::BonusesCounted(req, res) => {
                self.list.counted(cx, req, res.map(|(n, total)| Count { n, total: Some(total) }));
                vec![]
            }
            other => match self.detail.as_mut() {
                Some(d) => d.update(other, cx),
                // The detail was closed before its answer came.
                None if matches!(other, Action::BonusDetailLoaded(..)) => {
                    cx.stale();
                    vec![]
                }
                None => self.key(other, cx),
            },
        }
    }

    fn render(&self, view: &View, frame: &mut Frame, area: Rect) {
        if let Some(d) = &self.detail {
            return d.render(view, frame, area);
        }
        let (lang, theme) = (view.lang, view.theme);
        let b = &self.list;
        let [title, body] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);

        // Once counted, a state's count names it; the filter's own words are then not needed.
        let mut parts = vec![];
        if b.count.is_none() || self.filter.is_none() {
            parts.push(format!("{}: {}", t(lang, K::Filter), i18n::state_filter(lang, self.filter)));
        }
        if let Some(s) = &self.search.applied {
            parts.push(i18n::search_shown(lang, s));
        }
        let mut marks: Vec<String> = b
            .count
            .map(|c| {
                let total = c.total.map(|m| m.display(lang));
                i18n::found(lang, Found::Bonuses(self.filter), c.n, total.as_deref())
            })
            .into_iter()
            .collect();
        // The selection is a figure too: whole, or left out while the width is short.
        if !self.selected.is_empty() {
            let total: Money = self.selected.values().map(|r| r.amount).sum();
            marks.push(i18n::selected(lang, self.selected.len(), &total.display(lang)));
        }
        b.render_title(view, frame, title, Title { name: K::TabBonuses, page: self.page_no, parts, marks });

        // What goes first when the width runs out: the payment id, then the release date, the
        // partner and the state; the id and the amount stay.
        let columns = [
            Column::whole("", 9),
            Column::number(t(lang, K::Id), 8),
            Column::text(t(lang, K::Partner), 6, 12, 4),
            Column::text(t(lang, K::Payment), 6, 20, 1),
            Column::number(format!("{}, {}", t(lang, K::Amount), t(lang, K::Currency)), 9),
            Column::whole(t(lang, K::Status), 5),
            Column::whole(format!("{} {}", t(lang, K::Release), paging::arrow(self.desc)), 3),
        ];
        let rows: Vec<Vec<Cell>> = b
            .rows
            .iter()
            .map(|r| {
                let mark = if self.selected.contains_key(&r.id) { "[x]" } else { "[ ]" };
                vec![
                    Cell::new(mark),
                    Cell::new(r.id.to_string()),
                    Cell::new(&r.partner),
                    Cell::new(&r.payment_id),
                    money(view, r.amount),
                    Cell::styled(i18n::state(lang, r.status), theme.state(r.status)),
                    Cell::new(i18n::date_ms(lang, view.tz, r.release_at)),
                ]
            })
            .collect();
        b.render_cells(view, frame, body, &columns, &rows, self.search.applied.is_some());
    }

    fn hint(&self) -> K {
        self.detail.as_ref().map_or(K::HintBonuses, |d| d.hint())
    }

    fn help(&self) -> HelpFor {
        self.detail.as_ref().map_or(HelpFor::Bonuses, |d| d.help())
    }

    fn back(&mut self) -> bool {
        self.detail.take().is_some()
    }

    fn enter(&mut self, _again: bool, cx: &mut Cx) -> Vec<Effect> {
        if self.list.loaded || self.list.pending.is_some() { vec![] } else { self.refilter(cx) }
    }

    fn clear_search(&mut self, cx: &mut Cx) -> Option<Vec<Effect>> {
        // With a bonus open, Esc closes it first.
        if self.detail.is_some() {
            return None;
        }
        self.search.clear().then(|| self.refilter(cx))
    }

    fn waiting(&self) -> bool {
        match &self.detail {
            Some(d) => d.bonus.pending.is_some(),
            None => self.list.waiting(),
        }
    }

    fn field(&self) -> Option<(K, &Input)> {
        self.search.input.as_ref().map(|i| (K::SearchPromptBonuses, i))
    }

    fn resized(&mut self, before: u16, cx: &mut Cx) -> Vec<Effect> {
        // A different page height: the same page again at the new size.
        if paging::page_rows(before) == paging::page_rows(cx.height) || !self.list.loaded {
            return vec![];
        }
        self.reload(cx)
    }
}

#[cfg(test)]
#[path = "bonuses_tests.rs"]
mod tests;
