//! Screen 4: the payout runs by month, newest first, with the months that have none and a
//! warning, in words, on a run that is late (past its due date and not completed) or missing.
//! Enter opens a run (`payout_run`). Each step of a run's life — prepare, approve, export,
//! complete, discard — reads the run afresh, then asks in a dialog that names the run, its
//! count and its total, and takes `y` only; a step running says so, with its seconds, on the
//! message line, and the screen goes on answering keys.
use super::payout_run::RunDetail;
use crate::domain::Lang;
use crate::domain::Money;
use crate::domain::payout::{LineStatus, RunState};
use crate::service::payout_views::RunHead;
use crate::service::payouts::{MonthRun, PayoutRefusal, Step};
use crate::tui::action::{Action, Ask, Effect, RunStep, StepDone};
use crate::tui::columns::{self, Cell, Column, money};
use crate::tui::component::{Component, Cx, MsgKind, Read, copy};
use crate::tui::dialog::Dialog;
use crate::tui::i18n::{self, HelpFor, K, t};
use crate::tui::paging;
use crate::tui::widgets::{Scroll, View, fit};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};

/// A step that asks in a dialog once the run has been read afresh.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Asked {
    Approve,
    Export,
    Complete,
    Discard,
}

#[derive(Debug, Default)]
pub struct PayoutsState {
    pub runs: Read<Vec<MonthRun>>,
    pub scroll: Scroll,
    /// The run opened with Enter.
    pub detail: Option<RunDetail>,
    /// The run being read for a step's dialog: the request, and the step.
    pub asking: Option<(u64, Asked)>,
    /// The step being written (one at a time): its request, what it is, its seconds so far.
    pub working: Option<(u64, RunStep, u64)>,
    /// Money moved elsewhere since the runs were read.
    pub stale: bool,
    /// The reload asked for with `r`, whose answer says so on the message line.
    pub announce: Option<u64>,
}

/// Rows of the runs' table: the terminal less the tab bar, title, header, message and status.
fn visible_rows(height: u16) -> usize {
    paging::page_rows(height)
}

impl PayoutsState {
    fn load(&mut self, cx: &mut Cx) -> Vec<Effect> {
        self.stale = false;
        vec![Effect::LoadRuns { req: self.runs.ask(cx) }]
    }

    /// The month highlighted in the list (with its row), when the rows are the current ones.
    fn highlighted(&self) -> Option<&MonthRun> {
        if self.runs.pending.is_some() { None } else { self.runs.data.as_ref()?.get(self.scroll.sel) }
    }

    /// The run a step acts on: the one open, or the highlighted month's.
    fn target(&self) -> Option<i64> {
        match &self.detail {
            Some(d) => Some(d.id),
            None => self.highlighted()?.id,
        }
    }

    fn busy(&self, cx: &mut Cx) -> bool {
        if self.working.is_some() || self.asking.is_some() {
            cx.info(K::Busy);
            return true;
        }
        false
    }

    /// Reads the run afresh, for the dialog of `step`.
    fn ask_step(&mut self, cx: &mut Cx, step: Asked) -> Vec<Effect> {
        if self.busy(cx) {
            return vec![];
        }
        let Some(id) = self.target() else {
            cx.info(if self.highlighted().is_some() { K::NoRunForMonth } else { K::NoMonthHighlighted });
            return vec![];
        };
        let req = cx.req();
        self.asking = Some((req, step));
        cx.info(K::Checking);
        vec![Effect::LoadRun { req, id }]
    }

    /// `p`: the highlighted month's (or the open run's month's) run, when it has no live one.
    fn prepare(&mut self, cx: &mut Cx) -> Vec<Effect> {
        if self.busy(cx) {
            return vec![];
        }
        let lang = cx.view.lang;
        let month = match &self.detail {
            Some(d) => d.head.data.as_ref().map(|h| (h.run.month.clone(), h.run.due)),
            None => self.highlighted().map(|m| (m.month.clone(), m.due)),
        };
        let Some((month, due)) = month else {
            cx.info(K::NoMonthHighlighted);
            return vec![];
        };
        let live = self
            .runs
            .data
            .iter()
            .flatten()
            .find(|m| m.month == month && m.state.and_then(RunState::parse).is_some_and(RunState::live));
        if let Some((id, state)) = live.and_then(|m| Some((m.id?, RunState::parse(m.state?)?))) {
            cx.say(MsgKind::Info, i18n::month_has_run(lang, &month, id, state));
            return vec![];
        }
        let question = i18n::prepare_question(lang, &month, due);
        cx.ask(Dialog::confirm(K::PayoutRun, question, K::PrepareKeys, true, Ask::Payout(RunStep::Prepare(month))));
        vec![]
    }

