//! Why a service call did not do what was asked: facts, not sentences. Each caller says them in
//! its own words: the CLI in English with its flags (`--reason: …`), the console in the
//! operator's language with the field's name. Every variant has both renderings; a test walks
//! them all.
use crate::domain::Lang;
use crate::domain::bonus::Refusal;
use crate::domain::codes::CodeError;
use crate::domain::identity::{IbanError, IinError};
use crate::domain::text::TextError;
use chrono::{DateTime, FixedOffset, NaiveDate};
use sea_orm::DbErr;

/// An input field of a service call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Name,
    Code,
    Email,
    Phone,
    Iin,
    Number,
    Signed,
    Iban,
    Reason,
    Status,
    Month,
    Failed,
    From,
    To,
}

impl Field {
    pub const ALL: [Field; 14] = [
        Field::Name,
        Field::Code,
        Field::Email,
        Field::Phone,
        Field::Iin,
        Field::Number,
        Field::Signed,
        Field::Iban,
        Field::Reason,
        Field::Status,
        Field::Month,
        Field::Failed,
        Field::From,
        Field::To,
    ];

    /// The CLI's flag for it.
    pub fn flag(self) -> &'static str {
        match self {
            Field::Name => "--name",
            Field::Code => "--code",
            Field::Email => "--email",
            Field::Phone => "--phone",
            Field::Iin => "--iin",
            Field::Number => "--number",
            Field::Signed => "--signed",
            Field::Iban => "--iban",
            Field::Reason => "--reason",
            Field::Status => "--status",
            Field::Month => "--month",
            Field::Failed => "--failed",
            Field::From => "--from",
            Field::To => "--to",
        }
    }

    /// Its name for people: (English, Russian).
    fn words(self) -> (&'static str, &'static str) {
        match self {
            Field::Name => ("Name", "Имя"),
            Field::Code => ("Code", "Код"),
            Field::Email => ("Email", "Email"),
            Field::Phone => ("Phone", "Телефон"),
            Field::Iin => ("IIN/BIN", "ИИН/БИН"),
            Field::Number => ("Contract number", "Номер договора"),
            Field::Signed => ("Signed on", "Дата подписания"),
            Field::Iban => ("IBAN", "IBAN"),
            Field::Reason => ("Reason", "Причина"),
            Field::Status => ("Status", "Статус"),
            Field::Month => ("Month", "Месяц"),
            Field::Failed => ("Failed", "Не прошли"),
            Field::From => ("From", "С"),
            Field::To => ("To", "По"),
        }
    }
}

/// What an empty field was needed for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    PartnerName,
    ContractNumber,
    VoidBonus,
    DeactivateCode,
    ExcludePartner,
    DecideCase,
}

/// What is wrong with a field's value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    Missing(Purpose),
    NotEmail(String),
    Iin(String, IinError),
    Iban(String, IbanError),
    Code(String, CodeError),
    NotDate(String),
    NotMonth(String),
    NotALine {
        code: String,
        run: i64,
    },
    InFuture(NaiveDate),
    /// Not one of the values listed.
    NotOneOf(String, &'static [&'static str]),
    /// Named twice where once is allowed.
    GivenTwice,
    /// Not a name an operator can be registered under.
    NotLoginName(String),
    /// Text the domain's text policy refuses (too long, or a NUL in it).
    Text(TextError),
}

/// Something named that does not exist.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Missing {
    Partner(String),
    Payment(String),
    Run(i64),
    Case(i64),
    /// An account (client or partner) by its id.
    Account(String),
    Operator(String),
}

