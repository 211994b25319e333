//! Screen 2: the partners, a page at a time by keyset cursor (never OFFSET, never everything),
//! with search, sort and a status filter. A page back is read backward from the first row
//! shown. Enter opens the detail, which then has the screen until Esc.
use super::partner_detail::{self, DetailState};
use crate::service::export::ExportOf;
use crate::service::partners::{Cursor, ListQuery, PartnerRow, Sort, Status};
use crate::tui::action::{Action, Effect, Open, Screen};
use crate::tui::columns::{Cell, Column, money};
use crate::tui::component::{Component, Cx, MsgKind, copy};
use crate::tui::i18n::{self, Found, HelpFor, K, t};
use crate::tui::paging::{self, Count, Land, List, Step, Title, arrow};
use crate::tui::search::{Handled, SearchLine};
use crate::tui::widgets::View;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use tui_input::Input;

/// How a page was asked for: after a row, before a row, or from the start.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PageReq {
    pub cursor: Option<Cursor>,
    pub backward: bool,
}

/// Where a partners page reads from, and the number it will have.
pub type At = (PageReq, usize);

#[derive(Debug, Default)]
pub struct PartnersState {
    pub list: List<PartnerRow, At>,
    pub search: SearchLine,
    pub status: Option<Status>,
    pub sort: Sort,
    /// The sort runs from the last to the first.
    pub desc: bool,
    /// How the page shown was asked for, and its number.
    pub page: PageReq,
    pub page_no: usize,
    pub detail: Option<DetailState>,
    /// A change was written since the partners were read: read them again when shown.
    pub stale: bool,
    /// The reload asked for with `r`, whose answer says so on the message line.
    pub announce: Option<u64>,
}

impl PartnersState {
    fn load(&mut self, cx: &mut Cx, page: PageReq, land: Land, page_no: usize) -> Vec<Effect> {
        let (cursor, backward) = (page.cursor.clone(), page.backward);
        let (req, limit) = self.list.ask(cx, (page, page_no), land);
        vec![Effect::LoadPartners { req, query: ListQuery { cursor, backward, limit, ..self.query() } }]
    }

    /// The list's search, status and sort, from the start.
    fn query(&self) -> ListQuery {
        ListQuery {
            search: self.search.applied.clone(),
            status: self.status,
            sort: self.sort,
            desc: self.desc,
            ..ListQuery::default()
        }
    }

    /// Counts what the list's search and status find.
    fn count(&mut self, cx: &mut Cx) -> Effect {
        let req = self.list.ask_count(cx);
        Effect::CountPartners { req, query: self.query() }
    }

    fn first_page(&mut self, cx: &mut Cx) -> Vec<Effect> {
        self.load(cx, PageReq::default(), Land::First, 1)
    }

    /// The first page of a new search or status, and its count.
    fn refilter(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let mut fx = self.first_page(cx);
        fx.push(self.count(cx));
        fx
    }

    /// The page shown, read again, and the count.
    fn reload(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let (page, no) = (self.page.clone(), self.page_no.max(1));
        let mut fx = self.load(cx, page, Land::Keep, no);
        fx.push(self.count(cx));
        fx
    }

    fn turn(&mut self, cx: &mut Cx, step: Step) -> Vec<Effect> {
        let (rows, sort, no) = (&self.list.rows, self.sort, self.page_no);
        let (row, backward, no, land) = match step {
            Step::Stay => return vec![],
            Step::First => return self.first_page(cx),
            // The last rows, read back from the end.
            Step::Last => {
                let no = self.list.pages().unwrap_or(no + 1);
                return self.load(cx, PageReq { cursor: None, backward: true }, Land::Last, no);
            }
            Step::Next(land) => (rows.last(), false, no + 1, land),
            Step::Prev(land) => (rows.first(), true, no.saturating_sub(1).max(1), land),
        };
        let Some(row) = row else { return vec![] };
        let page = PageReq { cursor: Some(row.cursor(sort)), backward };
        self.load(cx, page, land, no)
    }