    /// The run read for a step: the dialog, or why the step cannot be taken now (the service's
    /// own sentence).
    fn asked(&mut self, cx: &mut Cx, step: Asked, head: RunHead) {
        let lang = cx.view.lang;
        let r = &head.run;
        let state = head.state();
        let (from, service_step): (&[RunState], Step) = match step {
            Asked::Approve => (&[RunState::Draft], Step::Approve),
            Asked::Export => (&[RunState::Approved, RunState::Exported, RunState::Completed], Step::Export),
            Asked::Complete => (&[RunState::Exported], Step::Complete),
            Asked::Discard => (&[RunState::Draft, RunState::Approved], Step::Discard),
        };
        let why = if !from.contains(&state) {
            Some(PayoutRefusal::State { run: r.id, state, step: service_step })
        } else if step == Asked::Approve && r.prepared_by == cx.operator {
            Some(PayoutRefusal::OwnRun { run: r.id, by: r.prepared_by.clone() })
        } else {
            None
        };
        if let Some(why) = why {
            cx.say(MsgKind::Error, i18n::refused(lang, &why.text(lang == Lang::Ru)));
            return;
        }
        let (pay_n, pay) = head.of(LineStatus::Payable);
        let (paid_n, paid) = head.of(LineStatus::Paid);
        let total = r.total.display(lang);
        let (question, keys, ask) = match step {
            Asked::Approve => (
                i18n::approve_run_question(lang, r.id, &r.month, pay_n, &total, head.of(LineStatus::HeldBack).0),
                K::ConfirmKeysStrict,
                RunStep::Approve(r.id),
            ),
            Asked::Export => {
                let base = format!("payout-{}-run{}", r.month, r.id);
                let csv = format!("{base}.csv");
                let pain001 = (pay_n + paid_n > 0).then(|| format!("{base}.xml"));
                let files: Vec<String> = pain001.iter().cloned().chain([csv.clone()]).collect();
                let q =
                    i18n::export_question(lang, r.id, &r.month, pay_n + paid_n, &(pay + paid).display(lang), &files);
                (q, K::ExportKeys, RunStep::Export { run: r.id, csv, pain001 })
            }
            Asked::Complete => {
                let failed: Vec<(String, Money)> = match &self.detail {
                    Some(d) if d.id == r.id => d.failed.iter().map(|(c, m)| (c.clone(), *m)).collect(),
                    _ => vec![],
                };
                let failed_total: Money = failed.iter().map(|f| f.1).sum();
                let named: Vec<(String, String)> = failed.iter().map(|(c, m)| (c.clone(), m.display(lang))).collect();
                let paying = (pay - failed_total).display(lang);
                let q = i18n::complete_question(lang, r.id, &r.month, pay_n - failed.len() as i64, &paying, &named);
                let codes = failed.into_iter().map(|f| f.0).collect();
                (q, K::CompleteKeys, RunStep::Complete { run: r.id, failed: codes })
            }
            Asked::Discard => {
                (i18n::discard_question(lang, r.id, &r.month, state, &total), K::DiscardKeys, RunStep::Discard(r.id))
            }
        };
        cx.ask(Dialog::confirm(K::PayoutRun, question, keys, true, Ask::Payout(ask)));
    }

    /// What a step says when done.
    fn done(&mut self, cx: &mut Cx, step: &RunStep, done: StepDone) -> Vec<Effect> {
        let lang = cx.view.lang;
        cx.wrote();
        let mut fx = self.load(cx);
        let text = match (step, done) {
            (RunStep::Prepare(_), StepDone::Run(r)) => {
                // The new run opens: its lines are what the operator checks next.
                let mut d = RunDetail::new(r.id);
                fx.extend(d.reload(cx));
                self.detail = Some(d);
                i18n::prepared(lang, r.id, &r.month, r.payable, r.held_back, &r.total.display(lang))
            }
            (RunStep::Approve(_), StepDone::Run(r)) => {
                i18n::approved_run(lang, r.id, r.payable, &r.total.display(lang))
            }
            (RunStep::Complete { .. }, StepDone::Run(r)) => {
                let count = |s: &str| r.lines.iter().filter(|l| l.status == s).count();
                i18n::completed_run(lang, r.id, count("paid"), &r.total.display(lang), count("failed"))
            }
            (RunStep::Discard(_), StepDone::Run(r)) => i18n::discarded_run(lang, r.id, &r.month),
            (_, StepDone::Exported { run, files }) => {
                let names: Vec<String> = files.iter().map(|f| file_name(&f.file)).collect();
                i18n::exported_run(lang, run, &names)
            }
            (_, StepDone::Run(r)) => i18n::month_words(lang, &r.month),
        };
        if !matches!(step, RunStep::Prepare(_))
            && let Some(d) = self.detail.as_mut()
        {
            fx.extend(d.reload(cx));
        }
        cx.say(MsgKind::Ok, text);
        fx
    }

