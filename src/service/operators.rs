//! The database's mode and its operators: `init` fixes the mode and registers the first admin;
//! admins add operators, change their roles and disable them. Nobody is ever deleted: the audit
//! log names them.
use super::access::{Denial, allow, allow_reading};
use super::{Clock, Conflict, Ctx, Field, Missing, Problem, Result, ServiceError, from_ms, ms};
use crate::domain::access::{Deed, Mode, Role, valid_name};
use crate::store::access::{self as store, Operator};
use crate::store::audit;
use serde_json::json;

/// What `init` did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Init {
    pub mode: Mode,
    /// The mode was fixed by this call (the database is new to refdesk).
    pub fixed: bool,
    /// The invoking operator became the first admin.
    pub admin: bool,
}

/// Fixes the mode of a database that has none (`sandbox`, else production) and registers the
/// invoking operator as admin when there is none. `sandbox` on a production database is refused.
pub async fn init(ctx: &Ctx, sandbox: bool) -> Result<Init> {
    let txn = ctx.store.begin_write().await?;
    let had = store::mode(&txn).await?;
    let mode = match (had, sandbox) {
        (Some(Mode::Production), true) => {
            return Err(ServiceError::Denied(Denial::ModeFixed { mode: Mode::Production }));
        }
        (Some(m), _) => m,
        (None, true) => Mode::Sandbox,
        (None, false) => Mode::Production,
    };
    let admins = store::active_admins(&txn).await?;
    if mode == Mode::Production && matches!(ctx.clock, Clock::Fixed(_)) && (had.is_none() || admins == 0) {
        return Err(ServiceError::Denied(Denial::ClockGiven { deed: Deed::ManageOperators }));
    }
    let fixed = store::fix_mode(&txn, mode).await?;
    let now = ms(ctx.now());
    let admin = admins == 0;
    if admin {
        register(&txn, ctx, &ctx.operator, Role::Admin, now).await?;
    }
    if fixed {
        let detail = json!({"before": {"mode": null}, "after": {"mode": mode.as_str()}});
        audit::append(&txn, entry(ctx, now, "database.init", "database", detail, None)).await?;
    }
    if admin {
        audit::append(
            &txn,
            entry(
                ctx,
                now,
                "operator.add",
                &ctx.operator,
                json!({"role": "admin"}),
                Some("first administrator (init)"),
            ),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(Init { mode, fixed, admin })
}

fn entry<'a>(
    ctx: &'a Ctx,
    at: i64,
    action: &'a str,
    subject: &'a str,
    detail: serde_json::Value,
    reason: Option<&'a str>,
) -> audit::Entry<'a> {
    audit::Entry { at, operator: &ctx.operator, action, subject, detail, reason }
}

/// Registers `name` with `role`, or gives a registered (perhaps disabled) one that role again.
async fn register<C: sea_orm::ConnectionTrait>(c: &C, ctx: &Ctx, name: &str, role: Role, at: i64) -> Result<()> {
    if store::get(c, name).await?.is_some() {
        store::set_role(c, name, role, true).await?;
    } else {
        store::insert(c, name, role, at, &ctx.operator).await?;
    }
    Ok(())
}

/// Every operator with role and standing: who may do what is itself the admins' business.
pub async fn list(ctx: &Ctx) -> Result<Vec<Operator>> {
    allow_reading(ctx, Deed::ManageOperators).await?;
    Ok(store::list(&ctx.store.db).await?)
}

/// Registers an operator, or registers a disabled one again with `role`.
pub async fn add(ctx: &Ctx, name: &str, role: Role) -> Result<()> {
    allow(ctx, Deed::ManageOperators).await?;
    let name = name.trim();
    if !valid_name(name) {
        return Err(ServiceError::invalid(Field::Name, Problem::NotLoginName(name.to_string())));
    }
    let txn = ctx.store.begin_write().await?;
    let before = store::get(&txn, name).await?;
    if let Some(o) = &before
        && o.disabled_at.is_none()
    {
        let role = o.role.map(|r| r.as_str()).unwrap_or("no known role").to_string();
        return Err(ServiceError::Refused(Conflict::OperatorExists { name: name.to_string(), role }));
    }
    let now = ms(ctx.now());
    register(&txn, ctx, name, role, now).await?;
    let detail = match &before {
        Some(o) => {
            json!({"before": {"role": o.role.map(|r| r.as_str()), "disabled": true}, "after": {"role": role.as_str()}})
        }
        None => json!({"role": role.as_str()}),
    };
    audit::append(&txn, entry(ctx, now, "operator.add", name, detail, None)).await?;
    txn.commit().await?;
    Ok(())
}

/// Whether a change leaves at least one admin who is not disabled.
async fn keeps_an_admin<C: sea_orm::ConnectionTrait>(c: &C, o: &Operator) -> Result<()> {
    if o.role == Some(Role::Admin) && o.disabled_at.is_none() && store::active_admins(c).await? <= 1 {
        return Err(ServiceError::Denied(Denial::LastAdmin { name: o.name.clone() }));
    }
    Ok(())
}

async fn existing<C: sea_orm::ConnectionTrait>(c: &C, name: &str) -> Result<Operator> {
    store::get(c, name.trim()).await?.ok_or_else(|| ServiceError::NotFound(Missing::Operator(name.trim().to_string())))
}

/// Changes an operator's role; says whether it changed (the same role again writes nothing).
pub async fn set_role(ctx: &Ctx, name: &str, role: Role) -> Result<bool> {
    allow(ctx, Deed::ManageOperators).await?;
    let txn = ctx.store.begin_write().await?;
    let o = existing(&txn, name).await?;
    if o.role == Some(role) {
        return Ok(false);
    }
    if role != Role::Admin {
        keeps_an_admin(&txn, &o).await?;
    }
    store::set_role(&txn, &o.name, role, false).await?;
    let detail = json!({"before": {"role": o.role.map(|r| r.as_str())}, "after": {"role": role.as_str()}});
    audit::append(&txn, entry(ctx, ms(ctx.now()), "operator.set_role", &o.name, detail, None)).await?;
    txn.commit().await?;
    Ok(true)
}

/// Disables an operator: from then on they may only read.
pub async fn disable(ctx: &Ctx, name: &str) -> Result<()> {
    allow(ctx, Deed::ManageOperators).await?;
    let txn = ctx.store.begin_write().await?;
    let o = existing(&txn, name).await?;
    if let Some(at) = o.disabled_at {
        return Err(ServiceError::Refused(Conflict::OperatorDisabled {
            name: o.name,
            by: o.disabled_by.unwrap_or_default(),
            at: Some(ctx.terms.local(from_ms(at)).fixed_offset()),
        }));
    }
    keeps_an_admin(&txn, &o).await?;
    let now = ms(ctx.now());
    store::disable(&txn, &o.name, now, &ctx.operator).await?;
    let detail =
        json!({"before": {"disabled": false}, "after": {"disabled": true}, "role": o.role.map(|r| r.as_str())});
    audit::append(&txn, entry(ctx, now, "operator.disable", &o.name, detail, None)).await?;
    txn.commit().await?;
    Ok(())
}

/// A sandbox for tests and examples in one call: fixes the mode, makes the acting operator admin
/// and registers the others with their roles.
pub async fn sandbox(ctx: &Ctx, others: &[(&str, Role)]) -> Result<()> {
    init(ctx, true).await?;
    for (name, role) in others {
        match add(ctx, name, *role).await {
            Err(ServiceError::Refused(Conflict::OperatorExists { .. })) => {
                set_role(ctx, name, *role).await?;
            }
            r => r?,
        }
    }
    Ok(())
}
