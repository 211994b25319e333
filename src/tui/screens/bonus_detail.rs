//! The bonus detail (Enter on screen 3): its payment with the refunds, the client, the partner,
//! the package, base, rate, hold and release, its value now, and its history: who, when and
//! why, in full. Long text wraps (an amount never breaks); the view scrolls when it is longer
//! than the screen. Esc goes back to the list as it was.
use crate::domain::Money;
use crate::service::bonuses::{BonusDetail, HistoryStep};
use crate::tui::action::{Action, Effect};
use crate::tui::component::{Component, Cx, MsgKind, Read, copy};
use crate::tui::i18n::{self, HelpFor, K, t};
use crate::tui::paging;
use crate::tui::widgets::{View, clean, fit, pad};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

#[derive(Debug)]
pub struct BonusDetailState {
    pub id: i64,
    pub bonus: Read<BonusDetail>,
    /// The first line shown.
    pub offset: usize,
}

/// Lines of the detail's body on a terminal of `height` lines: less the tab bar, the message
/// and status lines, and the detail's title.
fn visible(height: u16) -> usize {
    paging::rows(height, 4)
}

impl BonusDetailState {
    /// The detail of bonus `id`, not read yet: [`BonusDetailState::reload`] reads it.
    pub fn new(id: i64) -> BonusDetailState {
        BonusDetailState { id, bonus: Read::default(), offset: 0 }
    }

    pub fn reload(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let req = self.bonus.ask(cx);
        vec![Effect::LoadBonusDetail { req, id: self.id }]
    }

    /// Moves the first line shown by `delta`, within the lines there are at this size.
    fn scroll(&mut self, delta: isize, cx: &Cx) {
        let Some(d) = &self.bonus.data else { return };
        let total = lines(&cx.view, d, cx.width as usize).len();
        let last = total.saturating_sub(visible(cx.height));
        self.offset = (self.offset as isize).saturating_add(delta).clamp(0, last as isize) as usize;
    }
}

impl Component for BonusDetailState {
    fn update(&mut self, action: Action, cx: &mut Cx) -> Vec<Effect> {
        let page = visible(cx.height) as isize;
        match action {
            Action::BonusDetailLoaded(req, res) => {
                // A reading after a reload may be shorter: the offset stays within it.
                let fresh = self.bonus.answer(cx, req, res);
                if fresh {
                    self.scroll(0, cx);
                }
            }
            Action::Down => self.scroll(1, cx),
            Action::Up => self.scroll(-1, cx),
            Action::PageDown => self.scroll(page, cx),
            Action::PageUp => self.scroll(-page, cx),
            Action::Home => self.offset = 0,
            Action::Reload => {
                let fx = self.reload(cx);
                cx.say(MsgKind::Info, i18n::reloaded(cx.view.lang, &i18n::Reloaded::Bonus(self.id)));
                return fx;
            }
            Action::Refresh if self.bonus.pending.is_none() => return self.reload(cx),
            Action::Copy => return copy(cx, Some(self.id.to_string())),
            _ => {}
        }
        vec![]
    }