    fn key(&mut self, action: Action, cx: &mut Cx) -> Vec<Effect> {
        let n = self.runs.data.as_ref().map_or(0, Vec::len);
        let visible = visible_rows(cx.height);
        let mut moved = |d: isize| self.scroll = self.scroll.moved(d, n, visible);
        match action {
            Action::Down => moved(1),
            Action::Up => moved(-1),
            Action::PageDown => moved(visible as isize),
            Action::PageUp => moved(-(visible as isize)),
            Action::Home => moved(-(n as isize)),
            Action::End => moved(n as isize),
            Action::Pick(i) if self.scroll.offset + i < n => self.scroll.sel = self.scroll.offset + i,
            Action::Enter => match self.highlighted().map(|m| m.id) {
                Some(Some(id)) => {
                    let mut d = RunDetail::new(id);
                    let fx = d.reload(cx);
                    self.detail = Some(d);
                    return fx;
                }
                Some(None) => cx.info(K::NoRunForMonth),
                None => cx.info(K::NoMonthHighlighted),
            },
            Action::Copy => {
                let id = self.highlighted().and_then(|m| m.id).map(|id| id.to_string());
                return copy(cx, id);
            }
            _ => {}
        }
        vec![]
    }
}

/// A path's last part: the file's name.
fn file_name(path: &str) -> String {
    std::path::Path::new(path).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.into())
}

impl Component for PayoutsState {
    fn update(&mut self, action: Action, cx: &mut Cx) -> Vec<Effect> {
        let lang = cx.view.lang;
        match action {
            Action::RunsLoaded(req, res) => {
                if self.runs.answer(cx, req, res.map(Box::new)) {
                    let n = self.runs.data.as_ref().map_or(0, Vec::len);
                    self.scroll = self.scroll.moved(0, n, visible_rows(cx.height));
                    if self.announce.take_if(|r| *r == req).is_some() {
                        cx.say(MsgKind::Info, i18n::reloaded(lang, &i18n::Reloaded::Payouts));
                    }
                }
                vec![]
            }
            Action::RunLoaded(req, res) if self.asking.is_some_and(|a| a.0 == req) => {
                let Some((_, step)) = self.asking.take() else { return vec![] };
                match res {
                    Ok(head) => self.asked(cx, step, *head),
                    Err(e) => cx.say(MsgKind::Error, i18n::refused(lang, &e)),
                }
                vec![]
            }
            Action::Confirmed { ask: Ask::Payout(step), .. } => {
                let req = cx.req();
                cx.say(MsgKind::Info, i18n::working(lang, &step, 0));
                self.working = Some((req, step.clone(), 0));
                vec![Effect::PayoutStep { req, step }]
            }
            Action::PayoutWorking(req, secs) => {
                match self.working.as_mut().filter(|w| w.0 == req) {
                    Some(w) => {
                        w.2 = secs;
                        let text = i18n::working(lang, &w.1, secs);
                        cx.say(MsgKind::Info, text);
                    }
                    None => cx.stale(),
                }
                vec![]
            }
            Action::PayoutStepped(req, res) => {
                let Some((_, step, _)) = self.working.take_if(|w| w.0 == req) else {
                    cx.stale();
                    return vec![];
                };
                match res {
                    Ok(done) => self.done(cx, &step, done),
                    Err(e) => {
                        cx.say(MsgKind::Error, i18n::refused(lang, &e));
                        // What the refusal was about may have changed: read it again.
                        let mut fx = self.load(cx);
                        if let Some(d) = self.detail.as_mut() {
                            fx.extend(d.reload(cx));
                        }
                        fx
                    }
                }
            }
            Action::Reload => {
                let mut fx = self.load(cx);
                self.announce = self.runs.pending;
                if let Some(d) = self.detail.as_mut() {
                    fx.extend(d.reload(cx));
                }
                fx
            }
            Action::Refresh if self.runs.pending.is_none() && self.working.is_none() => {
                if self.detail.is_some() {
                    return vec![];
                }
                self.load(cx)
            }
            Action::Prepare => self.prepare(cx),
            Action::Approve => self.ask_step(cx, Asked::Approve),
            Action::Export => self.ask_step(cx, Asked::Export),
            Action::Complete => self.ask_step(cx, Asked::Complete),
            Action::Void => self.ask_step(cx, Asked::Discard),
            other => match self.detail.as_mut() {
                Some(d) => d.update(other, cx),
                None if matches!(other, Action::RunLoaded(..) | Action::RunLinesLoaded(..)) => {
                    cx.stale();
                    vec![]
                }
                None => self.key(other, cx),
            },
        }
    }

