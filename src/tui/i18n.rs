//! Every string the console shows to people, in one catalog per language (`en`, `ru`), and the
//! formatters for dates, months and the sentences that carry numbers. Nothing outside this file
//! spells out words for people: the screens ask for a [`K`] or call a function here.
use crate::domain::Lang;
use crate::domain::bonus::ShownBonusState as State;
use crate::service::partners::{Sort, Status};
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, TimeZone, Utc};

/// The catalog's keys: one per fixed string.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum K {
    // Tab bar, status line, common
    TabDashboard,
    TabPartners,
    TabBonuses,
    HelpHint,
    Operator,
    Loading,
    NoRows,
    Page,
    Yes,
    No,
    Missing,
    // Dashboard
    Program,
    Partners,
    NewClientsMonth,
    RevenueMonth,
    OpenCases,
    NextPayout,
    PaysFor,
    Currency,
    Bonuses,
    State,
    Count,
    AmountKzt,
    ChartRevenue,
    ChartBonuses,
    UnitThousand,
    UnitMillion,
    // Partners list
    Code,
    Name,
    Status,
    Pending,
    Available,
    Sort,
    Filter,
    Search,
    All,
    SortName,
    SortCode,
    SortRegistered,
    StatusActive,
    StatusCodeDeactivated,
    StatusExcluded,
    SearchPrompt,
    SearchHint,
    // Partner detail
    SectionProfile,
    SectionLedger,
    SectionClients,
    Profile,
    Reason,
    Deactivated,
    Account,
    Registered,
    TrialEnds,
    Phone,
    Email,
    Iin,
    ParentCode,
    Contract,
    ContractNumber,
    ContractSigned,
    ContractMethod,
    Iban,
    IinBin,
    NoContract,
    MethodBankTransfer,
    Balance,
    BalHeld,
    BalDue,
    BalFrozen,
    BalAvailable,
    BalPaid,
    BalClawedBack,
    BalNet,
    Stats,
    Registrations,
    PayingClients,
    Purchases,
    CasesFreeze,
    Date,
    Kind,
    Bucket,
    Amount,
    NoLedger,
    NoClients,
    IsPartner,
    Payments,
    Paid,
    KindAccrual,
    KindRelease,
    KindVoid,
    KindClawback,
    KindPayout,
    KindAdjustment,
    BucketHeld,
    BucketAvailable,
    BucketPaid,
    // Bonuses
    Id,
    Partner,
    Payment,
    Release,
    StateHeld,
    StateDue,
    StateFrozen,
    StateAvailable,
    StatePaid,
    StateVoided,
    // Messages
    NothingToApprove,
    NothingDue,
    OnlyDueSelectable,
    NoBonusHighlighted,
    Checking,
    Approving,
    Voiding,
    Busy,
    Cancelled,
    ReasonRequired,
    // Dialogs
    ConfirmTitle,
    ConfirmKeys,
    VoidTitle,
    ReasonLabel,
    VoidKeys,
    // Help
    HelpTitle,
    HelpClose,
    // Hints on the message line
    HintDashboard,
    HintPartners,
    HintDetail,
    HintBonuses,
}

/// The fixed string for `k` in `lang`.
pub fn t(lang: Lang, k: K) -> &'static str {
    match lang {
        Lang::En => en(k),
        Lang::Ru => ru(k),
    }
}

