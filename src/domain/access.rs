//! Who may do what: the four roles of INTERFACE.md, the deeds that change state and the role each
//! needs, and the two modes a database is created in.

/// A role, in order of what it may do: each may do all that the one before it may.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Reads.
    Viewer,
    /// Imports, approves and voids bonuses, edits partners and contracts, prepares and discards
    /// payout runs, scans for abuse.
    Operator,
    /// All of that, plus approves, exports and completes payout runs and decides abuse cases.
    Approver,
    /// All, plus manages operators.
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Viewer, Role::Operator, Role::Approver, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Operator => "operator",
            Role::Approver => "approver",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }

    /// Its name in Russian.
    pub fn ru(self) -> &'static str {
        match self {
            Role::Viewer => "наблюдатель",
            Role::Operator => "оператор",
            Role::Approver => "утверждающий",
            Role::Admin => "администратор",
        }
    }
}

/// How a database trusts who says they act, fixed once by `init`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The operator is the OS login; the clock is the real one for every change.
    Production,
    /// Demo, tests, training: `--operator` and `--now` are taken as given.
    Sandbox,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Production => "production",
            Mode::Sandbox => "sandbox",
        }
    }

    pub fn parse(s: &str) -> Option<Mode> {
        [Mode::Production, Mode::Sandbox].into_iter().find(|m| m.as_str() == s)
    }
}

/// The name under which the program's own changes (a hold ending under automatic approval) are
/// recorded: no person decided them. It cannot be registered as an operator.
pub const SYSTEM: &str = "system";

/// A change of state someone asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Deed {
    Import,
    EditPartner,
    ApproveBonus,
    VoidBonus,
    PreparePayout,
    DiscardPayout,
    ScanAbuse,
    ApprovePayout,
    ExportPayout,
    CompletePayout,
    DecideCase,
    ManageOperators,
    /// Filling a sandbox with synthetic data.
    Demo,
}

impl Deed {
    pub const ALL: [Deed; 13] = [
        Deed::Import,
        Deed::EditPartner,
        Deed::ApproveBonus,
        Deed::VoidBonus,
        Deed::PreparePayout,
        Deed::DiscardPayout,
        Deed::ScanAbuse,
        Deed::ApprovePayout,
        Deed::ExportPayout,
        Deed::CompletePayout,
        Deed::DecideCase,
        Deed::ManageOperators,
        Deed::Demo,
    ];

    /// The least role that may do it.
    pub fn needs(self) -> Role {
        match self {
            Deed::Import
            | Deed::EditPartner
            | Deed::ApproveBonus
            | Deed::VoidBonus
            | Deed::PreparePayout
            | Deed::DiscardPayout
            | Deed::ScanAbuse => Role::Operator,
            Deed::ApprovePayout | Deed::ExportPayout | Deed::CompletePayout | Deed::DecideCase => Role::Approver,
            Deed::ManageOperators | Deed::Demo => Role::Admin,
        }
    }

    /// What it is, for a sentence: (English, Russian).
    pub fn words(self) -> (&'static str, &'static str) {
        match self {
            Deed::Import => ("importing events", "импорт событий"),
            Deed::EditPartner => ("changing partners and contracts", "изменение партнёров и договоров"),
            Deed::ApproveBonus => ("approving bonuses", "одобрение бонусов"),
            Deed::VoidBonus => ("voiding bonuses", "аннулирование бонусов"),
            Deed::PreparePayout => ("preparing payout runs", "подготовка выплат"),
            Deed::DiscardPayout => ("discarding payout runs", "отмена выплат"),
            Deed::ScanAbuse => ("scanning for abuse", "поиск нарушений"),
            Deed::ApprovePayout => ("approving payout runs", "утверждение выплат"),
            Deed::ExportPayout => ("exporting bank files", "выгрузка файлов для банка"),
            Deed::CompletePayout => ("completing payout runs", "завершение выплат"),
            Deed::DecideCase => ("deciding abuse cases", "решения по делам о нарушениях"),
            Deed::ManageOperators => ("managing operators", "управление операторами"),
            Deed::Demo => ("filling a sandbox with demonstration data", "заполнение песочницы демо-данными"),
        }
    }
}

/// Whether `role` may do `deed`.
pub fn may(role: Role, deed: Deed) -> bool {
    role >= deed.needs()
}

/// An operator's name as it is registered: a login name, so letters, digits, `.`, `_` and `-`.
pub fn valid_name(name: &str) -> bool {
    let n = name.trim();
    !n.is_empty()
        && n.chars().count() <= 64
        && n != SYSTEM
        && n.chars().all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_may_all_that_the_one_before_may() {
        assert!(may(Role::Operator, Deed::ApproveBonus));
        assert!(!may(Role::Viewer, Deed::ApproveBonus));
        assert!(!may(Role::Operator, Deed::ApprovePayout));
        assert!(may(Role::Approver, Deed::DecideCase));
        assert!(!may(Role::Approver, Deed::ManageOperators));
        for deed in Deed::ALL {
            assert!(may(Role::Admin, deed), "{deed:?}");
            assert!(!may(Role::Viewer, deed), "{deed:?}");
            for pair in Role::ALL.windows(2) {
                assert!(!may(pair[0], deed) || may(pair[1], deed), "{deed:?}");
            }
        }
    }

    #[test]
    fn roles_and_modes_read_back() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
        assert_eq!(Mode::parse("sandbox"), Some(Mode::Sandbox));
        assert!(valid_name("aigerim.ops") && !valid_name("system") && !valid_name("a b") && !valid_name(""));
    }
}
