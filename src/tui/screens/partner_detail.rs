//! The partner detail (opened from screen 2): profile, contract, balance by state, statistics and
//! open cases; the ledger; the referred clients. Three sections, Tab/←/→ between them. The
//! ledger and the clients are read a page at a time, on as the highlight nears the last row read.
use crate::domain::Lang;
use crate::domain::partner::search_text;
use crate::service::export::ExportOf;
use crate::service::partners::{DetailPage, Find, More, Part, PartnerDetail};
use crate::tui::action::{Action, Effect, Open, Screen};
use crate::tui::component::{Component, Cx, MsgKind, Read, copy};
use crate::tui::i18n::{self, HelpFor, K, t};
use crate::tui::paging;
use crate::tui::screens::partner_sections;
use crate::tui::search::{Handled, SearchLine, ledger_find};
use crate::tui::widgets::{Scroll, View, fit};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use tui_input::Input;
use unicode_width::UnicodeWidthStr;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Section {
    #[default]
    Profile,
    Ledger,
    Clients,
}

impl Section {
    fn next(self) -> Section {
        match self {
            Section::Profile => Section::Ledger,
            Section::Ledger => Section::Clients,
            Section::Clients => Section::Profile,
        }
    }

    fn prev(self) -> Section {
        match self {
            Section::Profile => Section::Clients,
            Section::Ledger => Section::Profile,
            Section::Clients => Section::Ledger,
        }
    }
}

/// Rows of a table inside the detail on a terminal of `height` lines: the list's five lines
/// around it and the section line.
pub fn visible_rows(height: u16) -> usize {
    paging::rows(height, 6)
}

#[derive(Debug)]
pub struct DetailState {
    pub code: String,
    pub partner: Read<PartnerDetail>,
    /// A next page of the ledger or clients on its way.
    pub page_pending: Option<u64>,
    /// A section's rows for a new search on their way: the rows shown are a superseded search's.
    pub find_pending: Option<u64>,
    pub section: Section,
    pub ledger: Scroll,
    pub clients: Scroll,
    /// The `/` lines of the ledger and of the clients.
    pub searches: [SearchLine; 2],
    /// The reload asked for with `r`, whose answer says so on the message line.
    pub announce: Option<u64>,
}

impl DetailState {
    /// The detail of the partner with `code`, not read yet: [`DetailState::reload`] reads it.
    pub fn new(code: String) -> DetailState {
        DetailState {
            code,
            partner: Read::default(),
            page_pending: None,
            find_pending: None,
            section: Section::Profile,
            ledger: Scroll::default(),
            clients: Scroll::default(),
            searches: Default::default(),
            announce: None,
        }
    }

    /// Which of the search lines the section shown has (the profile has none).
    fn slot(&self) -> Option<usize> {
        match self.section {
            Section::Profile => None,
            Section::Ledger => Some(0),
            Section::Clients => Some(1),
        }
    }

    fn line(&mut self) -> Option<&mut SearchLine> {
        let i = self.slot()?;
        Some(&mut self.searches[i])
    }

    /// The search applied to the section shown.
    fn applied(&self) -> Option<&str> {
        self.searches[self.slot()?].applied.as_deref()
    }

    /// What the section shown is searched for, as the services take it.
    fn find(&self, lang: Lang) -> Option<Find> {
        let text = self.applied()?;
        Some(if self.section == Section::Ledger {
            Find::Ledger(ledger_find(text, lang))
        } else {
            Find::Clients(search_text(text))
        })
    }

    /// The section shown read again from its first row, for its search (or with none); a page
    /// on its way is dropped.
    fn searched(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let part = match self.section {
            Section::Ledger => Part::Ledger,
            Section::Clients => Part::Clients,
            Section::Profile => return vec![],
        };
        let Some(account_id) = self.partner.data.as_ref().map(|d| d.account_id.clone()) else { return vec![] };
        let req = cx.req();
        self.page_pending = None;
        self.find_pending = Some(req);
        vec![Effect::FindInDetail { req, account_id, part, find: self.find(cx.view.lang) }]
    }

    /// A section's first page for a search: it replaces the rows, and the count is of matches.
    fn found(&mut self, page: DetailPage, total: i64, rows: usize) {
        let Some(d) = self.partner.data.as_mut() else { return };
        match page {
            DetailPage::Ledger(lines) => (d.ledger, d.ledger_total, self.ledger) = (lines, total, Scroll::default()),
            DetailPage::Clients(lines) => {
                (d.clients, d.clients_total, self.clients) = (lines, total, Scroll::default())
            }
        }
        self.clamp(rows);
    }

