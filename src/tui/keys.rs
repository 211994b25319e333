//! Keys to actions, by what has the keys now (a dialog, a text field, the help, or a screen).
//! Only presses count; Ctrl-C always quits. No Ctrl-M/H/I or Alt chords for actions.
//! Hotkeys follow the physical key: a character the Russian (ЙЦУКЕН) layout gives is read as
//! the Latin one on the same key, everywhere but in a text field.
use super::action::{Action, Screen};
use super::app::{App, Mode};
use super::chrome::{LIST_FIRST_ROW, TAB_LINE, tab_at};
use ratatui::crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use tui_input::backend::crossterm::to_input_request;

pub fn map(app: &App, key: KeyEvent) -> Option<Action> {
    if key.kind != KeyEventKind::Press {
        return None;
    }
    if key.modifiers.contains(KeyModifiers::CONTROL) && matches!(key.code, KeyCode::Char('c' | 'C')) {
        return Some(Action::Quit);
    }
    let mode = app.mode();
    let key = if matches!(mode, Mode::Typing | Mode::Palette) { key } else { physical(key) };
    match mode {
        // Enter is the dialog's to judge: it confirms a single approval and cancels bulk work.
        Mode::Confirm => match key.code {
            KeyCode::Char('y' | 'Y') => Some(Action::Yes),
            KeyCode::Enter => Some(Action::Submit),
            KeyCode::Char('n' | 'N' | 'q') | KeyCode::Esc => Some(Action::No),
            _ => None,
        },
        Mode::Typing => match key.code {
            KeyCode::Enter => Some(Action::Submit),
            KeyCode::Esc => Some(Action::CancelInput),
            // Between the fields of a form; a single field has nothing to move to.
            KeyCode::Tab | KeyCode::Down => Some(Action::NextField),
            KeyCode::BackTab | KeyCode::Up => Some(Action::PrevField),
            _ => to_input_request(&Event::Key(key)).map(Action::Edit),
        },
        Mode::Help => match key.code {
            KeyCode::Esc | KeyCode::Char('q') => Some(Action::Back),
            KeyCode::Char('?') => Some(Action::Help),
            _ => None,
        },
        Mode::Palette => palette(key),
        Mode::Normal => normal(app, key),
    }
}

/// The mouse, on a screen with nothing over it (no dialog, help, palette or text field): a left
/// click on a tab shows its screen, on a list's row highlights it (rows past the last shown do
/// nothing, nor does the header); the wheel moves as the arrows do.
pub fn mouse(app: &App, m: MouseEvent) -> Option<Action> {
    if app.mode() != Mode::Normal {
        return None;
    }
    match m.kind {
        MouseEventKind::Down(MouseButton::Left) if m.row == TAB_LINE => tab_at(app.lang, m.column).map(Action::GoTo),
        // A detail's section tabs are on the line above its rows (a list's header is there).
        MouseEventKind::Down(MouseButton::Left) if m.row + 1 == LIST_FIRST_ROW && app.tabs_inside() => {
            Some(Action::PickSection(m.column))
        }
        // The message and status lines are the last two.
        MouseEventKind::Down(MouseButton::Left) if m.row >= LIST_FIRST_ROW && m.row + 2 < app.height => {
            Some(Action::Pick((m.row - LIST_FIRST_ROW) as usize))
        }
        MouseEventKind::ScrollDown => Some(Action::Wheel(true)),
        MouseEventKind::ScrollUp => Some(Action::Wheel(false)),
        _ => None,
    }
}

/// In the palette letters are typed (j and k too: they are in words); arrows, Tab and Ctrl-N/P
/// move.
fn palette(key: KeyEvent) -> Option<Action> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Enter => Some(Action::Submit),
        KeyCode::Esc => Some(Action::CancelInput),
        KeyCode::Down | KeyCode::Tab => Some(Action::Down),
        KeyCode::Up | KeyCode::BackTab => Some(Action::Up),
        KeyCode::Char('n') if ctrl => Some(Action::Down),
        KeyCode::Char('p') if ctrl => Some(Action::Up),
        _ => to_input_request(&Event::Key(key)).map(Action::Edit),
    }
}

