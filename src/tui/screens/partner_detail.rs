//! The partner detail (opened from screen 2): profile, contract, balance by state, statistics and
//! open cases; the ledger; the referred clients. Three sections, Tab/←/→ between them. The
//! ledger and the clients are read a page at a time, on as the highlight nears the last row read.
use crate::domain::Lang;
use crate::service::export::ExportOf;
use crate::service::partners::{DetailPage, More, PartnerDetail};
use crate::tui::action::{Action, Effect};
use crate::tui::columns::{self, Cell, money};
use crate::tui::component::{Component, Cx, MsgKind, Read, copy};
use crate::tui::i18n::{self, HelpFor, K, t};
use crate::tui::paging;
use crate::tui::widgets::{self, Scroll, View, clean, fit, pad};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Section {
    #[default]
    Profile,
    Ledger,
    Clients,
}

impl Section {
    fn next(self) -> Section {
        match self {
            Section::Profile => Section::Ledger,
            Section::Ledger => Section::Clients,
            Section::Clients => Section::Profile,
        }
    }

    fn prev(self) -> Section {
        match self {
            Section::Profile => Section::Clients,
            Section::Ledger => Section::Profile,
            Section::Clients => Section::Ledger,
        }
    }
}

/// Rows of a table inside the detail on a terminal of `height` lines: the list's five lines
/// around it and the section line.
pub fn visible_rows(height: u16) -> usize {
    paging::rows(height, 6)
}

#[derive(Debug)]
pub struct DetailState {
    pub code: String,
    pub partner: Read<PartnerDetail>,
    /// A next page of the ledger or clients on its way.
    pub page_pending: Option<u64>,
    pub section: Section,
    pub ledger: Scroll,
    pub clients: Scroll,
    /// The reload asked for with `r`, whose answer says so on the message line.
    pub announce: Option<u64>,
}

impl DetailState {
    /// The detail of the partner with `code`, not read yet: [`DetailState::reload`] reads it.
    pub fn new(code: String) -> DetailState {
        DetailState {
            code,
            partner: Read::default(),
            page_pending: None,
            section: Section::Profile,
            ledger: Scroll::default(),
            clients: Scroll::default(),
            announce: None,
        }
    }

    /// Reads the partner afresh; a page of the old reading still on its way is dropped.
    pub fn reload(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let req = self.partner.ask(cx);
        self.page_pending = None;
        vec![Effect::LoadDetail { req, code: self.code.clone() }]
    }

    /// Moves the highlight of the current section's table by `delta` rows.
    fn scroll(&mut self, delta: isize, visible: usize) {
        let Some(d) = &self.partner.data else { return };
        match self.section {
            Section::Profile => {}
            Section::Ledger => self.ledger = self.ledger.moved(delta, d.ledger.len(), visible),
            Section::Clients => self.clients = self.clients.moved(delta, d.clients.len(), visible),
        }
    }

    /// The page to read next for the section on screen, if its highlight is near the last row read.
    fn wants_more(&self, visible: usize) -> Option<(String, More)> {
        let d = self.partner.data.as_ref()?;
        let (scroll, read, total) = match self.section {
            Section::Profile => return None,
            Section::Ledger => (self.ledger, d.ledger.len(), d.ledger_total),
            Section::Clients => (self.clients, d.clients.len(), d.clients_total),
        };
        if !paging::reads_on(scroll, visible, read, total) {
            return None;
        }
        let more = match self.section {
            Section::Ledger => More::after_ledger(&d.ledger),
            _ => More::after_clients(&d.clients),
        }?;
        Some((d.account_id.clone(), more))
    }

    /// Asks for the next page of the section on screen when it wants one and nothing is on its way.
    fn more(&mut self, cx: &mut Cx) -> Vec<Effect> {
        if self.partner.pending.is_some() || self.page_pending.is_some() {
            return vec![];
        }
        let Some((account_id, more)) = self.wants_more(visible_rows(cx.height)) else { return vec![] };
        let req = cx.req();
        self.page_pending = Some(req);
        vec![Effect::LoadDetailPage { req, account_id, more }]
    }

