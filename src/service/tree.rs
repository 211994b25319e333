//! `partner tree`: who brought whom, from a partner down; and, for the console, the same tree a
//! level at a time.
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

/// An account and the accounts it brought, one level: what the console shows when a node opens.
#[derive(Clone, Debug, PartialEq)]
pub struct Level {
    /// The account, as it is now (its counts and marks read with its children).
    pub node: Node,
    /// The accounts it brought, by id; their own children not read.
    pub children: Vec<Node>,
}

/// A tree's top as the console opens it: the partner, its first level, and who brought it.
#[derive(Clone, Debug, PartialEq)]
pub struct Rooted {
    pub level: Level,
    /// The accounts above the partner, nearest first: (account id, code when a partner).
    pub upline: Vec<(String, Option<String>)>,
}

/// The partner with `code` and the accounts it brought, with who brought it.
pub async fn rooted(ctx: &Ctx, code: &str) -> Result<Rooted> {
    let (p, _) = super::partners::find(ctx, code).await?;
    let level = level(ctx, &p.account_id).await?;
    let upline = store::upline(&ctx.store.db, &p.account_id, DEFAULT_DEPTH).await?;
    Ok(Rooted { level, upline })
}

/// The account `account_id` and the accounts it brought.
pub async fn level(ctx: &Ctx, account_id: &str) -> Result<Level> {
    let mut rows = store::under(&ctx.store.db, account_id, 1).await?.into_iter();
    let Some(top) = rows.next() else {
        return Err(ServiceError::NotFound(super::Missing::Account(account_id.to_string())));
    };
    // A child that is the account itself (data that loops on itself) the query left out.
    let children = rows.map(|r| tree::node(&r)).collect();
    Ok(Level { node: tree::node(&top), children })
}
