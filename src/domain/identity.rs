//! Identity fields: normalisation for comparing people, and the check digits of the Kazakh IBAN
//! and IIN/BIN.
use std::borrow::Cow;

/// Characters that must never reach a terminal from outside text: control characters (ESC
/// starts a sequence that can retitle the window or clear the screen, BEL rings) and the
/// format characters (bidi marks and overrides, U+061C, zero-width, U+2028/2029) that reorder,
/// hide or break what a line seems to say and shift the console's columns.
fn hidden(c: char) -> bool {
    c.is_control() || super::text::is_format(c)
}

/// Drops control and escape characters from text that came from outside, so that it can be
/// drawn on a terminal and stored safely.
pub fn clean_text(s: &str) -> String {
    s.chars().filter(|c| !hidden(*c)).collect::<String>().trim().to_string()
}

/// Stored text as it may be shown on a terminal, by the console and by the CLI's text output
/// (data stored before it was cleaned on the way in, or by another program, included): tabs and
/// line breaks become spaces, so that words stay apart on the one line they are shown on, and
/// every other character [`clean_text`] drops is dropped. Text with nothing to drop is borrowed.
pub fn printable(s: &str) -> Cow<'_, str> {
    if !s.chars().any(hidden) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| if matches!(c, '\t' | '\n' | '\r' | '\u{2028}' | '\u{2029}') { ' ' } else { c })
            .filter(|c| !hidden(*c))
            .collect(),
    )
}

/// Lower-case, no spaces, and no `+tag` in the local part: `A.Sel+promo@Mail.kz` → `a.sel@mail.kz`.
pub fn normalize_email(s: &str) -> Option<String> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_lowercase();
    let (local, domain) = s.rsplit_once('@')?;
    let local = local.split('+').next().unwrap_or(local);
    if local.is_empty() || domain.is_empty() {
        return None;
    }
    Some(format!("{local}@{domain}"))
}

/// Digits only; the Kazakh trunk prefix 8 of an 11-digit number is the country code 7.
pub fn normalize_phone(s: &str) -> Option<String> {
    let mut d: String = s.chars().filter(|c| c.is_ascii_digit()).collect();
    if d.len() == 11 && d.starts_with('8') {
        d.replace_range(0..1, "7");
    }
    if d.len() == 10 {
        d.insert(0, '7');
    }
    (d.len() >= 6).then_some(d)
}

/// Digits only.
pub fn normalize_iin(s: &str) -> Option<String> {
    let d: String = s.chars().filter(|c| c.is_ascii_digit()).collect();
    (!d.is_empty()).then_some(d)
}

/// Why a text is not a Kazakh IBAN.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IbanError {
    #[error("a Kazakh IBAN starts with KZ")]
    NotKazakh,
    #[error("a Kazakh IBAN has 20 characters (KZ and 18 more)")]
    Length,
    #[error("an IBAN has only letters and digits")]
    Characters,
    #[error("the IBAN's check digits are not digits")]
    CheckNotDigits,
    #[error("the IBAN's check digits do not match (mod 97)")]
    Checksum,
}

/// Why a text is not an IIN/BIN.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IinError {
    #[error("an IIN/BIN is 12 digits")]
    Length,
    #[error("this IIN/BIN cannot have a valid check digit")]
    NoCheckDigit,
    #[error("the IIN/BIN's check digit does not match")]
    Checksum,
}

/// A Kazakh IBAN: `KZ`, two check digits and 16 characters, valid under mod 97. Returns the
/// compact upper-case form.
pub fn validate_iban_kz(s: &str) -> Result<String, IbanError> {
    let iban: String = s.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
    if !iban.starts_with("KZ") {
        return Err(IbanError::NotKazakh);
    }
    if iban.len() != 20 {
        return Err(IbanError::Length);
    }
    if !iban.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(IbanError::Characters);
    }
    if !iban[2..4].chars().all(|c| c.is_ascii_digit()) {
        return Err(IbanError::CheckNotDigits);
    }
    let rearranged = format!("{}{}", &iban[4..], &iban[..4]);
    let mut rem: u32 = 0;
    for c in rearranged.chars() {
        let v = c.to_digit(36).unwrap_or(0);
        rem = if v >= 10 { (rem * 100 + v) % 97 } else { (rem * 10 + v) % 97 };
    }
    if rem != 1 {
        return Err(IbanError::Checksum);
    }
    Ok(iban)
}

