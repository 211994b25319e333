//! The sentences that carry numbers, amounts or names, built the way each language says them.
use super::catalog::{K, t};
use crate::domain::Lang;
use crate::domain::bonus::ShownBonusState;

pub(super) fn plural_ru(n: usize, one: &'static str, few: &'static str, many: &'static str) -> &'static str {
    let (m10, m100) = (n % 10, n % 100);
    if m10 == 1 && m100 != 11 {
        one
    } else if (2..=4).contains(&m10) && !(12..=14).contains(&m100) {
        few
    } else {
        many
    }
}

pub(super) fn bonuses_word(lang: Lang, n: usize) -> &'static str {
    match lang {
        Lang::Ru => plural_ru(n, "бонус", "бонуса", "бонусов"),
        Lang::En if n == 1 => "bonus",
        Lang::En => "bonuses",
    }
}

pub fn tab_label(lang: Lang, k: K, number: u8) -> String {
    format!("{number} {}", t(lang, k))
}

pub(super) fn partners_word(lang: Lang, n: usize) -> &'static str {
    match lang {
        Lang::Ru => plural_ru(n, "партнёр", "партнёра", "партнёров"),
        Lang::En if n == 1 => "partner",
        Lang::En => "partners",
    }
}

/// One bonus as a dialog names it: `bonus 101 of ASEL25, 25,000.00 KZT`, with its state when
/// it is not due: `… (held)`.
fn one_bonus(lang: Lang, id: i64, code: &str, amount: &str, state: Option<&str>) -> String {
    let state = state.map(|s| format!(" ({s})")).unwrap_or_default();
    match lang {
        Lang::Ru => format!("бонус {id} партнёра {code}, {amount}{state}"),
        Lang::En => format!("bonus {id} of {code}, {amount}{state}"),
    }
}

/// The approval question for one bonus: `Approve bonus 101 of ASEL25, 25,000.00 KZT?`
pub fn approve_one(lang: Lang, id: i64, code: &str, amount: &str, state: Option<&str>) -> String {
    let what = one_bonus(lang, id, code, amount, state);
    match lang {
        Lang::Ru => format!("Одобрить {what}?"),
        Lang::En => format!("Approve {what}?"),
    }
}

/// The approval question for a selection: `Approve 3 selected bonuses, 75,000.00 KZT in total?`
pub fn approve_question(lang: Lang, n: usize, total: &str) -> String {
    match lang {
        Lang::Ru => format!("Одобрить выбранные: {n} {}, всего {total}?", bonuses_word(lang, n)),
        Lang::En => format!("Approve {n} selected {}, {total} in total?", bonuses_word(lang, n)),
    }
}

/// The question of `A`, which names the whole queue: `Approve all 37 due bonuses, … in total?`
pub fn approve_all_question(lang: Lang, n: usize, total: &str) -> String {
    match lang {
        Lang::Ru => format!("Одобрить все {n} {} к одобрению, всего {total}?", bonuses_word(lang, n)),
        Lang::En => format!("Approve all {n} due {}, {total} in total?", bonuses_word(lang, n)),
    }
}

pub fn approved(lang: Lang, n: usize, total: &str) -> String {
    match lang {
        Lang::Ru => format!("Одобрено: {n} {}, всего {total}", bonuses_word(lang, n)),
        Lang::En => format!("Approved {n} {}, {total} in total", bonuses_word(lang, n)),
    }
}

/// The void question for one bonus: `Void bonus 101 of ASEL25, 25,000.00 KZT (available)?`
pub fn void_question(lang: Lang, id: i64, code: &str, amount: &str, state: Option<&str>) -> String {
    let what = one_bonus(lang, id, code, amount, state);
    match lang {
        Lang::Ru => format!("Аннулировать {what}?"),
        Lang::En => format!("Void {what}?"),
    }
}

