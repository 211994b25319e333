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
mod tests {
    use super::*;
    use crate::domain::Lang;
    use crate::tui::app::{App, Mode};
    use crate::tui::fixtures::*;
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use tui_input::InputRequest;

    fn typed(app: &mut App, text: &str) -> Vec<Effect> {
        text.chars().flat_map(|c| app.update(Action::Edit(InputRequest::InsertChar(c)))).collect()
    }

    /// The search the partners load `fx` asks for, and its request id.
    fn load(fx: &[Effect]) -> (u64, Option<String>) {
        match fx.first() {
            Some(Effect::LoadPartners { req, query }) => (*req, query.search.clone()),
            other => panic!("no partners load: {other:?}"),
        }
    }

    fn key(app: &mut App, code: KeyCode) -> Vec<Effect> {
        app.key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    fn keys(app: &mut App, text: &str) -> Vec<Effect> {
        text.chars().flat_map(|c| key(app, KeyCode::Char(c))).collect()
    }

    fn rows(codes: &[&str]) -> Vec<PartnerRow> {
        codes.iter().zip(partner_rows(codes.len())).map(|(c, r)| PartnerRow { code: c.to_string(), ..r }).collect()
    }

    #[test]
    fn search_applies_live_after_a_pause_in_typing_and_a_stale_timer_is_ignored() {
        let mut app = partners_listed(3);
        app.update(Action::Search);
        assert_eq!(app.mode(), Mode::Typing);
        let fx = typed(&mut app, "as");
        let timers: Vec<(u64, String, u64)> = fx
            .iter()
            .map(|e| match e {
                Effect::Debounce { req, screen: Screen::Partners, text, ms } => (*req, text.clone(), *ms),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(timers.iter().map(|t| (t.1.as_str(), t.2)).collect::<Vec<_>>(), vec![("a", 150), ("as", 150)]);
        assert_eq!(app.screens.partners.search.applied, None, "nothing applies while the keys come");
        // The first key's timer comes back after the second key: stale, nothing read.
        let (old, new) = (&timers[0], &timers[1]);
        assert!(app.update(Action::SearchDue { screen: Screen::Partners, req: old.0, text: old.1.clone() }).is_empty());
        assert!(!app.redraw);
        let fx = app.update(Action::SearchDue { screen: Screen::Partners, req: new.0, text: new.1.clone() });
        assert_eq!(load(&fx).1.as_deref(), Some("as"), "the pause applies the text typed, still typing");
        assert_eq!(app.mode(), Mode::Typing);
        // Enter keeps what live search applied: no second read of the same search.
        assert!(app.update(Action::Submit).is_empty());
        assert_eq!((app.mode(), app.screens.partners.search.applied.as_deref()), (Mode::Normal, Some("as")));
        // Deleting the text back to nothing applies no search.
        app.update(Action::Search);
        let fx = typed(&mut app, "x");
        let Some(Effect::Debounce { req, .. }) = fx.first().cloned() else { panic!("{fx:?}") };
        app.update(Action::Edit(InputRequest::DeletePrevChar));
        assert!(app.update(Action::SearchDue { screen: Screen::Partners, req, text: "x".into() }).is_empty());
        let fx = app.update(Action::Submit);
        assert_eq!(load(&fx).1, None);
    }

    #[test]
    fn slash_starts_empty_esc_while_typing_restores_and_esc_after_clears() {
        let mut app = partners_listed(3);
        app.update(Action::Search);
        typed(&mut app, "ase");
        let fx = app.update(Action::Submit);
        assert_eq!(load(&fx).1.as_deref(), Some("ase"));
        // `/` again: an empty line, so typing replaces the search instead of appending to it.
        app.update(Action::Search);
        assert_eq!(app.screens.partners.search.input.as_ref().map(|i| i.value()), Some(""));
        let fx = typed(&mut app, "bau");
        let Some(Effect::Debounce { req, text, .. }) = fx.last().cloned() else { panic!("{fx:?}") };
        let fx = app.update(Action::SearchDue { screen: Screen::Partners, req, text });
        assert_eq!(load(&fx).1.as_deref(), Some("bau"));
        // The first Esc cancels the typing and puts back the search from before `/`.
        let fx = app.update(Action::CancelInput);
        assert_eq!(load(&fx).1.as_deref(), Some("ase"));
        assert_eq!(app.mode(), Mode::Normal);
        // Esc with the search applied and nothing typed clears it and reads the list again.
        let fx = app.update(Action::Back);
        assert_eq!(load(&fx).1, None);
        assert_eq!(app.screens.partners.search.applied, None);
        assert!(app.update(Action::Back).is_empty(), "nothing left to clear");
        assert!(!app.quit, "Esc does not quit");
        // Esc while typing with nothing applied live changes nothing.
        app.update(Action::Search);
        typed(&mut app, "q");
        assert!(app.update(Action::CancelInput).is_empty());
    }

    #[test]
    fn enter_after_a_search_opens_the_new_searchs_first_row_not_the_old_highlight() {
        // The demo's report: `/ Мусина Enter`, then `/ <phone> Enter Enter` in one write.
        let mut app = app(Lang::En);
        let fx = key(&mut app, KeyCode::Char('2'));
        let (first, _) = load(&fx);
        let fx = keys(&mut app, "/Мусина");
        assert_eq!(fx.len(), "Мусина".chars().count(), "typing does not wait for the rows: {fx:?}");
        let (musina, search) = load(&key(&mut app, KeyCode::Enter));
        assert_eq!(search.as_deref(), Some("Мусина"));
        keys(&mut app, "/");
        app.key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        keys(&mut app, "7473758878");
        let (phone, search) = load(&key(&mut app, KeyCode::Enter));
        assert_eq!(search.as_deref(), Some("7473758878"));
        assert!(key(&mut app, KeyCode::Enter).is_empty(), "Enter waits for the rows of the phone search");
        assert_eq!(app.queued.len(), 1);
        // The superseded answers come: dropped, and the Enter still waits.
        app.update(Action::PartnersLoaded(first, Ok(rows(&["CODE00", "CODE01"]))));
        app.update(Action::PartnersLoaded(musina, Ok(rows(&["BOTAGOZ26", "MADINA26"]))));
        assert!(app.screens.partners.detail.is_none() && app.screens.partners.list.rows.is_empty());
        let fx = app.update(Action::PartnersLoaded(phone, Ok(rows(&["AZAMAT25"]))));
        assert!(matches!(fx.as_slice(), [Effect::LoadDetail { code, .. }] if code == "AZAMAT25"), "{fx:?}");
        assert_eq!(app.screens.partners.detail.as_ref().map(|d| d.code.as_str()), Some("AZAMAT25"));
        assert!(app.queued.is_empty());
    }

    #[test]
    fn movement_and_enter_wait_for_the_rows_and_are_replayed_in_order() {
        let mut app = partners_listed(3);
        assert_eq!(app.screens.partners.list.current().map(|r| r.code.as_str()), Some("CODE00"));
        let (req, _) = load(&key(&mut app, KeyCode::Char('s')));
        assert!(app.screens.partners.list.current().is_none(), "the old rows are not the current query's");
        // Down, Down, Enter, then `/`: all wait, in order, even `/` behind them.
        keys(&mut app, "jj");
        key(&mut app, KeyCode::Enter);
        keys(&mut app, "/x");
        assert_eq!(app.queued.len(), 5);
        assert_eq!(app.screens.partners.list.sel, 0, "the old rows did not move");
        let fx = app.update(Action::PartnersLoaded(req, Ok(rows(&["AA1", "BB2", "CC3", "DD4"]))));
        assert!(matches!(fx.first(), Some(Effect::LoadDetail { code, .. }) if code == "CC3"), "{fx:?}");
        // `/` and `x` wait for the detail, then mean nothing there.
        assert_eq!(app.queued.len(), 2);
        let Some(Effect::LoadDetail { req, .. }) = fx.first().cloned() else { panic!() };
        app.update(Action::DetailLoaded(req, Ok(Box::new(detail()))));
        assert!(app.queued.is_empty());
        assert_eq!(app.mode(), Mode::Normal);
        // Ctrl-C never waits.
        let (_, _) =
            load(&app.update(Action::Back).into_iter().chain(key(&mut app, KeyCode::Char('s'))).collect::<Vec<_>>());
        key(&mut app, KeyCode::Enter);
        app.key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
        assert!(app.quit);
    }

    #[test]
    fn keyset_paging_asks_for_the_next_rows_after_the_last_one() {
        let mut app = app(Lang::En);
        let fx = app.update(Action::GoTo(Screen::Partners));
        let Some(Effect::LoadPartners { req, query }) = fx.first().cloned() else { panic!() };
        assert_eq!(query.limit, 20);
        app.update(Action::PartnersLoaded(req, Ok(partner_rows(20))));
        assert_eq!(app.screens.partners.list.rows.len(), 19, "the extra row only says that more follow");
        assert!(app.screens.partners.list.has_next && !app.screens.partners.list.has_prev);
        let fx = app.update(Action::PageDown);
        let Some(Effect::LoadPartners { req, query }) = fx.first().cloned() else { panic!() };
        let last = &app.screens.partners.list.rows[18];
        assert_eq!(query.cursor, Some(last.cursor(query.sort)));
        assert!(!query.backward);
        app.update(Action::PartnersLoaded(req, Ok(partner_rows(5))));
        assert_eq!(
            (app.screens.partners.page_no, app.screens.partners.list.has_next, app.screens.partners.list.has_prev),
            (2, false, true)
        );
        // Back: the rows before the first one, and a short answer means the first page.
        let fx = app.update(Action::PageUp);
        let Some(Effect::LoadPartners { req, query }) = fx.first().cloned() else { panic!() };
        assert!(query.backward);
        let fx = app.update(Action::PartnersLoaded(req, Ok(partner_rows(3))));
        assert!(
            matches!(fx.first(), Some(Effect::LoadPartners { query, .. }) if query.cursor.is_none() && !query.backward)
        );
    }

    #[test]
    fn end_reads_the_last_page_and_home_the_first() {
        let mut app = partners_listed(20);
        let count = app.screens.partners.list.counting.unwrap_or(0);
        app.update(Action::PartnersCounted(count, Ok(100)));
        assert_eq!(app.screens.partners.list.pages(), Some(6));
        let fx = app.update(Action::End);
        let Some(Effect::LoadPartners { req, query }) = fx.first().cloned() else { panic!("{fx:?}") };
        assert!(query.backward && query.cursor.is_none(), "the last rows, read back from the end");
        app.update(Action::PartnersLoaded(req, Ok(partner_rows(20))));
        let p = &app.screens.partners;
        assert_eq!((p.page_no, p.list.has_prev, p.list.has_next, p.list.sel), (6, true, false, 18));
        assert!(app.update(Action::Down).is_empty(), "nothing after the last page");
        let fx = app.update(Action::Home);
        assert!(
            matches!(fx.first(), Some(Effect::LoadPartners { query, .. }) if query.cursor.is_none() && !query.backward)
        );
    }

    #[test]
    fn capital_s_turns_the_sort_round_and_pages_go_on_in_that_order() {
        let mut app = partners_listed(20);
        let fx = app.update(Action::SortDirection);
        let Some(Effect::LoadPartners { req, query }) = fx.first().cloned() else { panic!("{fx:?}") };
        assert!(query.desc && query.cursor.is_none());
        app.update(Action::PartnersLoaded(req, Ok(partner_rows(20))));
        let fx = app.update(Action::PageDown);
        let Some(Effect::LoadPartners { query, .. }) = fx.first().cloned() else { panic!("{fx:?}") };
        assert!(query.desc && !query.backward && query.cursor.is_some(), "the next page keeps the direction");
        // A new column starts from its own first row, in the direction chosen.
        let fx = app.update(Action::Sort);
        assert!(
            matches!(fx.first(), Some(Effect::LoadPartners { query, .. }) if query.desc && query.sort == Sort::Code)
        );
    }

    #[test]
    fn a_new_status_is_counted_and_a_stale_count_dropped() {
        let mut app = partners_listed(3);
        let old = app.screens.partners.list.counting.unwrap_or(0);
        let fx = app.update(Action::Filter);
        let Some(Effect::CountPartners { req, query }) = fx.get(1).cloned() else { panic!("{fx:?}") };
        assert_eq!(query.status, Some(Status::Active));
        app.update(Action::PartnersCounted(old, Ok(300)));
        assert_eq!(app.screens.partners.list.count, None, "the count of the old status is dropped");
        app.update(Action::PartnersCounted(req, Ok(291)));
        assert_eq!(app.screens.partners.list.count.map(|c| c.n), Some(291));
    }
}
