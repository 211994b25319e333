//! The `/` line every list shares: the search applied to the list, and the text being typed,
//! which applies live a pause after the last key (a timer effect that comes back with the text
//! it was started for) or at once on Enter. `/` opens the line empty, so typing never appends to
//! the old text; Esc while typing puts back the search applied before `/`; Esc after that clears
//! the applied search (the screen calls [`SearchLine::clear`]).
use super::action::{Action, Effect, Screen};
use super::component::Cx;
use super::i18n;
use crate::domain::Lang;
use crate::domain::partner::search_text;
use crate::service::partners::LedgerFind;
use tui_input::{Input, InputRequest};

/// How long typing pauses before the text applies.
pub const DEBOUNCE_MS: u64 = 150;

/// What the search line made of an action.
pub enum Handled {
    /// Not one of the line's actions.
    Other,
    /// The line's; these effects, the applied search unchanged.
    Done(Vec<Effect>),
    /// The applied search changed: the screen reads its rows again.
    Changed,
}

#[derive(Debug, Default)]
pub struct SearchLine {
    /// The search the list shows.
    pub applied: Option<String>,
    /// The line while it is being typed.
    pub input: Option<Input>,
    /// The search applied when `/` was pressed: what Esc while typing puts back.
    before: Option<String>,
    /// The timer of the last edit; a timer of an earlier one is stale.
    timer: Option<u64>,
}

impl SearchLine {
    /// The line's actions (typing, its timer, Enter, Esc while typing), on `screen`.
    pub fn handle(&mut self, action: Action, screen: Screen, cx: &mut Cx) -> Handled {
        let changed = match action {
            Action::Edit(r) => return Handled::Done(self.edit(r, screen, cx)),
            Action::SearchDue { req, text, .. } => self.due(req, &text, cx),
            Action::Submit => self.submit(),
            Action::CancelInput => self.cancel(),
            _ => return Handled::Other,
        };
        if changed { Handled::Changed } else { Handled::Done(vec![]) }
    }

    /// `/`: an empty line; the applied search stays until the typing replaces it.
    pub fn open(&mut self) {
        self.before = self.applied.clone();
        self.input = Some(Input::default());
        self.timer = None;
    }

    /// A key typed into the line: when it changed the text, a timer for that text starts.
    pub fn edit(&mut self, r: InputRequest, screen: Screen, cx: &mut Cx) -> Vec<Effect> {
        let Some(input) = self.input.as_mut() else { return vec![] };
        let before = input.value().to_string();
        input.handle(r);
        if input.value() == before {
            return vec![];
        }
        let req = cx.req();
        self.timer = Some(req);
        vec![Effect::Debounce { req, screen, text: input.value().to_string(), ms: DEBOUNCE_MS }]
    }

    /// A timer came back: true when it is the last edit's and its text now applies (a stale
    /// timer, or a text already applied, changes nothing).
    pub fn due(&mut self, req: u64, text: &str, cx: &mut Cx) -> bool {
        let current = self.timer == Some(req) && self.input.as_ref().is_some_and(|i| i.value() == text);
        if !current {
            cx.stale();
            return false;
        }
        self.timer = None;
        self.set(text)
    }

    /// Enter: the text applies now and typing ends; true when the applied search changed.
    pub fn submit(&mut self) -> bool {
        let Some(input) = self.input.take() else { return false };
        self.timer = None;
        self.set(input.value())
    }

    /// Esc while typing: typing ends and the search from before `/` is back; true when that
    /// differs from what live typing applied meanwhile.
    pub fn cancel(&mut self) -> bool {
        if self.input.take().is_none() {
            return false;
        }
        self.timer = None;
        let before = self.before.take();
        let changed = before != self.applied;
        self.applied = before;
        changed
    }

    /// Esc with nothing typed: clears the applied search; true when there was one.
    pub fn clear(&mut self) -> bool {
        self.input.is_none() && self.applied.take().is_some()
    }

    fn set(&mut self, text: &str) -> bool {
        let text = text.trim();
        let new = (!text.is_empty()).then(|| text.to_string());
        let changed = new != self.applied;
        self.applied = new;
        changed
    }
}

/// The ledger kinds, by their stored names.
pub const LEDGER_KINDS: [&str; 6] = ["accrual", "release", "void", "clawback", "payout", "adjustment"];

/// What a ledger's search text looks for: the text in the payment or the reason, the bonus of
/// that id, and the kinds whose names (stored, or in the operator's words) contain it.
pub fn ledger_find(text: &str, lang: Lang) -> LedgerFind {
    let text = search_text(text);
    let kinds = LEDGER_KINDS
        .iter()
        .filter(|k| k.contains(&text) || i18n::ledger_kind(lang, k).to_lowercase().contains(&text))
        .map(|k| k.to_string())
        .collect();
    LedgerFind { bonus_id: text.parse().ok(), kinds, text }
}
