//! The words of payout runs: their states, their lines' standings and the reasons money is held
//! back, the questions of each step and what each step says when done.
use super::catalog::pick;
use super::formats::{date, month_year};
use crate::domain::Lang;
use crate::domain::payout::{HoldBack, LineStatus, RunState, parse_month};
use chrono::NaiveDate;

pub fn run_state(lang: Lang, s: RunState) -> &'static str {
    pick(lang, crate::service::payouts::state_words(s))
}

pub fn line_status(lang: Lang, s: LineStatus) -> &'static str {
    pick(
        lang,
        match s {
            LineStatus::Payable => ("payable", "к выплате"),
            LineStatus::HeldBack => ("held back", "удержана"),
            LineStatus::Paid => ("paid", "выплачена"),
            LineStatus::Failed => ("failed", "не прошла"),
        },
    )
}

/// The lines' filter: one status, or all.
pub fn line_filter(lang: Lang, s: Option<LineStatus>) -> &'static str {
    s.map(|s| line_status(lang, s)).unwrap_or(pick(lang, ("all", "все")))
}

pub fn hold_back(lang: Lang, h: HoldBack) -> &'static str {
    pick(
        lang,
        match h {
            HoldBack::Excluded => ("excluded from the program", "исключён из программы"),
            HoldBack::OpenCase => ("open abuse case", "открыто дело о нарушении"),
            HoldBack::NoContract => ("no contract", "нет договора"),
            HoldBack::NoBankAccount => ("no valid bank account", "нет верного счёта"),
            HoldBack::NetNotPositive => ("nothing to pay (net ≤ 0)", "к выплате ≤ 0"),
            HoldBack::BelowMinimum => ("below the minimum payout", "меньше минимальной выплаты"),
        },
    )
}

/// `4 months`, `1 month`; `4 месяца`.
pub fn months_count(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Ru => format!("{n} {}", super::sentences::plural_ru(n, "месяц", "месяца", "месяцев")),
        Lang::En if n == 1 => "1 month".into(),
        Lang::En => format!("{n} months"),
    }
}

/// A month `YYYY-MM` in words (`November 2026`); the text itself when it is not a month.
pub fn month_words(lang: Lang, month: &str) -> String {
    parse_month(month).map(|m| month_year(lang, m)).unwrap_or_else(|| month.to_string())
}

/// What the list of runs says of a month beside its state, in words (never colour alone).
pub fn run_note(lang: Lang, state: Option<RunState>, late: bool) -> &'static str {
    pick(
        lang,
        match (state, late) {
            (None, true) => ("LATE: no run", "ПРОСРОЧЕНА: нет выплаты"),
            (None, false) => ("no run yet", "ещё не подготовлена"),
            (Some(_), true) => ("LATE", "ПРОСРОЧЕНА"),
            (Some(_), false) => ("", ""),
        },
    )
}

/// `run 12 for November 2026`
fn run_named(lang: Lang, run: i64, month: &str) -> String {
    let m = month_words(lang, month);
    pick(lang, (format!("payout run {run} for {m}"), format!("выплату {run} за {m}")))
}

fn lines_word(lang: Lang, n: i64) -> &'static str {
    match lang {
        Lang::Ru => super::sentences::plural_ru(n as usize, "строка", "строки", "строк"),
        Lang::En if n == 1 => "line",
        Lang::En => "lines",
    }
}

pub fn prepare_question(lang: Lang, month: &str, due: NaiveDate) -> String {
    let (m, d) = (month_words(lang, month), date(lang, due));
    pick(
        lang,
        (
            format!("Prepare the payout run for {m} (due {d})? It pays nothing until another operator approves it."),
            format!(
                "Подготовить выплату за {m} (срок {d})? Ничего не будет выплачено, пока её не одобрит другой оператор."
            ),
        ),
    )
}

pub fn approve_run_question(lang: Lang, run: i64, month: &str, payable: i64, total: &str, held: i64) -> String {
    let what = run_named(lang, run, month);
    let lines = lines_word(lang, payable);
    pick(
        lang,
        (
            format!("Approve {what}: {payable} {lines} to pay, {total} in total ({held} held back)?"),
            format!("Одобрить {what}: {payable} {lines} к выплате, всего {total} (удержано: {held})?"),
        ),
    )
}

pub fn export_question(lang: Lang, run: i64, month: &str, payable: i64, total: &str, files: &[String]) -> String {
    let what = run_named(lang, run, month);
    let (files, lines) = (files.join(", "), lines_word(lang, payable));
    pick(
        lang,
        (
            format!("Export {what}: {payable} {lines}, {total}, to {files}? Nothing is marked paid."),
            format!("Выгрузить {what}: {payable} {lines}, {total}, в {files}? Ничего не отмечается выплаченным."),
        ),
    )
}