    fn loaded(&mut self, cx: &mut Cx, req: u64, res: Result<Vec<PartnerRow>, String>) -> Vec<Effect> {
        let Some((mut rows, pend)) = self.list.answer(cx, req, res) else { return vec![] };
        let ((page, page_no), limit) = (pend.at, pend.limit);
        if page.backward {
            if rows.len() > limit {
                rows.drain(..rows.len() - limit);
                self.list.has_prev = true;
                self.page_no = page_no.max(2);
            } else if rows.len() < limit {
                // Reached the start with a short page: show the first page, full.
                return self.load(cx, PageReq::default(), pend.land, 1);
            } else {
                self.list.has_prev = false;
                self.page_no = 1;
            }
            // Rows follow a page read back before a row; the last page has none after it.
            self.list.has_next = page.cursor.is_some();
        } else {
            self.list.cut(&mut rows, limit);
            self.list.has_prev = page.cursor.is_some();
            self.page_no = page_no;
        }
        self.list.show(rows, pend.land, |a, b| a.account_id == b.account_id);
        self.page = page;
        if self.announce.take_if(|r| *r == req).is_some() {
            let what = i18n::Reloaded::Partners { rows: self.list.rows.len(), page: self.page_no };
            cx.say(MsgKind::Info, i18n::reloaded(cx.view.lang, &what));
        }
        vec![]
    }

    /// The detail of the partner with `code`, in place of the list (or of the detail open).
    fn show(&mut self, code: String, cx: &mut Cx) -> Vec<Effect> {
        let mut detail = DetailState::new(code);
        let fx = detail.reload(cx);
        self.detail = Some(detail);
        fx
    }

    fn key(&mut self, action: Action, cx: &mut Cx) -> Vec<Effect> {
        if let Some(step) = self.list.step(&action) {
            return self.turn(cx, step);
        }
        match action {
            Action::Reload => {
                let fx = self.reload(cx);
                self.announce = self.list.pending.as_ref().map(|p| p.req);
                fx
            }
            // Quietly, and only when nothing is on its way (the operator's own read goes first).
            Action::Refresh if self.list.pending.is_none() && self.list.loaded => self.reload(cx),
            Action::Export => {
                cx.info(K::Exporting);
                vec![Effect::Export(ExportOf::Partners(self.query()))]
            }
            Action::Copy => {
                let code = self.list.rows.get(self.list.sel).map(|row| row.code.clone());
                copy(cx, code)
            }
            Action::Search => {
                self.search.open();
                vec![]
            }
            Action::Sort => {
                self.sort = self.sort.next();
                self.first_page(cx)
            }
            Action::SortDirection => {
                self.desc = !self.desc;
                self.first_page(cx)
            }
            Action::Filter => {
                self.status = match self.status {
                    None => Some(Status::Active),
                    Some(Status::Active) => Some(Status::CodeDeactivated),
                    Some(Status::CodeDeactivated) => Some(Status::Excluded),
                    Some(Status::Excluded) => None,
                };
                self.refilter(cx)
            }
            Action::PartnerFilter(status) => {
                self.detail = None;
                self.status = status;
                self.refilter(cx)
            }
            Action::Enter => {
                let Some(row) = self.list.current() else { return vec![] };
                let code = row.code.clone();
                self.show(code, cx)
            }
            Action::Tree => {
                match self.list.current() {
                    Some(row) => cx.open = Some(Open::Tree(row.code.clone())),
                    None => cx.info(K::NoPartnerHighlighted),
                }
                vec![]
            }
            _ => vec![],
        }
    }
}

impl Component for PartnersState {
    fn update(&mut self, action: Action, cx: &mut Cx) -> Vec<Effect> {
        match action {
            Action::PartnersLoaded(req, res) => self.loaded(cx, req, res),
            Action::PartnersCounted(req, res) => {
                self.list.counted(cx, req, res.map(|n| Count { n, total: None }));
                vec![]
            }
            // The detail has its own search lines.
            a @ (Action::Edit(_) | Action::SearchDue { .. } | Action::Submit | Action::CancelInput)
                if self.detail.is_some() =>
            {
                self.detail.as_mut().map(|d| d.update(a, cx)).unwrap_or_default()
            }
            a @ (Action::Edit(_) | Action::SearchDue { .. } | Action::Submit | Action::CancelInput) => {
                match self.search.handle(a, Screen::Partners, cx) {
                    Handled::Changed => self.refilter(cx),
                    Handled::Done(fx) => fx,
                    Handled::Other => vec![],
                }
            }
            other => match self.detail.as_mut() {
                Some(d) => d.update(other, cx),
                // The detail was closed before its answer came.
                None if matches!(
                    other,
                    Action::DetailLoaded(..) | Action::DetailPageLoaded(..) | Action::DetailFound(..)
                ) =>
                {
                    cx.stale();
                    vec![]
                }
                None => self.key(other, cx),
            },
        }
    }

    fn render(&self, view: &View, frame: &mut Frame, area: Rect) {
        match &self.detail {
            Some(d) => d.render(view, frame, area),
            None => self.render_list(view, frame, area),
        }
    }

    fn hint(&self) -> K {
        match &self.detail {
            Some(d) => d.hint(),
            None => K::HintPartners,
        }
    }

    fn help(&self) -> HelpFor {
        match &self.detail {
            Some(d) => d.help(),
            None => HelpFor::Partners,
        }
    }