/// A change refused by the current state of the program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Conflict {
    CodeTaken {
        code: String,
        owner: String,
    },
    NoFreeCode {
        name: String,
    },
    AccountExists(String),
    CodeDeactivated {
        code: String,
        by: String,
        at: Option<DateTime<FixedOffset>>,
    },
    Excluded {
        code: String,
        by: String,
        at: Option<DateTime<FixedOffset>>,
    },
    /// `operator add` of someone registered and not disabled.
    OperatorExists {
        name: String,
        role: String,
    },
    /// `operator disable` of someone disabled already.
    OperatorDisabled {
        name: String,
        by: String,
        at: Option<DateTime<FixedOffset>>,
    },
    /// A case already decided (its status as stored: dismissed, voided, deactivated, excluded).
    CaseDecided {
        case: i64,
        status: crate::domain::fraud::CaseStatus,
        by: String,
        at: Option<DateTime<FixedOffset>>,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// An input that cannot be taken (exit 2).
    #[error("{}", self.sentence(Lang::En, Names::Flags))]
    Invalid { field: Field, problem: Problem },
    /// The input names nothing that exists (exit 2).
    #[error("{}", self.sentence(Lang::En, Names::Flags))]
    NotFound(Missing),
    /// A bonus cannot be approved or voided now (exit 1; an unknown id, exit 2).
    #[error("{}", self.sentence(Lang::En, Names::Flags))]
    Bonus(#[from] Refusal),
    /// Refused by the current state (exit 1).
    #[error("{}", self.sentence(Lang::En, Names::Flags))]
    Refused(Conflict),
    /// One contract of a batch cannot be taken (as its error says).
    #[error("{}", self.sentence(Lang::En, Names::Flags))]
    Contract { code: String, error: Box<ServiceError> },
    /// An input file that cannot be read (exit 2).
    #[error("{}", self.sentence(Lang::En, Names::Flags))]
    Unreadable { file: String, error: String },
    /// An output file that cannot be written (exit 2).
    #[error("{}", self.sentence(Lang::En, Names::Flags))]
    Unwritable { file: String, error: String },
    /// A payout run's step refused by the run's state or by who asks (exit 1).
    #[error("{}", self.sentence(Lang::En, Names::Flags))]
    Payout(super::payouts::PayoutRefusal),
    /// The acting operator may not do it (exit 1).
    #[error("{}", self.sentence(Lang::En, Names::Flags))]
    Denied(super::access::Denial),
    /// The database did not do it: a reason refdesk knows (busy, read-only …) or the driver's.
    #[error("{}", self.sentence(Lang::En, Names::Flags))]
    Db(DbErr),
}

impl From<DbErr> for ServiceError {
    /// The driver's own words go to the log here, once; the operator reads the sentence of
    /// [`crate::store::errors::Reason`] (the driver's text only when refdesk knows no reason).
    fn from(e: DbErr) -> ServiceError {
        tracing::warn!(error = %crate::store::errors::scrub(&e.to_string(), None), "database error");
        ServiceError::Db(e)
    }
}

/// How a sentence names a field: by the CLI's flag, or by its name for people.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Names {
    Flags,
    Words,
}

pub type Result<T> = std::result::Result<T, ServiceError>;

impl ServiceError {
    pub fn invalid(field: Field, problem: Problem) -> ServiceError {
        ServiceError::Invalid { field, problem }
    }

    pub fn exit_code(&self) -> i32 {
        match self {
            ServiceError::Invalid { .. }
            | ServiceError::NotFound(_)
            | ServiceError::Unreadable { .. }
            | ServiceError::Unwritable { .. } => 2,
            ServiceError::Bonus(Refusal::NoSuchBonus(_)) => 2,
            ServiceError::Contract { error, .. } => error.exit_code(),
            ServiceError::Bonus(_)
            | ServiceError::Refused(_)
            | ServiceError::Payout(_)
            | ServiceError::Denied(_)
            | ServiceError::Db(_) => 1,
        }
    }

