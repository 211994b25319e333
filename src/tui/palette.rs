//! The command palette (`:`): every screen and the actions the keys have, filtered as the
//! operator types. Its list is built from data (`Screen::ALL` and the table in [`ACTIONS`]), so
//! a screen added later appears here unchanged. The `App` holds the open palette; what it runs
//! goes through `App::update` as the keys would.
use super::action::{Action, Screen};
use super::i18n::{self, AuditK, K, t};
use super::widgets::{Theme, boxed, centered, fit, input_field, pad};
use crate::domain::Lang;
use crate::domain::bonus::ShownBonusState;
use crate::domain::partner::Status;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use tui_input::{Input, InputRequest};

/// One entry: its words in the language shown, the same in the other language (typing either
/// finds it), the key that does the same, and the actions it runs in order.
#[derive(Clone, Debug)]
pub struct Item {
    pub label: String,
    pub other: String,
    pub key: &'static str,
    pub run: Vec<Action>,
}

/// The actions the keys have, with their words, key, and the screen they belong to (shown
/// first; `None`: the screen shown); the screens come first, from `Screen::ALL`.
const ACTIONS: [(K, &str, Option<Screen>, Action); 17] = [
    (K::PalSearch, "/", None, Action::Search),
    (K::PalFilter, "f", None, Action::Filter),
    (K::PalSort, "s", None, Action::Sort),
    (K::PalSortDirection, "S", None, Action::SortDirection),
    (K::PalChart, "c", Some(Screen::Dashboard), Action::ToggleChart),
    (K::PalPrepare, "p", Some(Screen::Payouts), Action::Prepare),
    (K::PalComplete, "C", Some(Screen::Payouts), Action::Complete),
    (K::PalDismiss, "d", Some(Screen::Abuse), Action::Dismiss),
    (K::PalVoidCase, "v", Some(Screen::Abuse), Action::Void),
    (K::PalDeactivate, "x", Some(Screen::Abuse), Action::Deactivate),
    (K::PalExclude, "X", Some(Screen::Abuse), Action::Exclude),
    (K::PalTree, "t", None, Action::Tree),
    (K::Audit(AuditK::PalVerify), "v", Some(Screen::Audit), Action::Void),
    (K::PalReload, "r", None, Action::Reload),
    (K::PalHelp, "?", None, Action::Help),
    (K::PalBack, "Esc", None, Action::Back),
    (K::PalQuit, "q", None, Action::Quit),
];

/// The bonuses' filters, each reached in one step (`f` cycles through them).
const BONUS_FILTERS: [Option<ShownBonusState>; 7] = [
    Some(ShownBonusState::Due),
    Some(ShownBonusState::Held),
    Some(ShownBonusState::Frozen),
    Some(ShownBonusState::Available),
    Some(ShownBonusState::Paid),
    Some(ShownBonusState::Voided),
    None,
];

/// The partners' filters by standing, each reached in one step (`f` cycles through them).
const PARTNER_FILTERS: [Option<Status>; 4] =
    [Some(Status::Active), Some(Status::CodeDeactivated), Some(Status::Excluded), None];

const KEYS: [&str; 9] = ["1", "2", "3", "4", "5", "6", "7", "8", "9"];

fn words(lang: Lang) -> Vec<String> {
    let screens = Screen::ALL.iter().map(|s| t(lang, s.title()).to_string());
    let filters = BONUS_FILTERS
        .iter()
        .map(|f| format!("{}: {} {}", t(lang, K::TabBonuses), t(lang, K::PalFilterWord), i18n::state_filter(lang, *f)));
    let standings = PARTNER_FILTERS.iter().map(|f| {
        let standing = f.map(|s| i18n::status(lang, s)).unwrap_or(t(lang, K::All));
        format!("{}: {} {standing}", t(lang, K::TabPartners), t(lang, K::PalFilterWord))
    });
    let actions = ACTIONS.iter().map(|(k, _, _, _)| t(lang, *k).to_string());
    screens.chain(filters).chain(standings).chain(actions).collect()
}

/// Every entry, in the order shown when nothing is typed.
pub fn items(lang: Lang) -> Vec<Item> {
    let other = match lang {
        Lang::En => Lang::Ru,
        Lang::Ru => Lang::En,
    };
    let screens =
        Screen::ALL.iter().enumerate().map(|(i, s)| (KEYS.get(i).copied().unwrap_or(""), vec![Action::GoTo(*s)]));
    let filters = BONUS_FILTERS.iter().map(|f| ("f", vec![Action::GoTo(Screen::Bonuses), Action::BonusFilter(*f)]));
    let standings =
        PARTNER_FILTERS.iter().map(|f| ("f", vec![Action::GoTo(Screen::Partners), Action::PartnerFilter(*f)]));
    let actions = ACTIONS.iter().map(|(_, key, screen, run)| {
        (*key, screen.iter().map(|s| Action::GoTo(*s)).chain([run.clone()]).collect::<Vec<_>>())
    });
    let runs = screens.chain(filters).chain(standings).chain(actions);
    words(lang)
        .into_iter()
        .zip(words(other))
        .zip(runs)
        .map(|((label, other), (key, run))| Item { label, other, key, run })
        .collect()
}

