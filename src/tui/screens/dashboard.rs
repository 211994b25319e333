//! Screen 1: the program at a glance and the last six months as a bar chart.
use crate::domain::bonus::ShownBonusState;
use crate::domain::{Lang, Money};
use crate::service::dashboard::Dashboard;
use crate::service::payout_views::NextRun;
use crate::tui::action::{Action, Effect};
use crate::tui::columns::{self, Cell, Column, money, whole};
use crate::tui::component::{Component, Cx, MsgKind, Read, copy};
use crate::tui::i18n::{self, HelpFor, K, t};
use crate::tui::widgets::{View, boxed, fit, pad};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, Paragraph};
use unicode_width::UnicodeWidthStr;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Chart {
    #[default]
    Revenue,
    Bonuses,
}

#[derive(Debug, Default)]
pub struct DashboardState {
    pub figures: Read<Dashboard>,
    /// The next payout run and what it is expected to pay: read beside the figures, as it
    /// takes longer on a large program (the rest does not wait for it).
    pub next: Read<NextRun>,
    pub chart: Chart,
    /// The reload asked for with `r`, whose answer says so on the message line.
    pub announce: Option<u64>,
}

impl DashboardState {
    fn load(&mut self, cx: &mut Cx) -> Vec<Effect> {
        vec![Effect::LoadDashboard { req: self.figures.ask(cx) }, Effect::LoadNextRun { req: self.next.ask(cx) }]
    }
}

impl Component for DashboardState {
    fn update(&mut self, action: Action, cx: &mut Cx) -> Vec<Effect> {
        match action {
            Action::DashboardLoaded(req, res) => {
                if self.figures.answer(cx, req, res) && self.announce.take_if(|r| *r == req).is_some() {
                    cx.say(MsgKind::Info, i18n::reloaded(cx.view.lang, &i18n::Reloaded::Dashboard));
                }
                vec![]
            }
            Action::NextRunLoaded(req, res) => {
                self.next.answer(cx, req, res);
                vec![]
            }
            Action::ToggleChart => {
                self.chart = match self.chart {
                    Chart::Revenue => Chart::Bonuses,
                    Chart::Bonuses => Chart::Revenue,
                };
                vec![]
            }
            Action::Reload => {
                let fx = self.load(cx);
                self.announce = self.figures.pending;
                fx
            }
            Action::Refresh if self.figures.pending.is_none() => self.load(cx),
            // The figure that asks for work is the open abuse cases: Enter goes to their queue.
            Action::Enter => {
                cx.goto = Some(crate::tui::action::Screen::Abuse);
                vec![]
            }
            Action::Export => {
                cx.info(K::NothingToExport);
                vec![]
            }
            Action::Copy => copy(cx, None),
            _ => vec![],
        }
    }

    fn render(&self, view: &View, frame: &mut Frame, area: Rect) {
        let lang = view.lang;
        let Some(d) = &self.figures.data else {
            frame.render_widget(Paragraph::new(fit(&self.figures.missing(lang), area.width as usize)), area);
            return;
        };
        let [left, chart] =
            Layout::horizontal([Constraint::Length(42.min(area.width)), Constraint::Fill(1)]).areas(area);
        let [program, bonuses, _] =
            Layout::vertical([Constraint::Length(11), Constraint::Length(8), Constraint::Fill(1)]).areas(left);
        render_program(view, d, self.next.data.as_ref(), frame, program);
        render_bonuses(view, d, frame, bonuses);
        render_chart(view, d, self.chart, frame, chart);
    }

    fn hint(&self) -> K {
        K::HintDashboard
    }

    fn help(&self) -> HelpFor {
        HelpFor::Dashboard
    }

    /// The figures are read again each time the screen is come back to.
    fn enter(&mut self, again: bool, cx: &mut Cx) -> Vec<Effect> {
        if again && self.figures.data.is_some() { vec![] } else { self.load(cx) }
    }
}

