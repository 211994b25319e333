//! An audit entry in full (Enter on the audit screen): when, who in which role, in which mode,
//! what was done to what and why, the change laid out as `field: before → after` lines and any
//! other facts as `field: value` lines, then the entry's hash and the previous one, whole. Long
//! text and hashes wrap, never cut; the view scrolls when it is longer than the screen. Esc and
//! q go back to the list, its highlight where it was.
use super::bonus_detail::Text;
use crate::domain::Lang;
use crate::domain::audit::Entry;
use crate::tui::action::{Action, Effect};
use crate::tui::component::{Cx, copy};
use crate::tui::i18n::{self, AuditK, K, audit_word, t};
use crate::tui::paging;
use crate::tui::widgets::{View, clean, fit};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use serde_json::Value;
use unicode_width::UnicodeWidthStr;

#[derive(Clone, Debug)]
pub struct EntryView {
    pub entry: Entry,
    /// The first line shown.
    pub offset: usize,
}

/// Lines of the body on a terminal of `height` lines: less the tab bar, the title, the message
/// and status lines.
fn visible(height: u16) -> usize {
    paging::rows(height, 4)
}

impl EntryView {
    pub fn new(entry: Entry) -> EntryView {
        EntryView { entry, offset: 0 }
    }

    /// Moves the first line shown by `delta`, within the lines there are at this size.
    fn scroll(&mut self, delta: isize, cx: &Cx) {
        let total = lines(&cx.view, &self.entry, cx.width as usize).len();
        let last = total.saturating_sub(visible(cx.height));
        self.offset = (self.offset as isize).saturating_add(delta).clamp(0, last as isize) as usize;
    }

    pub fn update(&mut self, action: Action, cx: &mut Cx) -> Vec<Effect> {
        let page = visible(cx.height) as isize;
        match action {
            Action::Down => self.scroll(1, cx),
            Action::Up => self.scroll(-1, cx),
            Action::PageDown => self.scroll(page, cx),
            Action::PageUp => self.scroll(-page, cx),
            Action::Home => self.offset = 0,
            Action::End => self.scroll(isize::MAX / 2, cx),
            Action::Copy => return copy(cx, Some(self.entry.hash.clone())),
            _ => {}
        }
        vec![]
    }

    pub fn render(&self, view: &View, frame: &mut Frame, area: Rect) {
        let (lang, theme) = (view.lang, view.theme);
        let [title, body] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
        let e = &self.entry;
        let all = lines(view, e, area.width as usize);
        let shown = body.height as usize;
        // The offset as the current size allows (the terminal may have grown since).
        let offset = self.offset.min(all.len().saturating_sub(shown));
        let more = match (offset > 0, offset + shown < all.len()) {
            (true, true) => "↑↓ ",
            (true, false) => "↑ ",
            (false, true) => "↓ ",
            (false, false) => "",
        };
        let mut head = format!("{} {}", audit_word(lang, AuditK::EntryTitle), e.id);
        // The action and the mode where they fit whole.
        for part in [clean(&e.action), mode(lang, e.sandbox).to_string()] {
            let part = format!(" · {part}");
            if more.width() + head.width() + part.width() <= area.width as usize {
                head.push_str(&part);
            }
        }
        frame.render_widget(Line::from(vec![Span::raw(more), Span::styled(head, theme.title())]), title);
        frame.render_widget(Paragraph::new(all.into_iter().skip(offset).take(shown).collect::<Vec<_>>()), body);
    }
}

fn mode(lang: Lang, sandbox: bool) -> &'static str {
    audit_word(lang, if sandbox { AuditK::Sandbox } else { AuditK::Production })
}

/// `field: value` lines under a heading, the fields in a column of their own.
fn fact_lines(x: &mut Text, rows: &[(String, String)]) {
    let w = rows.iter().map(|(k, _)| k.width()).max().unwrap_or(0).min(x.width / 3);
    for (k, v) in rows {
        x.kv(&format!("  {}", fit(k, w)), w + 2, v, Style::new());
    }
}

/// A value of the detail in words: text as it is, nothing as `—`, yes and no for true and false.
fn scalar(lang: Lang, v: &Value) -> String {
    match v {
        Value::Null => "—".into(),
        Value::Bool(b) => i18n::yes_no(lang, *b).into(),
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        // Not reached by `flatten`, which opens objects and arrays.
        other => other.to_string(),
    }
}

/// A value as `path: value` pairs: objects opened into dotted paths (`previous.iban`), arrays of
/// plain values joined (`ids: 101, 102`), arrays of objects numbered (`replaced.1.iban`).
fn flatten(lang: Lang, path: &str, v: &Value, out: &mut Facts) {
    let join = |k: &str| if path.is_empty() { k.to_string() } else { format!("{path}.{k}") };
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (k, x) in m {
                flatten(lang, &join(k), x, out);
            }
        }
        Value::Array(a) if a.iter().any(|x| x.is_object() || x.is_array()) => {
            for (i, x) in a.iter().enumerate() {
                flatten(lang, &join(&(i + 1).to_string()), x, out);
            }
        }
        Value::Array(a) if !a.is_empty() => {
            out.push((path.to_string(), a.iter().map(|x| scalar(lang, x)).collect::<Vec<_>>().join(", ")));
        }
        Value::Array(_) | Value::Object(_) => out.push((path.to_string(), "—".into())),
        x => out.push((path.to_string(), scalar(lang, x))),
    }
}

/// `field` and what it says, a line each.
type Facts = Vec<(String, String)>;