    /// One sentence in `lang`.
    pub fn sentence(&self, lang: Lang, names: Names) -> String {
        let ru = lang == Lang::Ru;
        let pick = |en: String, r: String| if ru { r } else { en };
        match self {
            ServiceError::Invalid { field, problem } => {
                let name = match names {
                    Names::Flags => field.flag().to_string(),
                    Names::Words => {
                        let (en, r) = field.words();
                        (if ru { r } else { en }).to_string()
                    }
                };
                format!("{name}: {}", problem_text(problem, ru))
            }
            ServiceError::NotFound(Missing::Partner(code)) => {
                pick(format!("no partner has the code {code}"), format!("партнёра с кодом {code} нет"))
            }
            ServiceError::NotFound(Missing::Payment(id)) => {
                pick(format!("there is no payment {id}"), format!("платежа {id} нет"))
            }
            ServiceError::NotFound(Missing::Run(id)) => {
                pick(format!("there is no payout run {id}"), format!("выплаты {id} нет"))
            }
            ServiceError::NotFound(Missing::Case(id)) => {
                pick(format!("there is no abuse case {id}"), format!("дела о нарушении {id} нет"))
            }
            ServiceError::NotFound(Missing::Account(id)) => {
                pick(format!("there is no account {id}"), format!("аккаунта {id} нет"))
            }
            ServiceError::NotFound(Missing::Operator(name)) => pick(
                format!("{name} is not a registered operator (see `operator list`)"),
                format!("{name} не зарегистрирован как оператор"),
            ),
            ServiceError::Payout(r) => r.text(ru),
            ServiceError::Denied(d) => d.text(ru, names == Names::Flags),
            ServiceError::Bonus(r) => {
                if ru {
                    refusal_ru(r)
                } else {
                    r.to_string()
                }
            }
            ServiceError::Refused(c) => conflict_text(c, ru),
            ServiceError::Contract { code, error } => {
                let inner = error.sentence(lang, names);
                pick(format!("the contract of {code}: {inner}"), format!("договор {code}: {inner}"))
            }
            ServiceError::Unreadable { file: source, error } => {
                pick(format!("{source}: cannot read: {error}"), format!("{source}: не читается: {error}"))
            }
            ServiceError::Unwritable { file, error } => {
                pick(format!("{file}: cannot write: {error}"), format!("{file}: не записывается: {error}"))
            }
            ServiceError::Db(e) => match crate::store::errors::classify(e) {
                Some(reason) => reason.sentence(ru),
                None => {
                    let e = crate::store::errors::scrub(&e.to_string(), None);
                    pick(format!("database error: {e}"), format!("ошибка базы данных: {e}"))
                }
            },
        }
    }
}

fn when(at: &Option<DateTime<FixedOffset>>) -> String {
    at.map(|t| t.format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default()
}

fn problem_text(p: &Problem, ru: bool) -> String {
    let (en, r) = match p {
        Problem::Missing(purpose) => {
            let (en, r) = match purpose {
                Purpose::PartnerName => ("a partner needs a name", "у партнёра должно быть имя"),
                Purpose::ContractNumber => ("the contract number is empty", "номер договора пуст"),
                Purpose::VoidBonus => ("say why the bonus is voided", "укажите, почему бонус аннулируется"),
                Purpose::DeactivateCode => ("say why the code is deactivated", "укажите, почему код отключается"),
                Purpose::ExcludePartner => ("say why the partner is excluded", "укажите, почему партнёр исключается"),
                Purpose::DecideCase => ("say why the case is decided so", "укажите причину решения по делу"),
            };
            (en.to_string(), r.to_string())
        }
        Problem::NotEmail(v) => {
            (format!("{v:?} is not an email address"), format!("{v:?} — не адрес электронной почты"))
        }
        Problem::Iin(v, e) => (format!("{v}: {e}"), format!("{v}: {}", iin_ru(*e))),
        Problem::Iban(v, e) => (format!("{v}: {e}"), format!("{v}: {}", iban_ru(*e))),
        Problem::Code(v, e) => (format!("{v}: {e}"), format!("{v}: {}", code_ru(*e))),
        Problem::NotDate(v) => (format!("{v:?} is not a date YYYY-MM-DD"), format!("{v:?} — не дата ГГГГ-ММ-ДД")),
        Problem::NotMonth(v) => (format!("{v:?} is not a month YYYY-MM"), format!("{v:?} — не месяц ГГГГ-ММ")),
        Problem::NotALine { code, run } => (
            format!("{code} has no payable line in payout run {run}"),
            format!("у {code} нет строки к оплате в выплате {run}"),
        ),
        Problem::InFuture(d) => (format!("{d} is in the future"), format!("{d} — дата в будущем")),
        Problem::NotOneOf(v, list) => {
            let (head, last) = list.split_at(list.len().saturating_sub(1));
            let en = if head.is_empty() { last.join("") } else { format!("{} or {}", head.join(", "), last.join("")) };
            let r =
                if head.is_empty() { last.join("") } else { format!("{} или {}", head.join(", "), last.join("")) };
            (format!("{v:?} is not {en}"), format!("{v:?} — не {r}"))
        }
        Problem::GivenTwice => ("given twice".to_string(), "указан дважды".to_string()),
        Problem::Text(e) => (e.to_string(), text_ru(e)),
        Problem::NotLoginName(v) => (
            format!("{v:?} is not an operator's login name (letters, digits, '.', '_', '-', '@'; not \"system\")"),
            format!("{v:?} — не имя входа оператора (буквы, цифры, '.', '_', '-', '@'; не «system»)"),
        ),
    };
    if ru { r } else { en }
}

fn text_ru(e: &TextError) -> String {
    match e {
        TextError::TooLong(n) => format!("длиннее {n} символов"),
        TextError::Control(c) => format!("содержит управляющий символ U+{c:04X}"),
        TextError::Format(c) => format!("содержит невидимый символ форматирования U+{c:04X}"),
    }
}

fn iin_ru(e: IinError) -> &'static str {
    match e {
        IinError::Length => "в ИИН/БИН 12 цифр",
        IinError::NoCheckDigit => "у такого ИИН/БИН не может быть верной контрольной цифры",
        IinError::Checksum => "контрольная цифра ИИН/БИН не сходится",
    }
}

