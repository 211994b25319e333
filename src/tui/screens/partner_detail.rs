//! The partner detail (opened from screen 2): profile, contract, balance by state, statistics and
//! open cases; the ledger; the referred clients. Three sections, Tab/←/→ between them.
use crate::domain::Lang;
use crate::service::partners::{DetailPage, More, PartnerDetail};
use crate::tui::app::App;
use crate::tui::i18n::{self, K, t};
use crate::tui::widgets::{clean, fit, pad, right};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{HighlightSpacing, Paragraph, Row, Table, TableState};
use unicode_width::UnicodeWidthStr;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Section {
    #[default]
    Profile,
    Ledger,
    Clients,
}

/// A highlighted row and the first row shown, kept so that the highlight stays in view.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Scroll {
    pub sel: usize,
    pub offset: usize,
}

impl Scroll {
    fn moved(self, delta: isize, len: usize, visible: usize) -> Scroll {
        if len == 0 {
            return Scroll::default();
        }
        let visible = visible.max(1);
        let sel = (self.sel as isize).saturating_add(delta).clamp(0, len as isize - 1) as usize;
        let mut offset = self.offset.min(sel);
        if sel >= offset + visible {
            offset = sel + 1 - visible;
        }
        Scroll { sel, offset: offset.min(len.saturating_sub(visible)) }
    }
}

#[derive(Debug)]
pub struct DetailState {
    pub code: String,
    pub data: Option<PartnerDetail>,
    pub error: Option<String>,
    pub pending: Option<u64>,
    /// A next page of the ledger or clients on its way.
    pub page_pending: Option<u64>,
    pub section: Section,
    pub ledger: Scroll,
    pub clients: Scroll,
}

impl DetailState {
    pub fn new(code: String, req: u64) -> DetailState {
        DetailState {
            code,
            data: None,
            error: None,
            pending: Some(req),
            page_pending: None,
            section: Section::Profile,
            ledger: Scroll::default(),
            clients: Scroll::default(),
        }
    }

    /// Moves the highlight of the current section's table by `delta` rows.
    pub fn scroll(&mut self, delta: isize, visible: usize) {
        let Some(d) = &self.data else { return };
        match self.section {
            Section::Profile => {}
            Section::Ledger => self.ledger = self.ledger.moved(delta, d.ledger.len(), visible),
            Section::Clients => self.clients = self.clients.moved(delta, d.clients.len(), visible),
        }
    }

    /// The page to read next for the section on screen: when its highlight is within `visible`
    /// rows of the last row read and the partner has more.
    pub fn wants_more(&self, visible: usize) -> Option<(String, More)> {
        let d = self.data.as_ref()?;
        let (loaded, total, sel) = match self.section {
            Section::Profile => return None,
            Section::Ledger => (d.ledger.len(), d.ledger_total, self.ledger.sel),
            Section::Clients => (d.clients.len(), d.clients_total, self.clients.sel),
        };
        if loaded as i64 >= total || sel + visible.max(1) < loaded {
            return None;
        }
        let more = match self.section {
            Section::Ledger => More::after_ledger(&d.ledger),
            _ => More::after_clients(&d.clients),
        }?;
        Some((d.account_id.clone(), more))
    }

    /// Adds a page read on to its section. An empty page means the rest is gone (cannot happen
    /// to an append-only ledger); the total then follows what was read, so no more is asked.
    pub fn append(&mut self, page: DetailPage) {
        let Some(d) = self.data.as_mut() else { return };
        match page {
            DetailPage::Ledger(lines) if lines.is_empty() => d.ledger_total = d.ledger.len() as i64,
            DetailPage::Ledger(lines) => d.ledger.extend(lines),
            DetailPage::Clients(lines) if lines.is_empty() => d.clients_total = d.clients.len() as i64,
            DetailPage::Clients(lines) => d.clients.extend(lines),
        }
    }