/// An IIN or BIN: 12 digits whose last is the check digit of the first 11.
pub fn validate_iin(s: &str) -> Result<String, IinError> {
    let d: Vec<u32> = s.chars().filter(|c| !c.is_whitespace()).map(|c| c.to_digit(10).unwrap_or(99)).collect();
    if d.len() != 12 || d.iter().any(|&x| x > 9) {
        return Err(IinError::Length);
    }
    let check = iin_check_digit(&d[..11]).ok_or(IinError::NoCheckDigit)?;
    if check != d[11] {
        return Err(IinError::Checksum);
    }
    Ok(d.iter().map(|x| char::from_digit(*x, 10).unwrap_or('0')).collect())
}

/// The IIN/BIN check digit: weights 1..11, and if that gives 10, weights 3..11,1,2; a second 10
/// means the number is not issued.
pub fn iin_check_digit(first11: &[u32]) -> Option<u32> {
    let w1 = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    let w2 = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];
    let sum = |w: &[u32; 11]| first11.iter().zip(w).map(|(a, b)| a * b).sum::<u32>() % 11;
    match sum(&w1) {
        10 => match sum(&w2) {
            10 => None,
            c => Some(c),
        },
        c => Some(c),
    }
}

/// Completes 11 digits with their check digit (demo data and tests).
pub fn iin_with_check(first11: &str) -> Option<String> {
    let d: Vec<u32> = first11.chars().map(|c| c.to_digit(10)).collect::<Option<_>>()?;
    if d.len() != 11 {
        return None;
    }
    Some(format!("{first11}{}", iin_check_digit(&d)?))
}

/// Completes a Kazakh account (16 characters after the check digits) into a valid IBAN.
pub fn iban_with_check(bban: &str) -> String {
    let rearranged = format!("{bban}KZ00");
    let mut rem: u32 = 0;
    for c in rearranged.chars() {
        let v = c.to_digit(36).unwrap_or(0);
        rem = if v >= 10 { (rem * 100 + v) % 97 } else { (rem * 10 + v) % 97 };
    }
    format!("KZ{:02}{bban}", 98 - rem)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_normalisation() {
        assert_eq!(normalize_email(" A.Sel+promo@Mail.KZ ").as_deref(), Some("a.sel@mail.kz"));
        assert_eq!(normalize_email("nobody"), None);
    }

    #[test]
    fn phone_normalisation() {
        assert_eq!(normalize_phone("+7 (705) 805-82-59").as_deref(), Some("77058058259"));
        assert_eq!(normalize_phone("8 705 805 82 59").as_deref(), Some("77058058259"));
        assert_eq!(normalize_phone("705 805 82 59").as_deref(), Some("77058058259"));
    }

    #[test]
    fn iban() {
        let good = iban_with_check("125KZT5004100100");
        assert_eq!(validate_iban_kz(&good), Ok(good.clone()));
        assert_eq!(validate_iban_kz("KZ86125KZT5004100100"), Ok("KZ86125KZT5004100100".into()));
        assert!(validate_iban_kz("KZ87125KZT5004100100").is_err());
        assert!(validate_iban_kz("DE89370400440532013000").is_err());
        assert!(validate_iban_kz("KZ86125KZT50041001").is_err());
    }

    #[test]
    fn iin() {
        let iin = iin_with_check("90010130012").unwrap_or_default();
        assert_eq!(validate_iin(&iin), Ok(iin.clone()));
        let mut bad = iin.clone().into_bytes();
        bad[11] = if bad[11] == b'9' { b'0' } else { bad[11] + 1 };
        assert!(validate_iin(&String::from_utf8(bad).unwrap_or_default()).is_err());
        assert!(validate_iin("12345").is_err());
    }

    #[test]
    fn strips_escapes() {
        assert_eq!(clean_text("Asel\u{1b}[31m red\u{7}"), "Asel[31m red");
        assert_eq!(clean_text(" \u{1b}]0;pwned\u{7}Evil\u{1b}[2J Name\n"), "]0;pwnedEvil[2J Name");
    }

    #[test]
    fn printable_keeps_words_apart_and_borrows_clean_text() {
        assert_eq!(printable("\u{1b}]0;pwned\u{7}Evil\u{1b}[2J Name"), "]0;pwnedEvil[2J Name");
        assert_eq!(printable("Asel\tNur\r\nlanovna"), "Asel Nur  lanovna");
        assert_eq!(printable("x\u{202e}y\u{200b}z"), "xyz");
        assert_eq!(printable("Ab\u{61c}c\u{2028}d"), "Abc d");
        assert_eq!(clean_text("Ab\u{61c}c\u{2028}d\u{2029}"), "Abcd");
        assert!(matches!(printable("Асель Нурланова"), Cow::Borrowed("Асель Нурланова")));
    }
}