fn en(k: K) -> &'static str {
    match k {
        K::TabDashboard => "Dashboard",
        K::TabPartners => "Partners",
        K::TabBonuses => "Bonuses",
        K::HelpHint => "? help",
        K::Operator => "operator",
        K::Loading => "Loading…",
        K::NoRows => "Nothing to show",
        K::Page => "page",
        K::Yes => "yes",
        K::No => "no",
        K::Missing => "—",
        K::Program => "Program",
        K::Partners => "Partners",
        K::NewClientsMonth => "New clients",
        K::RevenueMonth => "Revenue",
        K::OpenCases => "Abuse cases",
        K::NextPayout => "Next payout due",
        K::PaysFor => "Pays for",
        K::Currency => "KZT",
        K::Bonuses => "Bonuses",
        K::State => "State",
        K::Count => "Count",
        K::AmountKzt => "Amount, KZT",
        K::ChartRevenue => "Revenue",
        K::ChartBonuses => "Bonuses booked",
        K::UnitThousand => "thousand KZT",
        K::UnitMillion => "million KZT",
        K::Code => "Code",
        K::Name => "Name",
        K::Status => "Status",
        K::Pending => "Pending",
        K::Available => "Available",
        K::Sort => "sort",
        K::Filter => "status",
        K::Search => "search",
        K::All => "all",
        K::SortName => "name",
        K::SortCode => "code",
        K::SortRegistered => "registered",
        K::StatusActive => "active",
        K::StatusCodeDeactivated => "code deactivated",
        K::StatusExcluded => "excluded",
        K::SearchPrompt => "Search (name, code, phone): ",
        K::SearchHint => "Enter apply · Esc cancel",
        K::SectionProfile => "Profile",
        K::SectionLedger => "Ledger",
        K::SectionClients => "Clients",
        K::Profile => "Profile",
        K::Reason => "Reason",
        K::Deactivated => "Deactivated",
        K::Account => "Account",
        K::Registered => "Registered",
        K::TrialEnds => "Trial ends",
        K::Phone => "Phone",
        K::Email => "Email",
        K::Iin => "IIN",
        K::ParentCode => "Parent code",
        K::Contract => "Contract",
        K::ContractNumber => "Number",
        K::ContractSigned => "Signed",
        K::ContractMethod => "Method",
        K::Iban => "IBAN",
        K::IinBin => "IIN/BIN",
        K::NoContract => "No contract — cannot be paid",
        K::MethodBankTransfer => "bank transfer",
        K::Balance => "Balance",
        K::BalHeld => "Held",
        K::BalDue => "Due",
        K::BalFrozen => "Frozen",
        K::BalAvailable => "Available",
        K::BalPaid => "Paid",
        K::BalClawedBack => "Clawed back",
        K::BalNet => "Net",
        K::Stats => "Statistics",
        K::Registrations => "Registrations",
        K::PayingClients => "Paying clients",
        K::Purchases => "Purchases",
        K::CasesFreeze => "bonuses frozen",
        K::Date => "Date",
        K::Kind => "Entry",
        K::Bucket => "Bucket",
        K::Amount => "Amount",
        K::NoLedger => "No ledger entries yet",
        K::NoClients => "No referred clients yet",
        K::IsPartner => "Partner",
        K::Payments => "Payments",
        K::Paid => "Paid",
        K::KindAccrual => "accrual",
        K::KindRelease => "release",
        K::KindVoid => "void",
        K::KindClawback => "clawback",
        K::KindPayout => "payout",
        K::KindAdjustment => "adjustment",
        K::BucketHeld => "held",
        K::BucketAvailable => "available",
        K::BucketPaid => "paid",
        K::Id => "ID",
        K::Partner => "Partner",
        K::Payment => "Payment",
        K::Release => "Release",
        K::StateHeld => "held",
        K::StateDue => "due",
        K::StateFrozen => "frozen",
        K::StateAvailable => "available",
        K::StatePaid => "paid",
        K::StateVoided => "voided",
        K::NothingToApprove => "Nothing to approve: no bonus is selected or highlighted",
        K::NothingDue => "No bonuses are due for approval",
        K::OnlyDueSelectable => "Only due bonuses can be selected for approval",
        K::NoBonusHighlighted => "No bonus is highlighted",
        K::Checking => "Checking…",
        K::Approving => "Approving…",
        K::Voiding => "Voiding…",
        K::Busy => "Wait: the previous change is still running",
        K::Cancelled => "Cancelled: nothing was changed",
        K::ReasonRequired => "A reason is required",
        K::ConfirmTitle => "Confirm approval",
        K::ConfirmKeys => "y / Enter — approve    n / Esc — cancel",
        K::VoidTitle => "Void a bonus",
        K::ReasonLabel => "Reason (required):",
        K::VoidKeys => "Enter — void    Esc — cancel",
        K::HelpTitle => "Keys",
        K::HelpClose => "Esc, ? or q closes this help",
        K::HintDashboard => "1-3 screens · c chart · r reload · ? help · q quit",
        K::HintPartners => "/ search · s sort · f status · Enter open · ? help · q quit",
        K::HintDetail => "Tab/←/→ section · j/k scroll · Esc back · ? help",
        K::HintBonuses => "Space select · a approve · A all due · v void · f filter · ? help",
    }
}

