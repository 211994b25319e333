//! Screen 3: bonuses by state, the due queue first; selection, approval with a confirmation,
//! voiding with a reason. Pages go forward by keyset cursor (release_at, id); the cursors of
//! the pages before are kept on a stack for PgUp.
use crate::domain::Money;
use crate::domain::bonus::ShownBonusState;
use crate::service::bonuses::{BonusQuery, BonusRow, Preview};
use crate::tui::action::{Action, Ask, Effect, Screen};
use crate::tui::component::{Component, Cx, MsgKind};
use crate::tui::dialog::Dialog;
use crate::tui::i18n::{self, HelpFor, K, t};
use crate::tui::paging::{self, Land, List, Step};
use crate::tui::search::{Handled, SearchLine};
use crate::tui::widgets::{MARK, View, clean, fit, right};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Row;
use std::collections::BTreeMap;
use tui_input::Input;
use unicode_width::UnicodeWidthStr;

/// A bonus page's keyset cursor: the (release_at, id) it is read after.
pub type After = Option<(i64, i64)>;

/// Where a bonus page reads from, and the cursors of the pages before it.
pub type At = (After, Vec<After>);

#[derive(Debug)]
pub struct BonusesState {
    /// The shown state; `None` is every state.
    pub filter: Option<ShownBonusState>,
    /// The `/` line: a partner's code, a payment id or a bonus id.
    pub search: SearchLine,
    pub list: List<BonusRow, At>,
    /// The cursor this page was read after.
    pub after: After,
    /// The cursors of the pages before this one.
    pub stack: Vec<After>,
    /// Selected bonuses (kept across pages) and their amounts.
    pub selected: BTreeMap<i64, Money>,
    /// The approval preview being computed.
    pub preview: Option<u64>,
    /// The approval or void being written: one change at a time.
    pub mutation: Option<u64>,
}

impl Default for BonusesState {
    fn default() -> Self {
        BonusesState {
            filter: Some(ShownBonusState::Due),
            search: SearchLine::default(),
            list: List::default(),
            after: None,
            stack: Vec::new(),
            selected: BTreeMap::new(),
            preview: None,
            mutation: None,
        }
    }
}

impl BonusesState {
    fn load(&mut self, cx: &mut Cx, after: After, stack: Vec<After>, land: Land) -> Vec<Effect> {
        let (state, search) = (self.filter, self.search.applied.clone());
        let (req, limit) = self.list.ask(cx, (after, stack), land);
        vec![Effect::LoadBonuses { req, query: BonusQuery { partner: None, state, search, after, limit } }]
    }

    fn first_page(&mut self, cx: &mut Cx) -> Vec<Effect> {
        self.load(cx, None, Vec::new(), Land::First)
    }

    /// The current page again (after a change, or at a new height).
    fn reload(&mut self, cx: &mut Cx) -> Vec<Effect> {
        if !self.list.loaded && self.list.pending.is_none() {
            return vec![];
        }
        let (after, stack) = (self.after, self.stack.clone());
        self.load(cx, after, stack, Land::Keep)
    }

    fn turn(&mut self, cx: &mut Cx, step: Step) -> Vec<Effect> {
        let mut stack = self.stack.clone();
        match step {
            Step::Stay => vec![],
            Step::First => self.first_page(cx),
            Step::Next(land) => {
                let Some(last) = self.list.rows.last() else { return vec![] };
                let after = Some((last.release_at, last.id));
                stack.push(self.after);
                self.load(cx, after, stack, land)
            }
            Step::Prev(land) => {
                let Some(after) = stack.pop() else { return vec![] };
                self.load(cx, after, stack, land)
            }
        }
    }

    fn loaded(&mut self, cx: &mut Cx, req: u64, res: Result<Vec<BonusRow>, String>) -> Vec<Effect> {
        let Some((mut rows, pend)) = self.list.answer(cx, req, res) else { return vec![] };
        let (after, stack) = pend.at;
        self.list.cut(&mut rows, pend.limit);
        self.list.show(rows, pend.land, |x, y| x.id == y.id);
        self.list.has_prev = !stack.is_empty();
        self.after = after;
        self.stack = stack;
        vec![]
    }

