//! Every error said in English and in Russian, and the CLI's sentences kept.
use super::*;
use crate::domain::text::TextError;

/// One error of every kind, every field, every purpose and every domain reason. The match in
/// `covers` has no catch-all: a new variant does not compile until it is added here.
fn every_error() -> Vec<ServiceError> {
    let t = DateTime::parse_from_rfc3339("2026-10-20T09:00:00+05:00").unwrap();
    let mut all: Vec<ServiceError> = Vec::new();
    for purpose in [
        Purpose::PartnerName,
        Purpose::ContractNumber,
        Purpose::VoidBonus,
        Purpose::DeactivateCode,
        Purpose::ExcludePartner,
        Purpose::DecideCase,
    ] {
        all.push(ServiceError::invalid(Field::Reason, Problem::Missing(purpose)));
    }
    for field in Field::ALL {
        all.push(ServiceError::invalid(field, Problem::NotDate("x".into())));
    }
    let problems = vec![
        Problem::NotEmail("a@".into()),
        Problem::Iin("1".into(), IinError::Length),
        Problem::Iin("1".into(), IinError::NoCheckDigit),
        Problem::Iin("1".into(), IinError::Checksum),
        Problem::Iban("KZ".into(), IbanError::NotKazakh),
        Problem::Iban("KZ".into(), IbanError::Length),
        Problem::Iban("KZ".into(), IbanError::Characters),
        Problem::Iban("KZ".into(), IbanError::CheckNotDigits),
        Problem::Iban("KZ".into(), IbanError::Checksum),
        Problem::Code("A".into(), CodeError::Length),
        Problem::Code("A".into(), CodeError::Characters),
        Problem::InFuture(t.date_naive()),
        Problem::NotOneOf("x".into(), &["held", "due"]),
        Problem::GivenTwice,
        Problem::NotMonth("2026-13".into()),
        Problem::NotALine { code: "ASEL25".into(), run: 3 },
        Problem::NotLoginName("a b".into()),
        Problem::Text(TextError::TooLong(500)),
        Problem::Text(TextError::Control(0)),
        Problem::Text(TextError::Format(0x61c)),
    ];
    all.extend(problems.into_iter().map(|p| ServiceError::invalid(Field::Iban, p)));
    all.push(ServiceError::NotFound(Missing::Partner("NOBODY1".into())));
    all.push(ServiceError::NotFound(Missing::Payment("PAY9".into())));
    all.push(ServiceError::NotFound(Missing::Run(9)));
    all.push(ServiceError::NotFound(Missing::Case(9)));
    all.push(ServiceError::NotFound(Missing::Account("acc-9".into())));
    all.push(ServiceError::NotFound(Missing::Operator("bolat".into())));
    {
        use crate::domain::access::{Deed, Mode, Role};
        use crate::service::access::Denial;
        let mut denials = vec![
            Denial::NotYou { given: "bolat".into(), login: "anna".into() },
            Denial::ModeFixed { mode: Mode::Production },
            Denial::NotSandbox,
            Denial::LastAdmin { name: "anna".into() },
        ];
        for deed in Deed::ALL {
            denials.push(Denial::Needs { who: "anna".into(), has: Some(Role::Viewer), deed });
            denials.push(Denial::Needs { who: "anna".into(), has: None, deed });
            denials.push(Denial::Disabled { who: "anna".into(), by: "bolat".into(), at: Some(t), deed });
            denials.push(Denial::NoOperators { deed });
            denials.push(Denial::ClockGiven { deed });
        }
        all.extend(denials.into_iter().map(ServiceError::Denied));
    }
    {
        use crate::domain::payout::RunState;
        use crate::service::payouts::{PayoutRefusal, Step};
        all.extend(
            [
                PayoutRefusal::MonthTaken { month: "2026-10".into(), run: 3, state: RunState::Draft },
                PayoutRefusal::MonthNotOver { month: "2026-11".into(), ends: "2026-12-01T00:00:00+05:00".into() },
                PayoutRefusal::OwnRun { run: 3, by: "anna".into() },
                PayoutRefusal::Changed { run: 3 },
                PayoutRefusal::State { run: 3, state: RunState::Approved, step: Step::Approve },
                PayoutRefusal::State { run: 3, state: RunState::Exported, step: Step::Discard },
                PayoutRefusal::State { run: 3, state: RunState::Draft, step: Step::Export },
                PayoutRefusal::State { run: 3, state: RunState::Approved, step: Step::Complete },
                PayoutRefusal::NothingToPay { run: 3 },
                PayoutRefusal::BonusGone { run: 3, code: "ASEL25".into() },
            ]
            .into_iter()
            .map(ServiceError::Payout),
        );
    }
    all.extend(
        [
            Refusal::NoSuchBonus(7),
            Refusal::Approved { id: 7, by: "bolat".into(), at: t },
            Refusal::Voided { id: 7, by: "bolat".into(), at: t, reason: "dispute".into() },
            Refusal::Paid(7),
            Refusal::Frozen(7),
            Refusal::NotDue { id: 7, at: t },
            Refusal::Changed,
            Refusal::AutoApproval,
        ]
        .into_iter()
        .map(ServiceError::Bonus),
    );
    all.extend(
        [
            Conflict::CodeTaken { code: "ASEL25".into(), owner: "A1".into() },
            Conflict::NoFreeCode { name: "Асель".into() },
            Conflict::AccountExists("M-ASEL25".into()),
            Conflict::CodeDeactivated { code: "ASEL25".into(), by: "anna".into(), at: Some(t) },
            Conflict::OperatorExists { name: "bolat".into(), role: "viewer".into() },
            Conflict::OperatorDisabled { name: "bolat".into(), by: "anna".into(), at: Some(t) },
            Conflict::Excluded { code: "ASEL25".into(), by: "anna".into(), at: Some(t) },
            Conflict::CaseDecided {
                case: 4,
                status: crate::domain::fraud::CaseStatus::Dismissed,
                by: "anna".into(),
                at: Some(t),
            },
        ]
        .into_iter()
        .map(ServiceError::Refused),
    );
    all.push(ServiceError::Unreadable { file: "events.ndjson".into(), error: "denied".into() });
    all.push(ServiceError::Unwritable { file: "run.xml".into(), error: "denied".into() });
    all.push(ServiceError::Contract {
        code: "ASEL25".into(),
        error: Box::new(ServiceError::invalid(Field::Signed, Problem::InFuture(t.date_naive()))),
    });
    all.push(ServiceError::Db(DbErr::Custom("disk full".into())));
    all
}