    /// Adds a page read on to its section. An empty page means the rest is gone (cannot happen
    /// to an append-only ledger); the total then follows what was read, so no more is asked.
    fn append(&mut self, page: DetailPage) {
        let Some(d) = self.partner.data.as_mut() else { return };
        match page {
            DetailPage::Ledger(lines) if lines.is_empty() => d.ledger_total = d.ledger.len() as i64,
            DetailPage::Ledger(lines) => d.ledger.extend(lines),
            DetailPage::Clients(lines) if lines.is_empty() => d.clients_total = d.clients.len() as i64,
            DetailPage::Clients(lines) => d.clients.extend(lines),
        }
    }

    /// The ledger entry's and the client's ids under the highlights.
    fn highlighted(&self) -> (Option<i64>, Option<String>) {
        let Some(d) = &self.partner.data else { return (None, None) };
        (d.ledger.get(self.ledger.sel).map(|l| l.id), d.clients.get(self.clients.sel).map(|c| c.account_id.clone()))
    }

    /// After a new reading: the highlights back on the rows they were on, where those are read.
    fn keep(&mut self, (entry, client): (Option<i64>, Option<String>), visible: usize) {
        if let Some(d) = &self.partner.data {
            if let Some(i) = entry.and_then(|id| d.ledger.iter().position(|l| l.id == id)) {
                self.ledger.sel = i;
            }
            if let Some(i) = client.and_then(|id| d.clients.iter().position(|c| c.account_id == id)) {
                self.clients.sel = i;
            }
        }
        self.clamp(visible);
    }

    /// e: the ledger or the clients, all of them, to a CSV file.
    fn export(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let Some(d) = &self.partner.data else { return vec![] };
        let (account_id, code) = (d.account_id.clone(), d.code.clone());
        let of = match self.section {
            Section::Ledger => ExportOf::Ledger { account_id, code },
            Section::Clients => ExportOf::Clients { account_id, code },
            Section::Profile => {
                cx.info(K::NothingToExport);
                return vec![];
            }
        };
        cx.info(K::Exporting);
        vec![Effect::Export(of)]
    }

    /// y: the partner's code on the profile, the entry's bonus (else payment) id in the ledger,
    /// the client's account id in the clients.
    fn copy(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let Some(d) = &self.partner.data else { return vec![] };
        let text = match self.section {
            Section::Profile => Some(d.code.clone()),
            Section::Ledger => {
                d.ledger.get(self.ledger.sel).and_then(|l| l.bonus_id.map(|b| b.to_string()).or(l.payment_id.clone()))
            }
            Section::Clients => d.clients.get(self.clients.sel).map(|c| c.account_id.clone()),
        };
        match text {
            Some(text) => vec![copy(cx, text)],
            None => {
                cx.info(K::NothingToCopy);
                vec![]
            }
        }
    }

    /// Keeps both highlights inside the data and in view (new data, new height).
    pub fn clamp(&mut self, visible: usize) {
        let Some(d) = &self.partner.data else { return };
        self.ledger = self.ledger.moved(0, d.ledger.len(), visible);
        self.clients = self.clients.moved(0, d.clients.len(), visible);
    }
}

impl Component for DetailState {
    fn update(&mut self, action: Action, cx: &mut Cx) -> Vec<Effect> {
        let rows = visible_rows(cx.height);
        match action {
            Action::DetailLoaded(req, res) => {
                // The rows highlighted before stay highlighted where they are still read.
                let kept = self.highlighted();
                if self.partner.answer(cx, req, res) {
                    self.keep(kept, rows);
                    if self.announce.take_if(|r| *r == req).is_some() {
                        let code = self.partner.data.as_ref().map_or(&self.code, |d| &d.code);
                        let what = i18n::Reloaded::Partner(code.clone());
                        cx.say(MsgKind::Info, i18n::reloaded(cx.view.lang, &what));
                    }
                }
                return vec![];
            }
            Action::DetailPageLoaded(req, res) => {
                if !cx.awaited(&mut self.page_pending, req) {
                    return vec![];
                }
                match res {
                    Ok(page) => self.append(page),
                    Err(e) => cx.load_failed(&e),
                }
                // The highlight may sit on the last row, waiting for this page to move on.
            }
            Action::Right => self.section = self.section.next(),
            Action::Left => self.section = self.section.prev(),
            Action::Down => self.scroll(1, rows),
            Action::Up => self.scroll(-1, rows),
            Action::PageDown => self.scroll(rows as isize, rows),
            Action::PageUp => self.scroll(-(rows as isize), rows),
            Action::Home => self.scroll(isize::MIN / 2, rows),
            // The last row read; the next page is then read on, and G again goes further.
            Action::End => self.scroll(isize::MAX / 2, rows),
            Action::Reload => {
                let fx = self.reload(cx);
                self.announce = self.partner.pending;
                return fx;
            }
            Action::Refresh if self.partner.pending.is_none() && self.page_pending.is_none() => {
                return self.reload(cx);
            }
            Action::Export => return self.export(cx),
            Action::Copy => return self.copy(cx),
            _ => {}
        }
        self.more(cx)
    }

