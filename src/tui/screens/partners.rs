//! Screen 2: the partners, a page at a time by keyset cursor (never OFFSET, never everything),
//! with search, sort and a status filter. Enter opens the detail.
use super::partner_detail::DetailState;
use crate::service::partners::{Cursor, PartnerRow, Sort, Status};
use crate::tui::app::App;
use crate::tui::i18n::{self, K, t};
use crate::tui::widgets::{fit, right};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, TableState};
use tui_input::Input;
use unicode_width::UnicodeWidthStr;

/// How a page was asked for: after a row, before a row, or from the start.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PageReq {
    pub cursor: Option<Cursor>,
    pub backward: bool,
}

/// Where the highlight lands on the new page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Land {
    First,
    Last,
    Keep,
}

#[derive(Clone, Debug)]
pub struct PendingPage {
    pub req: u64,
    pub page: PageReq,
    pub limit: usize,
    pub land: Land,
    pub page_no: usize,
}

#[derive(Debug, Default)]
pub struct PartnersState {
    pub rows: Vec<PartnerRow>,
    pub sel: usize,
    pub search: Option<String>,
    pub status: Option<Status>,
    pub sort: Sort,
    pub page: PageReq,
    pub page_no: usize,
    pub has_prev: bool,
    pub has_next: bool,
    pub loaded: bool,
    pub pending: Option<PendingPage>,
    pub error: Option<String>,
    /// The search line while it is being typed.
    pub input: Option<Input>,
    pub detail: Option<DetailState>,
}

const GAP: u16 = 1;
const MARK: &str = "> ";

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let lang = app.lang;
    let theme = app.theme();
    let p = &app.partners;
    let [title, body] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);

    let mut parts = vec![
        format!("{}: {}", t(lang, K::Sort), i18n::sort(lang, p.sort)),
        format!("{}: {}", t(lang, K::Filter), i18n::status_filter(lang, p.status)),
    ];
    if let Some(s) = &p.search {
        parts.push(i18n::search_shown(lang, s));
    }
    parts.push(i18n::amounts_in(lang));
    if p.loaded {
        parts.push(i18n::page_title(lang, p.page_no.max(1)));
    }
    if p.pending.is_some() {
        parts.push(t(lang, K::Loading).to_string());
    }
    let head = t(lang, K::TabPartners);
    let rest = fit(&format!(" · {}", parts.join(" · ")), (area.width as usize).saturating_sub(head.width()));
    frame.render_widget(Line::from(vec![Span::styled(head, theme.title()), Span::raw(rest)]), title);

    // Column widths: the fixed ones from their content, the name takes what is left.
    // Amounts without the currency (the title names it), at least 12 columns so that the
    // columns stay put from page to page.
    let h_pending = t(lang, K::Pending).to_string();
    let h_available = t(lang, K::Available).to_string();
    // Fixed, so that the columns stay put from page to page; a longer code ends in `…`.
    let code_w = t(lang, K::Code).width().max(12);
    let status_w = [Status::Active, Status::CodeDeactivated, Status::Excluded]
        .iter()
        .map(|s| i18n::status(lang, *s).width())
        .max()
        .unwrap_or(0)
        .max(t(lang, K::Status).width());
    let amount_w = |h: &str, f: &dyn Fn(&PartnerRow) -> String| {
        p.rows.iter().map(|r| f(r).width()).max().unwrap_or(0).max(h.width()).max(12)
    };
    let pending_w = amount_w(&h_pending, &|r| r.pending.display_bare(lang));
    let avail_w = amount_w(&h_available, &|r| r.available.display_bare(lang));
    let fixed = MARK.len() + code_w + status_w + pending_w + avail_w + 4 * GAP as usize;
    let name_w = (body.width as usize).saturating_sub(fixed).max(4);

    let rows: Vec<Row> = p
        .rows
        .iter()
        .map(|r| {
            let available = right(r.available.display_bare(lang));
            Row::new(vec![
                Line::raw(fit(&r.code, code_w)),
                Line::raw(fit(&r.name, name_w)),
                Line::raw(i18n::status(lang, r.status)),
                right(r.pending.display_bare(lang)),
                available,
            ])
        })
        .collect();
    let header = Row::new(vec![
        Line::raw(t(lang, K::Code)),
        Line::raw(t(lang, K::Name)),
        Line::raw(t(lang, K::Status)),
        right(h_pending),
        right(h_available),
    ])
    .style(theme.header());
    let widths = [
        Constraint::Length(code_w as u16),
        Constraint::Length(name_w as u16),
        Constraint::Length(status_w as u16),
        Constraint::Length(pending_w as u16),
        Constraint::Length(avail_w as u16),
    ];
    let table = Table::new(rows, widths)
        .header(header)
        .column_spacing(GAP)
        .highlight_symbol(MARK)
        .highlight_spacing(ratatui::widgets::HighlightSpacing::Always)
        .row_highlight_style(theme.highlight());
    let mut state = TableState::new().with_selected((!p.rows.is_empty()).then_some(p.sel));
    frame.render_stateful_widget(table, body, &mut state);

    if p.rows.is_empty() {
        let text = match (&p.error, p.pending.is_some() || !p.loaded) {
            (Some(e), _) => i18n::load_failed(lang, e),
            (None, true) => t(lang, K::Loading).to_string(),
            (None, false) => t(lang, K::NoRows).to_string(),
        };
        let r = Rect { y: body.y + 1, height: body.height.saturating_sub(1), ..body };
        frame.render_widget(Paragraph::new(fit(&text, body.width as usize)).style(theme.dim()), r);
    }
}