    /// Esc with a search applied to the section shown: clears it and reads the section again.
    pub fn clear_search(&mut self, cx: &mut Cx) -> Option<Vec<Effect>> {
        let cleared = self.line()?.clear();
        cleared.then(|| self.searched(cx))
    }

    /// Reads the partner afresh; a page of the old reading still on its way is dropped. The
    /// searches applied are dropped too: a reading shows every row.
    pub fn reload(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let req = self.partner.ask(cx);
        self.page_pending = None;
        self.find_pending = None;
        self.searches = Default::default();
        vec![Effect::LoadDetail { req, code: self.code.clone() }]
    }

    /// Moves the highlight of the current section's table by `delta` rows.
    fn scroll(&mut self, delta: isize, visible: usize) {
        let Some(d) = &self.partner.data else { return };
        match self.section {
            Section::Profile => {}
            Section::Ledger => self.ledger = self.ledger.moved(delta, d.ledger.len(), visible),
            Section::Clients => self.clients = self.clients.moved(delta, d.clients.len(), visible),
        }
    }

    /// The page to read next for the section on screen, if its highlight is near the last row read.
    fn wants_more(&self, visible: usize) -> Option<(String, More)> {
        let d = self.partner.data.as_ref()?;
        let (scroll, read, total) = match self.section {
            Section::Profile => return None,
            Section::Ledger => (self.ledger, d.ledger.len(), d.ledger_total),
            Section::Clients => (self.clients, d.clients.len(), d.clients_total),
        };
        if !paging::reads_on(scroll, visible, read, total) {
            return None;
        }
        let more = match self.section {
            Section::Ledger => More::after_ledger(&d.ledger),
            _ => More::after_clients(&d.clients),
        }?;
        Some((d.account_id.clone(), more))
    }

    /// Asks for the next page of the section on screen when it wants one and nothing is on its way.
    fn more(&mut self, cx: &mut Cx) -> Vec<Effect> {
        if self.partner.pending.is_some() || self.page_pending.is_some() || self.find_pending.is_some() {
            return vec![];
        }
        let Some((account_id, more)) = self.wants_more(visible_rows(cx.height)) else { return vec![] };
        let req = cx.req();
        self.page_pending = Some(req);
        vec![Effect::LoadDetailPage { req, account_id, more, find: self.find(cx.view.lang) }]
    }

    /// Adds a page read on to its section. An empty page means the rest is gone (cannot happen
    /// to an append-only ledger); the total then follows what was read, so no more is asked.
    fn append(&mut self, page: DetailPage) {
        let Some(d) = self.partner.data.as_mut() else { return };
        match page {
            DetailPage::Ledger(lines) if lines.is_empty() => d.ledger_total = d.ledger.len() as i64,
            DetailPage::Ledger(lines) => d.ledger.extend(lines),
            DetailPage::Clients(lines) if lines.is_empty() => d.clients_total = d.clients.len() as i64,
            DetailPage::Clients(lines) => d.clients.extend(lines),
        }
    }

    /// The ledger entry's and the client's ids under the highlights.
    fn highlighted(&self) -> (Option<i64>, Option<String>) {
        let Some(d) = &self.partner.data else { return (None, None) };
        (d.ledger.get(self.ledger.sel).map(|l| l.id), d.clients.get(self.clients.sel).map(|c| c.account_id.clone()))
    }

    /// After a new reading: the highlights back on the rows they were on, where those are read.
    fn keep(&mut self, (entry, client): (Option<i64>, Option<String>), visible: usize) {
        if let Some(d) = &self.partner.data {
            if let Some(i) = entry.and_then(|id| d.ledger.iter().position(|l| l.id == id)) {
                self.ledger.sel = i;
            }
            if let Some(i) = client.and_then(|id| d.clients.iter().position(|c| c.account_id == id)) {
                self.clients.sel = i;
            }
        }
        self.clamp(visible);
    }

    /// e: the ledger or the clients, all that its search finds (all of them without one), to a
    /// CSV file.
    fn export(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let Some(d) = &self.partner.data else { return vec![] };
        let (account_id, code) = (d.account_id.clone(), d.code.clone());
        let find = self.find(cx.view.lang);
        let of = match self.section {
            Section::Ledger => ExportOf::Ledger { account_id, code, find },
            Section::Clients => ExportOf::Clients { account_id, code, find },
            Section::Profile => {
                cx.info(K::NothingToExport);
                return vec![];
            }
        };
        cx.info(K::Exporting);
        vec![Effect::Export(of)]
    }

