//! What a screen is to the console ([`Component`]) and what it may use of the console around it
//! while it handles an action ([`Cx`]): request ids, the message line, the shared dialogs, the
//! terminal's height. A screen sees no more of the `App` than this.
use super::action::{Action, Effect, Open, Screen};
use super::dialog::Dialog;
use super::i18n::{self, HelpFor, K, t};
use super::widgets::View;
use crate::domain::Lang;
use ratatui::Frame;
use ratatui::layout::Rect;
use tui_input::Input;

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

/// A screen: its state, its one way of changing (`update`: synchronous, no I/O, service calls
/// returned as effects) and its drawing (`render`: a pure function of the state).
pub trait Component {
    /// A key while this screen is shown, or an answer to what it asked (dropped, with
    /// [`Cx::stale`], when its request id is not the one awaited).
    fn update(&mut self, action: Action, cx: &mut Cx) -> Vec<Effect>;

    fn render(&self, view: &View, frame: &mut Frame, area: Rect);

    /// The key hints on the message line.
    fn hint(&self) -> K;

    /// Which keys the help overlay lists.
    fn help(&self) -> HelpFor;

    /// Switched to (`again`: it already was the screen shown): read what is missing or stale.
    fn enter(&mut self, _again: bool, _cx: &mut Cx) -> Vec<Effect> {
        vec![]
    }

    /// The terminal's height changed from `before` to `cx.height`.
    fn resized(&mut self, _before: u16, _cx: &mut Cx) -> Vec<Effect> {
        vec![]
    }

    /// Money moved (a write on any screen): what this screen shows may be out of date.
    fn ledger_changed(&mut self) {}

    /// Esc or q: closes what the screen has open; false when nothing was.
    fn back(&mut self) -> bool {
        false
    }

    /// Esc with nothing open: clears an applied search and reads the list again; `None` when
    /// there was none.
    fn clear_search(&mut self, _cx: &mut Cx) -> Option<Vec<Effect>> {
        None
    }

    /// Whether the rows of the query asked last are still on their way: the rows shown are a
    /// superseded query's, and keys that act on rows wait (see `App::key`).
    fn waiting(&self) -> bool {
        false
    }

    /// The text field that has the keys, with its prompt (drawn on the message line).
    fn field(&self) -> Option<(K, &Input)> {
        None
    }

    /// Whether the keys are typed into the screen: its field, or a form it draws itself.
    fn typing(&self) -> bool {
        self.field().is_some()
    }

    /// Another screen asks this one to show `what` (a tree, a partner), before switching to it.
    fn open(&mut self, _what: &Open, _cx: &mut Cx) -> Vec<Effect> {
        vec![]
    }

    /// Whether Tab moves between sections inside the screen rather than to the next screen.
    fn tabs_inside(&self) -> bool {
        false
    }
}

/// The console around a screen during one update.
pub struct Cx<'a> {
    pub view: View,
    /// The terminal's lines, which set how many rows a page has.
    pub height: u16,
    /// The terminal's columns, which set how long text wraps (the bonus detail scrolls by them).
    pub width: u16,
    /// Who is at the keyboard (a run's preparer may not approve it).
    pub operator: String,
    /// The screen to show next, when a key on this one leads to another (the dashboard's Enter).
    pub goto: Option<Screen>,
    /// What another screen is to show next (a partner's tree or detail), that screen then shown.
    pub open: Option<Open>,
    next_req: &'a mut u64,
    message: &'a mut Option<Message>,
    dialog: &'a mut Option<Dialog>,
    redraw: &'a mut bool,
    wrote: bool,
}

impl<'a> Cx<'a> {
    pub fn new(
        view: View,
        height: u16,
        next_req: &'a mut u64,
        message: &'a mut Option<Message>,
        dialog: &'a mut Option<Dialog>,
        redraw: &'a mut bool,
    ) -> Cx<'a> {
        Cx {
            view,
            height,
            width: 80,
            operator: String::new(),
            goto: None,
            open: None,
            next_req,
            message,
            dialog,
            redraw,
            wrote: false,
        }
    }

    /// A new request id: an answer is taken only with the id its screen last asked with.
    pub fn req(&mut self) -> u64 {
        *self.next_req += 1;
        *self.next_req
    }

    pub fn say(&mut self, kind: MsgKind, text: impl Into<String>) {
        *self.message = Some(Message { text: text.into(), kind });
    }

    pub fn info(&mut self, k: K) {
        self.say(MsgKind::Info, t(self.view.lang, k));
    }

    /// Opens a dialog, which has the keys until it is answered; the message line clears for it.
    pub fn ask(&mut self, dialog: Dialog) {
        *self.message = None;
        *self.dialog = Some(dialog);
    }

    /// An answer to a superseded request was dropped: nothing changed on screen.
    pub fn stale(&mut self) {
        *self.redraw = false;
    }

    /// Whether an answer to `req` is the one `pending` awaits, which it then no longer does. An
    /// answer to another (superseded) request is to be dropped.
    pub fn awaited(&mut self, pending: &mut Option<u64>, req: u64) -> bool {
        let awaited = pending.take_if(|p| *p == req).is_some();
        if !awaited {
            self.stale();
        }
        awaited
    }

    /// Says on the message line that a read failed, and why.
    pub fn load_failed(&mut self, why: &str) {
        self.say(MsgKind::Error, i18n::load_failed(self.view.lang, why));
    }

    /// A change was written: every screen hears of it through [`Component::ledger_changed`].
    pub fn wrote(&mut self) {
        self.wrote = true;
    }

    pub fn has_written(&self) -> bool {
        self.wrote
    }
}

/// Puts `text` on the clipboard and says so (y).
pub fn copy(cx: &mut Cx, text: Option<String>) -> Vec<Effect> {
    match text {
        Some(text) => {
            cx.say(MsgKind::Ok, i18n::copied(cx.view.lang, &super::widgets::clean(&text)));
            vec![Effect::Copy(text)]
        }
        None => {
            cx.info(K::NothingToCopy);
            vec![]
        }
    }
}

/// Something a screen reads whole (the dashboard's figures, a partner): what was read, why the
/// last read failed, and the read on its way.
#[derive(Debug)]
pub struct Read<T> {
    pub data: Option<T>,
    pub error: Option<String>,
    pub pending: Option<u64>,
}

impl<T> Default for Read<T> {
    fn default() -> Self {
        Read { data: None, error: None, pending: None }
    }
}

impl<T> Read<T> {
    /// Marks a read as asked for (an answer to an earlier one is now dropped); its request id.
    pub fn ask(&mut self, cx: &mut Cx) -> u64 {
        let req = cx.req();
        self.pending = Some(req);
        req
    }

    /// Takes the answer awaited: true when it brought new data; a failure is said and kept.
    pub fn answer(&mut self, cx: &mut Cx, req: u64, res: Result<Box<T>, String>) -> bool {
        if !cx.awaited(&mut self.pending, req) {
            return false;
        }
        match res {
            Ok(data) => {
                self.data = Some(*data);
                self.error = None;
                true
            }
            Err(e) => {
                cx.load_failed(&e);
                self.error = Some(e);
                false
            }
        }
    }

    /// What shows while there is no data: why the read failed, or that it is on its way.
    pub fn missing(&self, lang: Lang) -> String {
        match &self.error {
            Some(e) => i18n::load_failed(lang, e),
            None => t(lang, K::Loading).to_string(),
        }
    }
}