    fn render(&self, view: &View, frame: &mut Frame, area: Rect) {
        let (lang, theme) = (view.lang, view.theme);
        let [title, body] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
        let width = area.width as usize;
        let Some(d) = &self.bonus.data else {
            let head = format!("{} {}", t(lang, K::BonusTitle), self.id);
            frame.render_widget(Line::styled(fit(&head, width), theme.title()), title);
            frame.render_widget(Paragraph::new(fit(&self.bonus.missing(lang), width)), body);
            return;
        };
        let all = lines(view, d, width);
        let shown = body.height as usize;
        // The offset as the current size allows (the terminal may have grown since).
        let offset = self.offset.min(all.len().saturating_sub(shown));
        // Arrows first, so that a narrow screen keeps them: more above or below.
        let more = match (offset > 0, offset + shown < all.len()) {
            (true, true) => "↑↓ ",
            (true, false) => "↑ ",
            (false, true) => "↓ ",
            (false, false) => "",
        };
        let mut head = vec![
            Span::raw(more),
            Span::styled(format!("{} {} · ", t(lang, K::BonusTitle), d.id), theme.title()),
            Span::styled(i18n::state(lang, d.state), theme.state(d.state).add_modifier(Modifier::BOLD)),
        ];
        // The partner and the amount only where they fit whole; the amount goes first.
        let mut tail = vec![format!(" · {}", clean(&d.partner)), format!(" · {}", d.kept.display(lang))];
        if self.bonus.pending.is_some() {
            tail.push(format!(" · {}", t(lang, K::Loading)));
        }
        let used: usize = head.iter().map(|s| s.content.width()).sum();
        let mut room = width.saturating_sub(used);
        for part in tail {
            if part.width() > room {
                break;
            }
            room -= part.width();
            head.push(Span::styled(part, theme.title()));
        }
        frame.render_widget(Line::from(head), title);
        frame.render_widget(Paragraph::new(all.into_iter().skip(offset).take(shown).collect::<Vec<_>>()), body);
    }

    fn hint(&self) -> K {
        K::HintBonusDetail
    }

    fn help(&self) -> HelpFor {
        HelpFor::BonusDetail
    }
}

/// `text` in lines of at most `width` columns, broken at spaces; a word wider than the line is
/// broken where it must (amounts use no-break spaces, so they stay whole).
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    let mut line = String::new();
    for word in clean(text).split(' ').filter(|w| !w.is_empty()) {
        let needed = if line.is_empty() { word.width() } else { line.width() + 1 + word.width() };
        if needed <= width {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
            continue;
        }
        if !line.is_empty() {
            out.push(std::mem::take(&mut line));
        }
        for c in word.chars() {
            if line.width() + c.width().unwrap_or(0) > width {
                out.push(std::mem::take(&mut line));
            }
            line.push(c);
        }
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    out
}

/// `Label  value` lines: the value wraps under itself.
/// A detail's lines as they are built: labelled values wrapped under their label, headings.
/// The audit entry's page draws with it too.
pub(crate) struct Text {
    pub(crate) lines: Vec<Line<'static>>,
    pub(crate) width: usize,
}

impl Text {
    pub(crate) fn kv(&mut self, label: &str, label_w: usize, value: &str, style: Style) {
        let room = self.width.saturating_sub(label_w + 1).max(1);
        for (i, part) in wrap(value, room).into_iter().enumerate() {
            let label = if i == 0 { pad(label, label_w + 1) } else { " ".repeat(label_w + 1) };
            self.lines.push(Line::from(vec![Span::raw(label), Span::styled(part, style)]));
        }
    }

    pub(crate) fn heading(&mut self, text: &str) {
        let style = Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED);
        self.lines.push(Line::styled(fit(text, self.width), style));
    }
}

