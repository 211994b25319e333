//! Screen 5: the abuse-review queue. Open cases first, the most serious kind first and then the
//! oldest (`queue_order`); `f` shows the decided ones, then all. Enter opens a case
//! (`abuse_case`). A decision — `d` dismiss, `v` void, `x` deactivate the code, `X` exclude —
//! on the highlighted or open case asks in a dialog that names the case, the partner and what
//! will happen, takes a reason, and (but for a dismissal, which moves no money) `y` only; the
//! message line then says what was done, or the service's refusal, and the queue is read again.
use super::abuse_case::CaseDetail;
use crate::domain::fraud::{CaseStatus, Decision, explanations, named_bonuses, review_rank};
use crate::service::fraud::CaseView;
use crate::store::fraud::Which;
use crate::tui::action::{Action, Ask, Effect, Open};
use crate::tui::columns::{self, Cell, Column};
use crate::tui::component::{Component, Cx, MsgKind, Read, copy};
use crate::tui::dialog::Dialog;
use crate::tui::i18n::{self, HelpFor, K, t};
use crate::tui::paging;
use crate::tui::widgets::{Scroll, View, fit};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};

#[derive(Debug)]
pub struct AbuseState {
    pub queue: Read<Vec<CaseView>>,
    /// The cases listed: open, decided or all.
    pub which: Which,
    pub scroll: Scroll,
    /// The case opened with Enter.
    pub detail: Option<CaseDetail>,
    /// The decision being written (one at a time): its request and case.
    pub working: Option<(u64, i64)>,
    /// A change elsewhere since the queue was read.
    pub stale: bool,
}

impl Default for AbuseState {
    fn default() -> Self {
        AbuseState {
            queue: Read::default(),
            which: Which::Open,
            scroll: Scroll::default(),
            detail: None,
            working: None,
            stale: false,
        }
    }
}

/// The review order, in place: open cases before decided ones; the open ones by the severity of
/// their kind ([`CaseKind::severity`]), then oldest first. The service lists oldest first, and
/// the sort is stable, so age orders what severity leaves equal (and the decided ones).
pub fn queue_order(cases: &mut [CaseView]) {
    cases.sort_by_key(|c| review_rank(c.status, c.kind));
}

fn visible_rows(height: u16) -> usize {
    paging::page_rows(height)
}

impl AbuseState {
    fn load(&mut self, cx: &mut Cx) -> Vec<Effect> {
        self.stale = false;
        vec![Effect::LoadCases { req: self.queue.ask(cx), which: self.which }]
    }

    fn cases(&self) -> &[CaseView] {
        self.queue.data.as_deref().unwrap_or_default()
    }

    /// The highlighted case, when the rows shown are those of the query asked last.
    fn highlighted(&self) -> Option<&CaseView> {
        if self.queue.pending.is_some() { None } else { self.cases().get(self.scroll.sel) }
    }

    /// The case a key acts on: the one open, else the highlighted one.
    fn acted_on(&self) -> Option<&CaseView> {
        match &self.detail {
            Some(d) => d.current(),
            None => self.highlighted(),
        }
    }

    /// `d`/`v`/`x`/`X`: the dialog for `decision` on the open case, or the highlighted one.
    fn ask_decision(&mut self, cx: &mut Cx, decision: Decision) -> Vec<Effect> {
        let lang = cx.view.lang;
        if self.working.is_some() {
            cx.info(K::Busy);
            return vec![];
        }
        let Some(c) = self.acted_on() else {
            cx.info(K::NoCaseHighlighted);
            return vec![];
        };
        if c.status != CaseStatus::Open {
            cx.say(MsgKind::Info, i18n::not_open(lang, c.id, c.status));
            return vec![];
        }
        let named = named_bonuses(&c.evidence).len();
        let question = i18n::decide_question(lang, decision, c.id, c.kind, &c.partner, named);
        let keys = match decision {
            Decision::Dismiss => K::DismissKeys,
            Decision::Void => K::VoidCaseKeys,
            Decision::Deactivate => K::DeactivateKeys,
            Decision::Exclude => K::ExcludeKeys,
        };
        let ask = Ask::Decide { case: c.id, decision };
        let dialog = Dialog::with_reason(K::DecideTitle, question, K::DecideKeys, keys, ask).any_reason();
        // A dismissal moves no money: Enter confirms it too. The others take `y` only.
        cx.ask(if decision == Decision::Dismiss { dialog.lenient() } else { dialog });
        vec![]
    }

    /// The queue read again, and the open case with it.
    fn reload_all(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let mut fx = self.load(cx);
        if let Some(d) = self.detail.as_mut() {
            fx.extend(d.reload(cx));
        }
        fx
    }

    fn key(&mut self, action: Action, cx: &mut Cx) -> Vec<Effect> {
        if let Some(to) = paging::moved(self.scroll, &action, self.cases().len(), visible_rows(cx.height)) {
            self.scroll = to;
            return vec![];
        }
        match action {
            Action::Filter => {
                self.which = match self.which {
                    Which::Open => Which::Decided,
                    Which::Decided => Which::All,
                    Which::All => Which::Open,
                };
                self.scroll = Scroll::default();
                return self.load(cx);
            }
            Action::Enter => match self.highlighted().map(|c| c.id) {
                Some(id) => {
                    let mut d = CaseDetail::new(id);
                    let fx = d.reload(cx);
                    self.detail = Some(d);
                    return fx;
                }
                None => cx.info(K::NoCaseHighlighted),
            },
            Action::Copy => {
                let code = self.highlighted().map(|c| c.partner.clone());
                return copy(cx, code);
            }
            _ => {}
        }
        vec![]
    }
}