fn normal(app: &App, key: KeyEvent) -> Option<Action> {
    if key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) {
        return None;
    }
    if let KeyCode::Char(c) = key.code
        && let Some(rebound) = app.keymap.get(c)
    {
        return rebound;
    }
    let inside = app.tabs_inside();
    Some(match key.code {
        KeyCode::Esc => Action::Back,
        // The number of a screen's place on the tab bar.
        KeyCode::Char(c @ '1'..='9') => Action::GoTo(*Screen::ALL.get(c as usize - '1' as usize)?),
        KeyCode::Tab if inside => Action::Right,
        KeyCode::BackTab if inside => Action::Left,
        KeyCode::Tab => Action::NextScreen,
        KeyCode::BackTab => Action::PrevScreen,
        KeyCode::Down => Action::Down,
        KeyCode::Up => Action::Up,
        KeyCode::Char('h') | KeyCode::Left => Action::Left,
        KeyCode::Char('l') | KeyCode::Right => Action::Right,
        KeyCode::PageDown => Action::PageDown,
        KeyCode::PageUp => Action::PageUp,
        KeyCode::Home => Action::Home,
        KeyCode::End => Action::End,
        KeyCode::Enter => Action::Enter,
        // The single-character hotkeys: one table, the one keys.toml rebinds.
        KeyCode::Char(c) => super::keymap::NAMES.iter().find(|n| n.1 == c).map(|n| n.2.clone())?,
        _ => return None,
    })
}

/// The Latin character of each key of the Russian (ЙЦУКЕН) layout: (Latin, Russian), lower case;
/// the upper cases follow. On the `/` and `?` keys that layout gives `.` and `,`, which are no
/// hotkeys of their own. `ё` sits on the backtick key, which is no hotkey, so it is not here.
/// `ж` sits on `;`, whose shifted `:` opens the palette (see [`shifted`]).
pub const PHYSICAL: [(char, char); 29] = [
    ('q', 'й'),
    ('w', 'ц'),
    ('e', 'у'),
    ('r', 'к'),
    ('t', 'е'),
    ('y', 'н'),
    ('u', 'г'),
    ('i', 'ш'),
    ('o', 'щ'),
    ('p', 'з'),
    ('a', 'ф'),
    ('s', 'ы'),
    ('d', 'в'),
    ('f', 'а'),
    ('g', 'п'),
    ('h', 'р'),
    ('j', 'о'),
    ('k', 'л'),
    ('l', 'д'),
    ('z', 'я'),
    ('x', 'ч'),
    ('c', 'с'),
    ('v', 'м'),
    ('b', 'и'),
    ('n', 'т'),
    ('m', 'ь'),
    ('/', '.'),
    ('?', ','),
    (';', 'ж'),
];

/// What Shift gives on a Latin key of the table.
fn shifted(c: char) -> char {
    match c {
        ';' => ':',
        c => c.to_ascii_uppercase(),
    }
}

/// The Latin character on the same key as `c` (itself when it is not a Russian layout's).
fn latin(c: char) -> char {
    let lower = c.to_lowercase().next().unwrap_or(c);
    match PHYSICAL.iter().find(|(_, ru)| *ru == lower) {
        Some((en, _)) if lower != c => shifted(*en),
        Some((en, _)) => *en,
        None => c,
    }
}