/// Every line of the detail at `width` columns.
fn lines(view: &View, d: &BonusDetail, width: usize) -> Vec<Line<'static>> {
    let (lang, tz) = (view.lang, view.tz);
    let m = |x: Money| x.display(lang);
    let when = |ms: i64| i18n::datetime_ms(lang, tz, ms);
    let labels = [K::Payment, K::Package, K::Paid, K::Refunded, K::Client, K::Partner, K::Base, K::Rate, K::Hold];
    let label_w = labels.iter().chain(&[K::ValueNow]).map(|k| t(lang, *k).width()).max().unwrap_or(0).min(width / 3);
    let mut x = Text { lines: Vec::new(), width };
    let plain = Style::new();
    let p = &d.payment;
    x.kv(t(lang, K::Payment), label_w, &format!("{} · {}", p.id, when(p.paid_at)), plain);
    x.kv(
        t(lang, K::Package),
        label_w,
        &format!("{} · {} {}", p.package, t(lang, K::ListPrice), m(p.list_price)),
        plain,
    );
    x.kv(t(lang, K::Paid), label_w, &m(p.paid_amount), plain);
    match i18n::refund_mark(lang, p.refund) {
        Some(mark) => {
            let text = format!("{} · {mark} · {} {}", m(p.refunded), t(lang, K::Net), m(p.net));
            x.kv(t(lang, K::Refunded), label_w, &text, view.theme.error());
        }
        None => x.kv(t(lang, K::Refunded), label_w, t(lang, K::Missing), plain),
    }
    for r in &p.refunds {
        let text = format!("{} {} · {} · {}", t(lang, K::Refund), r.event_id, when(r.at), m(r.amount));
        x.kv("", label_w, &text, plain);
    }
    x.kv(t(lang, K::Client), label_w, &p.account_id, plain);
    x.kv(t(lang, K::Partner), label_w, &format!("{} · {}", d.partner, d.partner_name), plain);
    x.kv(t(lang, K::Base), label_w, &format!("{} · {}", i18n::bonus_base(lang, &d.base), m(d.base_amount)), plain);
    let rate = match &d.campaign {
        Some(c) => format!("{} · {} {c}", i18n::percent(lang, &d.rate), t(lang, K::Campaign)),
        None => i18n::percent(lang, &d.rate),
    };
    x.kv(t(lang, K::Rate), label_w, &rate, plain);
    let hold = format!("{} · {} {}", i18n::hold_days(lang, d.hold_days), t(lang, K::Released), when(d.release_at));
    x.kv(t(lang, K::Hold), label_w, &hold, plain);
    let value = format!(
        "{} · {} {} · {} {} · {} {}",
        m(d.kept),
        t(lang, K::Booked),
        m(d.booked),
        t(lang, K::Reduced),
        m(d.reduced),
        t(lang, K::ClawedBack),
        m(d.clawed_back)
    );
    x.kv(t(lang, K::ValueNow), label_w, &value, Style::new().add_modifier(Modifier::BOLD));
    x.heading(t(lang, K::History));
    if d.history.is_empty() {
        x.kv("", 0, t(lang, K::NoHistory), view.theme.dim());
    }
    let when_w = d.history.iter().map(|h| when(h.at).width()).max().unwrap_or(0).min(width / 2);
    for h in &d.history {
        step(view, &mut x, when_w, h);
    }
    x.lines
}

/// One step of the history: when, what, who and how much; then the refund and the reason, whole.
fn step(view: &View, x: &mut Text, when_w: usize, h: &HistoryStep) {
    let lang = view.lang;
    let amount = if h.amount.is_negative() { h.amount.display(lang) } else { format!("+{}", h.amount.display(lang)) };
    let head = format!("{} · {} · {amount}", i18n::happened(lang, h.what), clean(&h.by));
    x.kv(&i18n::datetime_ms(lang, view.tz, h.at), when_w, &head, Style::new().add_modifier(Modifier::BOLD));
    if let (Some(r), Some(a)) = (&h.refund, h.refund_amount) {
        x.kv("", when_w, &format!("{} {r} · {}", t(lang, K::Refund), a.display(lang)), Style::new());
    }
    if let Some(reason) = &h.reason {
        x.kv("", when_w, &format!("{}: {reason}", t(lang, K::Reason)), Style::new());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_breaks_at_spaces_and_keeps_amounts_whole() {
        assert_eq!(wrap("the client disputed the purchase", 12), vec!["the client", "disputed the", "purchase"]);
        // A Russian amount groups with no-break spaces: it moves whole to the next line.
        assert_eq!(wrap("сумма 225\u{a0}000,00\u{a0}₸", 12), vec!["сумма", "225\u{a0}000,00\u{a0}₸"]);
        assert_eq!(wrap("abcdefgh", 3), vec!["abc", "def", "gh"]);
        assert_eq!(wrap("", 10), vec![""]);
    }
}
