//! The dialogs every screen may open: a yes/no question, and a question that needs a reason
//! typed. The `App` holds the open one and gives it its keys; the work asked about goes back,
//! confirmed, to the screen that asked (gitui's confirm → confirmed pair). Nothing is locked
//! while a dialog is open: the screen re-checks inside the write.
use super::action::{Action, Ask};
use super::i18n::{K, t};
use super::widgets::{View, boxed, centered, fit, input_field, wrap};
use crate::domain::bonus::void_reason_enough;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Wrap};
use tui_input::Input;

#[derive(Clone, Debug)]
pub struct Dialog {
    pub title: K,
    /// The question, with the figures the operator is saying yes to.
    pub question: String,
    /// The keys line at its foot (while a reason is typed: the reason step's own).
    pub keys: K,
    /// Only `y` confirms, and Enter cancels: bulk work on money, and voids.
    pub strict: bool,
    /// The reason field, for work that must say why.
    pub reason: Option<Reason>,
    pub ask: Ask,
}

#[derive(Clone, Debug)]
pub struct Reason {
    pub input: Input,
    /// Enter was pressed on a reason too short, which the dialog says.
    pub refused: bool,
    /// The reason taken: the dialog now asks for `y`, with these keys.
    pub given: Option<String>,
    pub confirm_keys: K,
    /// The field's label, and what says a reason does not say enough.
    pub label: K,
    pub short: K,
    /// Whether a reason says enough (a void's: 10 characters; a case decision's: anything).
    pub enough: fn(&str) -> bool,
}

/// A case decision's reason: anything but blanks (the service records it as typed).
fn not_blank(reason: &str) -> bool {
    !reason.trim().is_empty()
}

/// What a key did to the dialog.
#[derive(Debug)]
pub enum Answer {
    /// Still open (a key typed into the reason, or the reason taken).
    Open,
    /// Still open: the reason is too short, which this says.
    Refused(K),
    Cancelled,
    /// Yes: this goes to the screen that asked.
    Confirmed(Action),
}

impl Dialog {
    /// A yes/no question: `y` confirms, `n`/Esc cancel; Enter confirms unless `strict`, when
    /// it cancels.
    pub fn confirm(title: K, question: String, keys: K, strict: bool, ask: Ask) -> Dialog {
        Dialog { title, question, keys, strict, reason: None, ask }
    }

    /// A reason typed (Enter takes it when it says enough, Esc cancels), then a strict yes/no
    /// with `confirm_keys`.
    pub fn with_reason(title: K, question: String, keys: K, confirm_keys: K, ask: Ask) -> Dialog {
        let reason = Reason {
            input: Input::default(),
            refused: false,
            given: None,
            confirm_keys,
            label: K::ReasonLabel,
            short: K::ReasonTooShort,
            enough: void_reason_enough,
        };
        Dialog { title, question, keys, strict: true, reason: Some(reason), ask }
    }

    /// A reason of any length, refused only when blank (a case decision's).
    pub fn any_reason(mut self) -> Dialog {
        if let Some(r) = self.reason.as_mut() {
            (r.label, r.short, r.enough) = (K::DecisionReasonLabel, K::ReasonEmpty, not_blank);
        }
        self
    }

    /// Enter confirms too once the reason is taken: work that moves no money.
    pub fn lenient(mut self) -> Dialog {
        self.strict = false;
        self
    }

    /// Whether a text field has the keys (the reason is being typed).
    pub fn typing(&self) -> bool {
        self.reason.as_ref().is_some_and(|r| r.given.is_none())
    }

    /// Whether `action` is one of this dialog's keys (others go on to the screen).
    pub fn takes(&self, action: &Action) -> bool {
        if self.typing() {
            matches!(action, Action::Edit(_) | Action::Submit | Action::CancelInput)
        } else {
            matches!(action, Action::Yes | Action::No | Action::Submit)
        }
    }

    pub fn answer(&mut self, action: Action) -> Answer {
        let given = self.reason.as_ref().and_then(|r| r.given.clone());
        match (&mut self.reason, action) {
            (Some(r), Action::Edit(req)) if r.given.is_none() => {
                r.input.handle(req);
                r.refused = false;
                Answer::Open
            }
            (Some(r), Action::Submit) if r.given.is_none() => {
                if !(r.enough)(r.input.value()) {
                    r.refused = true;
                    return Answer::Refused(r.short);
                }
                r.given = Some(r.input.value().trim().to_string());
                Answer::Open
            }
            (_, Action::Yes) => Answer::Confirmed(Action::Confirmed { ask: self.ask.clone(), reason: given }),
            (_, Action::Submit) if !self.strict => {
                Answer::Confirmed(Action::Confirmed { ask: self.ask.clone(), reason: given })
            }
            (_, Action::Submit | Action::No | Action::CancelInput) => Answer::Cancelled,
            _ => Answer::Open,
        }
    }

    /// Drawn in the middle of `area`, over the screen.
    pub fn render(&self, view: &View, frame: &mut Frame, area: Rect) {
        let (lang, theme) = (view.lang, view.theme);
        let width = area.width.saturating_sub(4).min(64);
        let bold = Style::new().add_modifier(Modifier::BOLD);
        // The question names what it acts on, amounts included: it wraps between words, so that
        // a figure is never cut by a narrow terminal.
        let question = wrap(&self.question, width.saturating_sub(2) as usize);
        let q_lines = question.len() as u16;
        let Some(reason) = &self.reason else {
            let mut body = vec![Line::raw("")];
            body.extend(question.into_iter().map(|l| Line::styled(l, bold).centered()));
            body.push(Line::raw(""));
            body.push(Line::styled(t(lang, self.keys), theme.key()).centered());
            let r = centered(area, width, 6 + q_lines);
            frame.render_widget(Clear, r);
            let block = boxed(theme, t(lang, self.title).into());
            frame.render_widget(Paragraph::new(body).wrap(Wrap { trim: true }).block(block), r);
            return;
        };
        let r = centered(area, width, 8 + q_lines);
        frame.render_widget(Clear, r);
        let block = boxed(theme, t(lang, self.title).into());
        let inner = block.inner(r);
        frame.render_widget(block, r);
        let [q, _, label, field, err, keys] = Layout::vertical([
            Constraint::Length(q_lines),
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(inner);
        let inner_w = inner.width as usize;
        frame.render_widget(Paragraph::new(question.into_iter().map(|l| Line::styled(l, bold)).collect::<Vec<_>>()), q);
        frame.render_widget(Line::raw(t(lang, reason.label)), label);
        input_field(frame, field, &reason.input, reason.given.is_none());
        if reason.refused {
            frame.render_widget(Line::styled(fit(t(lang, reason.short), inner_w), theme.error()), err);
        }
        let k = if reason.given.is_some() { reason.confirm_keys } else { self.keys };
        frame.render_widget(Line::styled(t(lang, k), theme.key()).centered(), keys);
    }
}