    /// y: the partner's code on the profile, the entry's bonus (else payment) id in the ledger,
    /// the client's account id in the clients.
    fn copy(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let Some(d) = &self.partner.data else { return vec![] };
        let text = match self.section {
            Section::Profile => Some(d.code.clone()),
            Section::Ledger => {
                d.ledger.get(self.ledger.sel).and_then(|l| l.bonus_id.map(|b| b.to_string()).or(l.payment_id.clone()))
            }
            Section::Clients => d.clients.get(self.clients.sel).map(|c| c.account_id.clone()),
        };
        copy(cx, text)
    }

    /// The section tabs as drawn, each with its label: `[shown]`, ` other `, one space between.
    fn section_tabs(&self, lang: Lang, d: &PartnerDetail) -> [(Section, String); 3] {
        [
            (Section::Profile, t(lang, K::SectionProfile).to_string()),
            (Section::Ledger, format!("{} ({})", t(lang, K::SectionLedger), d.ledger_total)),
            (Section::Clients, format!("{} ({})", t(lang, K::SectionClients), d.clients_total)),
        ]
        .map(|(s, label)| (s, if s == self.section { format!("[{label}]") } else { format!(" {label} ") }))
    }

    /// The section whose tab is drawn at `column`.
    fn section_at(&self, lang: Lang, column: u16) -> Option<Section> {
        let d = self.partner.data.as_ref()?;
        let mut x = 0usize;
        for (s, label) in self.section_tabs(lang, d) {
            let w = label.width();
            if (x..x + w).contains(&(column as usize)) {
                return Some(s);
            }
            x += w + 1;
        }
        None
    }

    /// A click on the `i`th line under the section tabs: the header, then the rows shown.
    fn pick(&mut self, i: usize, visible: usize) {
        let scroll = match self.section {
            Section::Profile => return,
            Section::Ledger => self.ledger,
            Section::Clients => self.clients,
        };
        if let Some(row) = i.checked_sub(1) {
            let target = scroll.offset + row;
            let len = self.partner.data.as_ref().map_or(0, |d| match self.section {
                Section::Ledger => d.ledger.len(),
                _ => d.clients.len(),
            });
            if target < len && row < visible {
                self.scroll(target as isize - scroll.sel as isize, visible);
            }
        }
    }

    /// Keeps both highlights inside the data and in view (new data, new height).
    pub fn clamp(&mut self, visible: usize) {
        let Some(d) = &self.partner.data else { return };
        self.ledger = self.ledger.moved(0, d.ledger.len(), visible);
        self.clients = self.clients.moved(0, d.clients.len(), visible);
    }
}

impl Component for DetailState {
    fn update(&mut self, action: Action, cx: &mut Cx) -> Vec<Effect> {
        let rows = visible_rows(cx.height);
        match action {
            Action::DetailLoaded(req, res) => {
                // The rows highlighted before stay highlighted where they are still read.
                let kept = self.highlighted();
                if self.partner.answer(cx, req, res) {
                    self.keep(kept, rows);
                    if self.announce.take_if(|r| *r == req).is_some() {
                        let code = self.partner.data.as_ref().map_or(&self.code, |d| &d.code);
                        let what = i18n::Reloaded::Partner(code.clone());
                        cx.say(MsgKind::Info, i18n::reloaded(cx.view.lang, &what));
                    }
                }
                return vec![];
            }
            Action::DetailPageLoaded(req, res) => {
                if !cx.awaited(&mut self.page_pending, req) {
                    return vec![];
                }
                match res {
                    Ok(page) => self.append(page),
                    Err(e) => cx.load_failed(&e),
                }
                // The highlight may sit on the last row, waiting for this page to move on.
            }
            Action::DetailFound(req, res) => {
                if !cx.awaited(&mut self.find_pending, req) {
                    return vec![];
                }
                match res {
                    Ok((page, total)) => self.found(page, total, rows),
                    Err(e) => cx.load_failed(&e),
                }
            }
            Action::Search => {
                if let Some(line) = self.line() {
                    line.open();
                }
                return vec![];
            }
            a @ (Action::Edit(_) | Action::SearchDue { .. } | Action::Submit | Action::CancelInput) => {
                return match self.line().map(|l| l.handle(a, Screen::Partners, cx)) {
                    Some(Handled::Done(fx)) => fx,
                    Some(Handled::Changed) => self.searched(cx),
                    _ => vec![],
                };
            }
            Action::PickSection(column) => {
                if let Some(s) = self.section_at(cx.view.lang, column) {
                    self.section = s;
                }
            }
            Action::Pick(i) => self.pick(i, rows),
            Action::Right => self.section = self.section.next(),
            Action::Left => self.section = self.section.prev(),
            Action::Down => self.scroll(1, rows),
            Action::Up => self.scroll(-1, rows),
            Action::PageDown => self.scroll(rows as isize, rows),
            Action::PageUp => self.scroll(-(rows as isize), rows),
            Action::Home => self.scroll(isize::MIN / 2, rows),
            // The last row read; the next page is then read on, and G again goes further.
            Action::End => self.scroll(isize::MAX / 2, rows),
            Action::Reload => {
                let fx = self.reload(cx);
                self.announce = self.partner.pending;
                return fx;
            }
            Action::Refresh if self.partner.pending.is_none() && self.page_pending.is_none() => {
                return self.reload(cx);
            }
            Action::Export => return self.export(cx),
            Action::Copy => return self.copy(cx),
            Action::Tree => cx.open = Some(Open::Tree(self.code.clone())),
            _ => {}
        }
        self.more(cx)
    }