    fn render(&self, view: &View, frame: &mut Frame, area: Rect) {
        let lang = view.lang;
        let theme = view.theme;
        let [title, sections, body] =
            Layout::vertical([Constraint::Length(1), Constraint::Length(1), Constraint::Fill(1)]).areas(area);

        let Some(d) = &self.partner.data else {
            frame.render_widget(Line::styled(fit(&self.code, area.width as usize), theme.title()), title);
            frame.render_widget(Paragraph::new(fit(&self.partner.missing(lang), area.width as usize)), body);
            return;
        };

        let mut head = format!("{} · {} · {}", d.code, d.name, i18n::status(lang, d.status));
        if self.partner.pending.is_some() || self.page_pending.is_some() {
            head = format!("{head} · {}", t(lang, K::Loading));
        }
        frame.render_widget(Line::styled(fit(&head, area.width as usize), theme.title()), title);

        let tabs = [
            (Section::Profile, t(lang, K::SectionProfile).to_string()),
            (Section::Ledger, format!("{} ({})", t(lang, K::SectionLedger), d.ledger_total)),
            (Section::Clients, format!("{} ({})", t(lang, K::SectionClients), d.clients_total)),
        ];
        let spans: Vec<Span> = tabs
            .into_iter()
            .flat_map(|(s, label)| {
                let span = if s == self.section {
                    Span::styled(format!("[{label}]"), theme.tab_active())
                } else {
                    Span::raw(format!(" {label} "))
                };
                [span, Span::raw(" ")]
            })
            .collect();
        frame.render_widget(Line::from(spans), sections);
        // Where the highlight is in the section's whole list: its page of all pages.
        let visible = (body.height as usize).saturating_sub(1).max(1);
        let at = match self.section {
            Section::Profile => None,
            Section::Ledger => Some((self.ledger.sel, d.ledger_total)),
            Section::Clients => Some((self.clients.sel, d.clients_total)),
        };
        if let Some((sel, total)) = at {
            let pages = (total.max(0) as usize).div_ceil(visible).max(1);
            let page = i18n::page_title(lang, (sel / visible + 1).min(pages), Some(pages));
            frame.render_widget(Line::raw(page).right_aligned(), sections);
        }

        match self.section {
            Section::Profile => profile(view, d, frame, body),
            Section::Ledger => ledger(view, d, self.ledger, frame, body),
            Section::Clients => clients(view, d, self.clients, frame, body),
        }
    }

    fn hint(&self) -> K {
        K::HintDetail
    }

    fn help(&self) -> HelpFor {
        HelpFor::Detail
    }

    fn tabs_inside(&self) -> bool {
        true
    }
}

fn heading(lang: Lang, k: K) -> Line<'static> {
    Line::styled(t(lang, k), Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED))
}

/// `Label       value` lines of one column; amounts may be right-aligned.
struct Column {
    lines: Vec<Line<'static>>,
    label_w: usize,
    width: usize,
}

impl Column {
    fn new(labels: &[&str], width: usize) -> Column {
        let label_w = labels.iter().map(|l| l.width()).max().unwrap_or(0).min(width / 2);
        Column { lines: Vec::new(), label_w, width }
    }

    fn kv(&mut self, label: &str, value: &str, style: Style) {
        let vw = self.width.saturating_sub(self.label_w + 1);
        self.lines.push(Line::from(vec![Span::raw(pad(label, self.label_w + 1)), Span::styled(fit(value, vw), style)]));
    }