fn ru(k: K) -> &'static str {
    match k {
        K::TabDashboard => "Обзор",
        K::TabPartners => "Партнёры",
        K::TabBonuses => "Бонусы",
        K::HelpHint => "? справка",
        K::Operator => "оператор",
        K::Loading => "Загрузка…",
        K::NoRows => "Нечего показать",
        K::Page => "стр.",
        K::Yes => "да",
        K::No => "нет",
        K::Missing => "—",
        K::Program => "Программа",
        K::Partners => "Партнёры",
        K::NewClientsMonth => "Новые клиенты",
        K::RevenueMonth => "Выручка",
        K::OpenCases => "Дела о нарушениях",
        K::NextPayout => "Ближайшая выплата",
        K::PaysFor => "За период",
        K::Currency => "₸",
        K::Bonuses => "Бонусы",
        K::State => "Состояние",
        K::Count => "Кол-во",
        K::AmountKzt => "Сумма, ₸",
        K::ChartRevenue => "Выручка",
        K::ChartBonuses => "Начислено бонусов",
        K::UnitThousand => "тыс. ₸",
        K::UnitMillion => "млн ₸",
        K::Code => "Код",
        K::Name => "Имя",
        K::Status => "Статус",
        K::Pending => "Ожидает",
        K::Available => "Доступно",
        K::Sort => "сортировка",
        K::Filter => "статус",
        K::Search => "поиск",
        K::All => "все",
        K::SortName => "имя",
        K::SortCode => "код",
        K::SortRegistered => "регистрация",
        K::StatusActive => "активен",
        K::StatusCodeDeactivated => "код отключён",
        K::StatusExcluded => "исключён",
        K::SearchPrompt => "Поиск (имя, код, телефон): ",
        K::SearchHint => "Enter — применить · Esc — отмена",
        K::SectionProfile => "Профиль",
        K::SectionLedger => "Журнал",
        K::SectionClients => "Клиенты",
        K::Profile => "Профиль",
        K::Reason => "Причина",
        K::Deactivated => "Отключён",
        K::Account => "Аккаунт",
        K::Registered => "Регистрация",
        K::TrialEnds => "Пробный до",
        K::Phone => "Телефон",
        K::Email => "Эл. почта",
        K::Iin => "ИИН",
        K::ParentCode => "Пригласил",
        K::Contract => "Договор",
        K::ContractNumber => "Номер",
        K::ContractSigned => "Подписан",
        K::ContractMethod => "Способ",
        K::Iban => "IBAN",
        K::IinBin => "ИИН/БИН",
        K::NoContract => "Нет договора — выплата невозможна",
        K::MethodBankTransfer => "банковский перевод",
        K::Balance => "Баланс",
        K::BalHeld => "Удержано",
        K::BalDue => "К одобрению",
        K::BalFrozen => "Заморожено",
        K::BalAvailable => "Доступно",
        K::BalPaid => "Выплачено",
        K::BalClawedBack => "Возвращено",
        K::BalNet => "Итого",
        K::Stats => "Статистика",
        K::Registrations => "Регистраций",
        K::PayingClients => "Платящих клиентов",
        K::Purchases => "Сумма покупок",
        K::CasesFreeze => "бонусы заморожены",
        K::Date => "Дата",
        K::Kind => "Операция",
        K::Bucket => "Счёт",
        K::Amount => "Сумма",
        K::NoLedger => "Записей в журнале пока нет",
        K::NoClients => "Приведённых клиентов пока нет",
        K::IsPartner => "Партнёр",
        K::Payments => "Платежей",
        K::Paid => "Оплачено",
        K::KindAccrual => "начисление",
        K::KindRelease => "одобрение",
        K::KindVoid => "аннулирование",
        K::KindClawback => "возврат",
        K::KindPayout => "выплата",
        K::KindAdjustment => "корректировка",
        K::BucketHeld => "удержание",
        K::BucketAvailable => "доступно",
        K::BucketPaid => "выплачено",
        K::Id => "№",
        K::Partner => "Партнёр",
        K::Payment => "Платёж",
        K::Release => "Удержан до",
        K::StateHeld => "удержан",
        K::StateDue => "к одобрению",
        K::StateFrozen => "заморожен",
        K::StateAvailable => "доступен",
        K::StatePaid => "выплачен",
        K::StateVoided => "аннулирован",
        K::NothingToApprove => "Нечего одобрять: ни один бонус не выбран и не выделен",
        K::NothingDue => "Нет бонусов, ожидающих одобрения",
        K::OnlyDueSelectable => "Выбрать для одобрения можно только бонусы «к одобрению»",
        K::NoBonusHighlighted => "Бонус не выделен",
        K::Checking => "Проверка…",
        K::Approving => "Одобрение…",
        K::Voiding => "Аннулирование…",
        K::Busy => "Подождите: предыдущее изменение ещё выполняется",
        K::Cancelled => "Отменено: ничего не изменено",
        K::ReasonRequired => "Укажите причину",
        K::ConfirmTitle => "Подтверждение одобрения",
        K::ConfirmKeys => "y / Enter — одобрить    n / Esc — отмена",
        K::VoidTitle => "Аннулирование бонуса",
        K::ReasonLabel => "Причина (обязательно):",
        K::VoidKeys => "Enter — аннулировать    Esc — отмена",
        K::HelpTitle => "Клавиши",
        K::HelpClose => "Esc, ? или q закрывают справку",
        K::HintDashboard => "1-3 экраны · c график · r обновить · ? справка · q выход",
        K::HintPartners => "/ поиск · s сортировка · f статус · Enter открыть · ? справка",
        K::HintDetail => "Tab/←/→ раздел · j/k прокрутка · Esc назад · ? справка",
        K::HintBonuses => "Пробел выбор · a одобрить · A все · v аннулировать · f фильтр",
    }
}