fn render_program(view: &View, d: &Dashboard, next: Option<&NextRun>, frame: &mut Frame, area: Rect) {
    let lang = view.lang;
    let month = d.months.last().map(|m| i18n::month_year(lang, m.month)).unwrap_or_default();
    let rows: Vec<(K, String)> = vec![
        (K::Partners, i18n::partners_count(lang, d.partners, d.active_partners)),
        (K::NewClientsMonth, d.new_clients_month.to_string()),
        (K::RevenueMonth, d.revenue_month.display(lang)),
        (K::OpenCases, i18n::open_cases(lang, d.open_cases)),
        (K::NextPayout, i18n::date(lang, d.next_payout_due)),
        (K::PaysFor, i18n::month_year(lang, d.next_payout_month)),
        // Counted beside the rest: `…` until it is read, never a figure cut or guessed.
        (K::NextRun, next.map(|n| i18n::next_run_state(lang, n.run)).unwrap_or_else(|| "…".into())),
        (K::ExpectedTotal, next.map(|n| expected(lang, n)).unwrap_or_else(|| "…".into())),
        (K::LateRuns, next.map(|n| i18n::late_runs(lang, &n.late)).unwrap_or_else(|| "…".into())),
    ];
    // The labels' column fits the longest label of either language, so that the values stand
    // in one column in both, two spaces clear of the labels.
    let label_w = [Lang::En, Lang::Ru]
        .into_iter()
        .flat_map(|l| rows.iter().map(move |(k, _)| t(l, *k).width()))
        .max()
        .unwrap_or(0)
        + 1;
    let inner_w = area.width.saturating_sub(2) as usize;
    let value_w = inner_w.saturating_sub(label_w + 1);
    let lines: Vec<Line> = rows
        .iter()
        .map(|(k, v)| {
            let mut spans = vec![
                Span::raw(pad(t(lang, *k), label_w + 1)),
                Span::styled(whole(v, value_w), Style::new().add_modifier(Modifier::BOLD)),
            ];
            let late = *k == K::LateRuns && next.is_some_and(|n| !n.late.is_empty());
            if (*k == K::OpenCases && d.open_cases > 0) || late {
                spans[1] = Span::styled(whole(v, value_w), view.theme.error());
            }
            Line::from(spans)
        })
        .collect();
    let title = format!("{} — {month}", t(lang, K::Program));
    frame.render_widget(Paragraph::new(lines).block(boxed(view.theme, fit(&title, inner_w.saturating_sub(2)))), area);
}

/// `75 000,00 ₸` once prepared; `75 000,00 ₸ so far` while the month is not over.
fn expected(lang: Lang, n: &NextRun) -> String {
    let total = n.total.display(lang);
    if n.so_far { format!("{total} {}", t(lang, K::SoFar)) } else { total }
}

fn render_bonuses(view: &View, d: &Dashboard, frame: &mut Frame, area: Rect) {
    let lang = view.lang;
    let theme = view.theme;
    let rows: Vec<(ShownBonusState, (i64, Money))> = vec![
        (ShownBonusState::Held, d.held),
        (ShownBonusState::Due, d.due),
        (ShownBonusState::Frozen, d.frozen),
        (ShownBonusState::Available, d.available),
        (ShownBonusState::Paid, d.paid),
    ];
    // Narrow: the count goes before the amount does; an amount is never cut.
    let columns = [
        Column::whole(t(lang, K::State), 5),
        Column::number(t(lang, K::Count), 3),
        Column::number(t(lang, K::AmountKzt), 9),
    ];
    let cells: Vec<Vec<Cell>> = rows
        .iter()
        .map(|(s, (n, m))| {
            vec![Cell::styled(i18n::state(lang, *s), theme.state(*s)), Cell::new(n.to_string()), money(view, *m)]
        })
        .collect();
    columns::panel(view, frame, area, boxed(view.theme, t(lang, K::Bonuses).to_string()), &columns, &cells);
}

fn render_chart(view: &View, d: &Dashboard, kind: Chart, frame: &mut Frame, area: Rect) {
    let lang = view.lang;
    let revenue = kind == Chart::Revenue;
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
    // The bars share the whole width, with gaps that grow with them.
    let slot = ((inner_w + 1) / n).max(2);
    let gap = (slot / 6).max(1);
    let bar_w = slot - gap;
    let bars: Vec<Bar> = values
        .iter()
        .map(|(label, v)| Bar::new(*v).label(Line::from(label.clone())).text_value(i18n::compact(lang, *v, unit)))
        .collect();
    let title = format!("{} (c)", i18n::chart_title(lang, revenue, million));
    let chart = BarChart::new(bars)
        .bar_width(bar_w)
        .bar_gap(gap)
        .bar_style(view.theme.bar())
        .value_style(Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD))
        .block(boxed(view.theme, fit(&title, inner_w.saturating_sub(2) as usize)));
    frame.render_widget(chart, area);
}
