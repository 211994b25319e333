//! What went wrong, in the console's language: the services' errors and refusals, and the
//! sentences that carry them.
use crate::domain::Lang;
use crate::service::{Names, ServiceError};

/// A service's error in the console's language, naming fields as people call them (never by
/// the CLI's flags). The one place that turns a service error into words.
pub fn service_error(lang: Lang, e: &ServiceError) -> String {
    e.sentence(lang, Names::Words)
}

/// A service's refusal, as its sentence says it.
pub fn refused(lang: Lang, why: &str) -> String {
    match lang {
        Lang::Ru => format!("Отказ: {why}"),
        Lang::En => format!("Refused: {why}"),
    }
}

pub fn load_failed(lang: Lang, why: &str) -> String {
    match lang {
        Lang::Ru => format!("Ошибка загрузки: {why}"),
        Lang::En => format!("Could not load: {why}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::bonus::Refusal;
    use crate::service::{Field, Problem, Purpose};

    #[test]
    fn service_errors_are_said_in_the_console_language() {
        let at = chrono::DateTime::parse_from_rfc3339("2026-10-20T09:00:00+05:00").unwrap();
        let e = ServiceError::Bonus(Refusal::Approved { id: 7, by: "bolat".into(), at });
        assert_eq!(service_error(Lang::Ru, &e), "бонус 7 уже одобрил bolat в 2026-10-20 09:00");
        assert_eq!(service_error(Lang::En, &e), "bonus 7 was already approved by bolat at 2026-10-20 09:00");
        // Fields are named as people call them, never by the CLI's flags.
        let reason = ServiceError::invalid(Field::Reason, Problem::Missing(Purpose::VoidBonus));
        assert_eq!(service_error(Lang::Ru, &reason), "Причина: укажите, почему бонус аннулируется");
        assert_eq!(service_error(Lang::En, &reason), "Reason: say why the bonus is voided");
    }
}
