//! The console's state and its one way of changing: `update(action) -> effects`. Update is
//! synchronous and does no I/O; the effects it returns are service calls that the run loop
//! starts on tasks, whose answers come back as actions carrying the request id they were asked
//! with, so that an answer to a request since superseded is dropped.
use super::i18n::{self, HelpFor, K, t};
use super::screens::bonuses::{BonusPending, BonusesState};
use super::screens::dashboard::{Chart, DashboardState};
use super::screens::partner_detail::{DetailState, Section};
use super::screens::partners::{Land, PageReq, PartnersState, PendingPage};
use super::widgets::Theme;
use crate::domain::bonus::ShownBonusState as State;
use crate::domain::{Lang, Money};
use crate::service::bonuses::{BonusQuery, BonusRow, Preview};
use crate::service::dashboard::Dashboard;
use crate::service::partners::{DetailPage, ListQuery, More, PartnerDetail, PartnerRow, Status};
use chrono::{DateTime, FixedOffset, Utc};
use tui_input::{Input, InputRequest};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    Dashboard,
    Partners,
    Bonuses,
}

impl Screen {
    const ALL: [Screen; 3] = [Screen::Dashboard, Screen::Partners, Screen::Bonuses];

    fn index(self) -> usize {
        Screen::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }
}

/// Everything that can happen to the console: keys (already read as intents by `keys`), the
/// terminal, the clock, and the services' answers.
#[derive(Clone, Debug)]
pub enum Action {
    Quit,
    /// The terminal's size (also sent when a reattach asks for a redraw at the same size).
    Resize(u16, u16),
    Tick(DateTime<Utc>),
    GoTo(Screen),
    NextScreen,
    PrevScreen,
    Help,
    /// Esc: close what is open (help, dialog, search, detail).
    Back,
    /// q: back from a detail or help, else quit.
    QuitOrBack,
    Up,
    Down,
    PageUp,
    PageDown,
    Home,
    Left,
    Right,
    Enter,
    Reload,
    Search,
    Sort,
    Filter,
    ToggleChart,
    Select,
    Approve,
    ApproveAll,
    Void,
    Yes,
    No,
    /// A key typed into the focused text field.
    Edit(InputRequest),
    Submit,
    CancelInput,
    DashboardLoaded(u64, Result<Box<Dashboard>, String>),
    PartnersLoaded(u64, Result<Vec<PartnerRow>, String>),
    DetailLoaded(u64, Result<Box<PartnerDetail>, String>),
    DetailPageLoaded(u64, Result<DetailPage, String>),
    BonusesLoaded(u64, Result<Vec<BonusRow>, String>),
    Previewed(u64, Result<Preview, String>),
    Approved(u64, Result<Preview, String>),
    Voided(u64, i64, Result<Money, String>),
}

impl Action {
    /// An operator's own doing (as opposed to the terminal, the clock, or an answer).
    fn is_user(&self) -> bool {
        !matches!(
            self,
            Action::Resize(..)
                | Action::Tick(_)
                | Action::DashboardLoaded(..)
                | Action::PartnersLoaded(..)
                | Action::DetailLoaded(..)
                | Action::DetailPageLoaded(..)
                | Action::BonusesLoaded(..)
                | Action::Previewed(..)
                | Action::Approved(..)
                | Action::Voided(..)
        )
    }
}

/// Service calls for the run loop to make; each answers with the matching action.
#[derive(Clone, Debug)]
pub enum Effect {
    LoadDashboard {
        req: u64,
    },
    LoadPartners {
        req: u64,
        query: ListQuery,
    },
    LoadDetail {
        req: u64,
        code: String,
    },
    /// The next page of the open detail's ledger or clients.
    LoadDetailPage {
        req: u64,
        account_id: String,
        more: More,
    },
    LoadBonuses {
        req: u64,
        query: BonusQuery,
    },
    PreviewApprove {
        req: u64,
        ids: Option<Vec<i64>>,
    },
    Approve {
        req: u64,
        ids: Vec<i64>,
    },
    Void {
        req: u64,
        id: i64,
        reason: String,
    },
}

#[derive(Clone, Debug)]
pub enum Dialog {
    /// The read-only preview the operator confirms; nothing is locked while it is open.
    Approve {
        ids: Vec<i64>,
        total: Money,
    },
    Void {
        id: i64,
        code: String,
        amount: Money,
        input: Input,
        refused: bool,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MsgKind {
    Info,
    Ok,
    Error,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub text: String,
    pub kind: MsgKind,
}

/// How the keys are read at this moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Normal,
    Help,
    /// A yes/no dialog.
    Confirm,
    /// A text field has the keys (search line, void reason).
    Typing,
}

#[derive(Debug)]
pub struct App {
    pub lang: Lang,
    pub color: bool,
    pub operator: String,
    pub database: String,
    pub tz: FixedOffset,
    pub now: DateTime<Utc>,
    pub width: u16,
    pub height: u16,
    pub screen: Screen,
    pub help: bool,
    pub message: Option<Message>,
    pub dialog: Option<Dialog>,
    pub dashboard: DashboardState,
    pub partners: PartnersState,
    pub bonuses: BonusesState,
    /// The approval preview being computed.
    pub preview: Option<u64>,
    /// The approval or void being written.
    pub mutation: Option<u64>,
    /// A change was written since the partners were read: read them again when shown.
    pub partners_stale: bool,
    pub quit: bool,
    /// Whether the last update changed what is on screen.
    pub redraw: bool,
    next_req: u64,
}

impl App {
    pub fn new(
        lang: Lang,
        operator: String,
        database: String,
        tz: FixedOffset,
        now: DateTime<Utc>,
        color: bool,
    ) -> App {
        App {
            lang,
            color,
            operator,
            database,
            tz,
            now,
            width: 80,
            height: 24,
            screen: Screen::Dashboard,
            help: false,
            message: None,
            dialog: None,
            dashboard: DashboardState::default(),
            partners: PartnersState::default(),
            bonuses: BonusesState::default(),
            preview: None,
            mutation: None,
            partners_stale: false,
            quit: false,
            redraw: true,
            next_req: 0,
        }
    }

