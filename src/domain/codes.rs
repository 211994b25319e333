//! Promo codes: case-insensitive (stored upper-case), and generated from a partner's name by
//! transliterating Russian and Kazakh Cyrillic (Асель → ASEL).

/// The canonical form of a code as typed by a client or an operator.
pub fn normalize_code(s: &str) -> String {
    s.trim().to_uppercase()
}

/// Why a text is not a promo code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("a promo code has 2 to 32 characters")]
    Length,
    #[error("a promo code has only Latin letters, digits, '-' and '_'")]
    Characters,
}

/// A code is 2–32 letters, digits, `-` or `_`.
pub fn validate_code(code: &str) -> Result<String, CodeError> {
    let c = normalize_code(code);
    if c.chars().count() < 2 || c.chars().count() > 32 {
        return Err(CodeError::Length);
    }
    if !c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_') {
        return Err(CodeError::Characters);
    }
    Ok(c)
}

fn translit_char(c: char) -> &'static str {
    match c.to_lowercase().next().unwrap_or(c) {
        'а' | 'ә' => "a",
        'б' => "b",
        'в' => "v",
        'г' | 'ғ' => "g",
        'д' => "d",
        'е' | 'э' => "e",
        'ё' => "yo",
        'ж' => "zh",
        'з' => "z",
        'и' | 'і' => "i",
        'й' => "y",
        'к' | 'қ' => "k",
        'л' => "l",
        'м' => "m",
        'н' | 'ң' => "n",
        'о' | 'ө' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' | 'ұ' | 'ү' => "u",
        'ф' => "f",
        'х' | 'һ' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ъ' | 'ь' => "",
        'ы' => "y",
        'ю' => "yu",
        'я' => "ya",
        _ => "",
    }
}

/// Latin upper-case letters of a name: `Асель Нурланова` → `ASELNURLANOVA`.
pub fn transliterate(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_uppercase());
        } else {
            out.push_str(&translit_char(c).to_ascii_uppercase());
        }
    }
    out
}

/// The stem of a generated code: the first name's letters, at most 10 (`Асель Нурланова` → `ASEL`).
pub fn code_stem(name: &str) -> String {
    let first = name.split_whitespace().next().unwrap_or("");
    let mut stem: String = transliterate(first).chars().take(10).collect();
    if stem.len() < 2 {
        stem = transliterate(name).chars().take(10).collect();
    }
    if stem.len() < 2 {
        stem = "PARTNER".to_string();
    }
    stem
}

/// Candidate codes for a name, in order: `ASEL25`, `ASEL26`, … — the program's codes carry the
/// client discount, and the suffix keeps them unique.
pub fn code_candidates(name: &str) -> impl Iterator<Item = String> {
    let stem = code_stem(name);
    (25u32..).map(move |n| format!("{stem}{n}"))
}

/// How many candidates a name gets before it is said to have no free code.
const CANDIDATES: usize = 10_000;

/// The first candidate code for a name that `taken` says is free; `None` when the first
/// [`CANDIDATES`] are all taken. `taken` looks wherever codes live (a batch, the database).
pub async fn first_free_code<E>(
    name: &str,
    mut taken: impl AsyncFnMut(&str) -> Result<bool, E>,
) -> Result<Option<String>, E> {
    for c in code_candidates(name).take(CANDIDATES) {
        if !taken(&c).await? {
            return Ok(Some(c));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transliterates_russian_and_kazakh() {
        assert_eq!(code_stem("Асель"), "ASEL");
        assert_eq!(code_stem("Айгүл Серікқызы"), "AYGUL");
        assert_eq!(code_stem("Жанна"), "ZHANNA");
        assert_eq!(code_stem("Ерғали"), "ERGALI");
        assert_eq!(code_stem("Щукин Юрий"), "SHCHUKIN");
        assert_eq!(code_candidates("Асель").next().as_deref(), Some("ASEL25"));
    }

    #[test]
    fn codes_are_case_insensitive() {
        assert_eq!(validate_code(" asel25 "), Ok("ASEL25".into()));
        assert!(validate_code("a").is_err());
        assert!(validate_code("АСЕЛЬ").is_err());
    }
}