/// Which screen's keys the help overlay lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HelpFor {
    Dashboard,
    Partners,
    Detail,
    Bonuses,
}

/// The help overlay's lines: (keys, what they do). The common keys come last.
pub fn help(lang: Lang, screen: HelpFor) -> Vec<(&'static str, &'static str)> {
    let ru = lang == Lang::Ru;
    let pick = |e: &'static str, r: &'static str| if ru { r } else { e };
    let mut out: Vec<(&'static str, &'static str)> = match screen {
        HelpFor::Dashboard => vec![
            ("c", pick("chart: revenue / bonuses booked", "график: выручка / начисленные бонусы")),
            ("r", pick("reload the figures", "обновить цифры")),
        ],
        HelpFor::Partners => vec![
            ("j k ↓ ↑", pick("move", "перемещение")),
            ("PgDn PgUp", pick("next / previous page", "следующая / предыдущая страница")),
            ("Home g", pick("first page", "первая страница")),
            ("/", pick("search by name, code, phone", "поиск по имени, коду, телефону")),
            ("s", pick("sort: name → code → registered", "сортировка: имя → код → регистрация")),
            (
                "f",
                pick(
                    "status: all → active → code deactivated → excluded",
                    "статус: все → активен → код отключён → исключён",
                ),
            ),
            ("Enter", pick("open the partner", "открыть партнёра")),
            ("r", pick("reload the page", "обновить страницу")),
        ],
        HelpFor::Detail => vec![
            ("Tab ← → h l", pick("profile / ledger / clients", "профиль / журнал / клиенты")),
            ("j k ↓ ↑", pick("scroll", "прокрутка")),
            ("PgDn PgUp", pick("scroll a page", "прокрутка на страницу")),
            ("r", pick("reload", "обновить")),
            ("Esc q", pick("back to the list", "назад к списку")),
        ],
        HelpFor::Bonuses => vec![
            ("j k ↓ ↑", pick("move", "перемещение")),
            ("PgDn PgUp", pick("next / previous page", "следующая / предыдущая страница")),
            ("Home g", pick("first page", "первая страница")),
            (
                "f",
                pick(
                    "filter: due → held → frozen → available → paid → voided → all",
                    "фильтр: к одобрению → удержан → … → все",
                ),
            ),
            (pick("Space", "Пробел"), pick("select / unselect a due bonus", "выбрать / снять выбор")),
            ("a", pick("approve the selection (or the highlighted bonus)", "одобрить выбранные (или выделенный)")),
            ("A", pick("approve every due bonus", "одобрить все бонусы к одобрению")),
            ("v", pick("void the highlighted bonus (asks a reason)", "аннулировать выделенный (с причиной)")),
            ("r", pick("reload the page", "обновить страницу")),
        ],
    };
    out.extend([
        ("1 2 3", pick("dashboard / partners / bonuses", "обзор / партнёры / бонусы")),
        ("Tab S-Tab", pick("next / previous screen", "следующий / предыдущий экран")),
        ("?", pick("this help", "эта справка")),
        ("Esc", pick("close a dialog or go back", "закрыть окно или вернуться")),
        ("q", pick("quit (from a screen)", "выход (с экрана)")),
        ("Ctrl-C", pick("quit at once", "немедленный выход")),
    ]);
    out
}