    /// The first effects: the dashboard's figures.
    pub fn start(&mut self) -> Vec<Effect> {
        self.load_dashboard()
    }

    pub fn theme(&self) -> Theme {
        Theme { color: self.color }
    }

    pub fn mode(&self) -> Mode {
        match &self.dialog {
            Some(Dialog::Approve { .. }) => Mode::Confirm,
            Some(Dialog::Void { .. }) => Mode::Typing,
            None if self.help => Mode::Help,
            None if self.screen == Screen::Partners && self.partners.input.is_some() => Mode::Typing,
            None => Mode::Normal,
        }
    }

    /// Rows of a list page: the screen less the tab bar, message and status lines, the list's
    /// title and its header.
    pub fn list_rows(&self) -> usize {
        (self.height as usize).saturating_sub(5).max(1)
    }

    /// Rows of a table inside the partner detail (its title and section lines on top).
    pub fn detail_rows(&self) -> usize {
        (self.height as usize).saturating_sub(6).max(1)
    }

    pub fn hint(&self) -> K {
        match self.screen {
            Screen::Dashboard => K::HintDashboard,
            Screen::Partners if self.partners.detail.is_some() => K::HintDetail,
            Screen::Partners => K::HintPartners,
            Screen::Bonuses => K::HintBonuses,
        }
    }

    pub fn help_for(&self) -> HelpFor {
        match self.screen {
            Screen::Dashboard => HelpFor::Dashboard,
            Screen::Partners if self.partners.detail.is_some() => HelpFor::Detail,
            Screen::Partners => HelpFor::Partners,
            Screen::Bonuses => HelpFor::Bonuses,
        }
    }

    pub fn screen_name(&self) -> &'static str {
        t(
            self.lang,
            match self.screen {
                Screen::Dashboard => K::TabDashboard,
                Screen::Partners => K::TabPartners,
                Screen::Bonuses => K::TabBonuses,
            },
        )
    }

    fn req(&mut self) -> u64 {
        self.next_req += 1;
        self.next_req
    }

    fn say(&mut self, kind: MsgKind, text: impl Into<String>) {
        self.message = Some(Message { text: text.into(), kind });
    }

    fn info(&mut self, k: K) {
        self.say(MsgKind::Info, t(self.lang, k));
    }

