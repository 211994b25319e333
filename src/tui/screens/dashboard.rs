//! Screen 1: the program at a glance and the last six months as a bar chart.
use crate::domain::Money;
use crate::domain::bonus::ShownBonusState as State;
use crate::service::dashboard::Dashboard;
use crate::tui::app::App;
use crate::tui::i18n::{self, K, t};
use crate::tui::widgets::{fit, pad, right};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, Block, Borders, Paragraph, Row, Table};
use unicode_width::UnicodeWidthStr;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Chart {
    #[default]
    Revenue,
    Bonuses,
}

#[derive(Debug, Default)]
pub struct DashboardState {
    pub data: Option<Dashboard>,
    pub pending: Option<u64>,
    pub error: Option<String>,
    pub chart: Chart,
}

fn block<'a>(app: &App, title: String) -> Block<'a> {
    Block::new().borders(Borders::ALL).title(Span::styled(format!(" {title} "), app.theme().title()))
}

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let lang = app.lang;
    let Some(d) = &app.dashboard.data else {
        let text = match &app.dashboard.error {
            Some(e) => i18n::load_failed(lang, e),
            None => t(lang, K::Loading).to_string(),
        };
        frame.render_widget(Paragraph::new(fit(&text, area.width as usize)), area);
        return;
    };
    let [left, chart] = Layout::horizontal([Constraint::Length(42.min(area.width)), Constraint::Fill(1)]).areas(area);
    let [program, bonuses, _] =
        Layout::vertical([Constraint::Length(8), Constraint::Length(8), Constraint::Fill(1)]).areas(left);
    render_program(app, d, frame, program);
    render_bonuses(app, d, frame, bonuses);
    render_chart(app, d, frame, chart);
}

fn render_program(app: &App, d: &Dashboard, frame: &mut Frame, area: Rect) {
    let lang = app.lang;
    let month = d.months.last().map(|m| i18n::month_year(lang, m.month)).unwrap_or_default();
    let rows: Vec<(K, String)> = vec![
        (K::Partners, i18n::partners_count(lang, d.partners, d.active_partners)),
        (K::NewClientsMonth, d.new_clients_month.to_string()),
        (K::RevenueMonth, d.revenue_month.display(lang)),
        (K::OpenCases, i18n::open_cases(lang, d.open_cases)),
        (K::NextPayout, i18n::date(lang, d.next_payout_due)),
        (K::PaysFor, i18n::month_year(lang, d.next_payout_month)),
    ];
    let label_w = rows.iter().map(|(k, _)| t(lang, *k).width()).max().unwrap_or(0);
    let inner_w = area.width.saturating_sub(2) as usize;
    let value_w = inner_w.saturating_sub(label_w + 1);
    let lines: Vec<Line> = rows
        .iter()
        .map(|(k, v)| {
            let mut spans = vec![
                Span::raw(pad(t(lang, *k), label_w + 1)),
                Span::styled(fit(v, value_w), Style::new().add_modifier(Modifier::BOLD)),
            ];
            if *k == K::OpenCases && d.open_cases > 0 {
                spans[1] = Span::styled(fit(v, value_w), app.theme().error());
            }
            Line::from(spans)
        })
        .collect();
    let title = format!("{} — {month}", t(lang, K::Program));
    frame.render_widget(Paragraph::new(lines).block(block(app, fit(&title, inner_w.saturating_sub(2)))), area);
}

fn render_bonuses(app: &App, d: &Dashboard, frame: &mut Frame, area: Rect) {
    let lang = app.lang;
    let theme = app.theme();
    let rows: Vec<(State, (i64, Money))> = vec![
        (State::Held, d.held),
        (State::Due, d.due),
        (State::Frozen, d.frozen),
        (State::Available, d.available),
        (State::Paid, d.paid),
    ];
    let state_w =
        rows.iter().map(|(s, _)| i18n::state(lang, *s).width()).max().unwrap_or(0).max(t(lang, K::State).width())
            as u16;
    let count_w =
        rows.iter().map(|(_, (n, _))| n.to_string().len()).max().unwrap_or(0).max(t(lang, K::Count).width()) as u16;
    let table_rows: Vec<Row> = rows
        .iter()
        .map(|(s, (n, m))| {
            Row::new(vec![
                Line::styled(i18n::state(lang, *s), theme.state(*s)),
                right(n.to_string()),
                right(m.display_bare(lang)),
            ])
        })
        .collect();
    let header = Row::new(vec![
        Line::raw(t(lang, K::State)),
        right(t(lang, K::Count).to_string()),
        right(t(lang, K::AmountKzt).to_string()),
    ])
    .style(theme.header());
    let table = Table::new(table_rows, [Constraint::Length(state_w), Constraint::Length(count_w), Constraint::Fill(1)])
        .header(header)
        .block(block(app, t(lang, K::Bonuses).to_string()));
    frame.render_widget(table, area);
}

fn render_chart(app: &App, d: &Dashboard, frame: &mut Frame, area: Rect) {
    let lang = app.lang;
    let revenue = app.dashboard.chart == Chart::Revenue;
    let values: Vec<(String, u64)> = d
        .months
        .iter()
        .map(|m| {
            let money = if revenue { m.revenue } else { m.bonuses };
            (i18n::month_short(lang, m.month), (money.tiyn().max(0) / 100) as u64)
        })
        .collect();
    let max = values.iter().map(|v| v.1).max().unwrap_or(0);
    let million = max >= 1_000_000;
    let unit = if million { 1_000_000 } else { 1_000 };
    let inner_w = area.width.saturating_sub(2);
    let n = values.len().max(1) as u16;
    let bar_w = ((inner_w + 1) / n).saturating_sub(1).clamp(1, 9);
    let bars: Vec<Bar> = values
        .iter()
        .map(|(label, v)| Bar::new(*v).label(Line::from(label.clone())).text_value(i18n::compact(lang, *v, unit)))
        .collect();
    let title = format!("{} (c)", i18n::chart_title(lang, revenue, million));
    let chart = BarChart::new(bars)
        .bar_width(bar_w)
        .bar_gap(1)
        .bar_style(app.theme().bar())
        .value_style(Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD))
        .block(block(app, fit(&title, inner_w.saturating_sub(2) as usize)));
    frame.render_widget(chart, area);
}