pub fn tab_label(lang: Lang, k: K, number: u8) -> String {
    format!("{number} {}", t(lang, k))
}

pub fn state(lang: Lang, s: State) -> &'static str {
    t(
        lang,
        match s {
            State::Held => K::StateHeld,
            State::Due => K::StateDue,
            State::Frozen => K::StateFrozen,
            State::Available => K::StateAvailable,
            State::Paid => K::StatePaid,
            State::Voided => K::StateVoided,
        },
    )
}

pub fn status(lang: Lang, s: Status) -> &'static str {
    t(
        lang,
        match s {
            Status::Active => K::StatusActive,
            Status::CodeDeactivated => K::StatusCodeDeactivated,
            Status::Excluded => K::StatusExcluded,
        },
    )
}

pub fn status_filter(lang: Lang, s: Option<Status>) -> &'static str {
    s.map(|s| status(lang, s)).unwrap_or(t(lang, K::All))
}

pub fn state_filter(lang: Lang, s: Option<State>) -> &'static str {
    s.map(|s| state(lang, s)).unwrap_or(t(lang, K::All))
}

pub fn sort(lang: Lang, s: Sort) -> &'static str {
    t(
        lang,
        match s {
            Sort::Name => K::SortName,
            Sort::Code => K::SortCode,
            Sort::Registered => K::SortRegistered,
        },
    )
}

/// A ledger entry's kind in words; an unknown kind is shown as stored.
pub fn ledger_kind(lang: Lang, kind: &str) -> String {
    let k = match kind {
        "accrual" => K::KindAccrual,
        "release" => K::KindRelease,
        "void" => K::KindVoid,
        "clawback" => K::KindClawback,
        "payout" => K::KindPayout,
        "adjustment" => K::KindAdjustment,
        other => return other.to_string(),
    };
    t(lang, k).to_string()
}

pub fn ledger_bucket(lang: Lang, bucket: &str) -> String {
    let k = match bucket {
        "held" => K::BucketHeld,
        "available" => K::BucketAvailable,
        "paid" => K::BucketPaid,
        other => return other.to_string(),
    };
    t(lang, k).to_string()
}

