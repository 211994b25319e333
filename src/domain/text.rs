//! One policy for text that comes from outside (the platform's events, an operator's flags):
//! how long it may be and which characters it may hold. Ids are compared byte for byte, so
//! nothing is taken out of them: a character that cannot be shown refuses the id. Free text
//! (names, emails …) is shown on terminals, so what cannot be shown is taken out of it.
use super::identity::clean_text;

/// The longest id (event, account, payment), in characters.
pub const ID_MAX: usize = 100;
/// The longest free text (a name, an email, a promotion), in characters.
pub const TEXT_MAX: usize = 500;

/// Why a text is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("longer than {0} characters")]
    TooLong(usize),
    #[error("holds the control character U+{0:04X}")]
    Control(u32),
    #[error("holds the invisible format character U+{0:04X}")]
    Format(u32),
}

/// Unicode format characters (general category Cf) and the line and paragraph separators:
/// invisible, yet they reorder (bidi marks and overrides, U+061C), hide (zero-width) or break
/// (U+2028/2029) what a line seems to say. The table is Cf of Unicode 16.
pub fn is_format(c: char) -> bool {
    matches!(c,
        '\u{ad}' | '\u{600}'..='\u{605}' | '\u{61c}' | '\u{6dd}' | '\u{70f}' | '\u{890}'..='\u{891}'
        | '\u{8e2}' | '\u{180e}' | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206f}' | '\u{feff}' | '\u{fff9}'..='\u{fffb}'
        | '\u{110bd}' | '\u{110cd}' | '\u{13430}'..='\u{1343f}' | '\u{1bca0}'..='\u{1bca3}'
        | '\u{1d173}'..='\u{1d17a}' | '\u{e0001}' | '\u{e0020}'..='\u{e007f}')
}

/// An id as given, or why it is refused: at most [`ID_MAX`] characters, none of them a
/// control or format character (stripping one would make two ids one).
pub fn id(s: &str) -> Result<&str, TextError> {
    if let Some(c) = s.chars().find(|c| c.is_control()) {
        return Err(TextError::Control(u32::from(c)));
    }
    if let Some(c) = s.chars().find(|c| is_format(*c)) {
        return Err(TextError::Format(u32::from(c)));
    }
    if s.chars().count() > ID_MAX {
        return Err(TextError::TooLong(ID_MAX));
    }
    Ok(s)
}

/// Free text made fit to show and store, or why it is refused. A NUL is refused: no text
/// means one, and dropping it would make two texts one. Other control and format characters
/// (an escape sequence, a bidi override) are taken out, as issue 9 decided for names shown on
/// a terminal; then at most `max` characters may remain.
pub fn text(s: &str, max: usize) -> Result<String, TextError> {
    if s.contains('\0') {
        return Err(TextError::Control(0));
    }
    // A line break or tab (a CSV cell may hold one) keeps the words around it apart.
    let s = clean_text(&s.replace(['\t', '\n', '\r', '\u{2028}', '\u{2029}'], " "));
    if s.chars().count() > max {
        return Err(TextError::TooLong(max));
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_refused_not_changed() {
        assert_eq!(id("n5x"), Ok("n5x"));
        assert_eq!(id("n5\0x"), Err(TextError::Control(0)));
        assert_eq!(id("n5\u{200b}x"), Err(TextError::Format(0x200b)));
        assert_eq!(id(&"x".repeat(100)).map(str::len), Ok(100));
        assert_eq!(id(&"x".repeat(101)), Err(TextError::TooLong(100)));
        assert_eq!(TextError::Control(0).to_string(), "holds the control character U+0000");
    }

    #[test]
    fn text_is_cleaned_and_bounded() {
        assert_eq!(text("Ab\u{61c}c\u{200f}d", TEXT_MAX), Ok("Abcd".into()));
        assert_eq!(text("Asel\r\nNur", TEXT_MAX), Ok("Asel  Nur".into()));
        assert_eq!(text("a\0b", TEXT_MAX), Err(TextError::Control(0)));
        assert_eq!(text(&"я".repeat(501), TEXT_MAX), Err(TextError::TooLong(500)));
        assert!(text(&"я".repeat(500), TEXT_MAX).is_ok());
    }
}
