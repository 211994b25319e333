//! The words of the audit screen: its fixed strings (one key of the catalog, [`K::Audit`], stands
//! for all of them, so that the catalog stays one screenful shorter) and its sentences: the
//! filter shown, the entries on screen, the chain's check.
use super::catalog::{K, pick, t};
use super::sentences::plural_ru;
use crate::domain::Lang;
use crate::domain::access::{Role, SYSTEM};
use crate::domain::audit::Break;
use crate::service::audit::Query;
use chrono::{FixedOffset, TimeZone};

/// The audit screen's fixed strings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AuditK {
    Tab,
    PalVerify,
    Hint,
    HintEntry,
    HintForm,
    HintVerdict,
    // The list's columns
    Time,
    Operator,
    Role,
    Action,
    Subject,
    Mode,
    Sandbox,
    Production,
    AllEntries,
    NoEntryHighlighted,
    NoMatch,
    // The filter form
    FormTitle,
    FormDates,
    FieldOperator,
    FieldAction,
    FieldSubject,
    FieldFrom,
    FieldTo,
    // An entry
    EntryTitle,
    SandboxGiven,
    NoReason,
    Change,
    State,
    Facts,
    NoFacts,
    Hash,
    PrevHash,
    FirstEntry,
    // The chain's check
    Verifying,
    VerdictTitle,
    Intact,
    HeadHash,
    Broken,
    OpenBroken,
}

/// Both languages of `k`.
pub(super) fn text(k: AuditK) -> (&'static str, &'static str) {
    use AuditK::*;
    match k {
        Tab => ("Audit", "Аудит"),
        PalVerify => ("Audit: verify the chain of the log", "Аудит: проверить цепочку журнала"),
        Hint => (
            "Enter entry · f filter · / subject · v verify · Esc clear · ? help",
            "Enter запись · f фильтр · / объект · v проверить · Esc сброс · ? справка",
        ),
        HintEntry => ("j/k scroll · y copy the hash · Esc back", "j/k прокрутка · y копировать хеш · Esc назад"),
        HintForm => (
            "Tab ↓ ↑ field · Enter apply · Ctrl-U clear the field · Esc cancel",
            "Tab ↓ ↑ поле · Enter применить · Ctrl-U очистить поле · Esc отмена",
        ),
        HintVerdict => ("y copy the head hash · Esc close", "y копировать хеш вершины · Esc закрыть"),
        Time => ("Time", "Время"),
        Operator => ("Operator", "Оператор"),
        Role => ("Role", "Роль"),
        Action => ("Action", "Действие"),
        Subject => ("Subject", "Объект"),
        Mode => ("Mode", "Режим"),
        Sandbox => ("sandbox", "песочница"),
        Production => ("production", "рабочий"),
        AllEntries => ("all entries", "все записи"),
        NoEntryHighlighted => ("No entry is highlighted", "Запись не выделена"),
        NoMatch => {
            ("No entry matches this filter (Esc clears it)", "Нет записей по этому фильтру (Esc сбрасывает его)")
        }
        FormTitle => ("Filter the audit log", "Фильтр журнала аудита"),
        FieldOperator => ("Operator", "Оператор"),
        FieldAction => ("Action or family", "Действие или группа"),
        FieldSubject => ("Subject contains", "Объект содержит"),
        FieldFrom => ("From", "С"),
        FieldTo => ("To", "По"),
        FormDates => (
            "Dates: YYYY-MM-DD, local, the To day included; or RFC 3339",
            "Даты: ГГГГ-ММ-ДД, местные, день «По» включён; или RFC 3339",
        ),
        EntryTitle => ("Audit entry", "Запись аудита"),
        SandboxGiven => (
            "sandbox: the operator and the time were taken as given",
            "песочница: оператор и время приняты как указаны",
        ),
        NoReason => ("none given", "не указана"),
        Change => ("Before → after", "Было → стало"),
        State => ("state", "состояние"),
        Facts => ("Detail", "Подробности"),
        NoFacts => ("nothing more recorded", "больше ничего не записано"),
        Hash => ("Hash", "Хеш"),
        PrevHash => ("Previous hash", "Пред. хеш"),
        FirstEntry => ("none: the first entry of the log", "нет: первая запись журнала"),
        Verifying => ("Verifying the audit chain…", "Проверка цепочки журнала…"),
        VerdictTitle => ("The audit chain", "Цепочка журнала аудита"),
        Intact => ("Intact", "Цела"),
        HeadHash => ("Head hash", "Хеш вершины"),
        Broken => ("Broken", "Нарушена"),
        OpenBroken => ("Enter opens that entry · Esc close", "Enter открывает эту запись · Esc закрыть"),
    }
}

/// The fixed string `k` in `lang`.
pub fn audit_word(lang: Lang, k: AuditK) -> &'static str {
    t(lang, K::Audit(k))
}

/// What the filter keeps, in words for the title: `operator aigerim`, `action bonus`, …; empty
/// when it keeps everything. The values are the operator's as typed (drawn cleaned).
pub fn filter_parts(lang: Lang, q: &Query) -> Vec<String> {
    let words = [
        (&q.operator, ("operator", "оператор")),
        (&q.action, ("action", "действие")),
        (&q.subject, ("subject", "объект")),
        (&q.from, ("from", "с")),
        (&q.to, ("to", "по")),
    ];
    words
        .into_iter()
        .filter_map(|(v, w)| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(|v| (v, w)))
        .map(|(v, w)| format!("{} {v}", pick(lang, w)))
        .collect()
}