    fn open(&mut self, what: &Open, cx: &mut Cx) -> Vec<Effect> {
        match what {
            Open::Partner(code) => self.show(code.clone(), cx),
            Open::Tree(_) => vec![],
        }
    }

    fn enter(&mut self, _again: bool, cx: &mut Cx) -> Vec<Effect> {
        if !self.list.loaded && self.list.pending.is_none() {
            return self.refilter(cx);
        }
        if !self.stale {
            return vec![];
        }
        // Balances changed since this page was read: read it (and an open detail) again.
        self.stale = false;
        let mut out = self.reload(cx);
        if let Some(d) = self.detail.as_mut() {
            out.extend(d.reload(cx));
        }
        out
    }

    fn resized(&mut self, before: u16, cx: &mut Cx) -> Vec<Effect> {
        if let Some(d) = self.detail.as_mut() {
            d.clamp(partner_detail::visible_rows(cx.height));
        }
        if paging::page_rows(before) == paging::page_rows(cx.height) || !self.list.loaded {
            return vec![];
        }
        // A different page height: the same page again at the new size.
        let (page, no) = (self.page.clone(), self.page_no);
        self.load(cx, page, Land::Keep, no)
    }

    fn ledger_changed(&mut self) {
        self.stale = true;
    }

    fn back(&mut self) -> bool {
        self.detail.take().is_some()
    }

    fn clear_search(&mut self, cx: &mut Cx) -> Option<Vec<Effect>> {
        match self.detail.as_mut() {
            // An open detail's own search; with none, Esc closes the detail.
            Some(d) => d.clear_search(cx),
            None => self.search.clear().then(|| self.refilter(cx)),
        }
    }

    fn waiting(&self) -> bool {
        match &self.detail {
            Some(d) => d.waiting(),
            None => self.list.waiting(),
        }
    }

    fn field(&self) -> Option<(K, &Input)> {
        match &self.detail {
            Some(d) => d.field(),
            None => self.search.input.as_ref().map(|i| (K::SearchPrompt, i)),
        }
    }

    fn tabs_inside(&self) -> bool {
        self.detail.is_some()
    }
}

impl PartnersState {
    fn render_list(&self, view: &View, frame: &mut Frame, area: Rect) {
        let lang = view.lang;
        let p = &self.list;
        let [title, body] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);

        let mut parts = vec![
            format!("{}: {} {}", t(lang, K::Sort), i18n::sort(lang, self.sort), arrow(self.desc)),
            format!("{}: {}", t(lang, K::Filter), i18n::status_filter(lang, self.status)),
        ];
        if let Some(s) = &self.search.applied {
            parts.push(i18n::search_shown(lang, s));
        }
        parts.push(i18n::amounts_in(lang));
        let found = p.count.map(|c| i18n::found(lang, Found::Partners, c.n, None));
        let marks = found.into_iter().collect();
        p.render_title(view, frame, title, Title { name: K::TabPartners, page: self.page_no.max(1), parts, marks });

        // The amounts stay longest, then the code and the name; on a wide terminal the phone,
        // the contract and the registration date are shown beside them.
        // The sorted column says which way it runs.
        let head = |k: K, by: Sort| match self.sort == by {
            true => format!("{} {}", t(lang, k), arrow(self.desc)),
            false => t(lang, k).to_string(),
        };
        let columns = [
            Column::text(head(K::Code, Sort::Code), 6, 12, 7),
            Column::text(head(K::Name, Sort::Name), 6, 24, 5),
            Column::whole(t(lang, K::Status), 4),
            Column::number(t(lang, K::Pending), 6),
            Column::number(t(lang, K::Available), 9),
            Column::whole(t(lang, K::Phone), 2),
            Column::whole(t(lang, K::Contract), 3),
            Column::whole(head(K::Registered, Sort::Registered), 1),
        ];
        let rows: Vec<Vec<Cell>> = p
            .rows
            .iter()
            .map(|r| {
                vec![
                    Cell::new(&r.code),
                    Cell::new(&r.name),
                    Cell::new(i18n::standing(lang, r.status, r.frozen)),
                    money(view, r.pending),
                    money(view, r.available),
                    Cell::new(r.phone.as_deref().unwrap_or("—")),
                    Cell::new(t(lang, if r.has_contract { K::Yes } else { K::No })),
                    Cell::new(i18n::date_ms(lang, view.tz, r.registered_at)),
                ]
            })
            .collect();
        p.render_cells(view, frame, body, &columns, &rows, self.search.applied.is_some());
    }
}

#[cfg(test)]
#[path = "partners_tests.rs"]
mod tests;
