//! The operator's own keys: `keys.toml` in the user's config directory rebinds the screens'
//! hotkeys, e.g. `[keys]` then `approve = "x"`. It is read once at start; a wrong entry stops the
//! start with one sentence naming it (a console whose keys are not what the operator wrote must
//! not open on money).
use super::action::Action;
use std::path::Path;

/// Every action a key can be bound to: its name in the file, its default key, the action.
pub const NAMES: [(&str, char, Action); 25] = [
    ("quit", 'q', Action::QuitOrBack),
    ("help", '?', Action::Help),
    ("palette", ':', Action::Palette),
    ("search", '/', Action::Search),
    ("sort", 's', Action::Sort),
    ("sort_direction", 'S', Action::SortDirection),
    ("filter", 'f', Action::Filter),
    ("chart", 'c', Action::ToggleChart),
    ("reload", 'r', Action::Reload),
    ("export", 'e', Action::Export),
    ("copy", 'y', Action::Copy),
    ("select", ' ', Action::Select),
    ("approve", 'a', Action::Approve),
    ("approve_all", 'A', Action::ApproveAll),
    ("void", 'v', Action::Void),
    ("prepare", 'p', Action::Prepare),
    ("complete", 'C', Action::Complete),
    ("dismiss", 'd', Action::Dismiss),
    ("deactivate", 'x', Action::Deactivate),
    ("exclude", 'X', Action::Exclude),
    ("tree", 't', Action::Tree),
    ("down", 'j', Action::Down),
    ("up", 'k', Action::Up),
    ("first", 'g', Action::Home),
    ("last", 'G', Action::End),
];

/// The rebound keys; empty when there is no file.
#[derive(Clone, Debug, Default)]
pub struct Keymap {
    bound: Vec<(char, Action)>,
    /// The default keys of the actions rebound: they no longer do them.
    freed: Vec<char>,
}

impl Keymap {
    /// `keys.toml` in the user's config directory, when there is one.
    pub fn load() -> Result<Keymap, String> {
        match crate::app::dirs().map(|d| d.config_dir().join("keys.toml")).filter(|p| p.exists()) {
            Some(f) => Keymap::read(&f),
            None => Ok(Keymap::default()),
        }
    }

    pub fn read(file: &Path) -> Result<Keymap, String> {
        let text = std::fs::read_to_string(file).map_err(|e| format!("{}: cannot read: {e}", file.display()))?;
        Keymap::parse(&text).map_err(|e| format!("{}: {e}", file.display()))
    }

    /// A `[keys]` table of `action = "key"`, where a key is one character or "Space".
    pub fn parse(text: &str) -> Result<Keymap, String> {
        let doc: toml::Table = text.parse().map_err(|e: toml::de::Error| one_line(&e.to_string()))?;
        let mut map = Keymap::default();
        for (section, value) in &doc {
            let Some(keys) = value.as_table().filter(|_| section == "keys") else {
                return Err(format!("unknown section [{section}]; the only one is [keys]."));
            };
            for (name, key) in keys {
                let Some((_, default, action)) = NAMES.iter().find(|(n, _, _)| n == name) else {
                    let names: Vec<&str> = NAMES.iter().map(|n| n.0).collect();
                    return Err(format!("unknown action \"{name}\"; the actions are {}.", names.join(", ")));
                };
                let c = match key.as_str() {
                    Some("Space") => ' ',
                    Some(s) if s.chars().count() == 1 => s.chars().next().unwrap_or(' '),
                    _ => return Err(format!("{name} = {key}: a key is one character in quotes, or \"Space\".")),
                };
                if let Some((_, other)) = map.bound.iter().find(|(k, _)| *k == c) {
                    return Err(format!("{name} = \"{c}\": that key is already bound to {other:?}."));
                }
                map.bound.push((c, action.clone()));
                map.freed.push(*default);
            }
        }
        Ok(map)
    }

    /// What `c` does by this file: `Some(Some(action))` a rebound key, `Some(None)` a default key
    /// whose action moved elsewhere, `None` a key the file leaves alone.
    pub fn get(&self, c: char) -> Option<Option<Action>> {
        if let Some((_, a)) = self.bound.iter().find(|(k, _)| *k == c) {
            return Some(Some(a.clone()));
        }
        self.freed.contains(&c).then_some(None)
    }
}

/// toml's errors run over several lines (the line, a caret); the first says where and what.
fn one_line(e: &str) -> String {
    let first = e.lines().next().unwrap_or(e).trim_end_matches(['.', ':']);
    format!("{first}.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_good_file_rebinds_and_frees_the_default() {
        let m = Keymap::parse("[keys]\napprove = \"x\"\nquit = \"Q\"\nselect = \"Space\"\n").expect("good");
        assert!(matches!(m.get('x'), Some(Some(Action::Approve))));
        assert!(matches!(m.get('Q'), Some(Some(Action::QuitOrBack))));
        assert!(matches!(m.get(' '), Some(Some(Action::Select))));
        assert!(matches!(m.get('a'), Some(None)), "a no longer approves");
        assert!(matches!(m.get('q'), Some(None)));
        assert!(m.get('v').is_none(), "void keeps its key");
        assert!(Keymap::parse("").expect("empty").get('a').is_none());
    }

    #[test]
    fn a_bad_file_says_what_is_wrong_in_one_sentence() {
        for (text, says) in [
            ("[keys]\naprove = \"x\"\n", "unknown action \"aprove\""),
            ("[keys]\napprove = \"xy\"\n", "approve = \"xy\": a key is one character"),
            ("[keys]\napprove = 7\n", "approve = 7"),
            ("[keys]\napprove = \"x\"\nvoid = \"x\"\n", "void = \"x\": that key is already bound to Approve"),
            ("[colors]\nred = 1\n", "unknown section [colors]"),
            ("[keys\n", "line 1"),
        ] {
            let e = Keymap::parse(text).expect_err(text);
            assert!(e.contains(says), "{e:?} says {says:?}");
            assert!(!e.contains('\n') && e.ends_with('.'), "one sentence: {e:?}");
        }
    }
}
