//! What the partner detail draws in its sections: the profile (the partner, the contract, the
//! balance and statistics in two columns), the ledger and the referred clients.
use crate::domain::Lang;
use crate::service::partners::PartnerDetail;
use crate::tui::columns::{self, Cell, money};
use crate::tui::i18n::{self, K, t};
use crate::tui::widgets::{self, Scroll, View, clean, fit, pad};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

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

pub fn profile(view: &View, d: &PartnerDetail, frame: &mut Frame, area: Rect) {
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

/// The ledger's entries (`searched`: they are a search's matches, so none means nothing found).
pub fn ledger(view: &View, d: &PartnerDetail, scroll: Scroll, searched: bool, frame: &mut Frame, area: Rect) {
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
        widgets::note(view, frame, area, t(lang, if searched { K::NothingFound } else { K::NoLedger }));
    }
}

/// The referred clients (`searched`: they are a search's matches).
pub fn clients(view: &View, d: &PartnerDetail, scroll: Scroll, searched: bool, frame: &mut Frame, area: Rect) {
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
        widgets::note(view, frame, area, t(lang, if searched { K::NothingFound } else { K::NoClients }));
    }
}