/// The void question for a selection: `Void 3 selected bonuses, 75,000.00 KZT in total?`
pub fn void_many_question(lang: Lang, n: usize, total: &str) -> String {
    match lang {
        Lang::Ru => format!("Аннулировать выбранные: {n} {}, всего {total}?", bonuses_word(lang, n)),
        Lang::En => format!("Void {n} selected {}, {total} in total?", bonuses_word(lang, n)),
    }
}

pub fn voided(lang: Lang, ids: &[i64], amount: &str) -> String {
    match (ids, lang) {
        ([id], Lang::Ru) => format!("Бонус {id} аннулирован ({amount})"),
        ([id], Lang::En) => format!("Bonus {id} voided ({amount})"),
        (_, Lang::Ru) => format!("Аннулировано: {} {}, всего {amount}", ids.len(), bonuses_word(lang, ids.len())),
        (_, Lang::En) => format!("Voided {} {}, {amount} in total", ids.len(), bonuses_word(lang, ids.len())),
    }
}

/// What a list finds, in its title: `300 partners`, `37 bonuses, 1,012,500.00 KZT`; bonuses
/// of one state by its name, `37 due, 1,012,500.00 KZT` (`к одобрению: 37, …`).
pub fn found(lang: Lang, list: Found, n: i64, total: Option<&str>) -> String {
    let count = n.max(0) as usize;
    let what = match (list, lang) {
        (Found::Partners, _) => format!("{n} {}", partners_word(lang, count)),
        (Found::Bonuses(None), _) => format!("{n} {}", bonuses_word(lang, count)),
        (Found::Bonuses(Some(s)), Lang::En) => format!("{n} {}", super::names::state(lang, s)),
        (Found::Bonuses(Some(s)), Lang::Ru) => format!("{}: {n}", super::names::state(lang, s)),
    };
    match total {
        Some(t) => format!("{what}, {t}"),
        None => what,
    }
}

/// What a list's count counts: partners, or bonuses (of one state, or all).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Found {
    Partners,
    Bonuses(Option<ShownBonusState>),
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

/// `page 3`, or `page 3 of 16` when the number of pages is known.
pub fn page_title(lang: Lang, page: usize, pages: Option<usize>) -> String {
    match (pages, lang) {
        (Some(n), Lang::Ru) => format!("{} {page} из {n}", t(lang, K::Page)),
        (Some(n), Lang::En) => format!("{} {page} of {n}", t(lang, K::Page)),
        (None, _) => format!("{} {page}", t(lang, K::Page)),
    }
}

pub fn help_title(lang: Lang, screen: &str) -> String {
    format!("{} — {screen}", t(lang, K::HelpTitle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_plurals() {
        assert_eq!(approve_question(Lang::Ru, 3, "x"), "Одобрить выбранные: 3 бонуса, всего x?");
        assert_eq!(approve_question(Lang::Ru, 11, "x"), "Одобрить выбранные: 11 бонусов, всего x?");
        assert_eq!(approve_all_question(Lang::Ru, 21, "x"), "Одобрить все 21 бонус к одобрению, всего x?");
        assert_eq!(approve_all_question(Lang::Ru, 37, "x"), "Одобрить все 37 бонусов к одобрению, всего x?");
        assert_eq!(approve_all_question(Lang::En, 37, "x"), "Approve all 37 due bonuses, x in total?");
        assert_eq!(found(Lang::Ru, Found::Partners, 22, None), "22 партнёра");
        assert_eq!(found(Lang::Ru, Found::Bonuses(None), 5, Some("x")), "5 бонусов, x");
        assert_eq!(found(Lang::Ru, Found::Bonuses(Some(ShownBonusState::Due)), 5, None), "к одобрению: 5");
        assert_eq!(found(Lang::En, Found::Bonuses(Some(ShownBonusState::Due)), 5, Some("x")), "5 due, x");
        assert_eq!(page_title(Lang::Ru, 2, Some(5)), "стр. 2 из 5");
    }
}