    /// A figure, right-aligned and whole: on a narrow column its label is cut first, and a
    /// figure that cannot fit even alone is not shown (`…`), never cut.
    fn amount(&mut self, label: &str, value: &str, style: Style) {
        let label_w = self.label_w.min(self.width.saturating_sub(value.width() + 1));
        let vw = self.width.saturating_sub(label_w + 1);
        let v = crate::tui::columns::whole(value, vw);
        let room = vw.saturating_sub(v.width());
        let label = if label_w > 0 { pad(label, label_w + 1) } else { String::new() };
        self.lines.push(Line::from(vec![Span::raw(label), Span::raw(" ".repeat(room)), Span::styled(v, style)]));
    }
}

fn opt(lang: Lang, s: &Option<String>) -> String {
    s.as_deref().map(clean).filter(|s| !s.is_empty()).unwrap_or_else(|| t(lang, K::Missing).into())
}

fn profile(view: &View, d: &PartnerDetail, frame: &mut Frame, area: Rect) {
    let lang = view.lang;
    let theme = view.theme;
    // Why the code is off or the partner excluded, across the whole width.
    let mut area = area;
    if d.status_reason.is_some() || d.code_deactivated_at.is_some() || d.code_deactivated_by.is_some() {
        let when = d.code_deactivated_at.map(|ms| i18n::date_ms(lang, view.tz, ms));
        let text = i18n::status_reason(
            lang,
            d.status_reason.as_deref().map(clean).as_deref(),
            when,
            d.code_deactivated_by.as_deref(),
        );
        let [line, rest] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
        frame.render_widget(Line::styled(fit(&text, line.width as usize), view.theme.error()), line);
        area = rest;
    }
    // Two columns, not wider than reads well on a wide terminal.
    let col = (area.width.saturating_sub(2) / 2).min(48);
    let [left, _, right_area, _] = Layout::horizontal([
        Constraint::Length(col),
        Constraint::Length(2),
        Constraint::Length(col),
        Constraint::Fill(1),
    ])
    .areas(area);
    let tz = view.tz;
    let bold = Style::new().add_modifier(Modifier::BOLD);

    let left_labels: Vec<&str> = [
        K::Name,
        K::Code,
        K::Status,
        K::Account,
        K::Registered,
        K::TrialEnds,
        K::Phone,
        K::Email,
        K::Iin,
        K::ParentCode,
        K::ContractNumber,
        K::ContractSigned,
        K::ContractMethod,
        K::Iban,
        K::IinBin,
    ]
    .iter()
    .map(|k| t(lang, *k))
    .collect();
    let mut c = Column::new(&left_labels, left.width as usize);
    c.lines.push(heading(lang, K::Profile));
    c.kv(t(lang, K::Name), &d.name, bold);
    c.kv(t(lang, K::Code), &d.code, bold);
    let status_style = if d.status == crate::service::partners::Status::Active { Style::new() } else { theme.error() };
    c.kv(t(lang, K::Status), i18n::status(lang, d.status), status_style);
    c.kv(t(lang, K::Account), &d.account_id, Style::new());
    c.kv(t(lang, K::Registered), &i18n::date_ms(lang, tz, d.registered_at), Style::new());
    c.kv(t(lang, K::TrialEnds), &i18n::date_ms(lang, tz, d.trial_ends_at), Style::new());
    c.kv(t(lang, K::Phone), &opt(lang, &d.phone), Style::new());
    c.kv(t(lang, K::Email), &opt(lang, &d.email), Style::new());
    c.kv(t(lang, K::Iin), &opt(lang, &d.iin), Style::new());
    c.kv(t(lang, K::ParentCode), &opt(lang, &d.parent_code), Style::new());
    c.lines.push(heading(lang, K::Contract));
    match &d.contract {
        Some(k) => {
            let signed = chrono::NaiveDate::parse_from_str(&k.signed_on, "%Y-%m-%d")
                .map(|s| i18n::date(lang, s))
                .unwrap_or_else(|_| k.signed_on.clone());
            c.kv(t(lang, K::ContractNumber), &k.number, Style::new());
            c.kv(t(lang, K::ContractSigned), &signed, Style::new());
            c.kv(t(lang, K::ContractMethod), &i18n::payout_method(lang, &k.method), Style::new());
            c.kv(t(lang, K::Iban), &k.iban, Style::new());
            c.kv(t(lang, K::IinBin), &k.iin_bin, Style::new());
        }
        None => c.lines.push(Line::styled(fit(t(lang, K::NoContract), left.width as usize), theme.error())),
    }
    frame.render_widget(Paragraph::new(c.lines), left);

    let right_labels: Vec<&str> = [
        K::BalHeld,
        K::BalDue,
        K::BalFrozen,
        K::BalAvailable,
        K::BalPaid,
        K::BalClawedBack,
        K::BalNet,
        K::Registrations,
        K::PayingClients,
        K::Purchases,
        K::PurchasesRefunded,
        K::OpenCases,
    ]
    .iter()
    .map(|k| t(lang, *k))
    .collect();
    let mut r = Column::new(&right_labels, right_area.width as usize);
    let b = &d.balance;
    r.lines.push(heading(lang, K::Balance));
    for (k, m) in [
        (K::BalHeld, b.held),
        (K::BalDue, b.due),
        (K::BalFrozen, b.frozen),
        (K::BalAvailable, b.available),
        (K::BalPaid, b.paid),
        (K::BalClawedBack, b.clawed_back),
    ] {
        r.amount(t(lang, k), &m.display(lang), Style::new());
    }
    let net_style = if b.net.is_negative() { theme.money_negative().add_modifier(Modifier::BOLD) } else { bold };
    r.amount(t(lang, K::BalNet), &b.net.display(lang), net_style);
    r.lines.push(heading(lang, K::Stats));
    r.amount(t(lang, K::Registrations), &d.stats.registrations.to_string(), Style::new());
    r.amount(t(lang, K::PayingClients), &d.stats.paying_clients.to_string(), Style::new());
    r.amount(t(lang, K::Purchases), &d.stats.purchases_amount.display(lang), Style::new());
    let refunded_style = if d.stats.purchases_refunded.is_zero() { Style::new() } else { theme.error() };
    r.amount(t(lang, K::PurchasesRefunded), &d.stats.purchases_refunded.display(lang), refunded_style);
    r.lines.push(Line::raw(""));
    if d.open_cases > 0 {
        r.kv(t(lang, K::OpenCases), &i18n::open_cases(lang, d.open_cases), theme.error());
        r.kv("", t(lang, K::CasesFreeze), theme.error());
    } else {
        r.kv(t(lang, K::OpenCases), &i18n::open_cases(lang, 0), Style::new());
    }
    frame.render_widget(Paragraph::new(r.lines), right_area);
}