    fn busy(&self) -> bool {
        self.preview.is_some() || self.mutation.is_some()
    }

    /// Asks the service which bonuses an approval would write (`None`: every due one).
    fn preview(&mut self, cx: &mut Cx, ids: Option<Vec<i64>>) -> Vec<Effect> {
        let req = cx.req();
        self.preview = Some(req);
        cx.info(K::Checking);
        vec![Effect::PreviewApprove { req, ids }]
    }

    fn previewed(&mut self, cx: &mut Cx, req: u64, res: Result<Preview, String>) -> Vec<Effect> {
        if !cx.awaited(&mut self.preview, req) {
            return vec![];
        }
        let lang = cx.view.lang;
        match res {
            Ok(p) if p.ids.is_empty() => cx.info(K::NothingDue),
            Ok(p) => {
                let question = i18n::approve_question(lang, p.ids.len(), &p.total.display(lang));
                cx.ask(Dialog::confirm(K::ConfirmTitle, question, K::ConfirmKeys, Ask::Approve(p.ids)));
            }
            Err(e) => cx.say(MsgKind::Error, i18n::refused(lang, &e)),
        }
        vec![]
    }

    /// Writes what the operator said yes to. One change at a time: the next waits for this answer.
    fn write(&mut self, cx: &mut Cx, saying: K, effect: impl FnOnce(u64) -> Effect) -> Vec<Effect> {
        let req = cx.req();
        self.mutation = Some(req);
        cx.info(saying);
        vec![effect(req)]
    }

    /// The answer to a write: `done` applies it and says what changed; the page is read again.
    fn written<T>(
        &mut self,
        cx: &mut Cx,
        req: u64,
        res: Result<T, String>,
        done: impl FnOnce(&mut Self, T) -> String,
    ) -> Vec<Effect> {
        if !cx.awaited(&mut self.mutation, req) {
            return vec![];
        }
        match res {
            Ok(v) => {
                cx.wrote();
                let text = done(self, v);
                cx.say(MsgKind::Ok, text);
            }
            Err(e) => cx.say(MsgKind::Error, i18n::refused(cx.view.lang, &e)),
        }
        self.reload(cx)
    }

    fn key(&mut self, action: Action, cx: &mut Cx) -> Vec<Effect> {
        if let Some(step) = self.list.step(&action) {
            return self.turn(cx, step);
        }
        let lang = cx.view.lang;
        let highlighted = self.list.current();
        match action {
            Action::Reload => self.reload(cx),
            Action::Search => {
                self.search.open();
                vec![]
            }
            Action::Filter => {
                self.filter = match self.filter {
                    Some(ShownBonusState::Due) => Some(ShownBonusState::Held),
                    Some(ShownBonusState::Held) => Some(ShownBonusState::Frozen),
                    Some(ShownBonusState::Frozen) => Some(ShownBonusState::Available),
                    Some(ShownBonusState::Available) => Some(ShownBonusState::Paid),
                    Some(ShownBonusState::Paid) => Some(ShownBonusState::Voided),
                    Some(ShownBonusState::Voided) => None,
                    None => Some(ShownBonusState::Due),
                };
                self.selected.clear();
                self.first_page(cx)
            }
            Action::Select => {
                let Some(row) = highlighted else {
                    cx.info(K::NoBonusHighlighted);
                    return vec![];
                };
                if row.status != ShownBonusState::Due {
                    cx.info(K::OnlyDueSelectable);
                    return vec![];
                }
                let (id, amount) = (row.id, row.amount);
                if self.selected.remove(&id).is_none() {
                    self.selected.insert(id, amount);
                }
                if self.list.sel + 1 < self.list.rows.len() {
                    self.list.sel += 1;
                }
                vec![]
            }
            Action::Approve | Action::ApproveAll | Action::Void if self.busy() => {
                cx.info(K::Busy);
                vec![]
            }
            Action::Approve => {
                let ids: Vec<i64> = if self.selected.is_empty() {
                    highlighted.map(|r| r.id).into_iter().collect()
                } else {
                    self.selected.keys().copied().collect()
                };
                if ids.is_empty() {
                    // An empty due queue says so; an empty other list says what is missing.
                    cx.info(if self.filter == Some(ShownBonusState::Due) {
                        K::NothingDue
                    } else {
                        K::NothingToApprove
                    });
                    return vec![];
                }
                self.preview(cx, Some(ids))
            }
            Action::ApproveAll => self.preview(cx, None),
            Action::Void => {
                let Some(row) = highlighted else {
                    cx.info(K::NoBonusHighlighted);
                    return vec![];
                };
                let question = i18n::void_question(lang, row.id, &clean(&row.partner), &row.amount.display(lang));
                cx.ask(Dialog::with_reason(K::VoidTitle, question, K::VoidKeys, Ask::Void(row.id)));
                vec![]
            }
            _ => vec![],
        }
    }
}

