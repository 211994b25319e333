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