fn ledger(view: &View, d: &PartnerDetail, scroll: Scroll, frame: &mut Frame, area: Rect) {
    let lang = view.lang;
    // The amount and the date stay longest; the reason goes first. The state the entry's bonus
    // shows now stands beside the entry's bucket: the balance sums bonuses by that state, so
    // the two agree (a held entry of a frozen bonus says "frozen"). Column priority LOW (3,
    // whole word). Who made the entry and the payment it came from: column priority LOWEST
    // (1), shown only where the reason keeps its fair width; the payment goes before who.
    let columns = [
        columns::Column::whole(t(lang, K::Date), 7),
        columns::Column::text(t(lang, K::Kind), 5, 12, 5),
        columns::Column::text(t(lang, K::Bucket), 5, 12, 4),
        columns::Column::number(format!("{}, {}", t(lang, K::Amount), t(lang, K::Currency)), 9),
        columns::Column::whole(t(lang, K::StateNow), 3),
        columns::Column::whole(t(lang, K::By), 1),
        columns::Column::whole(t(lang, K::Payment), 1),
        columns::Column::text(t(lang, K::Reason), 8, 40, 2),
    ];
    let rows: Vec<Vec<Cell>> = d
        .ledger
        .iter()
        .map(|l| {
            vec![
                Cell::new(i18n::date_ms(lang, view.tz, l.at)),
                Cell::new(i18n::ledger_kind(lang, &l.kind)),
                Cell::new(i18n::ledger_bucket(lang, &l.bucket)),
                money(view, l.amount),
                match l.bonus_state {
                    Some(s) => Cell::styled(i18n::state(lang, s), view.theme.state(s)),
                    None => Cell::new(t(lang, K::Missing)),
                },
                Cell::new(clean(&l.operator)),
                Cell::new(opt(lang, &l.payment_id)),
                Cell::new(opt(lang, &l.reason)),
            ]
        })
        .collect();
    columns::table(view, frame, area, &columns, &rows, scroll);
    if d.ledger.is_empty() {
        widgets::note(view, frame, area, t(lang, K::NoLedger));
    }
}

