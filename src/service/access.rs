//! Who may act: every service that changes state asks [`allow`] first, so the CLI and the
//! console cannot differ. The role is read from the database at each change, so a role changed
//! or an operator disabled while a console is open holds from that console's next change.
use super::{Clock, Ctx, Result, ServiceError};
use crate::domain::access::{Deed, Mode, Role, may};
use crate::store::access as store;
use chrono::{DateTime, FixedOffset};

/// Why the acting operator may not do what they asked (exit 1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Denial {
    /// Their role is below the deed's (`has`: `None` when they are not registered).
    Needs { who: String, has: Option<Role>, deed: Deed },
    /// They were disabled by an admin.
    Disabled { who: String, by: String, at: Option<DateTime<FixedOffset>>, deed: Deed },
    /// Nobody is registered yet: `init` registers the first admin.
    NoOperators { deed: Deed },
    /// A production database changes only at the real time.
    ClockGiven { deed: Deed },
    /// A production database acts as the OS login only.
    NotYou { given: String, login: String },
    /// `init --sandbox` on a database fixed otherwise.
    ModeFixed { mode: Mode },
    /// Demonstration data goes into a sandbox only.
    NotSandbox,
    /// The change would leave no admin who can manage operators.
    LastAdmin { name: String },
}

impl Denial {
    /// One sentence; `flags`: the CLI's, naming its options.
    pub fn text(&self, ru: bool, flags: bool) -> String {
        let now = if flags { " (--now)" } else { "" };
        let op = if flags { "--operator " } else { "" };
        let init = if flags { " (`refdesk init --sandbox`)" } else { "" };
        let deed = |d: &Deed| if ru { d.words().1 } else { d.words().0 };
        let role = |r: &Role| if ru { r.ru() } else { r.as_str() };
        match (self, ru) {
            (Denial::Needs { who, has: Some(has), deed: d }, false) => format!(
                "{} needs the {} role; {who} is {} {}",
                deed(d),
                d.needs().as_str(),
                if *has == Role::Viewer { "a" } else { "an" },
                has.as_str()
            ),
            (Denial::Needs { who, has: Some(has), deed: d }, true) => {
                format!("{} требует роли «{}»; у {who} — «{}»", deed(d), role(&d.needs()), role(has))
            }
            (Denial::Needs { who, has: None, deed: d }, false) => format!(
                "{} needs the {} role; {who} is not a registered operator of this database and may only read",
                deed(d),
                d.needs().as_str()
            ),
            (Denial::Needs { who, has: None, deed: d }, true) => format!(
                "{} требует роли «{}»; {who} не зарегистрирован в этой базе и может только смотреть",
                deed(d),
                role(&d.needs())
            ),
            (Denial::Disabled { who, by, at, deed: d }, false) => format!(
                "{} needs the {} role; {who} was disabled by {by}{} and may only read",
                deed(d),
                d.needs().as_str(),
                at.map(|t| format!(" at {}", t.format("%Y-%m-%d %H:%M"))).unwrap_or_default()
            ),
            (Denial::Disabled { who, by, at, deed: d }, true) => format!(
                "{} требует роли «{}»; {who} отключил {by}{}, можно только смотреть",
                deed(d),
                role(&d.needs()),
                at.map(|t| format!(" в {}", t.format("%Y-%m-%d %H:%M"))).unwrap_or_default()
            ),
            (Denial::NoOperators { deed: d }, false) => format!(
                "{} needs the {} role, and nobody is registered in this database yet: `refdesk init` registers you as its first admin",
                deed(d),
                d.needs().as_str()
            ),
            (Denial::NoOperators { deed: d }, true) => format!(
                "{} требует роли «{}», а в этой базе ещё никто не зарегистрирован: `refdesk init` сделает вас первым администратором",
                deed(d),
                role(&d.needs())
            ),
            (Denial::ClockGiven { deed: d }, false) => format!(
                "{} is refused at a given time{now}: a production database changes only at the real time; a given time is for reading",
                deed(d)
            ),
            (Denial::ClockGiven { deed: d }, true) => format!(
                "{}: рабочая база меняется только в настоящем времени; заданное время{now} — только для просмотра",
                deed(d)
            ),
            (Denial::NotYou { given, login }, false) => format!(
                "{op}{given} is refused: in a production database the operator is the login running refdesk ({login})"
            ),
            (Denial::NotYou { given, login }, true) => format!(
                "{op}{given} отклонён: в рабочей базе оператор — это пользователь, запустивший refdesk ({login})"
            ),
            (Denial::ModeFixed { mode }, false) => format!(
                "this database is a {} database, and a database never changes mode; create a new one for a sandbox",
                mode.as_str()
            ),
            (Denial::ModeFixed { mode }, true) => format!(
                "эта база — {}, а режим базы не меняется; для песочницы создайте новую базу",
                if *mode == Mode::Sandbox { "песочница" } else { "рабочая" }
            ),
            (Denial::NotSandbox, false) => {
                format!("demonstration data goes only into a sandbox database{init}; this one is a production database")
            }
            (Denial::NotSandbox, true) => format!("демо-данные заносятся только в песочницу{init}; эта база — рабочая"),
            (Denial::LastAdmin { name }, false) => {
                format!(
                    "{name} is the last admin: register another admin first, so that someone can still manage operators"
                )
            }
            (Denial::LastAdmin { name }, true) => format!(
                "{name} — последний администратор: сначала назначьте другого, чтобы было кому управлять операторами"
            ),
        }
    }
}