/// A key read by where it is on the keyboard, not by the layout that is on.
fn physical(mut key: KeyEvent) -> KeyEvent {
    if let KeyCode::Char(c) = key.code {
        key.code = KeyCode::Char(latin(c));
    }
    key
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::app;
    use super::*;
    use crate::domain::Lang;
    use crate::tui::i18n::K;
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

    fn dialog() -> crate::tui::dialog::Dialog {
        let ask = crate::tui::action::Ask::Approve(vec![1]);
        crate::tui::dialog::Dialog::confirm(K::ConfirmTitle, String::new(), K::ConfirmKeys, false, ask)
    }

    /// Every Latin hotkey, in every mode that has hotkeys, gives the same action as its twin on
    /// the Russian layout; and every pair of the table is one key (no Latin letter twice).
    #[test]
    fn the_russian_layout_gives_the_same_hotkeys() {
        let mut app = app(Lang::En);
        let mut latin: Vec<char> = PHYSICAL.iter().map(|p| p.0).collect();
        latin.sort();
        latin.dedup();
        assert_eq!(latin.len(), PHYSICAL.len());
        let act = |app: &App, c: char| map(app, key(KeyCode::Char(c))).map(|a| format!("{a:?}"));
        let mut checked = 0;
        let mut modes = vec![];
        for setup in 0..4 {
            match setup {
                0 => {}
                1 => {
                    app.update(Action::GoTo(Screen::Partners));
                }
                2 => {
                    app.update(Action::Help);
                }
                _ => {
                    app.update(Action::Help);
                    app.dialog = Some(dialog());
                }
            }
            modes.push(app.mode());
            for (en, ru) in PHYSICAL {
                for (en, ru) in [(en, ru), (shifted(en), ru.to_uppercase().next().unwrap_or(ru))] {
                    assert_eq!(act(&app, en), act(&app, ru), "{en} and {ru} in {:?}", app.mode());
                    checked += act(&app, en).is_some() as usize;
                }
            }
        }
        assert_eq!(modes, vec![Mode::Normal, Mode::Normal, Mode::Help, Mode::Confirm]);
        assert!(checked >= 40, "the hotkeys were reached: {checked}");
        app.dialog = None;
        assert!(matches!(map(&app, key(KeyCode::Char('й'))), Some(Action::QuitOrBack)));
        assert!(matches!(map(&app, key(KeyCode::Char('Ф'))), Some(Action::ApproveAll)));
        assert!(matches!(map(&app, key(KeyCode::Char('П'))), Some(Action::End)));
        assert!(matches!(map(&app, key(KeyCode::Char('.'))), Some(Action::Search)));
        assert!(matches!(map(&app, key(KeyCode::End)), Some(Action::End)));
        assert!(matches!(map(&app, key(KeyCode::Char('G'))), Some(Action::End)));
        assert!(matches!(map(&app, key(KeyCode::Home)), Some(Action::Home)));
        assert!(matches!(map(&app, key(KeyCode::Char('Ы'))), Some(Action::SortDirection)));
        // In a text field Russian stays Russian.
        app.update(Action::Search);
        assert_eq!(app.mode(), Mode::Typing);
        assert!(matches!(map(&app, key(KeyCode::Char('й'))), Some(Action::Edit(InputRequest::InsertChar('й')))));
    }

    #[test]
    fn yes_in_a_dialog_on_either_layout_and_enter_is_the_dialogs_to_judge() {
        let mut app = app(Lang::En);
        app.dialog = Some(dialog());
        assert!(matches!(map(&app, key(KeyCode::Char('н'))), Some(Action::Yes)));
        assert!(matches!(map(&app, key(KeyCode::Char('Н'))), Some(Action::Yes)));
        assert!(matches!(map(&app, key(KeyCode::Char('т'))), Some(Action::No)));
        assert!(matches!(map(&app, key(KeyCode::Enter)), Some(Action::Submit)));
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

    /// `:` opens the palette, and so does the key it is on read as `Ж` on the Russian layout;
    /// in the palette letters (j and q too) are typed, arrows move, Enter runs, Esc closes.
    #[test]
    fn colon_opens_the_palette_whose_letters_are_typed() {
        let mut app = app(Lang::En);
        assert!(matches!(map(&app, key(KeyCode::Char(':'))), Some(Action::Palette)));
        assert!(matches!(map(&app, key(KeyCode::Char('Ж'))), Some(Action::Palette)));
        assert!(map(&app, key(KeyCode::Char('ж'))).is_none());
        app.update(Action::Palette);
        assert_eq!(app.mode(), Mode::Palette);
        for c in ['j', 'q', 'б', 'Ж'] {
            assert!(
                matches!(map(&app, key(KeyCode::Char(c))), Some(Action::Edit(InputRequest::InsertChar(x))) if x == c)
            );
        }
        assert!(matches!(map(&app, key(KeyCode::Down)), Some(Action::Down)));
        assert!(matches!(map(&app, key(KeyCode::Up)), Some(Action::Up)));
        assert!(matches!(map(&app, KeyEvent::new(KeyCode::Char('n'), KeyModifiers::CONTROL)), Some(Action::Down)));
        assert!(matches!(map(&app, key(KeyCode::Enter)), Some(Action::Submit)));
        assert!(matches!(map(&app, key(KeyCode::Esc)), Some(Action::CancelInput)));
    }

    fn click(app: &App, column: u16, row: u16, kind: MouseEventKind) -> Option<Action> {
        mouse(app, MouseEvent { kind, column, row, modifiers: KeyModifiers::NONE })
    }

    fn left(app: &App, column: u16, row: u16) -> Option<Action> {
        click(app, column, row, MouseEventKind::Down(MouseButton::Left))
    }

    /// A click on each tab, at its first and last column and in either language, shows its
    /// screen; the space between tabs and past the last does nothing.
    #[test]
    fn a_click_on_a_tab_shows_its_screen() {
        for lang in [Lang::En, Lang::Ru] {
            let app = app(lang);
            let tabs = crate::tui::chrome::tabs(lang);
            assert_eq!(tabs.len(), Screen::ALL.len());
            for (screen, _, cols) in &tabs {
                for x in [cols.start, cols.end - 1] {
                    assert!(matches!(left(&app, x, 0), Some(Action::GoTo(s)) if s == *screen), "{lang:?} {x}");
                }
                assert!(left(&app, cols.end, 0).is_none(), "the gap after {screen:?}");
            }
        }
        let app = app(Lang::En);
        // `[1 Dashboard]  2 Partners   3 Bonuses`: "Partners" is at columns 17..24.
        assert!(matches!(left(&app, 17, 0), Some(Action::GoTo(Screen::Partners))));
        assert!(matches!(left(&app, 30, 0), Some(Action::GoTo(Screen::Bonuses))));
        assert!(left(&app, 60, 0).is_none());
        assert!(click(&app, 17, 0, MouseEventKind::Down(MouseButton::Right)).is_none());
    }

    /// A click on a list's row highlights that row; on the title, the header, the message or
    /// status line, or under the last row shown, nothing changes.
    #[test]
    fn a_click_on_a_row_highlights_it_and_the_wheel_moves_three_rows() {
        let mut app = crate::tui::fixtures::partners_listed(5);
        app.update(Action::Resize(80, 24));
        for row in [1, 2, 22, 23] {
            assert!(left(&app, 10, row).is_none(), "line {row}");
        }
        let pick = left(&app, 10, LIST_FIRST_ROW + 3);
        assert!(matches!(pick, Some(Action::Pick(3))), "{pick:?}");
        app.update(Action::Pick(3));
        assert_eq!(app.screens.partners.list.sel, 3);
        app.update(Action::Pick(7));
        assert_eq!(app.screens.partners.list.sel, 3, "no row is shown there");
        assert!(matches!(click(&app, 5, 9, MouseEventKind::ScrollDown), Some(Action::Wheel(true))));
        assert!(matches!(click(&app, 5, 9, MouseEventKind::ScrollUp), Some(Action::Wheel(false))));
        app.update(Action::Pick(0));
        app.update(Action::Wheel(true));
        assert_eq!(app.screens.partners.list.sel, 3);
        app.update(Action::Wheel(false));
        assert_eq!(app.screens.partners.list.sel, 0);
        // Over help, a dialog or the palette the mouse does nothing.
        app.update(Action::Help);
        assert!(left(&app, 10, LIST_FIRST_ROW).is_none() && left(&app, 17, 0).is_none());
    }

    /// keys.toml's `approve = "x"`: x approves (on either layout), a no longer does.
    #[test]
    fn a_rebound_key_does_its_action_and_the_default_no_longer_does() {
        let mut app = app(Lang::En);
        assert!(matches!(map(&app, key(KeyCode::Char('a'))), Some(Action::Approve)));
        app.keymap = crate::tui::keymap::Keymap::parse("[keys]\napprove = \"x\"\n").expect("good");
        assert!(matches!(map(&app, key(KeyCode::Char('x'))), Some(Action::Approve)));
        assert!(matches!(map(&app, key(KeyCode::Char('ч'))), Some(Action::Approve)));
        assert!(map(&app, key(KeyCode::Char('a'))).is_none());
        assert!(matches!(map(&app, key(KeyCode::Char('v'))), Some(Action::Void)));
    }
}