impl Component for AbuseState {
    fn update(&mut self, action: Action, cx: &mut Cx) -> Vec<Effect> {
        let lang = cx.view.lang;
        match action {
            Action::CasesLoaded(req, res) => {
                let res = res.map(|mut cases| {
                    queue_order(&mut cases);
                    Box::new(cases)
                });
                if self.queue.answer(cx, req, res) {
                    // The highlight stays on its row's place, within the rows there now are.
                    let n = self.cases().len();
                    self.scroll = self.scroll.moved(0, n, visible_rows(cx.height));
                }
                vec![]
            }
            Action::Confirmed { ask: Ask::Decide { case, decision }, reason } => {
                if self.working.is_some() {
                    cx.info(K::Busy);
                    return vec![];
                }
                let req = cx.req();
                self.working = Some((req, case));
                cx.say(MsgKind::Info, i18n::deciding(lang, case));
                vec![Effect::DecideCase { req, id: case, decision, reason: reason.unwrap_or_default() }]
            }
            Action::CaseDecided(req, res) => {
                if self.working.take_if(|w| w.0 == req).is_none() {
                    cx.stale();
                    return vec![];
                }
                match res {
                    Ok(done) => {
                        cx.wrote();
                        let fx = self.reload_all(cx);
                        cx.say(MsgKind::Ok, i18n::decided(lang, &done));
                        fx
                    }
                    Err(why) => {
                        // Decided meanwhile by someone else, most likely: show it as it now is.
                        cx.say(MsgKind::Error, i18n::refused(lang, &why));
                        self.reload_all(cx)
                    }
                }
            }
            Action::Reload => self.reload_all(cx),
            Action::Refresh if self.queue.pending.is_none() && self.working.is_none() && self.detail.is_none() => {
                self.load(cx)
            }
            Action::Dismiss => self.ask_decision(cx, Decision::Dismiss),
            Action::Void => self.ask_decision(cx, Decision::Void),
            Action::Deactivate => self.ask_decision(cx, Decision::Deactivate),
            Action::Exclude => self.ask_decision(cx, Decision::Exclude),
            Action::Tree => {
                match self.acted_on() {
                    Some(c) => cx.open = Some(Open::Tree(c.partner.clone())),
                    None => cx.info(K::NoCaseHighlighted),
                }
                vec![]
            }
            other => match self.detail.as_mut() {
                Some(d) => d.update(other, cx),
                None if matches!(other, Action::CaseLoaded(..)) => {
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
        let Some(q) = &self.queue.data else {
            frame.render_widget(Line::raw(fit(&self.queue.missing(lang), area.width as usize)), area);
            return;
        };
        let mut spans = vec![
            Span::styled(t(lang, K::TabAbuse), theme.title()),
            Span::raw(format!(" · {}: {}", t(lang, K::Filter), i18n::queue_filter(lang, self.which))),
            Span::raw(format!(" · {}", i18n::cases_count(lang, q.len()))),
        ];
        if self.queue.pending.is_some() {
            spans.push(Span::raw(format!(" · {}", t(lang, K::Loading))));
        }
        frame.render_widget(Line::from(spans), title);
        let columns = [
            Column::number(t(lang, K::Id), 9),
            Column::whole(t(lang, K::Partner), 9),
            Column::text(t(lang, K::CaseKind), 10, 20, 8),
            Column::number(t(lang, K::DaysOpen), 7),
            Column::number(t(lang, K::Findings), 6),
            Column::text(t(lang, K::Status), 6, 22, 5),
        ];
        let rows: Vec<Vec<Cell>> = q
            .iter()
            .map(|c| {
                let open = c.status == CaseStatus::Open;
                let status = i18n::case_status(lang, c.status);
                vec![
                    Cell::new(c.id.to_string()),
                    Cell::new(c.partner.clone()),
                    Cell::new(i18n::case_kind(lang, c.kind)),
                    Cell::new(c.days_open.to_string()),
                    Cell::new(explanations(&c.evidence, lang).len().to_string()),
                    if open { Cell::styled(status, theme.error()) } else { Cell::styled(status, theme.dim()) },
                ]
            })
            .collect();
        columns::table(view, frame, body, &columns, &rows, self.scroll);
        if rows.is_empty() {
            crate::tui::widgets::note(view, frame, body, t(lang, K::NoRows));
        }
    }

    fn hint(&self) -> K {
        if self.detail.is_some() { K::HintAbuseCase } else { K::HintAbuse }
    }

    fn help(&self) -> HelpFor {
        if self.detail.is_some() { HelpFor::AbuseCase } else { HelpFor::Abuse }
    }

    fn enter(&mut self, _again: bool, cx: &mut Cx) -> Vec<Effect> {
        if (self.queue.data.is_none() || self.stale) && self.queue.pending.is_none() {
            return self.reload_all(cx);
        }
        vec![]
    }

    /// Read again when next shown, unless a read is on its way already (this screen's own write).
    fn ledger_changed(&mut self) {
        self.stale = self.queue.pending.is_none();
    }

    fn back(&mut self) -> bool {
        self.detail.take().is_some()
    }

    fn waiting(&self) -> bool {
        match &self.detail {
            Some(d) => d.waiting(),
            None => self.queue.pending.is_some(),
        }
    }
}