fn iban_ru(e: IbanError) -> &'static str {
    match e {
        IbanError::NotKazakh => "казахстанский IBAN начинается с KZ",
        IbanError::Length => "в казахстанском IBAN 20 знаков (KZ и ещё 18)",
        IbanError::Characters => "в IBAN только латинские буквы и цифры",
        IbanError::CheckNotDigits => "контрольные знаки IBAN — не цифры",
        IbanError::Checksum => "контрольные цифры IBAN не сходятся (mod 97)",
    }
}

fn code_ru(e: CodeError) -> &'static str {
    match e {
        CodeError::Length => "в промокоде от 2 до 32 знаков",
        CodeError::Characters => "в промокоде только латинские буквы, цифры, '-' и '_'",
    }
}

fn refusal_ru(r: &Refusal) -> String {
    let at = |t: &DateTime<FixedOffset>| t.format("%Y-%m-%d %H:%M").to_string();
    match r {
        Refusal::NoSuchBonus(id) => format!("бонуса {id} нет"),
        Refusal::Approved { id, by, at: t } => format!("бонус {id} уже одобрил {by} в {}", at(t)),
        Refusal::Voided { id, by, at: t, reason } => format!("бонус {id} аннулировал {by} в {}: {reason}", at(t)),
        Refusal::Paid(id) => format!("бонус {id} уже выплачен"),
        Refusal::Frozen(id) => format!("бонус {id} заморожен: по партнёру открыто дело о нарушении"),
        Refusal::NotDue { id, at: t } => format!("бонус {id} ещё удерживается: удержание заканчивается {}", at(t)),
        Refusal::Changed => {
            "другой оператор только что изменил эти бонусы; ничего не изменено, посмотрите ещё раз".into()
        }
        Refusal::AutoApproval => "в этой программе бонусы одобряются автоматически (approval = \"auto\")".into(),
    }
}

fn conflict_text(c: &Conflict, ru: bool) -> String {
    let (en, r) = match c {
        Conflict::CodeTaken { code, owner } => (
            format!("the code {code} already belongs to partner {owner}"),
            format!("код {code} уже принадлежит партнёру {owner}"),
        ),
        Conflict::NoFreeCode { name } => (
            format!("no free promo code can be made from {name:?}"),
            format!("из имени {name:?} не получается свободный промокод"),
        ),
        Conflict::AccountExists(id) => (format!("account {id} already exists"), format!("аккаунт {id} уже есть")),
        Conflict::CodeDeactivated { code, by, at } => (
            format!("the code {code} was already deactivated by {by} at {}", when(at)),
            format!("код {code} уже отключил {by} в {}", when(at)),
        ),
        Conflict::Excluded { code, by, at } => (
            format!("partner {code} was already excluded by {by} at {}", when(at)),
            format!("партнёра {code} уже исключил {by} в {}", when(at)),
        ),
        Conflict::OperatorExists { name, role } => (
            format!("{name} is already registered, as {role}; `operator set-role` changes the role"),
            format!("{name} уже зарегистрирован, роль {role}"),
        ),
        Conflict::OperatorDisabled { name, by, at } => (
            format!("{name} was already disabled by {by} at {}", when(at)),
            format!("{name} уже отключил {by} в {}", when(at)),
        ),
        Conflict::CaseDecided { case, status, by, at } => {
            let ru_status = super::fraud::status_words(*status).1;
            (
                format!("abuse case {case} was already decided by {by} at {}: {}", when(at), status.as_str()),
                format!("по делу {case} уже решил {by} в {}: {ru_status}", when(at)),
            )
        }
    };
    if ru { r } else { en }
}

#[cfg(test)]
#[path = "error_tests.rs"]
mod tests;
