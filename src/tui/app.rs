//! The console's state and its one way of changing: `update(action) -> effects`. The `App` only
//! routes: the keys every screen shares (screen switch, help, quit), the terminal and the clock,
//! the open dialog, and the request ids; everything else goes to a screen, a key to the screen
//! shown and an answer to the screen that asked. Update is synchronous and does no I/O; the
//! effects are service calls that the run loop starts on tasks.
use super::action::{Action, Effect, Open, Screen};
use super::component::{Component, Cx, Message, MsgKind};
use super::dialog::{Answer, Dialog};
use super::i18n::{self, K, t};
use super::keymap::Keymap;
use super::keys;
use super::palette::{Outcome, Palette};
use super::screens::Screens;
use super::widgets::{Theme, View};
use crate::domain::Lang;
use crate::service::access::Standing;
use chrono::{DateTime, FixedOffset, Utc};
use ratatui::crossterm::event::KeyEvent;
use std::collections::VecDeque;

/// Rows one turn of the mouse wheel moves.
const WHEEL_ROWS: usize = 3;

/// How the keys are read at this moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Normal,
    Help,
    /// A yes/no dialog.
    Confirm,
    /// A text field has the keys (search line, a dialog's reason).
    Typing,
    /// The command palette has the keys.
    Palette,
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
    /// The screen that opened what is shown (a tree from a case, a partner from a tree): Esc and
    /// q go back to it. Any other way of switching forgets it.
    pub back_to: Option<Screen>,
    pub help: bool,
    pub message: Option<Message>,
    pub dialog: Option<Dialog>,
    /// The command palette, while open.
    pub palette: Option<Palette>,
    /// The operator's own keys (`keys.toml`).
    pub keymap: Keymap,
    pub screens: Screens,
    pub quit: bool,
    /// Whether the last update changed what is on screen.
    pub redraw: bool,
    next_req: u64,
    /// Keys that arrived while the rows they would act on were on their way, in order. Kept as
    /// keys, not actions: what a key means (a letter typed, or a command) depends on what has
    /// the keys when it is its turn.
    pub queued: VecDeque<KeyEvent>,
    /// The operator's role and the database's mode, read when the console opens (`None` in
    /// tests that do not ask): keys their role does not allow are refused here, with why.
    pub standing: Option<Standing>,
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
            back_to: None,
            help: false,
            message: None,
            dialog: None,
            palette: None,
            keymap: Keymap::default(),
            screens: Screens::default(),
            quit: false,
            redraw: true,
            next_req: 0,
            queued: VecDeque::new(),
            standing: None,
        }
    }

    /// The first effects: what the first screen shows.
    pub fn start(&mut self) -> Vec<Effect> {
        self.with(self.screen, |s, cx| s.enter(false, cx))
    }

    pub fn view(&self) -> View {
        View { lang: self.lang, theme: Theme { color: self.color }, tz: self.tz }
    }

    /// The screen shown.
    pub fn current(&self) -> &dyn Component {
        self.screens.get(self.screen)
    }

    pub fn mode(&self) -> Mode {
        match &self.dialog {
            Some(d) if d.typing() => Mode::Typing,
            Some(_) => Mode::Confirm,
            None if self.palette.is_some() => Mode::Palette,
            None if self.help => Mode::Help,
            None if self.current().typing() => Mode::Typing,
            None => Mode::Normal,
        }
    }

    /// Whether Tab moves inside the screen shown (between a detail's sections).
    pub fn tabs_inside(&self) -> bool {
        self.current().tabs_inside()
    }

    fn say(&mut self, kind: MsgKind, k: K) {
        self.message = Some(Message { text: t(self.lang, k).into(), kind });
    }

    /// Hands `screen` the console around it for one call; a write it reports reaches every screen.
    fn with(&mut self, screen: Screen, f: impl FnOnce(&mut dyn Component, &mut Cx) -> Vec<Effect>) -> Vec<Effect> {
        let view = self.view();
        let mut cx =
            Cx::new(view, self.height, &mut self.next_req, &mut self.message, &mut self.dialog, &mut self.redraw);
        cx.width = self.width;
        cx.operator.clone_from(&self.operator);
        let mut out = f(self.screens.get_mut(screen), &mut cx);
        let goto = cx.goto.take();
        let open = cx.open.take();
        if cx.has_written() {
            for s in Screen::ALL {
                self.screens.get_mut(s).ledger_changed();
            }
        }
        if let Some(what) = open {
            out.extend(self.show(what));
        } else if let Some(to) = goto {
            out.extend(self.switch(to));
        }
        out
    }

    /// What one screen asked another to show, then that screen.
    fn show(&mut self, what: Open) -> Vec<Effect> {
        let (from, to) = (self.screen, what.screen());
        let mut out = self.with(to, |s, cx| s.open(&what, cx));
        out.extend(self.switch(to));
        self.back_to = (from != to).then_some(from);
        out
    }

    /// A key from the terminal. Keys that act on rows wait while the rows of a new query are
    /// on their way (and every key after a waiting one, so that none overtakes another); they
    /// are replayed in order once the rows are shown. Ctrl-C never waits.
    pub fn key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let action = keys::map(self, key);
        let wait = !matches!(action, Some(Action::Quit))
            && (!self.queued.is_empty()
                || (self.current().waiting() && action.as_ref().is_some_and(Action::needs_rows)));
        if wait {
            self.queued.push_back(key);
            self.redraw = false;
            return vec![];
        }
        match action {
            Some(a) => self.update(a),
            None => {
                self.redraw = false;
                vec![]
            }
        }
    }

    /// Replays the keys that waited, up to one that still has to wait.
    fn replay(&mut self) -> Vec<Effect> {
        let mut out = Vec::new();
        while !self.current().waiting() && !self.quit {
            let Some(key) = self.queued.pop_front() else { break };
            if let Some(a) = keys::map(self, key) {
                let redraw = self.redraw;
                out.extend(self.apply(a));
                self.redraw |= redraw;
            }
        }
        out
    }

    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        let mut out = self.apply(action);
        if !self.queued.is_empty() {
            out.extend(self.replay());
        }
        out
    }

    fn apply(&mut self, action: Action) -> Vec<Effect> {
        self.redraw = true;
        if action.is_user() {
            self.message = None;
        }
        if self.mode() == Mode::Palette && action.is_user() && !matches!(action, Action::Quit) {
            return self.in_palette(action);
        }
        match action {
            Action::Quit => {
                self.quit = true;
                vec![]
            }
            Action::Resize(w, h) => {
                let before = self.height;
                (self.width, self.height) = (w, h);
                Screen::ALL.into_iter().flat_map(|s| self.with(s, |c, cx| c.resized(before, cx))).collect()
            }
            Action::Tick(now) => {
                let shown = i18n::clock(self.tz, self.now);
                self.now = now;
                self.redraw = i18n::clock(self.tz, now) != shown;
                vec![]
            }
            Action::GoTo(s) => self.switch(s),
            Action::NextScreen => self.switch(self.screen.next()),
            Action::PrevScreen => self.switch(self.screen.prev()),
            Action::Help => {
                self.help = !self.help;
                vec![]
            }
            Action::Writing(secs) => {
                self.message = Some(Message { text: i18n::writing(self.lang, secs), kind: MsgKind::Info });
                vec![]
            }
            Action::Exported(res) => {
                self.message = Some(match res {
                    Ok((file, rows)) => Message { text: i18n::exported(self.lang, rows, &file), kind: MsgKind::Ok },
                    Err(why) => Message { text: why, kind: MsgKind::Error },
                });
                vec![]
            }
            // Only over a list or a detail the operator is just looking at.
            Action::Refresh if self.mode() != Mode::Normal => {
                self.redraw = false;
                vec![]
            }
            Action::Palette => {
                self.help = false;
                self.palette = Some(Palette::new(self.lang));
                vec![]
            }
            Action::Wheel(down) => {
                let step = if down { Action::Down } else { Action::Up };
                (0..WHEEL_ROWS).flat_map(|_| self.update(step.clone())).collect()
            }
            Action::Back => self.back(false),
            Action::QuitOrBack => self.back(true),
            a if self.dialog.as_ref().is_some_and(|d| d.takes(&a)) => self.answer(a),
            a if self.refused(&a) => vec![],
            a => self.dispatch(a),
        }
    }

    /// A key for the open palette; what it runs goes through `update` as the keys would.
    fn in_palette(&mut self, action: Action) -> Vec<Effect> {
        let Some(palette) = self.palette.as_mut() else { return vec![] };
        match palette.update(action) {
            Outcome::Open => vec![],
            Outcome::Closed => {
                self.palette = None;
                vec![]
            }
            Outcome::Run(actions) => {
                self.palette = None;
                actions.into_iter().flat_map(|a| self.update(a)).collect()
            }
        }
    }

    /// Whether a key asks for something the operator may not do; if so the flash line says why.
    fn refused(&mut self, action: &Action) -> bool {
        let Some(standing) = &self.standing else { return false };
        match super::access::deed_of(self.screen, action) {
            Some(deed) if !standing.may(deed) => {
                let text = super::access::refusal(self.lang, &self.operator, standing, deed);
                self.message = Some(Message { text, kind: MsgKind::Error });
                true
            }
            _ => false,
        }
    }

    /// A key goes to the screen shown; an answer (or a confirmed dialog) to the screen that asked.
    fn dispatch(&mut self, action: Action) -> Vec<Effect> {
        self.with(action.owner().unwrap_or(self.screen), |s, cx| s.update(action, cx))
    }

    fn switch(&mut self, to: Screen) -> Vec<Effect> {
        let again = self.screen == to;
        self.screen = to;
        self.back_to = None;
        self.help = false;
        self.with(to, |s, cx| s.enter(again, cx))
    }

    /// Esc (and q, which quits from the top): closes the help, the dialog, then (Esc only) clears
    /// the search applied to what is shown, then closes what the screen has open.
    fn back(&mut self, quit: bool) -> Vec<Effect> {
        if self.help {
            self.help = false;
        } else if self.dialog.take().is_some() {
            self.say(MsgKind::Info, K::Cancelled);
        } else {
            // Esc clears an applied search first; q never does.
            if !quit {
                let mut cleared = false;
                let fx = self.with(self.screen, |s, cx| {
                    let fx = s.clear_search(cx);
                    cleared = fx.is_some();
                    fx.unwrap_or_default()
                });
                if cleared {
                    return fx;
                }
            }
            let closed = self.screens.get_mut(self.screen).back();
            if let Some(to) = self.back_to.take() {
                return self.switch(to);
            }
            if !closed && quit {
                self.quit = true;
            }
        }
        vec![]
    }

    /// A key for the open dialog: typed into it, or its answer.
    fn answer(&mut self, action: Action) -> Vec<Effect> {
        let Some(dialog) = self.dialog.as_mut() else { return vec![] };
        match dialog.answer(action) {
            Answer::Open => vec![],
            Answer::Refused(k) => {
                self.say(MsgKind::Error, k);
                vec![]
            }
            Answer::Cancelled => {
                self.dialog = None;
                self.say(MsgKind::Info, K::Cancelled);
                vec![]
            }
            Answer::Confirmed(yes) => {
                self.dialog = None;
                self.dispatch(yes)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Money;
    use crate::tui::fixtures::*;
    use tui_input::InputRequest;

    #[test]
    fn switching_screens_loads_each_once() {
        let mut app = app(Lang::En);
        assert!(matches!(app.start().as_slice(), [Effect::LoadDashboard { .. }, Effect::LoadNextRun { .. }]));
        assert!(matches!(
            app.update(Action::GoTo(Screen::Partners)).as_slice(),
            [Effect::LoadPartners { .. }, Effect::CountPartners { .. }]
        ));
        assert_eq!(app.screen, Screen::Partners);
        assert!(app.update(Action::GoTo(Screen::Partners)).is_empty(), "already loading");
        assert!(matches!(
            app.update(Action::NextScreen).as_slice(),
            [Effect::LoadBonuses { .. }, Effect::CountBonuses { .. }]
        ));
        assert_eq!(app.screen, Screen::Bonuses);
        assert!(matches!(app.update(Action::NextScreen).as_slice(), [Effect::LoadRuns { .. }]));
        assert_eq!(app.screen, Screen::Payouts);
        assert!(matches!(app.update(Action::NextScreen).as_slice(), [Effect::LoadCases { .. }]));
        assert_eq!(app.screen, Screen::Abuse);
        assert!(app.update(Action::NextScreen).is_empty(), "the tree waits for a partner's code");
        assert_eq!(app.screen, Screen::Tree);
        assert!(matches!(app.update(Action::NextScreen).as_slice(), [Effect::Audit(_)]));
        assert_eq!(app.screen, Screen::Audit);
        assert!(matches!(
            app.update(Action::NextScreen).as_slice(),
            [Effect::LoadDashboard { .. }, Effect::LoadNextRun { .. }]
        ));
        assert_eq!(app.screen, Screen::Dashboard);
        app.update(Action::PrevScreen);
        assert_eq!(app.screen, Screen::Audit);
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
        assert!(app.screens.partners.list.rows.is_empty(), "the answer to the superseded request is dropped");
        assert!(!app.redraw);
        app.update(Action::PartnersLoaded(new, Ok(partner_rows(2))));
        assert_eq!(app.screens.partners.list.rows.len(), 2);
        // A dashboard answer from before is dropped too.
        let d = app.update(Action::GoTo(Screen::Dashboard));
        let Some(Effect::LoadDashboard { req }) = d.first().cloned() else { panic!() };
        app.update(Action::DashboardLoaded(req + 100, Ok(Box::new(dashboard()))));
        assert!(app.screens.dashboard.figures.data.is_none());
        app.update(Action::DashboardLoaded(req, Ok(Box::new(dashboard()))));
        assert!(app.screens.dashboard.figures.data.is_some());
    }

    #[test]
    fn partners_are_read_again_after_a_change() {
        let mut app = partners_listed(3);
        app.update(Action::Enter);
        let fx = app.update(Action::GoTo(Screen::Bonuses));
        let [Effect::LoadBonuses { req, .. }, _] = fx.as_slice() else { panic!("a page and its count: {fx:?}") };
        let req = *req;
        assert!(app.update(Action::GoTo(Screen::Partners)).is_empty(), "nothing changed, nothing to read");
        app.update(Action::GoTo(Screen::Bonuses));
        let fx = app.update(Action::Void);
        assert!(fx.is_empty(), "no rows yet");
        app.update(Action::BonusesLoaded(req, Ok(bonus_rows())));
        app.update(Action::Void);
        for c in "duplicate payment".chars() {
            app.update(Action::Edit(InputRequest::InsertChar(c)));
        }
        app.update(Action::Submit);
        let fx = app.update(Action::Yes);
        let Some(Effect::Void { req, ids, .. }) = fx.first().cloned() else { panic!("{fx:?}") };
        app.update(Action::Voided(req, ids, Ok(Money::kzt(25_000))));
        let fx = app.update(Action::GoTo(Screen::Partners));
        assert!(
            matches!(
                fx.as_slice(),
                [Effect::LoadPartners { .. }, Effect::CountPartners { .. }, Effect::LoadDetail { .. }]
            ),
            "{fx:?}"
        );
        assert!(app.update(Action::GoTo(Screen::Partners)).is_empty());
    }

    #[test]
    fn esc_closes_help_then_detail_and_q_quits_from_the_top() {
        let mut app = partners_listed(3);
        let fx = app.update(Action::Enter);
        assert!(matches!(fx.first(), Some(Effect::LoadDetail { code, .. }) if code == "CODE00"));
        app.update(Action::Help);
        app.update(Action::QuitOrBack);
        assert!(!app.help && app.screens.partners.detail.is_some() && !app.quit);
        app.update(Action::Back);
        assert!(app.screens.partners.detail.is_none() && !app.quit);
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
}
