//! The words of abuse review: what a case is about and where it stands, the queue's filter, the
//! question of each decision and what a decision says when done.
use super::catalog::pick;
use super::sentences::plural_ru;
use crate::domain::fraud::{CaseKind, CaseStatus, Decision};
use crate::domain::{Lang, Money};
use crate::service::fraud::{Decided, kind_words, status_words};
use crate::store::fraud::Which;

/// A case's kind in words.
pub fn case_kind(lang: Lang, kind: CaseKind) -> &'static str {
    pick(lang, kind_words(kind))
}

/// Where a case stands in words (the decision that ended it says what it did).
pub fn case_status(lang: Lang, status: CaseStatus) -> &'static str {
    pick(lang, status_words(status))
}

/// The queue's filter.
pub fn queue_filter(lang: Lang, w: Which) -> &'static str {
    pick(
        lang,
        match w {
            Which::Open => ("open", "открытые"),
            Which::Decided => ("decided", "решённые"),
            Which::All => ("all", "все"),
        },
    )
}

/// `3 cases`, `1 case`; `3 дела`.
pub fn cases_count(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Ru => format!("{n} {}", plural_ru(n, "дело", "дела", "дел")),
        Lang::En if n == 1 => "1 case".into(),
        Lang::En => format!("{n} cases"),
    }
}

fn bonuses_word(lang: Lang, n: usize) -> &'static str {
    match lang {
        Lang::Ru => plural_ru(n, "бонус", "бонуса", "бонусов"),
        Lang::En if n == 1 => "bonus",
        Lang::En => "bonuses",
    }
}

/// What a decision's dialog asks: the case, the partner, and what will happen. `named`: the
/// bonuses the case's evidence names.
pub fn decide_question(lang: Lang, decision: Decision, case: i64, kind: CaseKind, code: &str, named: usize) -> String {
    let k = case_kind(lang, kind);
    let en = format!("abuse case {case} ({k}) on {code}");
    let b_en = bonuses_word(Lang::En, named);
    // After «из» a count takes the genitive: из 1 бонуса, из 2 бонусов.
    let b_ru = if named % 10 == 1 && named % 100 != 11 { "бонуса" } else { "бонусов" };
    pick(
        lang,
        match decision {
            Decision::Dismiss => (
                format!("Dismiss {en} as no abuse? Its partner's bonuses are no longer frozen by it."),
                format!(
                    "Закрыть дело {case} ({k}) по {code} без нарушения? Бонусы партнёра больше не заморожены этим делом."
                ),
            ),
            Decision::Void => (
                format!("Void {en}: the unpaid ones of the {named} {b_en} it names? Paid ones are left to clawback."),
                format!(
                    "Аннулировать неоплаченные из {named} {b_ru} в деле {case} ({k}) по {code}? Выплаченные — по правилам возврата."
                ),
            ),
            Decision::Deactivate => (
                format!(
                    "Deactivate code {code} on abuse case {case} ({k}): it stops earning, and the unpaid ones of the {named} {b_en} the case names are voided?"
                ),
                format!(
                    "Отключить код {code} по делу {case} ({k}): код перестанет приносить бонусы, неоплаченные из {named} {b_ru} в деле аннулируются?"
                ),
            ),
            Decision::Exclude => (
                format!(
                    "Exclude {code} from the program on abuse case {case} ({k}): code deactivated, every unpaid bonus voided, out of draft payout runs?"
                ),
                format!(
                    "Исключить {code} из программы по делу {case} ({k}): код отключается, все неоплаченные бонусы аннулируются, партнёр выходит из черновиков выплат?"
                ),
            ),
        },
    )
}

/// The message line while a decision is written.
pub fn deciding(lang: Lang, case: i64) -> String {
    pick(lang, (format!("Deciding abuse case {case}…"), format!("Решение по делу {case}…")))
}

/// What a decision did, in one line: the case's new standing, the bonuses voided and their value,
/// the code, the exclusion and the draft payout runs written again.
pub fn decided(lang: Lang, d: &Decided) -> String {
    let status = case_status(lang, d.status);
    let (case, code) = (d.case, &d.partner);
    let mut parts = vec![pick(
        lang,
        (format!("Abuse case {case} on {code}: {status}"), format!("Дело {case} по {code}: {status}")),
    )];
    let n = d.voided.len();
    if n > 0 {
        let (total, w) = (d.voided_total.display(lang), bonuses_word(lang, n));
        parts.push(pick(lang, (format!("{n} {w} voided, {total}"), format!("аннулировано {n} {w} на {total}"))));
    } else if d.status != CaseStatus::Dismissed {
        parts.push(pick(lang, ("no unpaid bonus to void", "неоплаченных бонусов нет")).to_string());
    }
    if d.code_deactivated && !d.excluded {
        parts.push(pick(lang, (format!("code {code} deactivated"), format!("код {code} отключён"))));
    }
    if d.excluded {
        parts
            .push(pick(lang, (format!("{code} excluded, code deactivated"), format!("{code} исключён, код отключён"))));
    }
    if !d.draft_runs.is_empty() {
        let runs: Vec<String> = d.draft_runs.iter().map(|r| run_again(lang, r.run, r.before, r.after)).collect();
        let runs = runs.join(", ");
        parts.push(pick(
            lang,
            (format!("draft runs written again: {runs}"), format!("черновики выплат пересчитаны: {runs}")),
        ));
    }
    parts.join("; ")
}

/// `4 (100,000.00 KZT → 75,000.00 KZT)`
fn run_again(lang: Lang, run: i64, before: Money, after: Money) -> String {
    format!("{run} ({} → {})", before.display(lang), after.display(lang))
}

/// A decision asked on a case that is no longer open.
pub fn not_open(lang: Lang, case: i64, status: CaseStatus) -> String {
    let s = case_status(lang, status);
    pick(lang, (format!("Abuse case {case} is already decided: {s}"), format!("По делу {case} уже есть решение: {s}")))
}

/// The detail's title: `Abuse case 7 · self-referral · open`.
pub fn case_title(lang: Lang, case: i64, kind: CaseKind, status: CaseStatus) -> String {
    let (k, s) = (case_kind(lang, kind), case_status(lang, status));
    pick(lang, (format!("Abuse case {case} · {k} · {s}"), format!("Дело {case} · {k} · {s}")))
}

/// `3 days`; `3 дня`.
pub fn days(lang: Lang, n: i64) -> String {
    match lang {
        Lang::Ru => format!("{n} {}", plural_ru(n.unsigned_abs() as usize, "день", "дня", "дней")),
        Lang::En if n == 1 => "1 day".into(),
        Lang::En => format!("{n} days"),
    }
}