fn covers(e: &ServiceError) -> &'static str {
    match e {
        ServiceError::Invalid { .. } => "invalid",
        ServiceError::NotFound(_) => "not found",
        ServiceError::Bonus(_) => "bonus",
        ServiceError::Refused(_) => "refused",
        ServiceError::Payout(_) => "payout",
        ServiceError::Denied(_) => "denied",
        ServiceError::Unreadable { .. } => "unreadable",
        ServiceError::Unwritable { .. } => "unwritable",
        ServiceError::Contract { .. } => "contract",
        ServiceError::Db(_) => "db",
    }
}

#[test]
fn every_error_is_said_in_english_and_in_russian() {
    let all = every_error();
    let kinds: std::collections::HashSet<_> = all.iter().map(covers).collect();
    assert_eq!(kinds.len(), 10);
    let cyrillic = |s: &str| s.chars().any(|c| ('а'..='я').contains(&c.to_lowercase().next().unwrap_or(c)));
    for e in &all {
        let en = e.sentence(Lang::En, Names::Words);
        let ru = e.sentence(Lang::Ru, Names::Words);
        assert!(
            !en.is_empty() && !cyrillic(&en) || matches!(e, ServiceError::Refused(Conflict::NoFreeCode { .. })),
            "{en}"
        );
        assert!(cyrillic(&ru), "no Russian for {e:?}: {ru}");
        assert_ne!(en, ru, "{e:?}");
        // The console never shows a CLI flag.
        assert!(!ru.contains("--") && !en.contains("--"), "{en} / {ru}");
    }
}

#[test]
fn the_cli_names_its_flags_and_keeps_its_sentences() {
    let e = ServiceError::invalid(Field::Reason, Problem::Missing(Purpose::VoidBonus));
    assert_eq!(e.to_string(), "--reason: say why the bonus is voided");
    assert_eq!(e.sentence(Lang::Ru, Names::Words), "Причина: укажите, почему бонус аннулируется");
    let iban = ServiceError::invalid(Field::Iban, Problem::Iban("KZ00125KZT5004100100".into(), IbanError::Checksum));
    assert_eq!(iban.to_string(), "--iban: KZ00125KZT5004100100: the IBAN's check digits do not match (mod 97)");
    let status = ServiceError::invalid(Field::Status, Problem::NotOneOf("x".into(), &["a", "b", "c"]));
    assert_eq!(status.to_string(), "--status: \"x\" is not a, b or c");
    assert_eq!(ServiceError::NotFound(Missing::Partner("NOBODY1".into())).exit_code(), 2);
    assert_eq!(ServiceError::Bonus(Refusal::Paid(1)).exit_code(), 1);
}

#[test]
fn every_storage_reason_is_said_in_english_and_in_russian() {
    use crate::store::errors::Reason;
    use std::time::Duration;
    let since = DateTime::parse_from_rfc3339("2026-10-20T09:00:00Z").ok().map(|t| t.to_utc());
    let (addr, file) = ("db:5432".to_string(), "/srv/refdesk.db".to_string());
    let all = [
        Reason::Busy { since },
        Reason::Busy { since: None },
        Reason::Unreachable { addr: addr.clone(), after: Duration::from_secs(5) },
        Reason::NoDatabase { name: "refdesk".into(), addr: addr.clone() },
        Reason::NoRole { role: "ro".into(), addr: addr.clone() },
        Reason::BadPassword { role: "ro".into(), addr: addr.clone() },
        Reason::NotADatabase { file: file.clone() },
        Reason::CannotOpen { file: file.clone() },
        Reason::DirReadOnly { dir: "/srv".into() },
        Reason::ReadOnly { place: file.clone() },
        Reason::NeedsUpgrade { place: file },
    ];
    let cyrillic = |s: &str| s.chars().any(|c| ('а'..='я').contains(&c.to_lowercase().next().unwrap_or(c)));
    for r in all {
        let (en, ru) = (r.sentence(false), r.sentence(true));
        assert!(!cyrillic(&en) && cyrillic(&ru) && !en.contains('\n'), "{r:?}: {en} / {ru}");
    }
}