impl Component for BonusesState {
    fn update(&mut self, action: Action, cx: &mut Cx) -> Vec<Effect> {
        let lang = cx.view.lang;
        match action {
            Action::BonusesLoaded(req, res) => self.loaded(cx, req, res),
            a @ (Action::Edit(_) | Action::SearchDue { .. } | Action::Submit | Action::CancelInput) => {
                match self.search.handle(a, Screen::Bonuses, cx) {
                    Handled::Changed => self.first_page(cx),
                    Handled::Done(fx) => fx,
                    Handled::Other => vec![],
                }
            }
            Action::Previewed(req, res) => self.previewed(cx, req, res),
            Action::Confirmed { ask: Ask::Approve(ids), .. } => {
                self.write(cx, K::Approving, |req| Effect::Approve { req, ids })
            }
            Action::Confirmed { ask: Ask::Void(id), reason } => {
                let reason = reason.unwrap_or_default();
                self.write(cx, K::Voiding, |req| Effect::Void { req, id, reason })
            }
            Action::Approved(req, res) => self.written(cx, req, res, |b, p| {
                for id in &p.ids {
                    b.selected.remove(id);
                }
                i18n::approved(lang, p.ids.len(), &p.total.display(lang))
            }),
            Action::Voided(req, id, res) => self.written(cx, req, res, |b, m| {
                b.selected.remove(&id);
                i18n::voided(lang, id, &m.display(lang))
            }),
            other => self.key(other, cx),
        }
    }

    fn render(&self, view: &View, frame: &mut Frame, area: Rect) {
        let (lang, theme) = (view.lang, view.theme);
        let b = &self.list;
        let [title, body] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);

        let mut parts = vec![format!("{}: {}", t(lang, K::Filter), i18n::state_filter(lang, self.filter))];
        if let Some(s) = &self.search.applied {
            parts.push(i18n::search_shown(lang, s));
        }
        if !self.selected.is_empty() {
            let total: Money = self.selected.values().copied().sum();
            parts.push(i18n::selected(lang, self.selected.len(), &total.display(lang)));
        }
        b.render_title(view, frame, title, K::TabBonuses, self.stack.len() + 1, parts);

        let h_amount = format!("{}, {}", t(lang, K::Amount), t(lang, K::Currency));
        let id_w = b.rows.iter().map(|r| r.id.to_string().len()).max().unwrap_or(0).max(t(lang, K::Id).width()).max(5);
        // Fixed, so that the columns stay put from page to page; a longer code ends in `…`.
        let code_w = t(lang, K::Partner).width().max(12);
        let amount_w =
            b.rows.iter().map(|r| r.amount.display_bare(lang).width()).max().unwrap_or(0).max(h_amount.width());
        let status_w = ShownBonusState::ALL
            .iter()
            .map(|s| i18n::state(lang, *s).width())
            .max()
            .unwrap_or(0)
            .max(t(lang, K::Status).width());
        let date_w = 10.max(t(lang, K::Release).width());
        let fixed = MARK.len() + 3 + id_w + code_w + amount_w + status_w + date_w + 6;
        let payment_w = (body.width as usize).saturating_sub(fixed).clamp(4, 36);

