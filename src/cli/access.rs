//! `init`, `operator …` and `audit …`: who may act, and what they did.
use super::{Exit, print_json, time};
use crate::domain::access::Mode;
use crate::domain::audit::Entry;
use crate::domain::identity::clean_text;
use crate::service::{self, Ctx, audit, operators};
use args::{AuditCmd, OperatorCmd};
use serde_json::{Value, json};

use super::args;

pub async fn init(ctx: &Ctx, sandbox: bool) -> service::Result<Exit> {
    let done = operators::init(ctx, sandbox).await?;
    let mode = match done.mode {
        Mode::Production => "a production database: the operator is the login, changes take the real time",
        Mode::Sandbox => "a sandbox: --operator and --now are taken as given",
    };
    println!("Database ready: {} ({mode}).", ctx.store.describe());
    if done.admin {
        println!("{} is the first administrator.", ctx.operator);
    }
    for m in ctx.terms.catalog_mismatches() {
        eprintln!("catalog check: {m}");
    }
    Ok(0)
}

pub async fn operator(ctx: &Ctx, cmd: OperatorCmd) -> service::Result<Exit> {
    match cmd {
        OperatorCmd::Add { name, role } => {
            operators::add(ctx, &name, role.role()).await?;
            println!("{} is registered as {}.", name.trim(), role.role().as_str());
        }
        OperatorCmd::SetRole { name, role } => {
            if operators::set_role(ctx, &name, role.role()).await? {
                println!("{} is now {}.", name.trim(), role.role().as_str());
            } else {
                println!("{} is {} already; nothing changed.", name.trim(), role.role().as_str());
            }
        }
        OperatorCmd::Disable { name } => {
            operators::disable(ctx, &name).await?;
            println!("{} is disabled and may only read.", name.trim());
        }
        OperatorCmd::List { json: as_json } => {
            let all = operators::list(ctx).await?;
            if as_json {
                print_json(&Value::Array(
                    all.iter()
                        .map(|o| {
                            json!({
                                "name": o.name,
                                "role": o.role.map(|r| r.as_str()),
                                "active": o.disabled_at.is_none(),
                                "created_at": time(ctx, o.created_at),
                                "created_by": o.created_by,
                                "disabled_at": o.disabled_at.map(|t| time(ctx, t)),
                                "disabled_by": o.disabled_by,
                            })
                        })
                        .collect(),
                ));
            } else {
                for o in &all {
                    let standing = match (&o.disabled_at, &o.disabled_by) {
                        (Some(at), by) => {
                            format!("disabled by {} at {}", by.as_deref().unwrap_or(""), super::local(ctx, *at))
                        }
                        (None, _) => "active".to_string(),
                    };
                    let role = o.role.map(|r| r.as_str()).unwrap_or("?");
                    println!("{:<24} {:<9} {standing}", clean_text(&o.name), role);
                }
            }
        }
    }
    Ok(0)
}

fn entry_json(ctx: &Ctx, e: &Entry) -> Value {
    json!({
        "id": e.id,
        "at": time(ctx, e.at),
        "operator": e.operator,
        "role": e.role,
        "sandbox": e.sandbox,
        "action": e.action,
        "subject": e.subject,
        "detail": serde_json::from_str::<Value>(&e.detail).unwrap_or(Value::String(e.detail.clone())),
        "reason": e.reason,
        "prev_hash": e.prev_hash,
        "hash": e.hash,
    })
}

pub async fn audit(ctx: &Ctx, cmd: AuditCmd) -> service::Result<Exit> {
    match cmd {
        AuditCmd::List { operator, action, subject, from, to, json: as_json } => {
            let q = audit::Query { operator, action, subject, from, to };
            // A page at a time: the log of a busy year is long.
            let mut after = None;
            let mut all = Vec::new();
            loop {
                let page = audit::list(ctx, &q, false, after, 2000).await?;
                let Some(last) = page.last() else { break };
                after = Some(last.id);
                if as_json {
                    all.extend(page.iter().map(|e| entry_json(ctx, e)));
                } else {
                    for e in &page {
                        let sandbox = if e.sandbox { " [sandbox]" } else { "" };
                        let reason = e.reason.as_deref().map(|r| format!(" — {}", clean_text(r))).unwrap_or_default();
                        println!(
                            "{:>6}  {}  {} ({}){sandbox}  {}  {}  {}{reason}",
                            e.id,
                            super::local(ctx, e.at),
                            clean_text(&e.operator),
                            e.role,
                            e.action,
                            clean_text(&e.subject),
                            clean_text(&e.detail),
                        );
                    }
                }
            }
            if as_json {
                print_json(&Value::Array(all));
            }
            Ok(0)
        }
        AuditCmd::Verify { json: as_json } => match audit::verify(ctx).await? {
            Ok((entries, head)) => {
                if as_json {
                    print_json(&json!({"ok": true, "entries": entries, "head": head}));
                } else {
                    println!("audit log intact: {entries} entries, head {head}");
                }
                Ok(0)
            }
            Err(b) => {
                if as_json {
                    print_json(&json!({"ok": false, "entry": b.entry(), "problem": b.text(false)}));
                }
                eprintln!("audit log broken: {}", b.text(false));
                Ok(1)
            }
        },
    }
}
