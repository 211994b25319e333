//! The partner list: one keyset page at a time, with each partner's pending and available sums.
use crate::domain::Money;
use crate::domain::bonus::StoredBonusState;
use crate::domain::partner::Status;
use crate::service::{Ctx, Result};
use crate::store::partners::{Cursor, CursorKey, ListQuery, Sort};
use crate::store::{bonuses, partners as store};
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PartnerRow {
    pub account_id: String,
    pub code: String,
    pub name: String,
    pub status: Status,
    pub phone: Option<String>,
    pub registered_at: i64,
    pub has_contract: bool,
    /// Earned and not yet approved (held and due; frozen ones among them too).
    pub pending: Money,
    pub available: Money,
}

impl PartnerRow {
    pub fn cursor(&self, sort: Sort) -> Cursor {
        Cursor {
            key: match sort {
                Sort::Name => CursorKey::Text(self.name.clone()),
                Sort::Code => CursorKey::Text(self.code.clone()),
                Sort::Registered => CursorKey::Int(self.registered_at),
            },
            account_id: self.account_id.clone(),
        }
    }
}

/// One page of partners in the sort order, with their pending and available amounts (one
/// grouped query for the page; the CLI's whole list goes in chunks below the bind limits).
pub async fn list(ctx: &Ctx, q: &ListQuery) -> Result<Vec<PartnerRow>> {
    let db = &ctx.store.db;
    let rows = store::list(db, q).await?;
    let ids: Vec<String> = rows.iter().map(|r| r.account_id.clone()).collect();
    let sums = bonuses::unpaid_sums(db, &ids).await?;
    let sum = |id: &String, s| sums.get(&(id.clone(), s)).copied().unwrap_or(Money::ZERO);
    Ok(rows
        .into_iter()
        .map(|r| PartnerRow {
            pending: sum(&r.account_id, StoredBonusState::Held),
            available: sum(&r.account_id, StoredBonusState::Available),
            account_id: r.account_id,
            code: r.code,
            name: r.name,
            status: r.status,
            phone: r.phone,
            registered_at: r.registered_at,
            has_contract: r.has_contract,
        })
        .collect())
}
