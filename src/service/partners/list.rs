//! The partner list: one keyset page at a time, with each partner's pending and available sums.
use crate::service::{Ctx, Result};
use crate::store::partners::{self as store, ListQuery};

pub use crate::store::partners::PartnerRow;

/// One page of partners in the sort order.
pub async fn list(ctx: &Ctx, q: &ListQuery) -> Result<Vec<PartnerRow>> {
    Ok(store::list(&ctx.store.db, q).await?)
}

/// How many partners a list's search and status find.
pub async fn count(ctx: &Ctx, q: &ListQuery) -> Result<i64> {
    Ok(store::list_count(&ctx.store.db, q).await?)
}