    fn render(&self, view: &View, frame: &mut Frame, area: Rect) {
        let lang = view.lang;
        let theme = view.theme;
        let [title, sections, body] =
            Layout::vertical([Constraint::Length(1), Constraint::Length(1), Constraint::Fill(1)]).areas(area);

        let Some(d) = &self.partner.data else {
            frame.render_widget(Line::styled(fit(&self.code, area.width as usize), theme.title()), title);
            frame.render_widget(Paragraph::new(fit(&self.partner.missing(lang), area.width as usize)), body);
            return;
        };

        let mut head = format!("{} · {} · {}", d.code, d.name, i18n::standing(lang, d.status, d.open_cases > 0));
        if let Some(text) = self.applied() {
            head = format!("{head} · {}", i18n::search_shown(lang, text));
        }
        if self.partner.pending.is_some() || self.page_pending.is_some() || self.find_pending.is_some() {
            head = format!("{head} · {}", t(lang, K::Loading));
        }
        frame.render_widget(Line::styled(fit(&head, area.width as usize), theme.title()), title);

        let spans: Vec<Span> = self
            .section_tabs(lang, d)
            .into_iter()
            .flat_map(|(s, label)| {
                let span = if s == self.section { Span::styled(label, theme.tab_active()) } else { Span::raw(label) };
                [span, Span::raw(" ")]
            })
            .collect();
        frame.render_widget(Line::from(spans), sections);
        // Where the highlight is in the section's whole list: its page of all pages.
        let visible = (body.height as usize).saturating_sub(1).max(1);
        let at = match self.section {
            Section::Profile => None,
            Section::Ledger => Some((self.ledger.sel, d.ledger_total)),
            Section::Clients => Some((self.clients.sel, d.clients_total)),
        };
        if let Some((sel, total)) = at {
            let pages = (total.max(0) as usize).div_ceil(visible).max(1);
            let page = i18n::page_title(lang, (sel / visible + 1).min(pages), Some(pages));
            frame.render_widget(Line::raw(page).right_aligned(), sections);
        }

        match self.section {
            Section::Profile => partner_sections::profile(view, d, frame, body),
            Section::Ledger => partner_sections::ledger(view, d, self.ledger, self.applied().is_some(), frame, body),
            Section::Clients => partner_sections::clients(view, d, self.clients, self.applied().is_some(), frame, body),
        }
    }

    fn hint(&self) -> K {
        K::HintDetail
    }

    fn help(&self) -> HelpFor {
        HelpFor::Detail
    }

    fn tabs_inside(&self) -> bool {
        true
    }

    fn waiting(&self) -> bool {
        self.partner.pending.is_some() || self.find_pending.is_some()
    }

    fn field(&self) -> Option<(K, &Input)> {
        let prompt = if self.section == Section::Ledger { K::SearchPromptLedger } else { K::SearchPromptClients };
        self.searches[self.slot()?].input.as_ref().map(|i| (prompt, i))
    }
}

#[cfg(test)]
#[path = "partner_detail_tests.rs"]
mod tests;