    fn busy(&self) -> bool {
        self.preview.is_some() || self.mutation.is_some()
    }

    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        self.redraw = true;
        if action.is_user() {
            self.message = None;
        }
        match action {
            Action::Quit => {
                self.quit = true;
                vec![]
            }
            Action::Resize(w, h) => self.resize(w, h),
            Action::Tick(now) => {
                let shown = i18n::clock(self.tz, self.now);
                self.now = now;
                self.redraw = i18n::clock(self.tz, now) != shown;
                vec![]
            }
            Action::GoTo(s) => self.switch(s),
            Action::NextScreen => self.switch(Screen::ALL[(self.screen.index() + 1) % 3]),
            Action::PrevScreen => self.switch(Screen::ALL[(self.screen.index() + 2) % 3]),
            Action::Help => {
                self.help = !self.help;
                vec![]
            }
            Action::Back => self.back(false),
            Action::QuitOrBack => self.back(true),
            Action::Yes => self.confirm(),
            Action::No => {
                if matches!(self.dialog, Some(Dialog::Approve { .. })) {
                    self.dialog = None;
                    self.info(K::Cancelled);
                }
                vec![]
            }
            Action::Edit(r) => {
                match &mut self.dialog {
                    Some(Dialog::Void { input, refused, .. }) => {
                        input.handle(r);
                        *refused = false;
                    }
                    Some(Dialog::Approve { .. }) => {}
                    None => {
                        if let Some(input) = &mut self.partners.input {
                            input.handle(r);
                        }
                    }
                }
                vec![]
            }
            Action::Submit => self.submit(),
            Action::CancelInput => {
                if matches!(self.dialog, Some(Dialog::Void { .. })) {
                    self.dialog = None;
                    self.info(K::Cancelled);
                } else {
                    self.partners.input = None;
                }
                vec![]
            }
            Action::DashboardLoaded(req, res) => {
                if self.dashboard.pending != Some(req) {
                    self.redraw = false;
                    return vec![];
                }
                self.dashboard.pending = None;
                match res {
                    Ok(d) => {
                        self.dashboard.data = Some(*d);
                        self.dashboard.error = None;
                    }
                    Err(e) => {
                        self.say(MsgKind::Error, i18n::load_failed(self.lang, &e));
                        self.dashboard.error = Some(e);
                    }
                }
                vec![]
            }
            Action::PartnersLoaded(req, res) => self.partners_loaded(req, res),
            Action::DetailLoaded(req, res) => {
                let lang = self.lang;
                let Some(d) = self.partners.detail.as_mut().filter(|d| d.pending == Some(req)) else {
                    self.redraw = false;
                    return vec![];
                };
                d.pending = None;
                match res {
                    Ok(data) => {
                        d.data = Some(*data);
                        d.error = None;
                        let rows = self.detail_rows();
                        if let Some(d) = self.partners.detail.as_mut() {
                            d.clamp(rows);
                        }
                    }
                    Err(e) => {
                        d.error = Some(e.clone());
                        self.say(MsgKind::Error, i18n::load_failed(lang, &e));
                    }
                }
                vec![]
            }
            Action::DetailPageLoaded(req, res) => {
                let lang = self.lang;
                let Some(d) = self.partners.detail.as_mut().filter(|d| d.page_pending == Some(req)) else {
                    self.redraw = false;
                    return vec![];
                };
                d.page_pending = None;
                match res {
                    Ok(page) => d.append(page),
                    Err(e) => self.say(MsgKind::Error, i18n::load_failed(lang, &e)),
                }
                // The highlight may sit on the last row, waiting for this page to move on.
                self.more_detail()
            }
            Action::BonusesLoaded(req, res) => self.bonuses_loaded(req, res),
            Action::Previewed(req, res) => {
                if self.preview != Some(req) {
                    self.redraw = false;
                    return vec![];
                }
                self.preview = None;
                match res {
                    Ok(p) if p.ids.is_empty() => self.info(K::NothingDue),
                    Ok(p) => {
                        self.message = None;
                        self.dialog = Some(Dialog::Approve { ids: p.ids, total: p.total });
                    }
                    Err(e) => self.say(MsgKind::Error, i18n::refused(self.lang, &e)),
                }
                vec![]
            }
            Action::Approved(req, res) => {
                if self.mutation != Some(req) {
                    self.redraw = false;
                    return vec![];
                }
                self.mutation = None;
                match res {
                    Ok(p) => {
                        self.partners_stale = true;
                        for id in &p.ids {
                            self.bonuses.selected.remove(id);
                        }
                        self.say(MsgKind::Ok, i18n::approved(self.lang, p.ids.len(), &p.total.display(self.lang)));
                    }
                    Err(e) => self.say(MsgKind::Error, i18n::refused(self.lang, &e)),
                }
                self.reload_bonuses()
            }
            Action::Voided(req, id, res) => {
                if self.mutation != Some(req) {
                    self.redraw = false;
                    return vec![];
                }
                self.mutation = None;
                match res {
                    Ok(m) => {
                        self.partners_stale = true;
                        self.bonuses.selected.remove(&id);
                        self.say(MsgKind::Ok, i18n::voided(self.lang, id, &m.display(self.lang)));
                    }
                    Err(e) => self.say(MsgKind::Error, i18n::refused(self.lang, &e)),
                }
                self.reload_bonuses()
            }
            // The keys that mean something on one screen only.
            other => match self.screen {
                Screen::Dashboard => self.dashboard_key(other),
                Screen::Partners if self.partners.detail.is_some() => self.detail_key(other),
                Screen::Partners => self.partners_key(other),
                Screen::Bonuses => self.bonuses_key(other),
            },
        }
    }

    fn resize(&mut self, w: u16, h: u16) -> Vec<Effect> {
        let before = self.list_rows();
        self.width = w;
        self.height = h;
        let rows = self.detail_rows();
        if let Some(d) = self.partners.detail.as_mut() {
            d.clamp(rows);
        }
        if self.list_rows() == before {
            return vec![];
        }
        // A different page height: load the same pages again at the new size.
        let mut out = Vec::new();
        if self.partners.loaded {
            let (page, no) = (self.partners.page.clone(), self.partners.page_no);
            out.extend(self.load_partners(page, Land::Keep, no));
        }
        if self.bonuses.loaded {
            out.extend(self.reload_bonuses());
        }
        out
    }

    fn switch(&mut self, to: Screen) -> Vec<Effect> {
        let from = self.screen;
        self.screen = to;
        self.help = false;
        match to {
            Screen::Dashboard if from != Screen::Dashboard || self.dashboard.data.is_none() => self.load_dashboard(),
            Screen::Partners if !self.partners.loaded && self.partners.pending.is_none() => {
                self.load_partners(PageReq::default(), Land::First, 1)
            }
            Screen::Partners if self.partners_stale => {
                // Balances changed since this page was read: read it (and an open detail) again.
                self.partners_stale = false;
                let (page, no) = (self.partners.page.clone(), self.partners.page_no.max(1));
                let mut out = self.load_partners(page, Land::Keep, no);
                if let Some(code) = self.partners.detail.as_ref().map(|d| d.code.clone()) {
                    let req = self.req();
                    if let Some(d) = self.partners.detail.as_mut() {
                        d.pending = Some(req);
                    }
                    out.push(Effect::LoadDetail { req, code });
                }
                out
            }
            Screen::Bonuses if !self.bonuses.loaded && self.bonuses.pending.is_none() => {
                self.load_bonuses(None, Vec::new(), Land::First)
            }
            _ => vec![],
        }
    }

    fn back(&mut self, quit: bool) -> Vec<Effect> {
        if self.help {
            self.help = false;
        } else if self.dialog.take().is_some() {
            self.info(K::Cancelled);
        } else if self.screen == Screen::Partners && self.partners.input.is_some() {
            self.partners.input = None;
        } else if self.screen == Screen::Partners && self.partners.detail.is_some() {
            self.partners.detail = None;
        } else if quit {
            self.quit = true;
        }
        vec![]
    }

    // ---- dashboard ----

    fn load_dashboard(&mut self) -> Vec<Effect> {
        let req = self.req();
        self.dashboard.pending = Some(req);
        vec![Effect::LoadDashboard { req }]
    }

    fn dashboard_key(&mut self, a: Action) -> Vec<Effect> {
        match a {
            Action::ToggleChart => {
                self.dashboard.chart = match self.dashboard.chart {
                    Chart::Revenue => Chart::Bonuses,
                    Chart::Bonuses => Chart::Revenue,
                };
                vec![]
            }
            Action::Reload => self.load_dashboard(),
            _ => vec![],
        }
    }

    // ---- partners ----

    fn load_partners(&mut self, page: PageReq, land: Land, page_no: usize) -> Vec<Effect> {
        let req = self.req();
        let limit = self.list_rows();
        let p = &mut self.partners;
        let query = ListQuery {
            search: p.search.clone(),
            status: p.status,
            sort: p.sort,
            cursor: page.cursor.clone(),
            backward: page.backward,
            // One more than shown: whether another page follows, without counting.
            limit: limit as u64 + 1,
        };
        p.pending = Some(PendingPage { req, page, limit, land, page_no });
        vec![Effect::LoadPartners { req, query }]
    }

    fn partners_loaded(&mut self, req: u64, res: Result<Vec<PartnerRow>, String>) -> Vec<Effect> {
        let Some(pend) = self.partners.pending.take_if(|p| p.req == req) else {
            self.redraw = false;
            return vec![];
        };
        let mut rows = match res {
            Ok(rows) => rows,
            Err(e) => {
                self.say(MsgKind::Error, i18n::load_failed(self.lang, &e));
                self.partners.error = Some(e);
                return vec![];
            }
        };
        let limit = pend.limit;
        let p = &mut self.partners;
        if pend.page.backward {
            if rows.len() > limit {
                rows.drain(..rows.len() - limit);
                p.has_prev = true;
                p.page_no = pend.page_no.max(2);
            } else if rows.len() < limit {
                // Reached the start with a short page: show the first page, full.
                return self.load_partners(PageReq::default(), pend.land, 1);
            } else {
                p.has_prev = false;
                p.page_no = 1;
            }
            p.has_next = true;
        } else {
            p.has_next = rows.len() > limit;
            rows.truncate(limit);
            p.has_prev = pend.page.cursor.is_some();
            p.page_no = pend.page_no;
        }
        p.sel = land_selection(&p.rows, p.sel, &rows, pend.land, |a, b| a.account_id == b.account_id);
        p.rows = rows;
        p.page = pend.page;
        p.loaded = true;
        p.error = None;
        vec![]
    }

    fn next_partners_page(&mut self, land: Land) -> Vec<Effect> {
        let p = &self.partners;
        let Some(last) = p.rows.last() else { return vec![] };
        let page = PageReq { cursor: Some(last.cursor(p.sort)), backward: false };
        let no = p.page_no + 1;
        self.load_partners(page, land, no)
    }

    fn prev_partners_page(&mut self, land: Land) -> Vec<Effect> {
        let p = &self.partners;
        let Some(first) = p.rows.first() else { return vec![] };
        let page = PageReq { cursor: Some(first.cursor(p.sort)), backward: true };
        let no = p.page_no.saturating_sub(1).max(1);
        self.load_partners(page, land, no)
    }

    fn first_partners_page(&mut self) -> Vec<Effect> {
        self.load_partners(PageReq::default(), Land::First, 1)
    }

    fn partners_key(&mut self, a: Action) -> Vec<Effect> {
        let n = self.partners.rows.len();
        match a {
            Action::Down if self.partners.sel + 1 < n => {
                self.partners.sel += 1;
                vec![]
            }
            Action::Down if self.partners.has_next => self.next_partners_page(Land::First),
            Action::Up if self.partners.sel > 0 => {
                self.partners.sel -= 1;
                vec![]
            }
            Action::Up if self.partners.has_prev => self.prev_partners_page(Land::Last),
            Action::PageDown if self.partners.has_next => self.next_partners_page(Land::Keep),
            Action::PageDown => {
                self.partners.sel = n.saturating_sub(1);
                vec![]
            }
            Action::PageUp if self.partners.has_prev => self.prev_partners_page(Land::Keep),
            Action::PageUp => {
                self.partners.sel = 0;
                vec![]
            }
            Action::Home => self.first_partners_page(),
            Action::Reload => {
                let (page, no) = (self.partners.page.clone(), self.partners.page_no.max(1));
                self.load_partners(page, Land::Keep, no)
            }
            Action::Search => {
                self.partners.input = Some(Input::new(self.partners.search.clone().unwrap_or_default()));
                vec![]
            }
            Action::Sort => {
                self.partners.sort = self.partners.sort.next();
                self.first_partners_page()
            }
            Action::Filter => {
                self.partners.status = match self.partners.status {
                    None => Some(Status::Active),
                    Some(Status::Active) => Some(Status::CodeDeactivated),
                    Some(Status::CodeDeactivated) => Some(Status::Excluded),
                    Some(Status::Excluded) => None,
                };
                self.first_partners_page()
            }
            Action::Enter => {
                let Some(row) = self.partners.rows.get(self.partners.sel) else { return vec![] };
                let code = row.code.clone();
                let req = self.req();
                self.partners.detail = Some(DetailState::new(code.clone(), req));
                vec![Effect::LoadDetail { req, code }]
            }
            _ => vec![],
        }
    }

    fn submit(&mut self) -> Vec<Effect> {
        if let Some(Dialog::Void { id, input, refused, .. }) = &mut self.dialog {
            let reason = input.value().trim().to_string();
            if reason.is_empty() {
                *refused = true;
                self.say(MsgKind::Error, t(self.lang, K::ReasonRequired));
                return vec![];
            }
            let id = *id;
            self.dialog = None;
            let req = self.req();
            self.mutation = Some(req);
            self.info(K::Voiding);
            return vec![Effect::Void { req, id, reason }];
        }
        let Some(input) = self.partners.input.take() else { return vec![] };
        let text = input.value().trim().to_string();
        self.partners.search = (!text.is_empty()).then_some(text);
        self.first_partners_page()
    }

    // ---- partner detail ----

    fn detail_key(&mut self, a: Action) -> Vec<Effect> {
        let rows = self.detail_rows();
        let Some(d) = self.partners.detail.as_mut() else { return vec![] };
        match a {
            Action::Right => d.section = d.section.next(),
            Action::Left => d.section = d.section.prev(),
            Action::Down => d.scroll(1, rows),
            Action::Up => d.scroll(-1, rows),
            Action::PageDown => d.scroll(rows as isize, rows),
            Action::PageUp => d.scroll(-(rows as isize), rows),
            Action::Home => d.scroll(isize::MIN / 2, rows),
            Action::Reload => {
                let code = d.code.clone();
                let req = self.req();
                if let Some(d) = self.partners.detail.as_mut() {
                    d.pending = Some(req);
                    d.page_pending = None;
                }
                return vec![Effect::LoadDetail { req, code }];
            }
            _ => {}
        }
        self.more_detail()
    }

    /// Reads the next page of the section on screen once its highlight is within a screen of the
    /// last row read, so that scrolling through thousands of entries never stops at a page's end.
    fn more_detail(&mut self) -> Vec<Effect> {
        let rows = self.detail_rows();
        let Some(d) = self.partners.detail.as_ref() else { return vec![] };
        if d.pending.is_some() || d.page_pending.is_some() {
            return vec![];
        }
        let Some((account_id, more)) = d.wants_more(rows) else { return vec![] };
        let req = self.req();
        if let Some(d) = self.partners.detail.as_mut() {
            d.page_pending = Some(req);
        }
        vec![Effect::LoadDetailPage { req, account_id, more }]
    }

    // ---- bonuses ----

    fn load_bonuses(&mut self, after: Option<(i64, i64)>, stack: Vec<Option<(i64, i64)>>, land: Land) -> Vec<Effect> {
        let req = self.req();
        let limit = self.list_rows();
        let query = BonusQuery { partner: None, state: self.bonuses.filter, after, limit: limit as u64 + 1 };
        self.bonuses.pending = Some(BonusPending { req, after, stack, land, limit });
        vec![Effect::LoadBonuses { req, query }]
    }

    /// The current page again (after a change, or at a new height).
    fn reload_bonuses(&mut self) -> Vec<Effect> {
        if !self.bonuses.loaded && self.bonuses.pending.is_none() {
            return vec![];
        }
        let (after, stack) = (self.bonuses.after, self.bonuses.stack.clone());
        self.load_bonuses(after, stack, Land::Keep)
    }

    fn bonuses_loaded(&mut self, req: u64, res: Result<Vec<BonusRow>, String>) -> Vec<Effect> {
        let Some(pend) = self.bonuses.pending.take_if(|p| p.req == req) else {
            self.redraw = false;
            return vec![];
        };
        let mut rows = match res {
            Ok(rows) => rows,
            Err(e) => {
                self.say(MsgKind::Error, i18n::load_failed(self.lang, &e));
                self.bonuses.error = Some(e);
                return vec![];
            }
        };
        let b = &mut self.bonuses;
        b.has_next = rows.len() > pend.limit;
        rows.truncate(pend.limit);
        b.sel = land_selection(&b.rows, b.sel, &rows, pend.land, |x, y| x.id == y.id);
        b.rows = rows;
        b.after = pend.after;
        b.stack = pend.stack;
        b.loaded = true;
        b.error = None;
        vec![]
    }

    fn next_bonuses_page(&mut self, land: Land) -> Vec<Effect> {
        let Some(last) = self.bonuses.rows.last() else { return vec![] };
        let after = Some((last.release_at, last.id));
        let mut stack = self.bonuses.stack.clone();
        stack.push(self.bonuses.after);
        self.load_bonuses(after, stack, land)
    }

    fn prev_bonuses_page(&mut self, land: Land) -> Vec<Effect> {
        let mut stack = self.bonuses.stack.clone();
        let Some(after) = stack.pop() else { return vec![] };
        self.load_bonuses(after, stack, land)
    }

    fn bonuses_key(&mut self, a: Action) -> Vec<Effect> {
        let n = self.bonuses.rows.len();
        let has_prev = !self.bonuses.stack.is_empty();
        match a {
            Action::Down if self.bonuses.sel + 1 < n => {
                self.bonuses.sel += 1;
                vec![]
            }
            Action::Down if self.bonuses.has_next => self.next_bonuses_page(Land::First),
            Action::Up if self.bonuses.sel > 0 => {
                self.bonuses.sel -= 1;
                vec![]
            }
            Action::Up if has_prev => self.prev_bonuses_page(Land::Last),
            Action::PageDown if self.bonuses.has_next => self.next_bonuses_page(Land::Keep),
            Action::PageDown => {
                self.bonuses.sel = n.saturating_sub(1);
                vec![]
            }
            Action::PageUp if has_prev => self.prev_bonuses_page(Land::Keep),
            Action::PageUp => {
                self.bonuses.sel = 0;
                vec![]
            }
            Action::Home => self.load_bonuses(None, Vec::new(), Land::First),
            Action::Reload => self.reload_bonuses(),
            Action::Filter => {
                self.bonuses.filter = match self.bonuses.filter {
                    Some(State::Due) => Some(State::Held),
                    Some(State::Held) => Some(State::Frozen),
                    Some(State::Frozen) => Some(State::Available),
                    Some(State::Available) => Some(State::Paid),
                    Some(State::Paid) => Some(State::Voided),
                    Some(State::Voided) => None,
                    None => Some(State::Due),
                };
                self.bonuses.selected.clear();
                self.load_bonuses(None, Vec::new(), Land::First)
            }
            Action::Select => {
                let Some(row) = self.bonuses.rows.get(self.bonuses.sel) else {
                    self.info(K::NoBonusHighlighted);
                    return vec![];
                };
                if row.status != State::Due {
                    self.info(K::OnlyDueSelectable);
                    return vec![];
                }
                let (id, amount) = (row.id, row.amount);
                if self.bonuses.selected.remove(&id).is_none() {
                    self.bonuses.selected.insert(id, amount);
                }
                if self.bonuses.sel + 1 < n {
                    self.bonuses.sel += 1;
                }
                vec![]
            }
            Action::Approve | Action::ApproveAll if self.busy() => {
                self.info(K::Busy);
                vec![]
            }
            Action::Approve => {
                let ids: Vec<i64> = if self.bonuses.selected.is_empty() {
                    self.bonuses.rows.get(self.bonuses.sel).map(|r| r.id).into_iter().collect()
                } else {
                    self.bonuses.selected.keys().copied().collect()
                };
                if ids.is_empty() {
                    // An empty due queue says so; an empty other list says what is missing.
                    self.info(if self.bonuses.filter == Some(State::Due) {
                        K::NothingDue
                    } else {
                        K::NothingToApprove
                    });
                    return vec![];
                }
                let req = self.req();
                self.preview = Some(req);
                self.info(K::Checking);
                vec![Effect::PreviewApprove { req, ids: Some(ids) }]
            }
            Action::ApproveAll => {
                let req = self.req();
                self.preview = Some(req);
                self.info(K::Checking);
                vec![Effect::PreviewApprove { req, ids: None }]
            }
            Action::Void if self.busy() => {
                self.info(K::Busy);
                vec![]
            }
            Action::Void => {
                let Some(row) = self.bonuses.rows.get(self.bonuses.sel) else {
                    self.info(K::NoBonusHighlighted);
                    return vec![];
                };
                self.dialog = Some(Dialog::Void {
                    id: row.id,
                    code: row.partner.clone(),
                    amount: row.amount,
                    input: Input::default(),
                    refused: false,
                });
                vec![]
            }
            _ => vec![],
        }
    }

    /// `y` in the approval dialog: write exactly the bonuses the operator saw.
    fn confirm(&mut self) -> Vec<Effect> {
        let Some(Dialog::Approve { ids, .. }) = self.dialog.take() else { return vec![] };
        let req = self.req();
        self.mutation = Some(req);
        self.info(K::Approving);
        vec![Effect::Approve { req, ids }]
    }
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

