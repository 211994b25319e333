//! An abuse case opened from screen 5: its partner's code and standing, the case's kind, status
//! and age, every finding's explanation whole (wrapped between words, so that no figure in it is
//! cut), the bonuses it names and the partner's balance by state. It scrolls by lines; the
//! decisions are the queue's (`abuse`), on this case.
use crate::domain::fraud::named_bonuses;
use crate::service::fraud::CaseView;
use crate::tui::action::{Action, CaseRead, Effect};
use crate::tui::component::{Cx, Read, copy};
use crate::tui::i18n::{self, K, t};
use crate::tui::widgets::{View, fit, wrap};
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Lines around the detail's text: the tab bar, its title, the message and status lines.
const CHROME: u16 = 4;

#[derive(Debug)]
pub struct CaseDetail {
    pub id: i64,
    pub read: Read<CaseRead>,
    /// The first line of the text shown.
    pub top: usize,
}

/// The explanations of a case's findings, in the order they were found.
pub fn findings(c: &CaseView) -> Vec<String> {
    let list = c.evidence.get("findings").and_then(|f| f.as_array());
    let text = |f: &serde_json::Value| f.get("explanation").and_then(|e| e.as_str()).map(str::to_string);
    list.map(|l| l.iter().filter_map(text).collect()).unwrap_or_default()
}

/// Whole days a case has been open: to its decision, or to `now` while it is open.
pub fn age_days(c: &CaseView, now: DateTime<Utc>) -> Option<i64> {
    let opened = DateTime::parse_from_rfc3339(&c.opened_at).ok()?;
    let until = match &c.decided_at {
        Some(d) => DateTime::parse_from_rfc3339(d).ok()?.with_timezone(&Utc),
        None => now,
    };
    Some((until - opened.with_timezone(&Utc)).num_days().max(0))
}

/// An RFC 3339 instant as the console writes times (the text itself when it is not one).
fn when(view: &View, at: &str) -> String {
    match DateTime::parse_from_rfc3339(at) {
        Ok(t) => i18n::datetime_ms(view.lang, view.tz, t.timestamp_millis()),
        Err(_) => at.to_string(),
    }
}

impl CaseDetail {
    pub fn new(id: i64) -> CaseDetail {
        CaseDetail { id, read: Read::default(), top: 0 }
    }

    pub fn reload(&mut self, cx: &mut Cx) -> Vec<Effect> {
        vec![Effect::LoadCase { req: self.read.ask(cx), id: self.id }]
    }

    /// The case shown, when it is the one read last.
    pub fn current(&self) -> Option<&CaseView> {
        if self.read.pending.is_some() { None } else { self.read.data.as_ref().map(|r| &r.case) }
    }

    pub fn waiting(&self) -> bool {
        self.read.pending.is_some()
    }

    pub fn update(&mut self, action: Action, cx: &mut Cx) -> Vec<Effect> {
        let visible = cx.height.saturating_sub(CHROME) as usize;
        let last = self.text(&cx.view, cx.width).len().saturating_sub(visible);
        let top = self.top as isize;
        let mut to = |top: isize| self.top = top.clamp(0, last as isize) as usize;
        match action {
            Action::CaseLoaded(req, res) => {
                self.read.answer(cx, req, res);
            }
            Action::Down => to(top + 1),
            Action::Up => to(top - 1),
            Action::PageDown => to(top + visible as isize),
            Action::PageUp => to(top - visible as isize),
            Action::Home => to(0),
            Action::End => to(last as isize),
            Action::Copy => {
                let code = self.current().map(|c| c.partner.clone());
                return copy(cx, code);
            }
            _ => {}
        }
        vec![]
    }

    /// The detail's text under its title, as lines of at most `width` columns.
    fn text(&self, view: &View, width: u16) -> Vec<Line<'static>> {
        let lang = view.lang;
        let Some(r) = &self.read.data else { return vec![] };
        let c = &r.case;
        let width = width as usize;
        let field = |k: K, v: String| -> Vec<Line<'static>> {
            // Padded with no-break spaces, which the wrapping keeps: the values stand in a column.
            let label = t(lang, k);
            let label = format!("{label}{}", "\u{a0}".repeat(16usize.saturating_sub(label.chars().count())));
            wrap(&format!("{label}{v}"), width).into_iter().map(Line::raw).collect()
        };
        let mut out = Vec::new();
        out.extend(field(K::Partner, format!("{} · {}", c.partner, i18n::status(lang, r.status))));
        let age = age_days(c, r.at).map(|d| format!(" · {}", i18n::days(lang, d))).unwrap_or_default();
        out.extend(field(K::Opened, format!("{}{age}", when(view, &c.opened_at))));
        if let Some(p) = &c.payment_id {
            out.extend(field(K::Payment, p.clone()));
        }
        out.extend(field(K::NamedBonuses, named_bonuses(&c.evidence).len().to_string()));
        if let Some(at) = &c.decided_at {
            let by = c.decided_by.clone().unwrap_or_default();
            let why = c.reason.as_deref().map(|r| format!(" · {r}")).unwrap_or_default();
            let v = format!("{} · {by} · {}{why}", i18n::case_status(lang, c.status), when(view, at));
            out.extend(field(K::DecidedBy, v));
        }
        // Each figure with its label, glued by no-break spaces: a line breaks between figures.
        let b = &r.balance;
        let figures = [
            (K::BalHeld, b.held),
            (K::BalDue, b.due),
            (K::BalFrozen, b.frozen),
            (K::BalAvailable, b.available),
            (K::BalPaid, b.paid),
        ];
        let figures: Vec<String> = figures
            .iter()
            .map(|(k, m)| format!("{} {}", t(lang, *k), m.display_bare(lang)).replace(' ', "\u{a0}"))
            .collect();
        let head = format!("{}, {}:", t(lang, K::Balance), t(lang, K::Currency)).replace(' ', "\u{a0}");
        out.push(Line::raw(""));
        out.extend(wrap(&format!("{head} {}", figures.join(" · ")), width).into_iter().map(Line::raw));
        let found = findings(c);
        out.push(Line::raw(""));
        out.push(Line::raw(fit(&format!("{} ({})", t(lang, K::Findings), found.len()), width)));
        if found.is_empty() {
            out.push(Line::raw(fit(t(lang, K::NoFindings), width)));
        }
        for f in found {
            for (i, l) in wrap(&f, width.saturating_sub(2)).into_iter().enumerate() {
                out.push(Line::raw(format!("{}{l}", if i == 0 { "• " } else { "  " })));
            }
        }
        out
    }

    pub fn render(&self, view: &View, frame: &mut Frame, area: Rect) {
        let (lang, theme) = (view.lang, view.theme);
        let Some(r) = &self.read.data else {
            frame.render_widget(Line::raw(fit(&self.read.missing(lang), area.width as usize)), area);
            return;
        };
        let [title, body] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
        let mut head = i18n::case_title(lang, r.case.id, r.case.kind, r.case.status);
        if self.read.pending.is_some() {
            head.push_str(&format!(" · {}", t(lang, K::Loading)));
        }
        frame.render_widget(Span::styled(fit(&head, title.width as usize), theme.title()), title);
        let text: Vec<Line> = self.text(view, body.width).into_iter().skip(self.top).collect();
        frame.render_widget(Paragraph::new(text), body);
    }
}