    /// Keeps both highlights inside the data and in view (new data, new height).
    pub fn clamp(&mut self, visible: usize) {
        let Some(d) = &self.data else { return };
        self.ledger = self.ledger.moved(0, d.ledger.len(), visible);
        self.clients = self.clients.moved(0, d.clients.len(), visible);
    }
}

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let Some(ds) = &app.partners.detail else { return };
    let lang = app.lang;
    let theme = app.theme();
    let [title, sections, body] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(1), Constraint::Fill(1)]).areas(area);

    let Some(d) = &ds.data else {
        frame.render_widget(Line::styled(fit(&ds.code, area.width as usize), theme.title()), title);
        let text = match &ds.error {
            Some(e) => i18n::load_failed(lang, e),
            None => t(lang, K::Loading).to_string(),
        };
        frame.render_widget(Paragraph::new(fit(&text, area.width as usize)), body);
        return;
    };

    let mut head = format!("{} · {} · {}", d.code, d.name, i18n::status(lang, d.status));
    if ds.pending.is_some() || ds.page_pending.is_some() {
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
            let span = if s == ds.section {
                Span::styled(format!("[{label}]"), theme.tab_active())
            } else {
                Span::raw(format!(" {label} "))
            };
            [span, Span::raw(" ")]
        })
        .collect();
    frame.render_widget(Line::from(spans), sections);

    match ds.section {
        Section::Profile => profile(app, d, frame, body),
        Section::Ledger => ledger(app, d, ds.ledger, frame, body),
        Section::Clients => clients(app, d, ds.clients, frame, body),
    }
}

fn heading(app: &App, k: K) -> Line<'static> {
    Line::styled(t(app.lang, k), Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED))
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

    fn amount(&mut self, label: &str, value: &str, style: Style) {
        let vw = self.width.saturating_sub(self.label_w + 1);
        let v = fit(value, vw);
        let room = vw.saturating_sub(v.width());
        self.lines.push(Line::from(vec![
            Span::raw(pad(label, self.label_w + 1)),
            Span::raw(" ".repeat(room)),
            Span::styled(v, style),
        ]));
    }
}

fn opt(lang: Lang, s: &Option<String>) -> String {
    s.as_deref().map(clean).filter(|s| !s.is_empty()).unwrap_or_else(|| t(lang, K::Missing).into())
}

fn profile(app: &App, d: &PartnerDetail, frame: &mut Frame, area: Rect) {
    let lang = app.lang;
    let theme = app.theme();
    // Why the code is off or the partner excluded, across the whole width.
    let mut area = area;
    if d.status_reason.is_some() || d.code_deactivated_at.is_some() || d.code_deactivated_by.is_some() {
        let when = d.code_deactivated_at.map(|ms| i18n::date_ms(lang, app.tz, ms));
        let text = i18n::status_reason(
            lang,
            d.status_reason.as_deref().map(clean).as_deref(),
            when,
            d.code_deactivated_by.as_deref(),
        );
        let [line, rest] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
        frame.render_widget(Line::styled(fit(&text, line.width as usize), app.theme().error()), line);
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
    let tz = app.tz;
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
    c.lines.push(heading(app, K::Profile));
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
    c.lines.push(heading(app, K::Contract));
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
        K::OpenCases,
    ]
    .iter()
    .map(|k| t(lang, *k))
    .collect();
    let mut r = Column::new(&right_labels, right_area.width as usize);
    let b = &d.balance;
    r.lines.push(heading(app, K::Balance));
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
    r.lines.push(heading(app, K::Stats));
    r.amount(t(lang, K::Registrations), &d.stats.registrations.to_string(), Style::new());
    r.amount(t(lang, K::PayingClients), &d.stats.paying_clients.to_string(), Style::new());
    r.amount(t(lang, K::Purchases), &d.stats.purchases_amount.display(lang), Style::new());
    r.lines.push(Line::raw(""));
    if d.open_cases > 0 {
        r.kv(t(lang, K::OpenCases), &i18n::open_cases(lang, d.open_cases), theme.error());
        r.kv("", t(lang, K::CasesFreeze), theme.error());
    } else {
        r.kv(t(lang, K::OpenCases), &i18n::open_cases(lang, 0), Style::new());
    }
    frame.render_widget(Paragraph::new(r.lines), right_area);
}

fn empty(app: &App, frame: &mut Frame, area: Rect, k: K) {
    let r = Rect { y: area.y + 1, height: area.height.saturating_sub(1), ..area };
    frame.render_widget(Paragraph::new(fit(t(app.lang, k), area.width as usize)).style(app.theme().dim()), r);
}

