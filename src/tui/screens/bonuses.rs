//! Screen 3: bonuses by state, the due queue first; selection, approval with a confirmation,
//! voiding with a reason. Pages go forward by keyset cursor (release_at, id); the cursors of
//! the pages before are kept on a stack for PgUp.
use crate::domain::Money;
use crate::domain::bonus::ShownBonusState as State;
use crate::service::bonuses::BonusRow;
use crate::tui::app::App;
use crate::tui::i18n::{self, K, t};
use crate::tui::screens::partners::Land;
use crate::tui::widgets::{fit, right};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{HighlightSpacing, Paragraph, Row, Table, TableState};
use std::collections::BTreeMap;
use unicode_width::UnicodeWidthStr;

#[derive(Clone, Debug)]
pub struct BonusPending {
    pub req: u64,
    pub after: Option<(i64, i64)>,
    pub stack: Vec<Option<(i64, i64)>>,
    pub land: Land,
    pub limit: usize,
}

#[derive(Debug)]
pub struct BonusesState {
    /// The shown state; `None` is every state.
    pub filter: Option<State>,
    pub rows: Vec<BonusRow>,
    pub sel: usize,
    /// The cursor this page was read after.
    pub after: Option<(i64, i64)>,
    /// The cursors of the pages before this one.
    pub stack: Vec<Option<(i64, i64)>>,
    pub has_next: bool,
    pub loaded: bool,
    pub pending: Option<BonusPending>,
    pub error: Option<String>,
    /// Selected bonuses (kept across pages) and their amounts.
    pub selected: BTreeMap<i64, Money>,
}

impl Default for BonusesState {
    fn default() -> Self {
        BonusesState {
            filter: Some(State::Due),
            rows: Vec::new(),
            sel: 0,
            after: None,
            stack: Vec::new(),
            has_next: false,
            loaded: false,
            pending: None,
            error: None,
            selected: BTreeMap::new(),
        }
    }
}

const MARK: &str = "> ";

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let lang = app.lang;
    let theme = app.theme();
    let b = &app.bonuses;
    let [title, body] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);

    let mut parts = vec![format!("{}: {}", t(lang, K::Filter), i18n::state_filter(lang, b.filter))];
    if !b.selected.is_empty() {
        let total: Money = b.selected.values().copied().sum();
        parts.push(i18n::selected(lang, b.selected.len(), &total.display(lang)));
    }
    if b.loaded {
        parts.push(i18n::page_title(lang, b.stack.len() + 1));
    }
    if b.pending.is_some() {
        parts.push(t(lang, K::Loading).to_string());
    }
    let head = t(lang, K::TabBonuses);
    let rest = fit(&format!(" · {}", parts.join(" · ")), (area.width as usize).saturating_sub(head.width()));
    frame.render_widget(Line::from(vec![Span::styled(head, theme.title()), Span::raw(rest)]), title);

    let h_amount = format!("{}, {}", t(lang, K::Amount), t(lang, K::Currency));
    let id_w = b.rows.iter().map(|r| r.id.to_string().len()).max().unwrap_or(0).max(t(lang, K::Id).width()).max(5);
    // Fixed, so that the columns stay put from page to page; a longer code ends in `…`.
    let code_w = t(lang, K::Partner).width().max(12);
    let amount_w = b.rows.iter().map(|r| r.amount.display_bare(lang).width()).max().unwrap_or(0).max(h_amount.width());
    let status_w =
        State::ALL.iter().map(|s| i18n::state(lang, *s).width()).max().unwrap_or(0).max(t(lang, K::Status).width());
    let date_w = 10.max(t(lang, K::Release).width());
    let fixed = MARK.len() + 3 + id_w + code_w + amount_w + status_w + date_w + 6;
    let payment_w = (body.width as usize).saturating_sub(fixed).clamp(4, 36);

    let rows: Vec<Row> = b
        .rows
        .iter()
        .map(|r| {
            let mark = if b.selected.contains_key(&r.id) { "[x]" } else { "[ ]" };
            Row::new(vec![
                Line::raw(mark),
                right(r.id.to_string()),
                Line::raw(fit(&r.partner, code_w)),
                Line::raw(fit(&r.payment_id, payment_w)),
                right(r.amount.display_bare(lang)),
                Line::styled(i18n::state(lang, r.status), theme.state(r.status)),
                Line::raw(i18n::date_ms(lang, app.tz, r.release_at)),
            ])
        })
        .collect();
    let header = Row::new(vec![
        Line::raw(""),
        right(t(lang, K::Id).to_string()),
        Line::raw(t(lang, K::Partner)),
        Line::raw(t(lang, K::Payment)),
        right(h_amount),
        Line::raw(t(lang, K::Status)),
        Line::raw(t(lang, K::Release)),
    ])
    .style(theme.header());
    let widths = [
        Constraint::Length(3),
        Constraint::Length(id_w as u16),
        Constraint::Length(code_w as u16),
        Constraint::Length(payment_w as u16),
        Constraint::Length(amount_w as u16),
        Constraint::Length(status_w as u16),
        Constraint::Length(date_w as u16),
    ];
    let table = Table::new(rows, widths)
        .header(header)
        .column_spacing(1)
        .highlight_symbol(MARK)
        .highlight_spacing(HighlightSpacing::Always)
        .row_highlight_style(theme.highlight());
    let mut state = TableState::new().with_selected((!b.rows.is_empty()).then_some(b.sel));
    frame.render_stateful_widget(table, body, &mut state);

    if b.rows.is_empty() {
        let text = match (&b.error, b.pending.is_some() || !b.loaded) {
            (Some(e), _) => i18n::load_failed(lang, e),
            (None, true) => t(lang, K::Loading).to_string(),
            (None, false) => t(lang, K::NoRows).to_string(),
        };
        let r = Rect { y: body.y + 1, height: body.height.saturating_sub(1), ..body };
        frame.render_widget(Paragraph::new(fit(&text, body.width as usize)).style(theme.dim()), r);
    }
}
