//! The dialogs every screen may open: a yes/no question, and a question that needs a reason
//! typed. The `App` holds the open one and gives it its keys; the work asked about goes back,
//! confirmed, to the screen that asked (gitui's confirm → confirmed pair). Nothing is locked
//! while a dialog is open: the screen re-checks inside the write.
use super::action::{Action, Ask};
use super::i18n::{K, t};
use super::widgets::{View, boxed, centered, fit, input_field, wrap};
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
    /// The keys line at its foot.
    pub keys: K,
    /// The reason field, for work that must say why.
    pub reason: Option<Reason>,
    pub ask: Ask,
}

#[derive(Clone, Debug, Default)]
pub struct Reason {
    pub input: Input,
    /// Enter was pressed on an empty reason.
    pub refused: bool,
}

/// What a key did to the dialog.
#[derive(Debug)]
pub enum Answer {
    /// Still open (a key typed into the reason).
    Open,
    /// Still open: the reason is missing, which this says.
    Refused(K),
    Cancelled,
    /// Yes: this goes to the screen that asked.
    Confirmed(Action),
}

impl Dialog {
    /// A yes/no question: `y`/Enter confirms, `n`/Esc cancels.
    pub fn confirm(title: K, question: String, keys: K, ask: Ask) -> Dialog {
        Dialog { title, question, keys, reason: None, ask }
    }

    /// A question answered by typing a reason: Enter confirms with it, Esc cancels.
    pub fn with_reason(title: K, question: String, keys: K, ask: Ask) -> Dialog {
        Dialog { title, question, keys, reason: Some(Reason::default()), ask }
    }

    /// Whether `action` is one of this dialog's keys (others go on to the screen).
    pub fn takes(&self, action: &Action) -> bool {
        match self.reason {
            None => matches!(action, Action::Yes | Action::No),
            Some(_) => matches!(action, Action::Edit(_) | Action::Submit | Action::CancelInput),
        }
    }

    pub fn answer(&mut self, action: Action) -> Answer {
        let confirmed = |ask: &Ask, reason| Answer::Confirmed(Action::Confirmed { ask: ask.clone(), reason });
        match (&mut self.reason, action) {
            (None, Action::Yes) => confirmed(&self.ask, None),
            (Some(r), Action::Edit(req)) => {
                r.input.handle(req);
                r.refused = false;
                Answer::Open
            }
            (Some(r), Action::Submit) => {
                let reason = r.input.value().trim().to_string();
                if reason.is_empty() {
                    r.refused = true;
                    return Answer::Refused(K::ReasonRequired);
                }
                confirmed(&self.ask, Some(reason))
            }
            (None, Action::No) | (Some(_), Action::CancelInput) => Answer::Cancelled,
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
        frame.render_widget(Line::raw(t(lang, K::ReasonLabel)), label);
        input_field(frame, field, &reason.input, true);
        if reason.refused {
            frame.render_widget(Line::styled(fit(t(lang, K::ReasonRequired), inner_w), theme.error()), err);
        }
        frame.render_widget(Line::styled(t(lang, self.keys), theme.key()).centered(), keys);
    }
}