/// `entries 812–794` (newest first, as shown); one entry alone by its number.
pub fn entries_shown(lang: Lang, newest: i64, oldest: i64) -> String {
    match (lang, newest == oldest) {
        (Lang::En, true) => format!("entry {newest}"),
        (Lang::En, false) => format!("entries {newest}–{oldest}"),
        (Lang::Ru, true) => format!("запись {newest}"),
        (Lang::Ru, false) => format!("записи {newest}–{oldest}"),
    }
}

/// `Audit chain intact: 812 entries, head 3f5a…` — the hash whole (the message line leaves it
/// out whole where it does not fit; the verdict box shows it).
pub fn verified(lang: Lang, entries: i64, head: &str) -> String {
    let n = entries.max(0) as usize;
    match lang {
        Lang::En if n == 1 => format!("Audit chain intact: 1 entry, head {head}"),
        Lang::En => format!("Audit chain intact: {n} entries, head {head}"),
        Lang::Ru => {
            let word = plural_ru(n, "запись", "записи", "записей");
            format!("Цепочка журнала цела: {n} {word}, вершина {head}")
        }
    }
}

/// `Audit chain broken: entry 41 was changed: …`
pub fn broken(lang: Lang, b: &Break) -> String {
    let ru = lang == Lang::Ru;
    match lang {
        Lang::En => format!("Audit chain broken: {}", b.text(ru)),
        Lang::Ru => format!("Цепочка журнала нарушена: {}", b.text(ru)),
    }
}

/// `12 entries checked, each following the one before and ending at the head kept beside the log`.
pub fn intact_details(lang: Lang, entries: i64) -> String {
    let n = entries.max(0) as usize;
    match lang {
        Lang::En if n == 1 => "1 entry checked: its hash and the head kept beside the log agree".into(),
        Lang::En => {
            format!("{n} entries checked: each follows the one before, the last is the head kept beside the log")
        }
        Lang::Ru => format!(
            "Проверено {n} {}: каждая продолжает предыдущую, последняя совпадает с сохранённой вершиной",
            plural_ru(n, "запись", "записи", "записей")
        ),
    }
}

/// An entry the log does not hold (a removed one a break names).
pub fn not_in_log(lang: Lang, id: i64) -> String {
    match lang {
        Lang::En => format!("Entry {id} is not in the log"),
        Lang::Ru => format!("Записи {id} нет в журнале"),
    }
}

/// An entry's time to the second, in the program's time zone, the zone said:
/// `2026-11-24 16:40:12 UTC+05:00` / `24.11.2026 16:40:12 UTC+05:00`.
pub fn instant(lang: Lang, tz: FixedOffset, ms: i64) -> String {
    match tz.timestamp_millis_opt(ms).single() {
        Some(at) => at.format(pick(lang, ("%Y-%m-%d %H:%M:%S UTC%:z", "%d.%m.%Y %H:%M:%S UTC%:z"))).to_string(),
        None => ms.to_string(),
    }
}

/// The role an entry was written in, in words: a registered role by its name in the language,
/// the program's own changes and an unregistered login said so; anything else as stored.
pub fn role_words(lang: Lang, stored: &str) -> String {
    if let Some(r) = Role::parse(stored) {
        return pick(lang, (r.as_str(), r.ru())).to_string();
    }
    match stored {
        SYSTEM => pick(lang, ("the program itself", "сама программа")).to_string(),
        "unregistered" => pick(lang, ("not registered", "не зарегистрирован")).to_string(),
        other => other.to_string(),
    }
}

/// A fact of an entry's detail that is true or false, in words.
pub fn yes_no(lang: Lang, b: bool) -> &'static str {
    t(lang, if b { K::Yes } else { K::No })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_has_both_languages_and_the_filter_reads_in_each() {
        use AuditK::*;
        for k in [Tab, Hint, HintEntry, HintForm, FormTitle, EntryTitle, Change, Verifying, OpenBroken] {
            let (en, ru) = text(k);
            assert!(!en.is_empty() && !ru.is_empty() && en != ru, "{k:?}");
        }
        let q = Query { operator: Some("aigerim".into()), action: Some(" bonus ".into()), ..Query::default() };
        assert_eq!(filter_parts(Lang::En, &q), ["operator aigerim", "action bonus"]);
        assert_eq!(filter_parts(Lang::Ru, &q), ["оператор aigerim", "действие bonus"]);
        assert!(filter_parts(Lang::En, &Query { subject: Some("  ".into()), ..Query::default() }).is_empty());
        assert_eq!(verified(Lang::Ru, 22, "ab"), "Цепочка журнала цела: 22 записи, вершина ab");
        assert_eq!(entries_shown(Lang::En, 812, 794), "entries 812–794");
        assert_eq!(role_words(Lang::Ru, "approver"), "утверждающий");
        assert_eq!(role_words(Lang::En, "system"), "the program itself");
        assert_eq!(role_words(Lang::Ru, "auditor"), "auditor");
    }
}
