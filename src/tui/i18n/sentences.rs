//! The sentences that carry numbers, amounts or names, built the way each language says them.
use super::catalog::{K, t};
use crate::domain::Lang;

fn plural_ru(n: usize, one: &'static str, few: &'static str, many: &'static str) -> &'static str {
    let (m10, m100) = (n % 10, n % 100);
    if m10 == 1 && m100 != 11 {
        one
    } else if (2..=4).contains(&m10) && !(12..=14).contains(&m100) {
        few
    } else {
        many
    }
}

fn bonuses_word(lang: Lang, n: usize) -> &'static str {
    match lang {
        Lang::Ru => plural_ru(n, "бонус", "бонуса", "бонусов"),
        Lang::En if n == 1 => "bonus",
        Lang::En => "bonuses",
    }
}

pub fn tab_label(lang: Lang, k: K, number: u8) -> String {
    format!("{number} {}", t(lang, k))
}

/// The approval question: `Approve 3 bonuses, 75,000.00 KZT in total?`
pub fn approve_question(lang: Lang, n: usize, total: &str) -> String {
    match lang {
        Lang::Ru => format!("Одобрить {n} {}, всего {total}?", bonuses_word(lang, n)),
        Lang::En => format!("Approve {n} {}, {total} in total?", bonuses_word(lang, n)),
    }
}

pub fn approved(lang: Lang, n: usize, total: &str) -> String {
    match lang {
        Lang::Ru => format!("Одобрено: {n} {}, всего {total}", bonuses_word(lang, n)),
        Lang::En => format!("Approved {n} {}, {total} in total", bonuses_word(lang, n)),
    }
}

pub fn void_question(lang: Lang, id: i64, code: &str, amount: &str) -> String {
    match lang {
        Lang::Ru => format!("Аннулировать бонус {id} партнёра {code} ({amount})?"),
        Lang::En => format!("Void bonus {id} of {code} ({amount})?"),
    }
}

pub fn voided(lang: Lang, id: i64, amount: &str) -> String {
    match lang {
        Lang::Ru => format!("Бонус {id} аннулирован ({amount})"),
        Lang::En => format!("Bonus {id} voided ({amount})"),
    }
}

pub fn selected(lang: Lang, n: usize, total: &str) -> String {
    match lang {
        Lang::Ru => format!("выбрано {n} ({total})"),
        Lang::En => format!("{n} selected ({total})"),
    }
}

/// The applied search in a list's title: `search: «asel»`.
pub fn search_shown(lang: Lang, s: &str) -> String {
    match lang {
        Lang::Ru => format!("{}: «{s}»", t(lang, K::Search)),
        Lang::En => format!("{}: “{s}”", t(lang, K::Search)),
    }
}

/// A bonus's hold: `14 days` / `14 дней`.
pub fn hold_days(lang: Lang, n: i32) -> String {
    let n = n.max(0) as usize;
    match lang {
        Lang::Ru => format!("{n} {}", plural_ru(n, "день", "дня", "дней")),
        Lang::En if n == 1 => "1 day".to_string(),
        Lang::En => format!("{n} days"),
    }
}

pub fn open_cases(lang: Lang, n: i64) -> String {
    match lang {
        Lang::Ru => format!("открыто: {n}"),
        Lang::En => format!("{n} open"),
    }
}

pub fn partners_count(lang: Lang, total: i64, active: i64) -> String {
    match lang {
        Lang::Ru => format!("{total} (активных {active})"),
        Lang::En => format!("{total} ({active} active)"),
    }
}

/// The line above a troubled partner's profile: why, when, by whom.
pub fn status_reason(lang: Lang, reason: Option<&str>, when: Option<String>, by: Option<&str>) -> String {
    let label = t(lang, K::Reason);
    let reason = reason.unwrap_or(t(lang, K::Missing));
    let who = match (when, by, lang) {
        (Some(w), Some(b), Lang::Ru) => format!(" ({}: {w}, {b})", t(lang, K::Deactivated).to_lowercase()),
        (Some(w), Some(b), Lang::En) => format!(" ({} {w} by {b})", t(lang, K::Deactivated).to_lowercase()),
        (Some(w), None, _) => format!(" ({w})"),
        (None, Some(b), _) => format!(" ({b})"),
        (None, None, _) => String::new(),
    };
    format!("{label}: {reason}{who}")
}

pub fn chart_title(lang: Lang, revenue: bool, million: bool) -> String {
    let what = t(lang, if revenue { K::ChartRevenue } else { K::ChartBonuses });
    let unit = t(lang, if million { K::UnitMillion } else { K::UnitThousand });
    format!("{what}, {unit}")
}

pub fn amounts_in(lang: Lang) -> String {
    match lang {
        Lang::Ru => format!("суммы в {}", t(lang, K::Currency)),
        Lang::En => format!("amounts in {}", t(lang, K::Currency)),
    }
}

pub fn page_title(lang: Lang, page: usize) -> String {
    format!("{} {page}", t(lang, K::Page))
}

pub fn help_title(lang: Lang, screen: &str) -> String {
    format!("{} — {screen}", t(lang, K::HelpTitle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_plurals() {
        assert_eq!(approve_question(Lang::Ru, 1, "x"), "Одобрить 1 бонус, всего x?");
        assert_eq!(approve_question(Lang::Ru, 3, "x"), "Одобрить 3 бонуса, всего x?");
        assert_eq!(approve_question(Lang::Ru, 11, "x"), "Одобрить 11 бонусов, всего x?");
        assert_eq!(approve_question(Lang::En, 1, "x"), "Approve 1 bonus, x in total?");
    }
}