fn clients(view: &View, d: &PartnerDetail, scroll: Scroll, frame: &mut Frame, area: Rect) {
    let lang = view.lang;
    // What the client paid stays longest, and what came back of it beside it (the paid column
    // sums to the profile's purchases; a refund is never hidden in it); whether it is a partner
    // goes first.
    let columns = [
        columns::Column::text(t(lang, K::Account), 6, 20, 7),
        columns::Column::whole(t(lang, K::Registered), 4),
        columns::Column::whole(t(lang, K::IsPartner), 2),
        columns::Column::number(t(lang, K::Payments), 5),
        columns::Column::number(format!("{}, {}", t(lang, K::Paid), t(lang, K::Currency)), 9),
        columns::Column::number(t(lang, K::Refunded), 8),
    ];
    let rows: Vec<Vec<Cell>> = d
        .clients
        .iter()
        .map(|c| {
            vec![
                Cell::new(&c.account_id),
                Cell::new(
                    c.registered_at
                        .map(|ms| i18n::date_ms(lang, view.tz, ms))
                        .unwrap_or_else(|| t(lang, K::Missing).into()),
                ),
                Cell::new(t(lang, if c.is_partner { K::Yes } else { K::No })),
                Cell::new(c.payments.to_string()),
                money(view, c.paid),
                if c.refunded.is_zero() {
                    Cell::new(t(lang, K::Missing))
                } else {
                    Cell::styled(c.refunded.display_bare(lang), view.theme.error())
                },
            ]
        })
        .collect();
    columns::table(view, frame, area, &columns, &rows, scroll);
    if d.clients.is_empty() {
        widgets::note(view, frame, area, t(lang, K::NoClients));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::partners::LedgerLine;
    use crate::tui::fixtures::*;

    #[test]
    fn scrolling_the_ledger_near_its_end_reads_the_next_page() {
        let mut app = partners_listed(3);
        let fx = app.update(Action::Enter);
        let Some(Effect::LoadDetail { req, .. }) = fx.first().cloned() else { panic!() };
        // Six entries read of 40: the ledger has more than the first page.
        let mut d = detail();
        d.ledger_total = 40;
        app.update(Action::DetailLoaded(req, Ok(Box::new(d))));
        let rows = visible_rows(app.height);
        assert!(rows > 6 && rows < 40, "the test needs a screen taller than a page read and shorter than the ledger");
        // The ledger tab opens within a screen of its last entry read: the page after entry 4
        // (the oldest shown) is read at once.
        let fx = app.update(Action::Right);
        let Some(Effect::LoadDetailPage { req, account_id, more }) = fx.first().cloned() else { panic!("{fx:?}") };
        assert_eq!((account_id.as_str(), &more), ("P-00003", &More::Ledger { before: 4 }));
        assert!(app.update(Action::Down).is_empty(), "one page at a time");
        let older: Vec<_> = (1..=3).rev().map(|id| LedgerLine { id, ..detail().ledger[5].clone() }).collect();
        // Still within a screen of the end: the page after it is asked for at once.
        let fx = app.update(Action::DetailPageLoaded(req, Ok(DetailPage::Ledger(older))));
        let d = app.screens.partners.detail.as_ref().and_then(|d| d.partner.data.as_ref()).map(|d| d.ledger.len());
        assert_eq!(d, Some(9));
        let Some(Effect::LoadDetailPage { req: stale, more, .. }) = fx.first().cloned() else { panic!("{fx:?}") };
        assert_eq!(more, More::Ledger { before: 1 });
        // A stale answer (the detail was reloaded meanwhile) is dropped.
        app.update(Action::Reload);
        app.update(Action::DetailPageLoaded(stale, Ok(DetailPage::Ledger(vec![]))));
        let d = app
            .screens
            .partners
            .detail
            .as_ref()
            .and_then(|d| d.partner.data.as_ref())
            .map(|d| (d.ledger.len(), d.ledger_total));
        assert_eq!(d, Some((9, 40)));
    }
}