    fn render(&self, view: &View, frame: &mut Frame, area: Rect) {
        if let Some(d) = &self.detail {
            return d.render(view, frame, area);
        }
        let (lang, theme) = (view.lang, view.theme);
        let [title, body] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
        let Some(runs) = &self.runs.data else {
            frame.render_widget(Line::raw(fit(&self.runs.missing(lang), area.width as usize)), area);
            return;
        };
        let late = runs.iter().filter(|m| m.late).count();
        // A month may have discarded runs beside its live one: months, not rows.
        let months = runs.iter().map(|m| m.month.as_str()).collect::<std::collections::BTreeSet<_>>().len();
        let mut spans = vec![
            Span::styled(t(lang, K::TabPayouts), theme.title()),
            Span::raw(format!(" · {}", i18n::months_count(lang, months))),
        ];
        if late > 0 {
            spans.push(Span::styled(format!(" · {} {late}", t(lang, K::Late)), theme.error()));
        }
        if self.runs.pending.is_some() {
            spans.push(Span::raw(format!(" · {}", t(lang, K::Loading))));
        }
        frame.render_widget(Line::from(spans), title);
        let columns = [
            Column::whole(t(lang, K::Month), 9),
            Column::number(t(lang, K::Id), 8),
            Column::whole(t(lang, K::State), 7),
            Column::number(format!("{}, {}", t(lang, K::Amount), t(lang, K::Currency)), 9),
            Column::whole(t(lang, K::Due), 6),
            Column::text(t(lang, K::Note), 6, 24, 8),
        ];
        let rows: Vec<Vec<Cell>> = runs
            .iter()
            .map(|m| {
                let state = m.state.and_then(RunState::parse);
                let state_word = state.map(|s| i18n::run_state(lang, s)).unwrap_or(t(lang, K::Missing));
                let note = i18n::run_note(lang, state, m.late);
                let note_style = if m.late { theme.error() } else { theme.dim() };
                vec![
                    Cell::new(i18n::month_words(lang, &m.month)),
                    Cell::new(m.id.map(|i| i.to_string()).unwrap_or_default()),
                    Cell::new(state_word),
                    m.total.map(|v| money(view, v)).unwrap_or_else(|| Cell::new(t(lang, K::Missing))),
                    Cell::new(i18n::date(lang, m.due)),
                    Cell::styled(note, note_style),
                ]
            })
            .collect();
        columns::table(view, frame, body, &columns, &rows, self.scroll);
        if rows.is_empty() {
            crate::tui::widgets::note(view, frame, body, t(lang, K::NoRows));
        }
    }

    fn hint(&self) -> K {
        if self.detail.is_some() { K::HintPayoutRun } else { K::HintPayouts }
    }

    fn help(&self) -> HelpFor {
        if self.detail.is_some() { HelpFor::PayoutRun } else { HelpFor::Payouts }
    }

    fn enter(&mut self, _again: bool, cx: &mut Cx) -> Vec<Effect> {
        let mut fx = vec![];
        if (self.runs.data.is_none() || self.stale) && self.runs.pending.is_none() {
            fx = self.load(cx);
            if let Some(d) = self.detail.as_mut() {
                fx.extend(d.reload(cx));
            }
        }
        fx
    }

    /// Read again when next shown, unless a read is on its way already (this screen's own write).
    fn ledger_changed(&mut self) {
        self.stale = self.runs.pending.is_none();
    }

    fn back(&mut self) -> bool {
        self.detail.take().is_some()
    }

    fn waiting(&self) -> bool {
        match &self.detail {
            Some(d) => d.waiting(),
            None => self.runs.pending.is_some(),
        }
    }
}
