//! The audit screen's reads of the audit log, as the run loop makes them on a task (and the
//! tests on a real database): each [`AuditCall`] answered with its action, the service's error
//! said in the operator's language.
use super::action::{Action, AuditCall, AuditFailed};
use super::i18n;
use crate::domain::Lang;
use crate::service::{Ctx, ServiceError, audit};

pub async fn answer(ctx: &Ctx, lang: Lang, call: AuditCall) -> Action {
    let text = |e: ServiceError| {
        tracing::warn!("{e}");
        i18n::service_error(lang, &e)
    };
    match call {
        AuditCall::List { req, query, newest_first, bound, limit } => {
            let read = audit::list(ctx, &query, newest_first, bound, limit).await;
            // A filter the log cannot take is the operator's to fix, not a failed read.
            let failed = |e: ServiceError| match e {
                ServiceError::Invalid { .. } => AuditFailed::Filter(text(e)),
                e => AuditFailed::Read(text(e)),
            };
            Action::AuditLoaded(req, read.map_err(failed))
        }
        AuditCall::One { req, id } => {
            Action::AuditEntry(req, audit::one(ctx, id).await.map(|e| e.map(Box::new)).map_err(text))
        }
        AuditCall::Verify { req } => {
            let r = audit::verify(ctx).await;
            match &r {
                Ok(Ok((n, _))) => tracing::info!(operator = %ctx.operator, entries = n, "audit chain verified"),
                Ok(Err(b)) => tracing::warn!(operator = %ctx.operator, entry = b.entry(), "audit chain broken"),
                Err(_) => {}
            }
            Action::AuditVerified(req, r.map_err(text))
        }
    }
}
