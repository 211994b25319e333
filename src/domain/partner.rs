//! A partner's standing in the program, and the text that search matches.

/// Whether a partner's code earns: active, its code deactivated, or the partner excluded
/// (which also deactivates the code).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Active,
    CodeDeactivated,
    Excluded,
}

impl Status {
    pub const ALL: [Status; 3] = [Status::Active, Status::CodeDeactivated, Status::Excluded];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::CodeDeactivated => "code_deactivated",
            Status::Excluded => "excluded",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// From the partner's stored status and its code's `active` flag.
    pub fn of(partner_status: &str, code_active: bool) -> Status {
        if partner_status == "excluded" {
            Status::Excluded
        } else if !code_active {
            Status::CodeDeactivated
        } else {
            Status::Active
        }
    }
}

/// The lower-cased text that `/` search matches: name, code, phone digits.
pub fn search_key(name: &str, code: &str, phone: Option<&str>) -> String {
    let digits: String = phone.unwrap_or("").chars().filter(|c| c.is_ascii_digit()).collect();
    format!("{} {} {}", name.to_lowercase(), code.to_lowercase(), digits)
}

/// What `/` search looks for in a [`search_key`] (and in other lists' ids): the text in lower
/// case, or, for a phone typed any way (`+7 747 375 88 78`, `8 747…`, dashes, brackets), its
/// digits — the 10-digit national number when the country code (7, or the trunk prefix 8) leads,
/// so that every form finds the same stored digits.
pub fn search_text(q: &str) -> String {
    let q = q.trim();
    let phone = q.chars().any(|c| c.is_ascii_digit()) && q.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c));
    if !phone {
        return q.to_lowercase();
    }
    let digits: String = q.chars().filter(|c| c.is_ascii_digit()).collect();
    match digits.strip_prefix(['7', '8']) {
        Some(national) if digits.len() == 11 => national.to_string(),
        _ => digits,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phone_typed_any_way_searches_for_its_national_number() {
        for typed in [
            "+7 747 375 88 78",
            "8 747 375 88 78",
            "87473758878",
            "77473758878",
            "7473758878",
            "+7-747-375-88-78",
            "8 (747) 375-88-78",
            " 7473758878 ",
        ] {
            assert_eq!(search_text(typed), "7473758878", "{typed:?}");
        }
        // The stored key keeps the full digits; the national number is inside them.
        assert!(
            search_key("Азамат Мусин", "AZAMAT25", Some("+7 747 375 88 78")).contains(&search_text("8 747 375 88 78"))
        );
    }

    #[test]
    fn other_text_is_matched_in_lower_case_and_short_digits_stay_as_typed() {
        assert_eq!(search_text(" DANA78 "), "dana78");
        assert_eq!(search_text("Мусина"), "мусина");
        assert_eq!(search_text("375-88"), "37588");
        assert_eq!(search_text("78"), "78");
        // Ten digits that start with 8 are a national number already, not a trunk prefix.
        assert_eq!(search_text("8747375887"), "8747375887");
        assert_eq!(search_text("PAY-0001"), "pay-0001");
    }
}