pub fn payout_method(lang: Lang, method: &str) -> String {
    match method {
        "bank_transfer" => t(lang, K::MethodBankTransfer).to_string(),
        other => other.to_string(),
    }
}

// ---- dates ----

/// A calendar date: `25.11.2026` (ru) or `2026-11-25` (en).
pub fn date(lang: Lang, d: NaiveDate) -> String {
    match lang {
        Lang::Ru => d.format("%d.%m.%Y").to_string(),
        Lang::En => d.format("%Y-%m-%d").to_string(),
    }
}

fn local(tz: FixedOffset, ms: i64) -> DateTime<FixedOffset> {
    tz.from_utc_datetime(&Utc.timestamp_millis_opt(ms).single().unwrap_or_default().naive_utc())
}

/// The local date of an instant (unix millis).
pub fn date_ms(lang: Lang, tz: FixedOffset, ms: i64) -> String {
    date(lang, local(tz, ms).date_naive())
}

/// The status line's clock: `2026-11-25 10:00`, in the program's time zone.
pub fn clock(tz: FixedOffset, now: DateTime<Utc>) -> String {
    now.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string()
}

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const MONTHS_RU: [&str; 12] = [
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
];
const MONTHS_RU_SHORT: [&str; 12] =
    ["янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"];

/// `Jun` / `июн`: the chart's labels.
pub fn month_short(lang: Lang, d: NaiveDate) -> String {
    let i = d.month0() as usize;
    match lang {
        Lang::Ru => MONTHS_RU_SHORT[i].to_string(),
        Lang::En => MONTHS_EN[i].chars().take(3).collect(),
    }
}

/// `November 2026` / `ноябрь 2026`.
pub fn month_year(lang: Lang, d: NaiveDate) -> String {
    let i = d.month0() as usize;
    match lang {
        Lang::Ru => format!("{} {}", MONTHS_RU[i], d.year()),
        Lang::En => format!("{} {}", MONTHS_EN[i], d.year()),
    }
}

// ---- sentences with numbers ----

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

/// A service's error in the console's language, naming fields as people call them.
pub fn service_error(lang: Lang, e: &crate::service::ServiceError) -> String {
    e.sentence(lang, crate::service::Names::Words)
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

/// A figure for the chart: `12.3` / `12,3` in the chart's unit.
pub fn compact(lang: Lang, tenge: u64, unit: u64) -> String {
    let tenths = (tenge * 10 + unit / 2) / unit;
    let (whole, frac) = (tenths / 10, tenths % 10);
    if whole >= 100 {
        return whole.to_string();
    }
    match lang {
        Lang::Ru => format!("{whole},{frac}"),
        Lang::En => format!("{whole}.{frac}"),
    }
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
    fn russian_plurals_and_dates() {
        assert_eq!(approve_question(Lang::Ru, 1, "x"), "Одобрить 1 бонус, всего x?");
        assert_eq!(approve_question(Lang::Ru, 3, "x"), "Одобрить 3 бонуса, всего x?");
        assert_eq!(approve_question(Lang::Ru, 11, "x"), "Одобрить 11 бонусов, всего x?");
        assert_eq!(approve_question(Lang::En, 1, "x"), "Approve 1 bonus, x in total?");
        let d = NaiveDate::from_ymd_opt(2026, 6, 5).unwrap_or_default();
        assert_eq!(date(Lang::Ru, d), "05.06.2026");
        assert_eq!(date(Lang::En, d), "2026-06-05");
        assert_eq!(month_short(Lang::Ru, d), "июн");
        assert_eq!(month_short(Lang::En, d), "Jun");
        assert_eq!(compact(Lang::Ru, 12_345_678, 1_000_000), "12,3");
        assert_eq!(compact(Lang::En, 950, 1_000), "1.0");
    }
}

#[cfg(test)]
mod refusal_tests {
    use super::*;
    use crate::domain::bonus::Refusal;
    use crate::service::{Field, Problem, Purpose, ServiceError};

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
