//! Keys to actions, by what has the keys now (a dialog, a text field, the help, or a screen).
//! Only presses count; Ctrl-C always quits. No Ctrl-M/H/I or Alt chords for actions.
use super::action::{Action, Screen};
use super::app::{App, Mode};
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use tui_input::backend::crossterm::to_input_request;

pub fn map(app: &App, key: KeyEvent) -> Option<Action> {
    if key.kind != KeyEventKind::Press {
        return None;
    }
    if key.modifiers.contains(KeyModifiers::CONTROL) && matches!(key.code, KeyCode::Char('c' | 'C')) {
        return Some(Action::Quit);
    }
    match app.mode() {
        Mode::Confirm => match key.code {
            KeyCode::Char('y' | 'Y') | KeyCode::Enter => Some(Action::Yes),
            KeyCode::Char('n' | 'N' | 'q') | KeyCode::Esc => Some(Action::No),
            _ => None,
        },
        Mode::Typing => match key.code {
            KeyCode::Enter => Some(Action::Submit),
            KeyCode::Esc => Some(Action::CancelInput),
            _ => to_input_request(&Event::Key(key)).map(Action::Edit),
        },
        Mode::Help => match key.code {
            KeyCode::Esc | KeyCode::Char('q') => Some(Action::Back),
            KeyCode::Char('?') => Some(Action::Help),
            _ => None,
        },
        Mode::Normal => normal(app, key),
    }
}

fn normal(app: &App, key: KeyEvent) -> Option<Action> {
    if key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) {
        return None;
    }
    let inside = app.tabs_inside();
    Some(match key.code {
        KeyCode::Char('?') => Action::Help,
        KeyCode::Char('q') => Action::QuitOrBack,
        KeyCode::Esc => Action::Back,
        // The number of a screen's place on the tab bar.
        KeyCode::Char(c @ '1'..='9') => Action::GoTo(*Screen::ALL.get(c as usize - '1' as usize)?),
        KeyCode::Tab if inside => Action::Right,
        KeyCode::BackTab if inside => Action::Left,
        KeyCode::Tab => Action::NextScreen,
        KeyCode::BackTab => Action::PrevScreen,
        KeyCode::Char('j') | KeyCode::Down => Action::Down,
        KeyCode::Char('k') | KeyCode::Up => Action::Up,
        KeyCode::Char('h') | KeyCode::Left => Action::Left,
        KeyCode::Char('l') | KeyCode::Right => Action::Right,
        KeyCode::PageDown => Action::PageDown,
        KeyCode::PageUp => Action::PageUp,
        KeyCode::Home | KeyCode::Char('g') => Action::Home,
        KeyCode::Enter => Action::Enter,
        KeyCode::Char('r') => Action::Reload,
        KeyCode::Char('/') => Action::Search,
        KeyCode::Char('s') => Action::Sort,
        KeyCode::Char('f') => Action::Filter,
        KeyCode::Char('c') => Action::ToggleChart,
        KeyCode::Char(' ') => Action::Select,
        KeyCode::Char('a') => Action::Approve,
        KeyCode::Char('A') => Action::ApproveAll,
        KeyCode::Char('v') => Action::Void,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::app;
    use super::*;
    use crate::domain::Lang;
    use ratatui::crossterm::event::KeyEventState;
    use tui_input::InputRequest;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn only_presses_count_and_ctrl_c_always_quits() {
        let mut app = app(Lang::En);
        let release = KeyEvent {
            code: KeyCode::Char('q'),
            modifiers: KeyModifiers::NONE,
            kind: KeyEventKind::Release,
            state: KeyEventState::NONE,
        };
        assert!(map(&app, release).is_none());
        app.update(Action::GoTo(Screen::Partners));
        app.update(Action::Search);
        assert!(matches!(map(&app, key(KeyCode::Char('q'))), Some(Action::Edit(InputRequest::InsertChar('q')))));
        assert!(matches!(map(&app, KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)), Some(Action::Quit)));
    }

    #[test]
    fn tab_switches_sections_inside_the_detail_and_screens_elsewhere() {
        let mut app = app(Lang::En);
        assert!(matches!(map(&app, key(KeyCode::Tab)), Some(Action::NextScreen)));
        app.screen = Screen::Partners;
        app.screens.partners.detail = Some(crate::tui::screens::partner_detail::DetailState::new("ASEL25".into()));
        assert!(matches!(map(&app, key(KeyCode::Tab)), Some(Action::Right)));
        assert!(matches!(map(&app, key(KeyCode::BackTab)), Some(Action::Left)));
        assert!(matches!(map(&app, KeyEvent::new(KeyCode::Char('A'), KeyModifiers::SHIFT)), Some(Action::ApproveAll)));
    }
}
