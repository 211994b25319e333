//! What the acting operator may do on the console: the keys that change state, the deed each
//! asks for, and what the console says of a key the operator's role does not allow. The service
//! decides again when it is asked; this is so that nobody types a reason into a dialog only to be
//! refused at the end.
use super::action::{Action, Screen};
use super::i18n::HelpFor;
use crate::domain::Lang;
use crate::domain::access::{Deed, Mode};
use crate::service::access::{Denial, Standing};
use crate::service::{Names, ServiceError};

/// The deed a key asks for on `screen`, if it changes state.
pub fn deed_of(screen: Screen, action: &Action) -> Option<Deed> {
    Some(match (screen, action) {
        (Screen::Bonuses, Action::Approve | Action::ApproveAll) => Deed::ApproveBonus,
        (Screen::Bonuses, Action::Void) => Deed::VoidBonus,
        (Screen::Payouts, Action::Prepare) => Deed::PreparePayout,
        (Screen::Payouts, Action::Approve) => Deed::ApprovePayout,
        (Screen::Payouts, Action::Export) => Deed::ExportPayout,
        (Screen::Payouts, Action::Complete) => Deed::CompletePayout,
        (Screen::Payouts, Action::Void) => Deed::DiscardPayout,
        (Screen::Abuse, Action::Dismiss | Action::Void | Action::Deactivate | Action::Exclude) => Deed::DecideCase,
        _ => return None,
    })
}

/// The deed of a line of the help overlay (by its keys), so that it can be greyed out.
pub fn help_deed(screen: HelpFor, keys: &str) -> Option<Deed> {
    Some(match (screen, keys) {
        (HelpFor::Bonuses, "a" | "A") => Deed::ApproveBonus,
        (HelpFor::Bonuses, "v") => Deed::VoidBonus,
        (HelpFor::Payouts, "p") => Deed::PreparePayout,
        (HelpFor::Payouts, "a") | (HelpFor::PayoutRun, "a e C v") => Deed::ApprovePayout,
        (HelpFor::Payouts, "e") => Deed::ExportPayout,
        (HelpFor::Payouts, "C") => Deed::CompletePayout,
        (HelpFor::Payouts, "v") => Deed::DiscardPayout,
        (HelpFor::Abuse, "d" | "v" | "x" | "X") | (HelpFor::AbuseCase, "d v x X") => Deed::DecideCase,
        _ => return None,
    })
}

/// Why `deed` is off for this operator, in one sentence of the operator's language.
pub fn refusal(lang: Lang, who: &str, s: &Standing, deed: Deed) -> String {
    if s.read_only {
        return ServiceError::Db(crate::store::errors::read_only()).sentence(lang, Names::Words);
    }
    let denial =
        if s.what_if { Denial::ClockGiven { deed } } else { Denial::Needs { who: who.to_string(), has: s.role, deed } };
    ServiceError::Denied(denial).sentence(lang, Names::Words)
}

/// The status line's word for the operator's standing: their role, or that they only read, and
/// the database's mode when it is a sandbox.
pub fn standing_words(lang: Lang, s: &Standing) -> String {
    let ru = lang == Lang::Ru;
    let role = match (s.what_if, s.role) {
        _ if s.read_only => (if ru { "только чтение (база)" } else { "read-only (database)" }).to_string(),
        (true, _) => {
            (if ru { "только просмотр (время задано)" } else { "read-only (given time)" }).to_string()
        }
        (false, Some(r)) => (if ru { r.ru() } else { r.as_str() }).to_string(),
        (false, None) => (if ru { "только просмотр" } else { "read-only" }).to_string(),
    };
    match s.mode {
        Mode::Sandbox => format!("{role} │ {}", if ru { "ПЕСОЧНИЦА" } else { "SANDBOX" }),
        Mode::Production => role,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::access::Role;

    #[test]
    fn every_key_that_changes_state_names_a_deed_a_viewer_may_not_do() {
        let viewer = Standing { role: Some(Role::Viewer), mode: Mode::Production, what_if: false, read_only: false };
        for (screen, action) in [
            (Screen::Bonuses, Action::Approve),
            (Screen::Bonuses, Action::ApproveAll),
            (Screen::Bonuses, Action::Void),
            (Screen::Payouts, Action::Prepare),
            (Screen::Payouts, Action::Approve),
            (Screen::Payouts, Action::Export),
            (Screen::Payouts, Action::Complete),
            (Screen::Payouts, Action::Void),
            (Screen::Abuse, Action::Dismiss),
            (Screen::Abuse, Action::Exclude),
        ] {
            let deed = deed_of(screen, &action);
            assert!(deed.is_some_and(|d| !viewer.may(d)), "{screen:?} {action:?}");
        }
        // Exporting a list to CSV reads.
        assert_eq!(deed_of(Screen::Bonuses, &Action::Export), None);
        assert_eq!(
            refusal(Lang::En, "anna", &viewer, Deed::ApproveBonus),
            "approving bonuses needs the operator role; anna is a viewer"
        );
        let what_if = Standing { role: Some(Role::Admin), mode: Mode::Production, what_if: true, read_only: false };
        assert!(!what_if.may(Deed::ApproveBonus));
        assert_eq!(standing_words(Lang::En, &what_if), "read-only (given time)");
        let sandbox = Standing { role: Some(Role::Approver), mode: Mode::Sandbox, what_if: false, read_only: false };
        assert_eq!(standing_words(Lang::Ru, &sandbox), "утверждающий │ ПЕСОЧНИЦА");
        // A database open read-only: said on the status line, every change key off, and a key
        // pressed anyway gets the sentence a write would.
        let reader = Standing { read_only: true, ..sandbox };
        assert_eq!(standing_words(Lang::En, &reader), "read-only (database) │ SANDBOX");
        assert!(!reader.may(Deed::ApproveBonus));
        assert!(
            refusal(Lang::En, "anna", &reader, Deed::ApproveBonus).starts_with("this database is open read-only: ")
        );
    }
}