fn ledger(app: &App, d: &PartnerDetail, scroll: Scroll, frame: &mut Frame, area: Rect) {
    let lang = app.lang;
    let theme = app.theme();
    let kinds = ["accrual", "release", "void", "clawback", "payout", "adjustment"];
    let kind_w =
        kinds.iter().map(|k| i18n::ledger_kind(lang, k).width()).max().unwrap_or(0).max(t(lang, K::Kind).width());
    let bucket_w = ["held", "available", "paid"]
        .iter()
        .map(|b| i18n::ledger_bucket(lang, b).width())
        .max()
        .unwrap_or(0)
        .max(t(lang, K::Bucket).width());
    let h_amount = format!("{}, {}", t(lang, K::Amount), t(lang, K::Currency));
    let amount_w =
        d.ledger.iter().map(|l| l.amount.display_bare(lang).width()).max().unwrap_or(0).max(h_amount.width());
    let date_w = 10;
    let fixed = 2 + date_w + kind_w + bucket_w + amount_w + 4;
    let reason_w = (area.width as usize).saturating_sub(fixed).max(4);
    let rows: Vec<Row> = d
        .ledger
        .iter()
        .map(|l| {
            let amount = l.amount.display_bare(lang);
            let amount = if l.amount.is_negative() {
                Line::styled(amount, theme.money_negative()).right_aligned()
            } else {
                right(amount)
            };
            Row::new(vec![
                Line::raw(i18n::date_ms(lang, app.tz, l.at)),
                Line::raw(fit(&i18n::ledger_kind(lang, &l.kind), kind_w)),
                Line::raw(fit(&i18n::ledger_bucket(lang, &l.bucket), bucket_w)),
                amount,
                Line::raw(fit(&opt(lang, &l.reason), reason_w)),
            ])
        })
        .collect();
    let header = Row::new(vec![
        Line::raw(t(lang, K::Date)),
        Line::raw(t(lang, K::Kind)),
        Line::raw(t(lang, K::Bucket)),
        right(h_amount),
        Line::raw(t(lang, K::Reason)),
    ])
    .style(theme.header());
    let widths = [
        Constraint::Length(date_w as u16),
        Constraint::Length(kind_w as u16),
        Constraint::Length(bucket_w as u16),
        Constraint::Length(amount_w as u16),
        Constraint::Length(reason_w as u16),
    ];
    table(app, frame, area, rows, header, &widths, scroll);
    if d.ledger.is_empty() {
        empty(app, frame, area, K::NoLedger);
    }
}

fn clients(app: &App, d: &PartnerDetail, scroll: Scroll, frame: &mut Frame, area: Rect) {
    let lang = app.lang;
    let theme = app.theme();
    let h_paid = format!("{}, {}", t(lang, K::Paid), t(lang, K::Currency));
    let date_w = 10.max(t(lang, K::Registered).width());
    let partner_w = t(lang, K::IsPartner).width().max(t(lang, K::Yes).width());
    let payments_w = t(lang, K::Payments).width();
    let paid_w = d.clients.iter().map(|c| c.paid.display_bare(lang).width()).max().unwrap_or(0).max(h_paid.width());
    let fixed = 2 + date_w + partner_w + payments_w + paid_w + 4;
    let account_w = (area.width as usize).saturating_sub(fixed).clamp(4, 40);
    let rows: Vec<Row> = d
        .clients
        .iter()
        .map(|c| {
            Row::new(vec![
                Line::raw(fit(&c.account_id, account_w)),
                Line::raw(
                    c.registered_at
                        .map(|ms| i18n::date_ms(lang, app.tz, ms))
                        .unwrap_or_else(|| t(lang, K::Missing).into()),
                ),
                Line::raw(t(lang, if c.is_partner { K::Yes } else { K::No })),
                right(c.payments.to_string()),
                right(c.paid.display_bare(lang)),
            ])
        })
        .collect();
    let header = Row::new(vec![
        Line::raw(t(lang, K::Account)),
        Line::raw(t(lang, K::Registered)),
        Line::raw(t(lang, K::IsPartner)),
        right(t(lang, K::Payments).to_string()),
        right(h_paid),
    ])
    .style(theme.header());
    let widths = [
        Constraint::Length(account_w as u16),
        Constraint::Length(date_w as u16),
        Constraint::Length(partner_w as u16),
        Constraint::Length(payments_w as u16),
        Constraint::Length(paid_w as u16),
    ];
    table(app, frame, area, rows, header, &widths, scroll);
    if d.clients.is_empty() {
        empty(app, frame, area, K::NoClients);
    }
}

fn table(app: &App, frame: &mut Frame, area: Rect, rows: Vec<Row>, header: Row, widths: &[Constraint], scroll: Scroll) {
    let n = rows.len();
    let t = Table::new(rows, widths.to_vec())
        .header(header)
        .column_spacing(1)
        .highlight_symbol("> ")
        .highlight_spacing(HighlightSpacing::Always)
        .row_highlight_style(app.theme().highlight());
    let mut state = TableState::new().with_offset(scroll.offset).with_selected((n > 0).then_some(scroll.sel));
    frame.render_stateful_widget(t, area, &mut state);
}
