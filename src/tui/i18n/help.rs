//! The help overlay's lines for each screen, each line's two languages side by side.
use super::catalog::pick;
use crate::domain::Lang;

/// Which screen's keys the help overlay lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HelpFor {
    Dashboard,
    Partners,
    Detail,
    Bonuses,
    BonusDetail,
    Payouts,
    PayoutRun,
    Abuse,
    AbuseCase,
    Tree,
    Audit,
    AuditEntry,
}

/// The help overlay's lines: (keys, what they do). The common keys come last.
pub fn help(lang: Lang, screen: HelpFor) -> Vec<(&'static str, &'static str)> {
    let pick = |en: &'static str, ru: &'static str| pick(lang, (en, ru));
    // The keys every paged list shares, first in its help.
    let paging = [
        ("j k ↓ ↑", pick("move", "перемещение")),
        ("PgDn PgUp", pick("next / previous page", "следующая / предыдущая страница")),
        ("Home g", pick("first page", "первая страница")),
        ("End G", pick("last page", "последняя страница")),
    ];
    let mut out: Vec<(&'static str, &'static str)> = match screen {
        HelpFor::Partners | HelpFor::Bonuses | HelpFor::Audit => paging.to_vec(),
        HelpFor::Dashboard
        | HelpFor::Detail
        | HelpFor::BonusDetail
        | HelpFor::Payouts
        | HelpFor::PayoutRun
        | HelpFor::Abuse
        | HelpFor::AbuseCase
        | HelpFor::Tree
        | HelpFor::AuditEntry => vec![],
    };
    out.extend(match screen {
        HelpFor::Dashboard => vec![
            ("Enter", pick("review the open abuse cases (screen 5)", "разбор открытых дел о нарушениях (экран 5)")),
            ("c", pick("chart: revenue / bonuses booked", "график: выручка / начисленные бонусы")),
            ("r", pick("reload the figures", "обновить цифры")),
        ],
        HelpFor::Partners => vec![
            (
                "/",
                pick(
                    "search: name, code, phone, as you type; Esc clears",
                    "поиск: имя, код, телефон, по мере ввода; Esc — сброс",
                ),
            ),
            ("s", pick("sort: name → code → registered", "сортировка: имя → код → регистрация")),
            ("S", pick("sort the other way round (▲ / ▼)", "сортировка в обратную сторону (▲ / ▼)")),
            (
                "f",
                pick(
                    "status: all → active → code deactivated → excluded",
                    "статус: все → активен → код отключён → исключён",
                ),
            ),
            ("Enter", pick("open the partner", "открыть партнёра")),
            ("t", pick("the partner's referral tree (screen 6)", "дерево приглашений партнёра (экран 6)")),
            ("r", pick("reload the page", "обновить страницу")),
            ("e", pick("export the whole list to CSV", "выгрузить весь список в CSV")),
            ("y", pick("copy the partner's code", "копировать код партнёра")),
        ],
        HelpFor::Detail => vec![
            ("Tab ← → h l", pick("profile / ledger / clients", "профиль / журнал / клиенты")),
            ("j k ↓ ↑", pick("scroll", "прокрутка")),
            ("PgDn PgUp", pick("scroll a page", "прокрутка на страницу")),
            ("Home g End G", pick("first / last row read", "первая / последняя прочитанная строка")),
            (
                "/",
                pick(
                    "search: ledger (bonus, payment, kind, reason), clients (account)",
                    "поиск: журнал (бонус, платёж, вид, причина), клиенты (аккаунт)",
                ),
            ),
            ("r", pick("reload", "обновить")),
            ("e", pick("export the ledger or the clients to CSV", "выгрузить журнал или клиентов в CSV")),
            ("t", pick("the partner's referral tree (screen 6)", "дерево приглашений партнёра (экран 6)")),
            ("y", pick("copy the code, bonus or account id", "копировать код, номер бонуса или счёта")),
            ("Esc q", pick("back to the list", "назад к списку")),
        ],
        HelpFor::BonusDetail => vec![
            ("j k ↓ ↑", pick("scroll", "прокрутка")),
            ("PgDn PgUp", pick("scroll a page", "прокрутка на страницу")),
            ("r", pick("reload", "обновить")),
            ("Esc q", pick("back to the list", "назад к списку")),
        ],
        HelpFor::Bonuses => vec![
            (
                "/",
                pick(
                    "search: partner code, payment, bonus id; Esc clears",
                    "поиск: код партнёра, платёж, номер бонуса; Esc — сброс",
                ),
            ),
            (
                "f",
                pick(
                    "filter: due → held → frozen → available → paid → voided → all",
                    "фильтр: к одобрению → удержан → … → все",
                ),
            ),
            (pick("Space", "Пробел"), pick("select / unselect a due bonus", "выбрать / снять выбор")),
            ("a", pick("approve the selection (or the highlighted bonus)", "одобрить выбранные (или выделенный)")),
            ("A", pick("approve every due bonus (y to confirm)", "одобрить все к одобрению (подтвердить y)")),
            ("v", pick("void the selection (or the highlighted bonus)", "аннулировать выбранные (или выделенный)")),
            ("S", pick("release order: earliest / latest first", "порядок: сначала ранние / поздние")),
            ("Enter", pick("open the bonus: payment, terms, history", "открыть бонус: платёж, условия, история")),
            ("r", pick("reload the page", "обновить страницу")),
            ("e", pick("export the whole list to CSV", "выгрузить весь список в CSV")),
            ("y", pick("copy the bonus id", "копировать номер бонуса")),
        ],
        HelpFor::Payouts => vec![
            ("j k ↓ ↑", pick("move over the months", "перемещение по месяцам")),
            ("Enter", pick("open the month's run: lines, reasons, totals", "открыть выплату: строки, причины, итоги")),
            ("p", pick("prepare the run of a month that has none", "подготовить выплату месяца, у которого её нет")),
            (
                "a",
                pick("approve a draft (another operator than its preparer)", "одобрить черновик (не тот, кто готовил)"),
            ),
            ("e", pick("export an approved run: pain.001 and CSV files", "выгрузить одобренную: файлы pain.001 и CSV")),
            ("C", pick("complete an exported run: its lines paid", "завершить выгруженную: строки выплачены")),
            ("v", pick("discard a run not yet exported", "отменить ещё не выгруженную выплату")),
            ("r", pick("reload", "обновить")),
            ("y", pick("copy the run's number", "копировать номер выплаты")),
        ],
        HelpFor::PayoutRun => vec![
            ("j k ↓ ↑", pick("scroll the lines", "прокрутка строк")),
            ("PgDn PgUp", pick("scroll a page", "прокрутка на страницу")),
            ("f", pick("lines: all → payable → held back → paid → failed", "строки: все → к выплате → … → не прошла")),
            (pick("Space", "Пробел"), pick("mark a payable line failed (exported run)", "отметить строку «не прошла»")),
            ("a e C v", pick("approve / export / complete / discard", "одобрить / выгрузить / завершить / отменить")),
            ("r", pick("reload", "обновить")),
            ("y", pick("copy the partner's code", "копировать код партнёра")),
            ("Esc q", pick("back to the runs", "назад к выплатам")),
        ],
        HelpFor::Abuse => vec![
            ("j k ↓ ↑", pick("move over the cases", "перемещение по делам")),
            (
                "f",
                pick(
                    "cases: open (most serious first) → decided → all",
                    "дела: открытые (серьёзные первыми) → решённые → все",
                ),
            ),
            ("Enter", pick("open the case: findings, partner, balance", "открыть дело: признаки, партнёр, баланс")),
            ("t", pick("the partner's referral tree (screen 6)", "дерево приглашений партнёра (экран 6)")),
            ("d", pick("dismiss: no abuse, the bonuses unfrozen", "закрыть без нарушения: бонусы разморожены")),
            ("v", pick("void the unpaid bonuses the case names", "аннулировать неоплаченные бонусы дела")),
            ("x", pick("deactivate the code (and void as v)", "отключить код (и аннулировать, как v)")),
            ("X", pick("exclude the partner from the program", "исключить партнёра из программы")),
            ("r", pick("reload", "обновить")),
            ("y", pick("copy the partner's code", "копировать код партнёра")),
        ],
        HelpFor::AbuseCase => vec![
            ("j k ↓ ↑", pick("scroll", "прокрутка")),
            ("PgDn PgUp", pick("scroll a page", "прокрутка на страницу")),
            (
                "d v x X",
                pick("dismiss / void / deactivate / exclude", "закрыть / аннулировать / отключить / исключить"),
            ),
            ("r", pick("reload", "обновить")),
            ("y", pick("copy the partner's code", "копировать код партнёра")),
            ("t", pick("the partner's referral tree (screen 6)", "дерево приглашений партнёра (экран 6)")),
            ("Esc q", pick("back to the queue", "назад к очереди")),
        ],
        HelpFor::Tree => vec![
            ("j k ↓ ↑", pick("move", "перемещение")),
            ("PgDn PgUp", pick("a page down / up", "страница вниз / вверх")),
            ("Home End", pick("the first / the last row", "первая / последняя строка")),
            ("→ l", pick("expand: read who the account brought", "раскрыть: кого привёл аккаунт")),
            ("← h", pick("collapse, or go up to the parent", "свернуть или подняться к родителю")),
            (pick("Space", "Пробел"), pick("expand / collapse", "раскрыть / свернуть")),
            ("Enter", pick("open the partner's page", "открыть страницу партнёра")),
            ("/", pick("the tree of another partner: type its code", "дерево другого партнёра: введите код")),
            ("r", pick("read the tree again, keeping what is open", "перечитать дерево, не сворачивая")),
            ("y", pick("copy the code or account id", "копировать код или номер аккаунта")),
            ("Esc q", pick("back to the screen that opened the tree", "назад к экрану, открывшему дерево")),
        ],
        HelpFor::Audit => vec![
            ("Enter", pick("the entry in full: before → after, hashes", "запись целиком: было → стало, хеши")),
            ("f", pick("filter: operator, action, subject, dates", "фильтр: оператор, действие, объект, даты")),
            ("/", pick("the filter, at the subject", "фильтр, сразу поле объекта")),
            ("Esc", pick("clear the filter", "сбросить фильтр")),
            ("v", pick("verify the chain of the whole log", "проверить цепочку всего журнала")),
            ("r", pick("read the page again", "перечитать страницу")),
            ("y", pick("copy the entry's hash", "копировать хеш записи")),
        ],
        HelpFor::AuditEntry => vec![
            ("j k ↓ ↑", pick("scroll", "прокрутка")),
            ("PgDn PgUp", pick("a page down / up", "страница вниз / вверх")),
            ("y", pick("copy the entry's hash", "копировать хеш записи")),
            ("Esc q", pick("back to the list", "назад к списку")),
        ],
    });
    out.extend([
        (
            // By number, not by name: the names of seven screens no longer fit the help's line.
            "1 … 7",
            pick("a screen, by its number on the tab bar", "экран по его номеру на панели вкладок"),
        ),
        ("Tab S-Tab", pick("next / previous screen", "следующий / предыдущий экран")),
        (":", pick("commands: every screen and action", "команды: все экраны и действия")),
        ("?", pick("this help", "эта справка")),
        ("Esc", pick("close a dialog or go back", "закрыть окно или вернуться")),
        ("q", pick("quit (from a screen)", "выход (с экрана)")),
        ("Ctrl-C", pick("quit at once", "немедленный выход")),
    ]);
    out
}