/// The database's mode; one `init` has not fixed yet is treated as production (the safe one).
pub async fn mode(ctx: &Ctx) -> Result<Mode> {
    Ok(store::mode(&ctx.store.db).await?.unwrap_or(Mode::Production))
}

/// Whether the acting operator may do `deed` now: their role as registered (not disabled), and
/// on a production database the real clock. Returns the role.
pub async fn allow(ctx: &Ctx, deed: Deed) -> Result<Role> {
    if mode(ctx).await? != Mode::Sandbox && matches!(ctx.clock, Clock::Fixed(_)) {
        return Err(ServiceError::Denied(Denial::ClockGiven { deed }));
    }
    allow_reading(ctx, deed).await
}

/// Whether the acting operator's role allows reading what only `deed`'s role may see (the
/// operators' list): the role alone, at any time.
pub async fn allow_reading(ctx: &Ctx, deed: Deed) -> Result<Role> {
    let db = &ctx.store.db;
    let who = ctx.operator.clone();
    match store::get(db, &who).await? {
        Some(o) if o.disabled_at.is_some() => Err(ServiceError::Denied(Denial::Disabled {
            who,
            by: o.disabled_by.unwrap_or_default(),
            at: o.disabled_at.map(|t| ctx.terms.local(super::from_ms(t)).fixed_offset()),
            deed,
        })),
        Some(o) => match o.role {
            Some(r) if may(r, deed) => Ok(r),
            has => Err(ServiceError::Denied(Denial::Needs { who, has, deed })),
        },
        None if store::list(db).await?.is_empty() => Err(ServiceError::Denied(Denial::NoOperators { deed })),
        None => Err(ServiceError::Denied(Denial::Needs { who, has: None, deed })),
    }
}

/// Checks who claims to act before anything runs: on a database that is not a sandbox (nor about
/// to become one: `init --sandbox`, `demo` on a new database) the operator is the OS login, and
/// `--operator` naming anyone else is refused.
pub async fn identify(ctx: &Ctx, login: &str, becomes_sandbox: bool) -> Result<()> {
    let mode = store::mode(&ctx.store.db).await?;
    let trusted = mode == Some(Mode::Sandbox) || (mode.is_none() && becomes_sandbox);
    if !trusted && ctx.operator != login {
        return Err(ServiceError::Denied(Denial::NotYou { given: ctx.operator.clone(), login: login.to_string() }));
    }
    Ok(())
}

/// What the console shows of the acting operator: their role (None: may only read) and whether
/// the database is a sandbox, read once when the console opens (the services decide at each
/// change, so a role changed meanwhile is refused there with its sentence).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Standing {
    pub role: Option<Role>,
    pub mode: Mode,
    /// Changes are off: a production database looked at with `--now`.
    pub what_if: bool,
    /// Changes are off: the database is open read-only (the file, or the role).
    pub read_only: bool,
}

impl Standing {
    /// Whether `deed` would be allowed (the service decides again when it is asked).
    pub fn may(&self, deed: Deed) -> bool {
        !self.what_if && !self.read_only && self.role.is_some_and(|r| may(r, deed))
    }
}

pub async fn standing(ctx: &Ctx) -> Result<Standing> {
    let mode = mode(ctx).await?;
    let role = store::get(&ctx.store.db, &ctx.operator).await?.filter(|o| o.disabled_at.is_none()).and_then(|o| o.role);
    let what_if = mode != Mode::Sandbox && matches!(ctx.clock, Clock::Fixed(_));
    Ok(Standing { role, mode, what_if, read_only: ctx.store.read_only })
}
