//! The sentences of the console's tools: an export, a copy, a reload.
use super::sentences::{bonuses_word, partners_word};
use crate::domain::Lang;

/// `Exported 1,234 rows to refdesk-bonuses-due-20261125-1000.csv`
/// A change still being written: perhaps waiting for another change to be written first.
pub fn writing(lang: Lang, secs: u64) -> String {
    match lang {
        Lang::Ru => format!("Изменение записывается… {secs} с (возможно, ждёт, пока запишется другое)"),
        Lang::En => format!("Writing the change… {secs} s (perhaps waiting for another change to be written)"),
    }
}

pub fn exported(lang: Lang, rows: usize, file: &str) -> String {
    match lang {
        Lang::Ru => format!("Выгружено строк: {rows}, файл {file}"),
        Lang::En if rows == 1 => format!("Exported 1 row to {file}"),
        Lang::En => format!("Exported {rows} rows to {file}"),
    }
}

/// The export could not write its file; `why` is the system's reason.
pub fn export_failed(lang: Lang, file: &str, why: &str) -> String {
    match lang {
        Lang::Ru => format!("Не удалось записать {file}: {why}"),
        Lang::En => format!("Cannot write {file}: {why}"),
    }
}

/// `Copied ASEL25`
pub fn copied(lang: Lang, text: &str) -> String {
    match lang {
        Lang::Ru => format!("Скопировано: {text}"),
        Lang::En => format!("Copied {text}"),
    }
}

/// What `r` read again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reloaded {
    Partners {
        rows: usize,
        page: usize,
    },
    Bonuses {
        rows: usize,
        page: usize,
    },
    Dashboard,
    /// The detail of the partner with this code.
    Partner(String),
    Bonus(i64),
    /// The payout runs (and the run open, if any).
    Payouts,
}

/// `Reloaded 50 partners, page 3`, `Reloaded the dashboard`, `Reloaded the detail of ASEL25`.
pub fn reloaded(lang: Lang, what: &Reloaded) -> String {
    match (lang, what) {
        (Lang::En, Reloaded::Partners { rows, page }) => {
            format!("Reloaded {rows} {}, page {page}", partners_word(lang, *rows))
        }
        (Lang::Ru, Reloaded::Partners { rows, page }) => {
            format!("Обновлено: {rows} {}, стр. {page}", partners_word(lang, *rows))
        }
        (Lang::En, Reloaded::Bonuses { rows, page }) => {
            format!("Reloaded {rows} {}, page {page}", bonuses_word(lang, *rows))
        }
        (Lang::Ru, Reloaded::Bonuses { rows, page }) => {
            format!("Обновлено: {rows} {}, стр. {page}", bonuses_word(lang, *rows))
        }
        (Lang::En, Reloaded::Dashboard) => "Reloaded the dashboard".into(),
        (Lang::Ru, Reloaded::Dashboard) => "Сводка обновлена".into(),
        (Lang::En, Reloaded::Partner(code)) => format!("Reloaded the detail of {code}"),
        (Lang::Ru, Reloaded::Partner(code)) => format!("Карточка {code} обновлена"),
        (Lang::En, Reloaded::Bonus(id)) => format!("Reloaded bonus {id}"),
        (Lang::Ru, Reloaded::Bonus(id)) => format!("Бонус {id} обновлён"),
        (Lang::En, Reloaded::Payouts) => "Reloaded the payout runs".into(),
        (Lang::Ru, Reloaded::Payouts) => "Выплаты обновлены".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tools_say_what_they_did_in_both_languages() {
        let file = "refdesk-bonuses-due-20261125-1000.csv";
        assert_eq!(exported(Lang::En, 1234, file), format!("Exported 1234 rows to {file}"));
        assert_eq!(exported(Lang::Ru, 3, file), format!("Выгружено строк: 3, файл {file}"));
        assert_eq!(copied(Lang::En, "ASEL25"), "Copied ASEL25");
        assert_eq!(copied(Lang::Ru, "ASEL25"), "Скопировано: ASEL25");
        let p = Reloaded::Partners { rows: 50, page: 3 };
        assert_eq!(reloaded(Lang::En, &p), "Reloaded 50 partners, page 3");
        assert_eq!(reloaded(Lang::Ru, &p), "Обновлено: 50 партнёров, стр. 3");
        assert_eq!(reloaded(Lang::En, &Reloaded::Partner("ASEL25".into())), "Reloaded the detail of ASEL25");
        assert_eq!(reloaded(Lang::Ru, &Reloaded::Bonuses { rows: 2, page: 1 }), "Обновлено: 2 бонуса, стр. 1");
    }
}