/// The detail read: the change (`field`, `before → after`) and the other facts. The log writes a
/// change two ways: `{"before": {…}, "after": {…}}` field by field, and a state's step as
/// `{"from": "due", "to": "available", …}` (approvals, payout steps). Text that is not JSON is
/// one fact, as written.
pub fn detail(lang: Lang, text: &str) -> (Facts, Facts) {
    let Ok(v) = serde_json::from_str::<Value>(text) else {
        return (vec![], vec![(String::new(), text.to_string())]);
    };
    let mut facts = Vec::new();
    let Value::Object(m) = &v else {
        flatten(lang, "", &v, &mut facts);
        return (vec![], facts);
    };
    let (mut before, mut after) = (Vec::new(), Vec::new());
    let step = match (m.get("from"), m.get("to")) {
        (Some(f), Some(t)) if !f.is_object() && !f.is_array() && !t.is_object() && !t.is_array() => {
            Some(format!("{} → {}", scalar(lang, f), scalar(lang, t)))
        }
        _ => None,
    };
    for (k, x) in m {
        match k.as_str() {
            "before" => flatten(lang, "", x, &mut before),
            "after" => flatten(lang, "", x, &mut after),
            "from" | "to" if step.is_some() => {}
            _ => flatten(lang, k, x, &mut facts),
        }
    }
    let mut change: Facts = step.map(|s| (i18n::audit_word(lang, AuditK::State).to_string(), s)).into_iter().collect();
    // Each field once, in the order it first comes: the before's, then those only after has.
    for (k, _) in before.iter().chain(&after) {
        if change.iter().any(|(c, _): &(String, String)| c == k) {
            continue;
        }
        let side =
            |s: &[(String, String)]| s.iter().find(|(f, _)| f == k).map_or("—".to_string(), |(_, v)| v.clone());
        change.push((k.clone(), format!("{} → {}", side(&before), side(&after))));
    }
    (change, facts)
}

/// Every line of the entry at `width` columns.
pub fn lines(view: &View, e: &Entry, width: usize) -> Vec<Line<'static>> {
    let lang = view.lang;
    let word = |k: AuditK| audit_word(lang, k);
    let labels = [
        word(AuditK::Time),
        word(AuditK::Operator),
        word(AuditK::Mode),
        word(AuditK::Action),
        word(AuditK::Subject),
        t(lang, K::Reason),
        word(AuditK::Hash),
        word(AuditK::PrevHash),
    ];
    let label_w = labels.iter().map(|l| l.width()).max().unwrap_or(0).min(width / 3);
    let mut x = Text { lines: Vec::new(), width };
    let plain = Style::new();
    x.kv(labels[0], label_w, &i18n::instant(lang, view.tz, e.at), plain);
    // The list shows the role as stored, beside the action's stored name; here it is in words.
    x.kv(labels[1], label_w, &format!("{} · {}", e.operator, i18n::role_words(lang, &e.role)), plain);
    let mode = if e.sandbox { word(AuditK::SandboxGiven) } else { word(AuditK::Production) };
    x.kv(labels[2], label_w, mode, if e.sandbox { view.theme.key() } else { plain });
    x.kv(labels[3], label_w, &e.action, plain);
    x.kv(labels[4], label_w, &e.subject, plain);
    match &e.reason {
        Some(r) => x.kv(labels[5], label_w, r, plain),
        None => x.kv(labels[5], label_w, word(AuditK::NoReason), view.theme.dim()),
    }
    let (change, facts) = detail(lang, &e.detail);
    if !change.is_empty() {
        x.heading(word(AuditK::Change));
        fact_lines(&mut x, &change);
    }
    // The other facts; a change alone needs no empty section under it.
    if !facts.is_empty() || change.is_empty() {
        x.heading(word(AuditK::Facts));
    }
    if facts.is_empty() && change.is_empty() {
        x.kv("", 1, word(AuditK::NoFacts), view.theme.dim());
    }
    fact_lines(&mut x, &facts);
    x.kv(labels[6], label_w, &e.hash, plain);
    if e.prev_hash.is_empty() {
        x.kv(labels[7], label_w, word(AuditK::FirstEntry), view.theme.dim());
    } else {
        x.kv(labels[7], label_w, &e.prev_hash, plain);
    }
    x.lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn before_and_after_are_laid_out_field_by_field_and_the_rest_as_facts() {
        let d = r#"{"before":{"role":"operator","disabled":true},"after":{"role":"approver"},"note":null}"#;
        let (change, facts) = detail(Lang::En, d);
        assert_eq!(change, pairs(&[("disabled", "yes → —"), ("role", "operator → approver")]));
        assert_eq!(facts, pairs(&[("note", "—")]));
        let d = r#"{"ids":[101,102],"total":"75000.00","previous":{"iban":"KZ86"},"replaced":[{"n":1},{"n":2}]}"#;
        let (change, facts) = detail(Lang::Ru, d);
        assert!(change.is_empty());
        assert_eq!(
            facts,
            pairs(&[
                ("ids", "101, 102"),
                ("previous.iban", "KZ86"),
                ("replaced.1.n", "1"),
                ("replaced.2.n", "2"),
                ("total", "75000.00")
            ])
        );
        // A state's step, as approvals and payout steps write it.
        let d = r#"{"ids":[1512,1513],"total":"50000.00","from":"due","to":"available"}"#;
        let (change, facts) = detail(Lang::Ru, d);
        assert_eq!(change, pairs(&[("состояние", "due → available")]));
        assert_eq!(facts, pairs(&[("ids", "1512, 1513"), ("total", "50000.00")]));
        assert_eq!(detail(Lang::En, "{}"), (vec![], vec![]));
        assert_eq!(detail(Lang::En, "not json"), (vec![], pairs(&[("", "not json")])));
    }
}
