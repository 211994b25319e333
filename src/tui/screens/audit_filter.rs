//! The audit screen's filter form (`f`, or `/` at the subject): the five filters of `audit list`
//! in one box, each a text field filled with what applies now. Tab and the arrows move between
//! the fields, Enter applies them all, Esc leaves the filter as it was. The form only gathers
//! the text: the audit log reads the dates (and says what it cannot read).
use crate::service::audit::Query;
use crate::tui::action::Action;
use crate::tui::i18n::{AuditK, audit_word};
use crate::tui::widgets::{View, boxed, centered, fit, input_field, pad};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Clear;
use tui_input::Input;
use unicode_width::UnicodeWidthStr;

/// The fields, in the order shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Operator,
    Action,
    Subject,
    From,
    To,
}

const FIELDS: [Field; 5] = [Field::Operator, Field::Action, Field::Subject, Field::From, Field::To];

impl Field {
    fn label(self) -> AuditK {
        match self {
            Field::Operator => AuditK::FieldOperator,
            Field::Action => AuditK::FieldAction,
            Field::Subject => AuditK::FieldSubject,
            Field::From => AuditK::FieldFrom,
            Field::To => AuditK::FieldTo,
        }
    }
}

/// What a key did to the form.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Open,
    Cancelled,
    /// Enter: the filter as typed.
    Apply(Query),
}

#[derive(Clone, Debug)]
pub struct FilterForm {
    pub inputs: [Input; 5],
    /// The field that has the keys.
    pub focus: usize,
}

impl FilterForm {
    /// The form filled with `q`, the keys in `field`.
    pub fn new(q: &Query, field: Field) -> FilterForm {
        let input = |v: &Option<String>| Input::new(v.clone().unwrap_or_default());
        FilterForm {
            inputs: [input(&q.operator), input(&q.action), input(&q.subject), input(&q.from), input(&q.to)],
            focus: FIELDS.iter().position(|f| *f == field).unwrap_or(0),
        }
    }

    /// The filter as typed: blank fields filter nothing.
    pub fn query(&self) -> Query {
        let v = |i: usize| Some(self.inputs[i].value().trim().to_string()).filter(|s| !s.is_empty());
        Query { operator: v(0), action: v(1), subject: v(2), from: v(3), to: v(4) }
    }

    pub fn update(&mut self, action: Action) -> Outcome {
        let n = FIELDS.len();
        match action {
            Action::Edit(r) => {
                self.inputs[self.focus].handle(r);
            }
            Action::NextField => self.focus = (self.focus + 1) % n,
            Action::PrevField => self.focus = (self.focus + n - 1) % n,
            Action::Submit => return Outcome::Apply(self.query()),
            Action::CancelInput => return Outcome::Cancelled,
            _ => {}
        }
        Outcome::Open
    }

    /// A box over the list: a line per field, the dates' format under them.
    pub fn render(&self, view: &View, frame: &mut Frame, area: Rect) {
        let lang = view.lang;
        let width = area.width.saturating_sub(4).min(64);
        let r = centered(area, width, FIELDS.len() as u16 + 4);
        frame.render_widget(Clear, r);
        let block = boxed(view.theme, audit_word(lang, AuditK::FormTitle).to_string());
        let inner = block.inner(r);
        frame.render_widget(block, r);
        let labels: Vec<&str> = FIELDS.iter().map(|f| audit_word(lang, f.label())).collect();
        let label_w = labels.iter().map(|l| l.width()).max().unwrap_or(0).min(inner.width as usize / 2) + 1;
        for (i, label) in labels.iter().enumerate() {
            let y = inner.y + i as u16;
            if y >= inner.y + inner.height {
                break;
            }
            let style = if i == self.focus { view.theme.key() } else { ratatui::style::Style::new() };
            let l = Rect { x: inner.x, y, width: label_w as u16, height: 1 };
            frame.render_widget(Line::styled(pad(label, label_w), style), l);
            let f =
                Rect { x: inner.x + label_w as u16, y, width: inner.width.saturating_sub(label_w as u16), height: 1 };
            input_field(frame, f, &self.inputs[i], i == self.focus);
        }
        let note_y = inner.y + FIELDS.len() as u16 + 1;
        if note_y < inner.y + inner.height {
            let note = fit(audit_word(lang, AuditK::FormDates), inner.width as usize);
            frame.render_widget(Line::styled(note, view.theme.dim()), Rect { y: note_y, height: 1, ..inner });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tui_input::InputRequest;

    #[test]
    fn the_form_starts_from_the_filter_moves_between_fields_and_gives_what_was_typed() {
        let q = Query { operator: Some("aigerim".into()), ..Query::default() };
        let mut f = FilterForm::new(&q, Field::Subject);
        assert_eq!(f.focus, 2);
        for c in "101".chars() {
            f.update(Action::Edit(InputRequest::InsertChar(c)));
        }
        f.update(Action::NextField);
        for c in "2026-11-01".chars() {
            f.update(Action::Edit(InputRequest::InsertChar(c)));
        }
        f.update(Action::PrevField);
        f.update(Action::PrevField);
        f.update(Action::PrevField);
        assert_eq!(f.focus, 0);
        f.update(Action::Edit(InputRequest::DeleteLine));
        f.update(Action::PrevField);
        assert_eq!(f.focus, 4, "round from the first to the last");
        let want = Query { subject: Some("101".into()), from: Some("2026-11-01".into()), ..Query::default() };
        assert_eq!(f.update(Action::Submit), Outcome::Apply(want));
        assert_eq!(f.update(Action::CancelInput), Outcome::Cancelled);
    }
}
