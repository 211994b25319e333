//! The words of the referral tree: an account's kind and marks, who brought the root, how many
//! accounts are shown.
use super::catalog::{K, pick};
use super::sentences::plural_ru;
use crate::domain::Lang;
use crate::domain::tree::Mark;

/// `partner` or `client`, as the tree's nodes name their kind.
pub fn node_kind(lang: Lang, kind: &str) -> &'static str {
    pick(lang, if kind == "partner" { ("partner", "партнёр") } else { ("client", "клиент") })
}

/// A mark on a node, in words short enough to stand whole beside the figures.
pub fn mark(lang: Lang, m: Mark) -> &'static str {
    pick(
        lang,
        match m {
            Mark::Frozen => ("frozen: open case", "заморожен: открыто дело"),
            Mark::Excluded => ("excluded", "исключён"),
            Mark::CodeDeactivated => ("code deactivated", "код отключён"),
        },
    )
}

/// Who brought the root: `brought by BOLAT7`, and how many accounts stand above it in all.
pub fn brought_by(lang: Lang, by: &str, above: usize) -> String {
    match (lang, above) {
        (Lang::En, 1) => format!("brought by {by}"),
        (Lang::En, n) => format!("brought by {by} ({n} above)"),
        (Lang::Ru, 1) => format!("привёл {by}"),
        (Lang::Ru, n) => format!("привёл {by} (выше {n})"),
    }
}

/// `12 accounts shown`; `12 аккаунтов на экране`.
pub fn accounts_shown(lang: Lang, n: usize) -> String {
    match lang {
        Lang::En if n == 1 => "1 account shown".into(),
        Lang::En => format!("{n} accounts shown"),
        Lang::Ru => format!("{n} {} в дереве", plural_ru(n, "аккаунт", "аккаунта", "аккаунтов")),
    }
}

/// The fixed words of the tree screen (the catalog hands its keys here).
pub(super) fn text(k: K) -> (&'static str, &'static str) {
    match k {
        K::TabTree => ("Tree", "Дерево"),
        K::PalTree => {
            ("Tree: who brought whom, from the highlighted partner", "Дерево: кто кого привёл, от выделенного партнёра")
        }
        K::HintTree => (
            "→ expand · ← collapse · Enter partner · / code · y copy · ? help",
            "→ раскрыть · ← свернуть · Enter партнёр · / код · y копировать",
        ),
        K::TreeNone => (
            "No tree open: press / and type a partner's code, or press t on a partner or an abuse case",
            "Дерево не открыто: нажмите / и введите код партнёра или t на партнёре или деле о нарушении",
        ),
        K::TreeCodePrompt => ("Partner code: ", "Код партнёра: "),
        K::TreeClientNoDetail => {
            ("This is a client: Enter opens a partner's page", "Это клиент: Enter открывает страницу партнёра")
        }
        K::TreeNoRow => ("No account is highlighted", "Аккаунт не выделен"),
        K::TreeLoop => ("loop: also above", "цикл: уже выше"),
        K::TreeLoopSay => (
            "This account is also above here: the data loops, and it is not followed again",
            "Этот аккаунт уже есть выше: данные замкнуты в цикл, дальше он не раскрывается",
        ),
        K::TreeKind => ("Kind", "Вид"),
        K::Brought => ("Brought", "Привёл"),
        K::PaidLessRefunds => ("Paid", "Оплатил"),
        K::EarnedParent => ("Earned", "Принёс"),
        K::Marks => ("Marks", "Отметки"),
        K::Path => ("Path", "Путь"),
        K::NoChildren => ("brought no one", "никого не привёл"),
        // The catalog sends only the keys above.
        _ => ("", ""),
    }
}
