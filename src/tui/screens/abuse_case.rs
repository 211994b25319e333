//! An abuse case opened from screen 5: its partner's code and standing, the case's kind, status
//! and age, every finding's explanation whole (wrapped between words, so that no figure in it is
//! cut), the bonuses it names and the partner's balance by state. It scrolls by lines; the
//! decisions are the queue's (`abuse`), on this case.
use crate::domain::fraud::{explanations, named_bonuses};
use crate::service::fraud::CaseView;
use crate::tui::action::{Action, CaseRead, Effect};
use crate::tui::component::{Cx, Read, copy};
use crate::tui::i18n::{self, K, t};
use crate::tui::widgets::{View, fit, wrap};
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
        let opened = i18n::datetime_ms(lang, view.tz, c.opened_ms);
        out.extend(field(K::Opened, format!("{opened} · {}", i18n::days(lang, c.days_open))));
        if let Some(p) = &c.payment_id {
            out.extend(field(K::Payment, p.clone()));
        }
        out.extend(field(K::NamedBonuses, named_bonuses(&c.evidence).len().to_string()));
        if let Some(at) = c.decided_ms {
            let by = c.decided_by.clone().unwrap_or_default();
            let why = c.reason.as_deref().map(|r| format!(" · {r}")).unwrap_or_default();
            let at = i18n::datetime_ms(lang, view.tz, at);
            let v = format!("{} · {by} · {at}{why}", i18n::case_status(lang, c.status));
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
        let found = explanations(&c.evidence, lang);
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