        let rows: Vec<Row> = b
            .rows
            .iter()
            .map(|r| {
                let mark = if self.selected.contains_key(&r.id) { "[x]" } else { "[ ]" };
                Row::new(vec![
                    Line::raw(mark),
                    right(r.id.to_string()),
                    Line::raw(fit(&r.partner, code_w)),
                    Line::raw(fit(&r.payment_id, payment_w)),
                    right(r.amount.display_bare(lang)),
                    Line::styled(i18n::state(lang, r.status), theme.state(r.status)),
                    Line::raw(i18n::date_ms(lang, view.tz, r.release_at)),
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
        let widths = [3, id_w, code_w, payment_w, amount_w, status_w, date_w].map(|w| Constraint::Length(w as u16));
        b.render_rows(view, frame, body, rows, header, &widths);
    }

    fn hint(&self) -> K {
        K::HintBonuses
    }

    fn help(&self) -> HelpFor {
        HelpFor::Bonuses
    }

    fn enter(&mut self, _again: bool, cx: &mut Cx) -> Vec<Effect> {
        if self.list.loaded || self.list.pending.is_some() { vec![] } else { self.first_page(cx) }
    }

    fn clear_search(&mut self, cx: &mut Cx) -> Option<Vec<Effect>> {
        self.search.clear().then(|| self.first_page(cx))
    }

    fn waiting(&self) -> bool {
        self.list.waiting()
    }

    fn field(&self) -> Option<(K, &Input)> {
        self.search.input.as_ref().map(|i| (K::SearchPromptBonuses, i))
    }

    fn resized(&mut self, before: u16, cx: &mut Cx) -> Vec<Effect> {
        // A different page height: the same page again at the new size.
        if paging::page_rows(before) == paging::page_rows(cx.height) || !self.list.loaded {
            return vec![];
        }
        self.reload(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Lang;
    use crate::tui::action::Screen;
    use crate::tui::app::{App, Mode};
    use crate::tui::component::Message;
    use crate::tui::fixtures::*;
    use tui_input::InputRequest;

    fn bonuses_app(rows: Vec<BonusRow>) -> App {
        let mut app = app(Lang::En);
        let fx = app.update(Action::GoTo(Screen::Bonuses));
        let Some(Effect::LoadBonuses { req, query }) = fx.first().cloned() else { panic!("no bonus load: {fx:?}") };
        assert_eq!(query.state, Some(ShownBonusState::Due), "the due queue comes first");
        assert_eq!(query.limit, 20, "a page of the visible height plus one");
        app.update(Action::BonusesLoaded(req, Ok(rows)));
        app
    }

    #[test]
    fn space_toggles_the_selection_and_moves_down() {
        let mut app = bonuses_app(bonus_rows());
        app.update(Action::Select);
        assert_eq!(app.screens.bonuses.selected.keys().copied().collect::<Vec<_>>(), vec![101]);
        assert_eq!(app.screens.bonuses.list.sel, 1);
        app.update(Action::Up);
        app.update(Action::Select);
        assert!(app.screens.bonuses.selected.is_empty(), "a second Space unselects");
    }

    #[test]
    fn only_due_bonuses_can_be_selected() {
        let mut rows = bonus_rows();
        rows[0].status = ShownBonusState::Held;
        let mut app = bonuses_app(rows);
        app.update(Action::Select);
        assert!(app.screens.bonuses.selected.is_empty());
        assert_eq!(app.message.as_ref().map(|m| m.text.as_str()), Some(t(Lang::En, K::OnlyDueSelectable)));
    }

    #[test]
    fn approve_with_nothing_due_says_so() {
        let mut app = bonuses_app(vec![]);
        let fx = app.update(Action::Approve);
        assert!(fx.is_empty());
        assert_eq!(app.message.as_ref().map(|m| m.text.as_str()), Some("No bonuses are due for approval"));
        // On another list, with no row to take, it says what is missing.
        let fx = app.update(Action::Filter);
        let Some(Effect::LoadBonuses { req, query }) = fx.first().cloned() else { panic!("{fx:?}") };
        assert_eq!(query.state, Some(ShownBonusState::Held));
        app.update(Action::BonusesLoaded(req, Ok(vec![])));
        assert!(app.update(Action::Approve).is_empty());
        assert_eq!(app.message.as_ref().map(|m| m.text.as_str()), Some(t(Lang::En, K::NothingToApprove)));
        // `A` asks the service, which finds nothing due.
        let fx = app.update(Action::ApproveAll);
        let Some(Effect::PreviewApprove { req, ids: None }) = fx.first().cloned() else { panic!("{fx:?}") };
        app.update(Action::Previewed(req, Ok(Preview { ids: vec![], total: Money::ZERO })));
        assert!(app.dialog.is_none());
        assert_eq!(app.message.as_ref().map(|m| m.text.as_str()), Some("No bonuses are due for approval"));
    }

    #[test]
    fn approve_previews_then_asks_then_writes_what_was_shown() {
        let mut app = bonuses_app(bonus_rows());
        app.update(Action::Select);
        app.update(Action::Select);
        let fx = app.update(Action::Approve);
        let Some(Effect::PreviewApprove { req, ids: Some(ids) }) = fx.first().cloned() else { panic!("{fx:?}") };
        assert_eq!(ids, vec![101, 102]);
        assert!(app.dialog.is_none(), "no dialog before the preview is read");
        app.update(Action::Previewed(req, Ok(Preview { ids: vec![101, 102], total: Money::kzt(50_000) })));
        assert_eq!(app.mode(), Mode::Confirm);
        assert!(app.update(Action::Down).is_empty(), "the dialog has the keys");
        let fx = app.update(Action::Yes);
        let Some(Effect::Approve { req, ids }) = fx.first().cloned() else { panic!("{fx:?}") };
        assert_eq!(ids, vec![101, 102]);
        assert!(app.dialog.is_none());
        let fx = app.update(Action::Approved(req, Ok(Preview { ids: vec![101, 102], total: Money::kzt(50_000) })));
        assert!(app.screens.bonuses.selected.is_empty());
        assert_eq!(app.message.as_ref().map(|m| m.text.as_str()), Some("Approved 2 bonuses, 50,000.00 KZT in total"));
        assert!(matches!(fx.first(), Some(Effect::LoadBonuses { .. })), "the page is reloaded after a change");
    }

    #[test]
    fn approve_without_selection_takes_the_highlighted_row() {
        let mut app = bonuses_app(bonus_rows());
        app.update(Action::Down);
        let fx = app.update(Action::Approve);
        assert!(matches!(fx.first(), Some(Effect::PreviewApprove { ids: Some(ids), .. }) if ids == &vec![102]));
    }

    #[test]
    fn a_refused_approval_shows_the_services_sentence() {
        let mut app = bonuses_app(bonus_rows());
        let fx = app.update(Action::Approve);
        let Some(Effect::PreviewApprove { req, .. }) = fx.first().cloned() else { panic!() };
        app.update(Action::Previewed(req, Err("bonus 101 was already approved by bob at 2026-11-25 09:00".into())));
        assert!(app.dialog.is_none());
        let m = app.message.clone().unwrap_or(Message { text: String::new(), kind: MsgKind::Info });
        assert_eq!(m.kind, MsgKind::Error);
        assert_eq!(m.text, "Refused: bonus 101 was already approved by bob at 2026-11-25 09:00");
    }

    #[test]
    fn no_in_the_dialog_changes_nothing() {
        let mut app = bonuses_app(bonus_rows());
        let fx = app.update(Action::Approve);
        let Some(Effect::PreviewApprove { req, .. }) = fx.first().cloned() else { panic!() };
        app.update(Action::Previewed(req, Ok(Preview { ids: vec![101], total: Money::kzt(25_000) })));
        assert!(app.update(Action::No).is_empty());
        assert!(app.dialog.is_none());
        assert_eq!(app.screens.bonuses.mutation, None);
    }

    #[test]
    fn void_needs_a_reason() {
        let mut app = bonuses_app(bonus_rows());
        app.update(Action::Void);
        assert_eq!(app.mode(), Mode::Typing);
        assert!(app.update(Action::Submit).is_empty(), "an empty reason is refused");
        assert!(app.dialog.as_ref().and_then(|d| d.reason.as_ref()).is_some_and(|r| r.refused));
        for c in "refund".chars() {
            app.update(Action::Edit(InputRequest::InsertChar(c)));
        }
        let fx = app.update(Action::Submit);
        let Some(Effect::Void { req, id, reason }) = fx.first().cloned() else { panic!("{fx:?}") };
        assert_eq!((id, reason.as_str()), (101, "refund"));
        app.update(Action::Voided(req, 101, Ok(Money::kzt(25_000))));
        assert_eq!(app.message.as_ref().map(|m| m.text.as_str()), Some("Bonus 101 voided (25,000.00 KZT)"));
    }

    #[test]
    fn a_second_change_waits_for_the_first() {
        let mut app = bonuses_app(bonus_rows());
        app.update(Action::Approve);
        assert!(app.update(Action::Void).is_empty());
        assert!(app.dialog.is_none());
        assert_eq!(app.message.as_ref().map(|m| m.text.as_str()), Some(t(Lang::En, K::Busy)));
    }

    #[test]
    fn bonus_pages_keep_a_stack_of_cursors() {
        let mut app = bonuses_app((0..20).map(|i| bonus(200 + i, ShownBonusState::Due)).collect());
        assert!(app.screens.bonuses.list.has_next);
        let fx = app.update(Action::PageDown);
        let Some(Effect::LoadBonuses { req, query }) = fx.first().cloned() else { panic!() };
        assert_eq!(query.after, Some((app.screens.bonuses.list.rows[18].release_at, 218)));
        app.update(Action::BonusesLoaded(req, Ok(vec![bonus(300, ShownBonusState::Due)])));
        assert_eq!(app.screens.bonuses.stack, vec![None]);
        let fx = app.update(Action::PageUp);
        let Some(Effect::LoadBonuses { query, .. }) = fx.first().cloned() else { panic!() };
        assert_eq!(query.after, None);
    }

    #[test]
    fn slash_searches_bonuses_and_keys_wait_for_the_rows_found() {
        let mut app = bonuses_app(bonus_rows());
        app.update(Action::Search);
        assert_eq!(app.current().field().map(|f| f.0), Some(K::SearchPromptBonuses));
        for c in "PAY-2026".chars() {
            app.update(Action::Edit(InputRequest::InsertChar(c)));
        }
        let fx = app.update(Action::Submit);
        let Some(Effect::LoadBonuses { req, query }) = fx.first().cloned() else { panic!("{fx:?}") };
        assert_eq!(
            (query.search.as_deref(), query.state, query.after),
            (Some("PAY-2026"), Some(ShownBonusState::Due), None)
        );
        // `a` on the old rows while the found ones load does nothing to them.
        assert!(app.update(Action::Approve).is_empty());
        assert!(app.update(Action::Void).is_empty() && app.dialog.is_none());
        app.update(Action::BonusesLoaded(req, Ok(vec![bonus(777, ShownBonusState::Due)])));
        let fx = app.update(Action::Approve);
        assert!(matches!(fx.first(), Some(Effect::PreviewApprove { ids: Some(ids), .. }) if ids == &vec![777]));
        // Esc clears the search: the filter stays.
        let fx = app.update(Action::Back);
        assert!(
            matches!(fx.first(), Some(Effect::LoadBonuses { query, .. }) if query.search.is_none() && query.state == Some(ShownBonusState::Due))
        );
    }

    #[test]
    fn a_new_height_reloads_the_page_at_the_new_size() {
        let mut app = bonuses_app(bonus_rows());
        let fx = app.update(Action::Resize(120, 40));
        assert!(matches!(fx.first(), Some(Effect::LoadBonuses { query, .. }) if query.limit == 36));
        assert!(app.update(Action::Resize(100, 40)).is_empty(), "same height, same page");
    }
}
