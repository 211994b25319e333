//! What went wrong, in the console's language: the services' errors and refusals, and the
//! sentences that carry them.
use crate::domain::Lang;
use crate::service::ServiceError;
use crate::service::bonuses::Refusal as R;

/// A service's error in the console's language: bonus refusals are said from their facts; other
/// errors keep the service's sentence. The one place that turns a service error into words.
pub fn service_error(lang: Lang, e: &ServiceError) -> String {
    let ServiceError::Bonus(r) = e else { return e.to_string() };
    match lang {
        Lang::En => r.to_string(),
        Lang::Ru => match r {
            R::NoSuchBonus(id) => format!("бонуса {id} нет"),
            R::Approved { id, by, at } => format!("бонус {id} уже одобрил {by} в {at}"),
            R::Voided { id, by, at, reason } => format!("бонус {id} аннулировал {by} в {at}: {reason}"),
            R::Paid(id) => format!("бонус {id} уже выплачен"),
            R::Frozen(id) => format!("бонус {id} заморожен: по партнёру открыто дело о нарушении"),
            R::NotDue { id, at } => format!("бонус {id} ещё удерживается: удержание заканчивается {at}"),
            R::Changed => {
                "другой оператор только что изменил эти бонусы; ничего не одобрено, посмотрите ещё раз".into()
            }
            R::AutoApproval => "в этой программе бонусы одобряются автоматически (approval = \"auto\")".into(),
        },
    }
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
    use crate::service::bonuses::Refusal;

    #[test]
    fn bonus_refusals_are_said_in_the_console_language() {
        let e = ServiceError::Bonus(Refusal::Approved { id: 7, by: "bolat".into(), at: "2026-10-20 09:00".into() });
        assert_eq!(service_error(Lang::Ru, &e), "бонус 7 уже одобрил bolat в 2026-10-20 09:00");
        assert_eq!(service_error(Lang::En, &e), "bonus 7 was already approved by bolat at 2026-10-20 09:00");
        let other = ServiceError::Invalid("--reason: say why".into());
        assert_eq!(service_error(Lang::Ru, &other), "--reason: say why");
    }
}