/// `failed`: the codes and amounts of the lines marked failed.
pub fn complete_question(
    lang: Lang,
    run: i64,
    month: &str,
    paid: i64,
    total: &str,
    failed: &[(String, String)],
) -> String {
    let what = run_named(lang, run, month);
    let lines = lines_word(lang, paid);
    if failed.is_empty() {
        return pick(
            lang,
            (
                format!("Complete {what}: {paid} {lines} paid, {total} in total?"),
                format!("Завершить {what}: выплачено {paid} {lines}, всего {total}?"),
            ),
        );
    }
    let list = failed.iter().map(|(c, a)| format!("{c} {a}")).collect::<Vec<_>>().join(", ");
    let n = failed.len();
    pick(
        lang,
        (
            format!(
                "Complete {what}: {paid} {lines} paid, {total}; {n} failed ({list}), their bonuses back for the next run?"
            ),
            format!(
                "Завершить {what}: выплачено {paid} {lines}, {total}; не прошло {n} ({list}), их бонусы вернутся в следующую выплату?"
            ),
        ),
    )
}

pub fn discard_question(lang: Lang, run: i64, month: &str, state: RunState, total: &str) -> String {
    let what = run_named(lang, run, month);
    let s = run_state(lang, state);
    pick(
        lang,
        (
            format!("Discard {what} ({s}, {total})? Its month can then be prepared again."),
            format!("Отменить {what} ({s}, {total})? После этого месяц можно подготовить заново."),
        ),
    )
}

/// What a step running says on the message line, with the seconds it has taken so far.
pub fn working(lang: Lang, step: &crate::tui::action::RunStep, secs: u64) -> String {
    use crate::tui::action::RunStep;
    let doing = match step {
        RunStep::Prepare(m) => {
            let m = month_words(lang, m);
            pick(lang, (format!("Preparing the payout run for {m}…"), format!("Подготовка выплаты за {m}…")))
        }
        RunStep::Approve(r) => pick(lang, (format!("Approving payout run {r}…"), format!("Одобрение выплаты {r}…"))),
        RunStep::Export { run, .. } => {
            pick(lang, (format!("Exporting payout run {run}…"), format!("Выгрузка выплаты {run}…")))
        }
        RunStep::Complete { run, .. } => {
            pick(lang, (format!("Completing payout run {run}…"), format!("Завершение выплаты {run}…")))
        }
        RunStep::Discard(r) => pick(lang, (format!("Discarding payout run {r}…"), format!("Отмена выплаты {r}…"))),
    };
    if secs == 0 { doing } else { format!("{doing} {secs} {}", pick(lang, ("s", "с"))) }
}

pub fn prepared(lang: Lang, run: i64, month: &str, payable: usize, held: usize, total: &str) -> String {
    let m = month_words(lang, month);
    pick(
        lang,
        (
            format!(
                "Payout run {run} for {m} prepared: {total} to pay on {payable} lines, {held} held back; another operator approves it"
            ),
            format!(
                "Выплата {run} за {m} подготовлена: {total} к выплате, строк: {payable}, удержано {held}; одобряет другой оператор"
            ),
        ),
    )
}

pub fn approved_run(lang: Lang, run: i64, payable: usize, total: &str) -> String {
    pick(
        lang,
        (
            format!("Payout run {run} approved: {payable} to pay, {total}; export it for the bank (e)"),
            format!("Выплата {run} одобрена: к выплате {payable}, {total}; выгрузите её для банка (e)"),
        ),
    )
}

pub fn exported_run(lang: Lang, run: i64, files: &[String]) -> String {
    let files = files.join(", ");
    pick(
        lang,
        (
            format!("Payout run {run}: {files} written; nothing is marked paid until it is completed (C)"),
            format!("Выплата {run}: записаны {files}; выплаченным ничего не отмечено до завершения (C)"),
        ),
    )
}

pub fn completed_run(lang: Lang, run: i64, paid: usize, total: &str, failed: usize) -> String {
    pick(
        lang,
        (
            format!("Payout run {run} completed: {paid} paid, {total}; {failed} failed"),
            format!("Выплата {run} завершена: выплачено {paid}, {total}; не прошло {failed}"),
        ),
    )
}

pub fn discarded_run(lang: Lang, run: i64, month: &str) -> String {
    let m = month_words(lang, month);
    pick(
        lang,
        (
            format!("Payout run {run} discarded; {m} can be prepared again"),
            format!("Выплата {run} отменена; {m} можно подготовить заново"),
        ),
    )
}

/// The month already has a live run, which `p` does not replace.
pub fn month_has_run(lang: Lang, month: &str, run: i64, state: RunState) -> String {
    let (m, s) = (month_words(lang, month), run_state(lang, state));
    pick(
        lang,
        (
            format!("{m} already has payout run {run} ({s}); discard it (v) to prepare the month again"),
            format!("У месяца {m} уже есть выплата {run} ({s}); чтобы подготовить заново, отмените её (v)"),
        ),
    )
}

/// The dashboard's late runs: none, or the months.
pub fn late_runs(lang: Lang, months: &[String]) -> String {
    match months {
        [] => pick(lang, ("none", "нет")).to_string(),
        [m] => month_words(lang, m),
        [first, ..] => {
            let n = months.len();
            pick(lang, (format!("{n}, from {first}"), format!("{n}, с {first}")))
        }
    }
}

/// The next run as the dashboard names it: its id and state, or not prepared.
pub fn next_run_state(lang: Lang, run: Option<(i64, RunState)>) -> String {
    match run {
        Some((id, s)) => format!("{id} · {}", run_state(lang, s)),
        None => pick(lang, ("not prepared", "не подготовлена")).to_string(),
    }
}
