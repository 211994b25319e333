//! Screen 2: the partners, a page at a time by keyset cursor (never OFFSET, never everything),
//! with search, sort and a status filter. A page back is read backward from the first row
//! shown. Enter opens the detail, which then has the screen until Esc.
use super::partner_detail::{self, DetailState};
use crate::service::partners::{Cursor, ListQuery, PartnerRow, Sort, Status};
use crate::tui::action::{Action, Effect, Screen};
use crate::tui::component::{Component, Cx};
use crate::tui::i18n::{self, HelpFor, K, t};
use crate::tui::paging::{self, Land, List, Step};
use crate::tui::search::{Handled, SearchLine};
use crate::tui::widgets::{MARK, View, fit, right};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Row;
use tui_input::Input;
use unicode_width::UnicodeWidthStr;

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
    /// How the page shown was asked for, and its number.
    pub page: PageReq,
    pub page_no: usize,
    pub detail: Option<DetailState>,
    /// A change was written since the partners were read: read them again when shown.
    pub stale: bool,
}

impl PartnersState {
    fn load(&mut self, cx: &mut Cx, page: PageReq, land: Land, page_no: usize) -> Vec<Effect> {
        let (search, status, sort) = (self.search.applied.clone(), self.status, self.sort);
        let (cursor, backward) = (page.cursor.clone(), page.backward);
        let (req, limit) = self.list.ask(cx, (page, page_no), land);
        vec![Effect::LoadPartners { req, query: ListQuery { search, status, sort, cursor, backward, limit } }]
    }

    fn first_page(&mut self, cx: &mut Cx) -> Vec<Effect> {
        self.load(cx, PageReq::default(), Land::First, 1)
    }

    /// The page shown, read again.
    fn reload(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let (page, no) = (self.page.clone(), self.page_no.max(1));
        self.load(cx, page, Land::Keep, no)
    }

    fn turn(&mut self, cx: &mut Cx, step: Step) -> Vec<Effect> {
        let (rows, sort, no) = (&self.list.rows, self.sort, self.page_no);
        let (row, backward, no, land) = match step {
            Step::Stay => return vec![],
            Step::First => return self.first_page(cx),
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
            self.list.has_next = true;
        } else {
            self.list.cut(&mut rows, limit);
            self.list.has_prev = page.cursor.is_some();
            self.page_no = page_no;
        }
        self.list.show(rows, pend.land, |a, b| a.account_id == b.account_id);
        self.page = page;
        vec![]
    }

    fn key(&mut self, action: Action, cx: &mut Cx) -> Vec<Effect> {
        if let Some(step) = self.list.step(&action) {
            return self.turn(cx, step);
        }
        match action {
            Action::Reload => self.reload(cx),
            Action::Search => {
                self.search.open();
                vec![]
            }
            Action::Sort => {
                self.sort = self.sort.next();
                self.first_page(cx)
            }
            Action::Filter => {
                self.status = match self.status {
                    None => Some(Status::Active),
                    Some(Status::Active) => Some(Status::CodeDeactivated),
                    Some(Status::CodeDeactivated) => Some(Status::Excluded),
                    Some(Status::Excluded) => None,
                };
                self.first_page(cx)
            }
            Action::Enter => {
                let Some(row) = self.list.current() else { return vec![] };
                let mut detail = DetailState::new(row.code.clone());
                let fx = detail.reload(cx);
                self.detail = Some(detail);
                fx
            }
            _ => vec![],
        }
    }
}

impl Component for PartnersState {
    fn update(&mut self, action: Action, cx: &mut Cx) -> Vec<Effect> {
        match action {
            Action::PartnersLoaded(req, res) => self.loaded(cx, req, res),
            // The detail has its own search lines.
            a @ (Action::Edit(_) | Action::SearchDue { .. } | Action::Submit | Action::CancelInput)
                if self.detail.is_some() =>
            {
                self.detail.as_mut().map(|d| d.update(a, cx)).unwrap_or_default()
            }
            a @ (Action::Edit(_) | Action::SearchDue { .. } | Action::Submit | Action::CancelInput) => {
                match self.search.handle(a, Screen::Partners, cx) {
                    Handled::Changed => self.first_page(cx),
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

    fn enter(&mut self, _again: bool, cx: &mut Cx) -> Vec<Effect> {
        if !self.list.loaded && self.list.pending.is_none() {
            return self.first_page(cx);
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
            None => self.search.clear().then(|| self.first_page(cx)),
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

const GAP: u16 = 1;

impl PartnersState {
    fn render_list(&self, view: &View, frame: &mut Frame, area: Rect) {
        let (lang, theme) = (view.lang, view.theme);
        let p = &self.list;
        let [title, body] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);

        let mut parts = vec![
            format!("{}: {}", t(lang, K::Sort), i18n::sort(lang, self.sort)),
            format!("{}: {}", t(lang, K::Filter), i18n::status_filter(lang, self.status)),
        ];
        if let Some(s) = &self.search.applied {
            parts.push(i18n::search_shown(lang, s));
        }
        parts.push(i18n::amounts_in(lang));
        p.render_title(view, frame, title, K::TabPartners, self.page_no.max(1), parts);

        // Column widths: the fixed ones from their content, the name takes what is left.
        // Amounts without the currency (the title names it), at least 12 columns so that the
        // columns stay put from page to page.
        let h_pending = t(lang, K::Pending).to_string();
        let h_available = t(lang, K::Available).to_string();
        // Fixed, so that the columns stay put from page to page; a longer code ends in `…`.
        let code_w = t(lang, K::Code).width().max(12);
        let status_w = [Status::Active, Status::CodeDeactivated, Status::Excluded]
            .iter()
            .map(|s| i18n::status(lang, *s).width())
            .max()
            .unwrap_or(0)
            .max(t(lang, K::Status).width());
        let amount_w = |h: &str, f: &dyn Fn(&PartnerRow) -> String| {
            p.rows.iter().map(|r| f(r).width()).max().unwrap_or(0).max(h.width()).max(12)
        };
        let pending_w = amount_w(&h_pending, &|r| r.pending.display_bare(lang));
        let avail_w = amount_w(&h_available, &|r| r.available.display_bare(lang));
        let fixed = MARK.len() + code_w + status_w + pending_w + avail_w + 4 * GAP as usize;
        let name_w = (body.width as usize).saturating_sub(fixed).max(4);

        let rows: Vec<Row> = p
            .rows
            .iter()
            .map(|r| {
                let available = right(r.available.display_bare(lang));
                Row::new(vec![
                    Line::raw(fit(&r.code, code_w)),
                    Line::raw(fit(&r.name, name_w)),
                    Line::raw(i18n::status(lang, r.status)),
                    right(r.pending.display_bare(lang)),
                    available,
                ])
            })
            .collect();
        let header = Row::new(vec![
            Line::raw(t(lang, K::Code)),
            Line::raw(t(lang, K::Name)),
            Line::raw(t(lang, K::Status)),
            right(h_pending),
            right(h_available),
        ])
        .style(theme.header());
        let widths = [code_w, name_w, status_w, pending_w, avail_w].map(|w| Constraint::Length(w as u16));
        p.render_rows(view, frame, body, rows, header, &widths);
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
}