/// Where the highlight lands on a freshly loaded page: first, last, or (a reload) on the same
/// row while it is still listed.
fn land_selection<T>(old: &[T], sel: usize, new: &[T], land: Land, same: impl Fn(&T, &T) -> bool) -> usize {
    let last = new.len().saturating_sub(1);
    match land {
        Land::First => 0,
        Land::Last => last,
        Land::Keep => old.get(sel).and_then(|o| new.iter().position(|r| same(o, r))).unwrap_or(sel.min(last)),
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;

    fn bonuses_app(rows: Vec<BonusRow>) -> App {
        let mut app = app(Lang::En);
        let fx = app.update(Action::GoTo(Screen::Bonuses));
        let Some(Effect::LoadBonuses { req, query }) = fx.first().cloned() else { panic!("no bonus load: {fx:?}") };
        assert_eq!(query.state, Some(State::Due), "the due queue comes first");
        assert_eq!(query.limit, 20, "a page of the visible height plus one");
        app.update(Action::BonusesLoaded(req, Ok(rows)));
        app
    }

    #[test]
    fn space_toggles_the_selection_and_moves_down() {
        let mut app = bonuses_app(bonus_rows());
        app.update(Action::Select);
        assert_eq!(app.bonuses.selected.keys().copied().collect::<Vec<_>>(), vec![101]);
        assert_eq!(app.bonuses.sel, 1);
        app.update(Action::Up);
        app.update(Action::Select);
        assert!(app.bonuses.selected.is_empty(), "a second Space unselects");
    }

    #[test]
    fn only_due_bonuses_can_be_selected() {
        let mut rows = bonus_rows();
        rows[0].status = State::Held;
        let mut app = bonuses_app(rows);
        app.update(Action::Select);
        assert!(app.bonuses.selected.is_empty());
        assert_eq!(app.message.as_ref().map(|m| m.text.as_str()), Some(t(Lang::En, K::OnlyDueSelectable)));
    }

    #[test]
    fn approve_with_nothing_due_says_so() {
        let mut app = bonuses_app(vec![]);
        let fx = app.update(Action::Approve);
        assert!(fx.is_empty());
        assert_eq!(app.message.as_ref().map(|m| m.text.as_str()), Some("No bonuses are due for approval"));
        // On another list, with no row to take, it says what is missing.
        let fx = app.update(Action::Filter);
        let Some(Effect::LoadBonuses { req, query }) = fx.first().cloned() else { panic!("{fx:?}") };
        assert_eq!(query.state, Some(State::Held));
        app.update(Action::BonusesLoaded(req, Ok(vec![])));
        assert!(app.update(Action::Approve).is_empty());
        assert_eq!(app.message.as_ref().map(|m| m.text.as_str()), Some(t(Lang::En, K::NothingToApprove)));
        // `A` asks the service, which finds nothing due.
        let fx = app.update(Action::ApproveAll);
        let Some(Effect::PreviewApprove { req, ids: None }) = fx.first().cloned() else { panic!("{fx:?}") };
        app.update(Action::Previewed(req, Ok(Preview { ids: vec![], total: Money::ZERO })));
        assert!(app.dialog.is_none());
        assert_eq!(app.message.as_ref().map(|m| m.text.as_str()), Some("No bonuses are due for approval"));
    }

    #[test]
    fn approve_previews_then_asks_then_writes_what_was_shown() {
        let mut app = bonuses_app(bonus_rows());
        app.update(Action::Select);
        app.update(Action::Select);
        let fx = app.update(Action::Approve);
        let Some(Effect::PreviewApprove { req, ids: Some(ids) }) = fx.first().cloned() else { panic!("{fx:?}") };
        assert_eq!(ids, vec![101, 102]);
        assert!(app.dialog.is_none(), "no dialog before the preview is read");
        app.update(Action::Previewed(req, Ok(Preview { ids: vec![101, 102], total: Money::kzt(50_000) })));
        assert_eq!(app.mode(), Mode::Confirm);
        assert!(app.update(Action::Down).is_empty(), "the dialog has the keys");
        let fx = app.update(Action::Yes);
        let Some(Effect::Approve { req, ids }) = fx.first().cloned() else { panic!("{fx:?}") };
        assert_eq!(ids, vec![101, 102]);
        assert!(app.dialog.is_none());
        let fx = app.update(Action::Approved(req, Ok(Preview { ids: vec![101, 102], total: Money::kzt(50_000) })));
        assert!(app.bonuses.selected.is_empty());
        assert_eq!(app.message.as_ref().map(|m| m.text.as_str()), Some("Approved 2 bonuses, 50,000.00 KZT in total"));
        assert!(matches!(fx.first(), Some(Effect::LoadBonuses { .. })), "the page is reloaded after a change");
    }

    #[test]
    fn approve_without_selection_takes_the_highlighted_row() {
        let mut app = bonuses_app(bonus_rows());
        app.update(Action::Down);
        let fx = app.update(Action::Approve);
        assert!(matches!(fx.first(), Some(Effect::PreviewApprove { ids: Some(ids), .. }) if ids == &vec![102]));
    }

    #[test]
    fn a_refused_approval_shows_the_services_sentence() {
        let mut app = bonuses_app(bonus_rows());
        let fx = app.update(Action::Approve);
        let Some(Effect::PreviewApprove { req, .. }) = fx.first().cloned() else { panic!() };
        app.update(Action::Previewed(req, Err("bonus 101 was already approved by bob at 2026-11-25 09:00".into())));
        assert!(app.dialog.is_none());
        let m = app.message.clone().unwrap_or(Message { text: String::new(), kind: MsgKind::Info });
        assert_eq!(m.kind, MsgKind::Error);
        assert_eq!(m.text, "Refused: bonus 101 was already approved by bob at 2026-11-25 09:00");
    }

    #[test]
    fn no_in_the_dialog_changes_nothing() {
        let mut app = bonuses_app(bonus_rows());
        let fx = app.update(Action::Approve);
        let Some(Effect::PreviewApprove { req, .. }) = fx.first().cloned() else { panic!() };
        app.update(Action::Previewed(req, Ok(Preview { ids: vec![101], total: Money::kzt(25_000) })));
        assert!(app.update(Action::No).is_empty());
        assert!(app.dialog.is_none());
        assert_eq!(app.mutation, None);
    }

    #[test]
    fn partners_are_read_again_after_a_change() {
        let mut app = app(Lang::En);
        let fx = app.update(Action::GoTo(Screen::Partners));
        let Some(Effect::LoadPartners { req, .. }) = fx.first().cloned() else { panic!() };
        app.update(Action::PartnersLoaded(req, Ok(partner_rows(3))));
        app.update(Action::Enter);
        assert!(app.update(Action::GoTo(Screen::Bonuses)).len() == 1);
        assert!(app.update(Action::GoTo(Screen::Partners)).is_empty(), "nothing changed, nothing to read");
        app.update(Action::GoTo(Screen::Bonuses));
        let fx = app.update(Action::Void);
        assert!(fx.is_empty());
        app.bonuses.rows = bonus_rows();
        app.update(Action::Void);
        app.update(Action::Edit(InputRequest::InsertChar('x')));
        let fx = app.update(Action::Submit);
        let Some(Effect::Void { req, id, .. }) = fx.first().cloned() else { panic!("{fx:?}") };
        app.update(Action::Voided(req, id, Ok(Money::kzt(25_000))));
        let fx = app.update(Action::GoTo(Screen::Partners));
        assert!(matches!(fx.as_slice(), [Effect::LoadPartners { .. }, Effect::LoadDetail { .. }]), "{fx:?}");
        assert!(app.update(Action::GoTo(Screen::Partners)).is_empty());
    }

    #[test]
    fn void_needs_a_reason() {
        let mut app = bonuses_app(bonus_rows());
        app.update(Action::Void);
        assert_eq!(app.mode(), Mode::Typing);
        assert!(app.update(Action::Submit).is_empty(), "an empty reason is refused");
        assert!(matches!(app.dialog, Some(Dialog::Void { refused: true, .. })));
        for c in "refund".chars() {
            app.update(Action::Edit(InputRequest::InsertChar(c)));
        }
        let fx = app.update(Action::Submit);
        let Some(Effect::Void { req, id, reason }) = fx.first().cloned() else { panic!("{fx:?}") };
        assert_eq!((id, reason.as_str()), (101, "refund"));
        app.update(Action::Voided(req, 101, Ok(Money::kzt(25_000))));
        assert_eq!(app.message.as_ref().map(|m| m.text.as_str()), Some("Bonus 101 voided (25,000.00 KZT)"));
    }

    #[test]
    fn a_second_change_waits_for_the_first() {
        let mut app = bonuses_app(bonus_rows());
        app.update(Action::Approve);
        assert!(app.update(Action::Void).is_empty());
        assert!(app.dialog.is_none());
        assert_eq!(app.message.as_ref().map(|m| m.text.as_str()), Some(t(Lang::En, K::Busy)));
    }

    #[test]
    fn switching_screens_loads_each_once() {
        let mut app = app(Lang::En);
        assert!(matches!(app.start().as_slice(), [Effect::LoadDashboard { .. }]));
        assert!(matches!(app.update(Action::GoTo(Screen::Partners)).as_slice(), [Effect::LoadPartners { .. }]));
        assert_eq!(app.screen, Screen::Partners);
        assert!(app.update(Action::GoTo(Screen::Partners)).is_empty(), "already loading");
        assert!(matches!(app.update(Action::NextScreen).as_slice(), [Effect::LoadBonuses { .. }]));
        assert_eq!(app.screen, Screen::Bonuses);
        assert!(matches!(app.update(Action::NextScreen).as_slice(), [Effect::LoadDashboard { .. }]));
        assert_eq!(app.screen, Screen::Dashboard);
        app.update(Action::PrevScreen);
        assert_eq!(app.screen, Screen::Bonuses);
    }

    #[test]
    fn search_typing_updates_the_input_and_enter_applies_it() {
        let mut app = app(Lang::En);
        app.update(Action::GoTo(Screen::Partners));
        app.update(Action::Search);
        assert_eq!(app.mode(), Mode::Typing);
        for c in "asel".chars() {
            app.update(Action::Edit(InputRequest::InsertChar(c)));
        }
        app.update(Action::Edit(InputRequest::DeletePrevChar));
        assert_eq!(app.partners.input.as_ref().map(|i| i.value()), Some("ase"));
        assert_eq!(app.partners.search, None, "not applied before Enter");
        let fx = app.update(Action::Submit);
        let Some(Effect::LoadPartners { query, .. }) = fx.first().cloned() else { panic!("{fx:?}") };
        assert_eq!(query.search.as_deref(), Some("ase"));
        assert!(query.cursor.is_none(), "a new search starts at the first page");
        assert_eq!(app.mode(), Mode::Normal);
        // Esc cancels an edit and keeps the applied search.
        app.update(Action::Search);
        app.update(Action::Edit(InputRequest::InsertChar('x')));
        app.update(Action::CancelInput);
        assert_eq!(app.partners.search.as_deref(), Some("ase"));
        assert!(app.partners.input.is_none());
    }

    #[test]
    fn a_stale_reply_is_dropped() {
        let mut app = app(Lang::En);
        let first = app.update(Action::GoTo(Screen::Partners));
        let Some(Effect::LoadPartners { req: old, .. }) = first.first().cloned() else { panic!() };
        let fx = app.update(Action::Sort);
        let Some(Effect::LoadPartners { req: new, query }) = fx.first().cloned() else { panic!() };
        assert_eq!(query.sort, crate::service::partners::Sort::Code);
        assert!(new > old);
        app.update(Action::PartnersLoaded(old, Ok(partner_rows(3))));
        assert!(app.partners.rows.is_empty(), "the answer to the superseded request is dropped");
        assert!(!app.redraw);
        app.update(Action::PartnersLoaded(new, Ok(partner_rows(2))));
        assert_eq!(app.partners.rows.len(), 2);
        // A dashboard answer from before is dropped too.
        let d = app.update(Action::GoTo(Screen::Dashboard));
        let Some(Effect::LoadDashboard { req }) = d.first().cloned() else { panic!() };
        app.update(Action::DashboardLoaded(req + 100, Ok(Box::new(dashboard()))));
        assert!(app.dashboard.data.is_none());
        app.update(Action::DashboardLoaded(req, Ok(Box::new(dashboard()))));
        assert!(app.dashboard.data.is_some());
    }

    #[test]
    fn keyset_paging_asks_for_the_next_rows_after_the_last_one() {
        let mut app = app(Lang::En);
        let fx = app.update(Action::GoTo(Screen::Partners));
        let Some(Effect::LoadPartners { req, query }) = fx.first().cloned() else { panic!() };
        assert_eq!(query.limit, 20);
        app.update(Action::PartnersLoaded(req, Ok(partner_rows(20))));
        assert_eq!(app.partners.rows.len(), 19, "the extra row only says that more follow");
        assert!(app.partners.has_next && !app.partners.has_prev);
        let fx = app.update(Action::PageDown);
        let Some(Effect::LoadPartners { req, query }) = fx.first().cloned() else { panic!() };
        let last = &app.partners.rows[18];
        assert_eq!(query.cursor, Some(last.cursor(query.sort)));
        assert!(!query.backward);
        app.update(Action::PartnersLoaded(req, Ok(partner_rows(5))));
        assert_eq!((app.partners.page_no, app.partners.has_next, app.partners.has_prev), (2, false, true));
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
    fn bonus_pages_keep_a_stack_of_cursors() {
        let mut app = bonuses_app((0..20).map(|i| bonus(200 + i, State::Due)).collect());
        assert!(app.bonuses.has_next);
        let fx = app.update(Action::PageDown);
        let Some(Effect::LoadBonuses { req, query }) = fx.first().cloned() else { panic!() };
        assert_eq!(query.after, Some((app.bonuses.rows[18].release_at, 218)));
        app.update(Action::BonusesLoaded(req, Ok(vec![bonus(300, State::Due)])));
        assert_eq!(app.bonuses.stack, vec![None]);
        let fx = app.update(Action::PageUp);
        let Some(Effect::LoadBonuses { query, .. }) = fx.first().cloned() else { panic!() };
        assert_eq!(query.after, None);
    }

    #[test]
    fn scrolling_the_ledger_near_its_end_reads_the_next_page() {
        let mut app = app(Lang::En);
        let fx = app.update(Action::GoTo(Screen::Partners));
        let Some(Effect::LoadPartners { req, .. }) = fx.first().cloned() else { panic!() };
        app.update(Action::PartnersLoaded(req, Ok(partner_rows(3))));
        let fx = app.update(Action::Enter);
        let Some(Effect::LoadDetail { req, .. }) = fx.first().cloned() else { panic!() };
        // Six entries read of 40: the ledger has more than the first page.
        let mut d = detail();
        d.ledger_total = 40;
        app.update(Action::DetailLoaded(req, Ok(Box::new(d))));
        let rows = app.detail_rows();
        assert!(rows > 6 && rows < 40, "the test needs a screen taller than a page read and shorter than the ledger");
        // The ledger tab opens within a screen of its last entry read: the page after entry 4
        // (the oldest shown) is read at once.
        let fx = app.update(Action::Right);
        let Some(Effect::LoadDetailPage { req, account_id, more }) = fx.first().cloned() else { panic!("{fx:?}") };
        assert_eq!((account_id.as_str(), &more), ("P-00003", &More::Ledger { before: 4 }));
        assert!(app.update(Action::Down).is_empty(), "one page at a time");
        let older: Vec<_> =
            (1..=3).rev().map(|id| crate::service::partners::LedgerLine { id, ..detail().ledger[5].clone() }).collect();
        // Still within a screen of the end: the page after it is asked for at once.
        let fx = app.update(Action::DetailPageLoaded(req, Ok(DetailPage::Ledger(older))));
        let d = app.partners.detail.as_ref().and_then(|d| d.data.as_ref()).map(|d| d.ledger.len());
        assert_eq!(d, Some(9));
        let Some(Effect::LoadDetailPage { req: stale, more, .. }) = fx.first().cloned() else { panic!("{fx:?}") };
        assert_eq!(more, More::Ledger { before: 1 });
        // A stale answer (the detail was reloaded meanwhile) is dropped.
        app.update(Action::Reload);
        app.update(Action::DetailPageLoaded(stale, Ok(DetailPage::Ledger(vec![]))));
        let d = app.partners.detail.as_ref().and_then(|d| d.data.as_ref()).map(|d| (d.ledger.len(), d.ledger_total));
        assert_eq!(d, Some((9, 40)));
    }

    #[test]
    fn esc_closes_help_then_detail_and_q_quits_from_the_top() {
        let mut app = app(Lang::En);
        let fx = app.update(Action::GoTo(Screen::Partners));
        let Some(Effect::LoadPartners { req, .. }) = fx.first().cloned() else { panic!() };
        app.update(Action::PartnersLoaded(req, Ok(partner_rows(3))));
        let fx = app.update(Action::Enter);
        assert!(matches!(fx.first(), Some(Effect::LoadDetail { code, .. }) if code == "CODE00"));
        app.update(Action::Help);
        app.update(Action::QuitOrBack);
        assert!(!app.help && app.partners.detail.is_some() && !app.quit);
        app.update(Action::Back);
        assert!(app.partners.detail.is_none() && !app.quit);
        app.update(Action::QuitOrBack);
        assert!(app.quit);
    }

    #[test]
    fn the_clock_redraws_only_when_the_minute_changes() {
        let mut app = app(Lang::En);
        app.update(Action::Tick(app.now + chrono::Duration::seconds(20)));
        assert!(!app.redraw);
        app.update(Action::Tick(app.now + chrono::Duration::seconds(45)));
        assert!(app.redraw);
    }

    #[test]
    fn a_new_height_reloads_the_page_at_the_new_size() {
        let mut app = bonuses_app(bonus_rows());
        let fx = app.update(Action::Resize(120, 40));
        assert!(matches!(fx.first(), Some(Effect::LoadBonuses { query, .. }) if query.limit == 36));
        assert!(app.update(Action::Resize(100, 40)).is_empty(), "same height, same page");
    }
}