/// What a key did to the palette.
#[derive(Debug)]
pub enum Outcome {
    Open,
    Closed,
    /// Closed, and these run.
    Run(Vec<Action>),
}

#[derive(Clone, Debug)]
pub struct Palette {
    pub input: Input,
    /// The highlighted entry, among those shown.
    pub sel: usize,
    items: Vec<Item>,
}

impl Palette {
    pub fn new(lang: Lang) -> Palette {
        Palette { input: Input::default(), sel: 0, items: items(lang) }
    }

    /// The entries whose words (in either language) hold what is typed, case aside.
    pub fn shown(&self) -> Vec<&Item> {
        let typed = self.input.value().trim().to_lowercase();
        self.items
            .iter()
            .filter(|i| {
                typed.is_empty() || i.label.to_lowercase().contains(&typed) || i.other.to_lowercase().contains(&typed)
            })
            .collect()
    }

    pub fn update(&mut self, action: Action) -> Outcome {
        let len = self.shown().len();
        match action {
            Action::Edit(req) => {
                let typed = !matches!(req, InputRequest::GoToStart | InputRequest::GoToEnd);
                self.input.handle(req);
                if typed {
                    self.sel = 0;
                }
            }
            Action::Down => self.sel = (self.sel + 1).min(len.saturating_sub(1)),
            Action::Up => self.sel = self.sel.saturating_sub(1),
            Action::Submit => {
                return match self.shown().get(self.sel) {
                    Some(item) => Outcome::Run(item.run.clone()),
                    None => Outcome::Open,
                };
            }
            Action::CancelInput | Action::Back | Action::QuitOrBack => return Outcome::Closed,
            _ => {}
        }
        Outcome::Open
    }

