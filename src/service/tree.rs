//! `partner tree`: who brought whom, from a partner down.
use super::{Ctx, Result, ServiceError};
use crate::domain::tree::{self, Node};
use crate::store::tree as store;

/// How deep a tree is read when no depth is asked: deep enough for any real program, and a
/// bound on what one answer holds.
pub const DEFAULT_DEPTH: u32 = 64;

/// The tree under the partner with `code`, down to `depth` levels.
pub async fn tree(ctx: &Ctx, code: &str, depth: u32) -> Result<Node> {
    let (p, _) = super::partners::find(ctx, code).await?;
    let rows = store::under(&ctx.store.db, &p.account_id, depth).await?;
    tree::build(rows).ok_or_else(|| ServiceError::NotFound(super::Missing::Partner(code.trim().to_uppercase())))
}