    /// A box in the middle of `area`: the field, then the entries with their keys.
    pub fn render(&self, lang: Lang, theme: Theme, frame: &mut Frame, area: Rect) {
        let shown = self.shown();
        let width = area.width.saturating_sub(4).min(60);
        let rows = (area.height.saturating_sub(4)).min(shown.len().max(1) as u16 + 2);
        let r = centered(area, width, rows + 2);
        frame.render_widget(Clear, r);
        let block = boxed(theme, t(lang, K::PalTitle).to_string());
        let inner = block.inner(r);
        frame.render_widget(block, r);
        let [field, _, list] =
            Layout::vertical([Constraint::Length(1), Constraint::Length(1), Constraint::Fill(1)]).areas(inner);
        let [p, rest] = Layout::horizontal([Constraint::Length(2), Constraint::Fill(1)]).areas(field);
        frame.render_widget(Span::styled(": ", theme.key()), p);
        input_field(frame, rest, &self.input, true);
        let visible = list.height as usize;
        if shown.is_empty() {
            frame.render_widget(Line::styled(fit(t(lang, K::PalNothing), list.width as usize), theme.dim()), list);
            return;
        }
        let offset = self.sel.saturating_sub(visible.saturating_sub(1));
        // The key in a column of its own at the right; the words take what is left.
        let key_w = 4;
        let text_w = (list.width as usize).saturating_sub(key_w + 1);
        let lines: Vec<Line> = shown
            .iter()
            .enumerate()
            .skip(offset)
            .take(visible)
            .map(|(i, item)| {
                let here = i == self.sel;
                let line = Line::from(vec![
                    Span::raw(if here { "▶" } else { " " }),
                    Span::raw(pad(&item.label, text_w)),
                    Span::styled(format!("{:>key_w$}", item.key), theme.key()),
                ]);
                if here { line.style(theme.highlight()) } else { line }
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), list);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::action::Effect;
    use crate::tui::app::Mode;
    use crate::tui::fixtures::app;

    fn typed(app: &mut crate::tui::app::App, s: &str) {
        for c in s.chars() {
            app.update(Action::Edit(InputRequest::InsertChar(c)));
        }
    }

    /// The console with the palette open and `s` typed into it.
    fn opened(lang: Lang, s: &str) -> crate::tui::app::App {
        let mut app = app(lang);
        app.update(Action::Palette);
        typed(&mut app, s);
        app
    }

    fn labels(app: &crate::tui::app::App) -> Vec<String> {
        app.palette.as_ref().map(|p| p.shown().iter().map(|i| i.label.clone()).collect()).unwrap_or_default()
    }

    #[test]
    fn every_screen_is_listed_with_its_key_and_every_entry_has_both_languages() {
        let en = items(Lang::En);
        let ru = items(Lang::Ru);
        assert_eq!(en.len(), ru.len());
        for (i, s) in Screen::ALL.iter().enumerate() {
            assert!(matches!(en[i].run.as_slice(), [Action::GoTo(g)] if g == s));
            assert_eq!(en[i].key, (i + 1).to_string());
        }
        for (e, r) in en.iter().zip(&ru) {
            assert_eq!((e.label.as_str(), e.other.as_str()), (r.other.as_str(), r.label.as_str()));
            assert_ne!(e.label, r.label);
        }
    }

    #[test]
    fn typing_filters_in_either_language_and_enter_runs_the_highlighted_action() {
        for (lang, word) in [(Lang::En, "bon"), (Lang::En, "БОН"), (Lang::Ru, "бон"), (Lang::Ru, "Bon")] {
            let mut app = app(lang);
            app.update(Action::Palette);
            assert_eq!(app.mode(), Mode::Palette);
            typed(&mut app, word);
            let shown = labels(&app);
            assert_eq!(shown.len(), 9, "the screen, its seven filters and the chart: {shown:?}");
            assert_eq!(shown[0], t(lang, K::TabBonuses));
            let fx = app.update(Action::Submit);
            assert!(app.palette.is_none());
            assert_eq!(app.screen, Screen::Bonuses);
            assert!(matches!(fx.as_slice(), [Effect::LoadBonuses { .. }, Effect::CountBonuses { .. }]), "{fx:?}");
        }
    }

    #[test]
    fn a_standing_entry_shows_the_partners_so_filtered_in_either_language() {
        use crate::domain::partner::Status;
        for (lang, text) in [(Lang::En, "excluded"), (Lang::Ru, "исключ"), (Lang::En, "исключ")] {
            let mut app = opened(lang, text);
            let want = if lang == Lang::En {
                "Partners: filter excluded"
            } else {
                "Партнёры: фильтр исключён"
            };
            assert_eq!(labels(&app).first().map(String::as_str), Some(want));
            let fx = app.update(Action::Submit);
            assert_eq!((app.screen, app.screens.partners.status), (Screen::Partners, Some(Status::Excluded)));
            let Some(Effect::LoadPartners { query, .. }) =
                fx.iter().rev().find(|e| matches!(e, Effect::LoadPartners { .. }))
            else {
                panic!("{fx:?}")
            };
            assert_eq!(query.status, Some(Status::Excluded));
        }
    }

    #[test]
    fn arrows_move_and_a_filter_entry_shows_the_bonuses_so_filtered() {
        let mut app = opened(Lang::En, "bonuses");
        app.update(Action::Down);
        app.update(Action::Down);
        app.update(Action::Down);
        app.update(Action::Up);
        assert_eq!(app.palette.as_ref().map(|p| p.sel), Some(2));
        assert_eq!(labels(&app)[2], "Bonuses: filter held");
        let fx = app.update(Action::Submit);
        assert_eq!(app.screen, Screen::Bonuses);
        assert_eq!(app.screens.bonuses.filter, Some(ShownBonusState::Held));
        let Some(Effect::LoadBonuses { query, .. }) = fx.iter().rev().find(|e| matches!(e, Effect::LoadBonuses { .. }))
        else {
            panic!("{fx:?}")
        };
        assert_eq!(query.state, Some(ShownBonusState::Held));
        // Moving stops at the ends; typing again puts the highlight back on the first entry.
        app.update(Action::Palette);
        for _ in 0..100 {
            app.update(Action::Down);
        }
        let last = labels(&app).len() - 1;
        assert_eq!(app.palette.as_ref().map(|p| p.sel), Some(last));
        typed(&mut app, "q");
        assert_eq!(app.palette.as_ref().map(|p| p.sel), Some(0));
    }

    #[test]
    fn esc_closes_without_running_and_keys_do_not_reach_the_screen() {
        let mut app = opened(Lang::En, "qj2");
        assert!(!app.quit);
        assert_eq!(app.screen, Screen::Dashboard);
        assert!(app.update(Action::Back).is_empty());
        assert!(app.palette.is_none() && !app.quit);
        assert_eq!(app.mode(), Mode::Normal);
        app.update(Action::Palette);
        typed(&mut app, "zzzz");
        assert!(labels(&app).is_empty());
        assert!(app.update(Action::Submit).is_empty(), "nothing to run");
        assert!(app.palette.is_some());
        app.update(Action::CancelInput);
        assert!(app.palette.is_none());
    }

    #[test]
    fn quit_from_the_palette_quits() {
        let mut app = opened(Lang::Ru, "выйти");
        app.update(Action::Submit);
        assert!(app.quit);
    }
}
