//! Partners: the list (keyset-paged, searchable), the detail with balance and statistics, and
//! the operator's changes (add, contract, code deactivation, exclusion).
pub(crate) mod changes;
mod detail;
mod list;

pub use crate::domain::partner::{Status, search_key};
pub use crate::store::partners::{Cursor, CursorKey, ListQuery, Sort};
pub use changes::{NewPartner, add, deactivate_code, exclude};
pub use detail::{
    Balance, ClientLine, ContractInfo, DETAIL_PAGE, DetailPage, Find, LedgerFind, LedgerLine, More, Part,
    PartnerDetail, Stats, balance, clients_page, detail_page, find_in_detail, open_cases, show, stats,
};
pub use list::{PartnerRow, count, list};

use super::{Ctx, Missing, Result, ServiceError};
use crate::store::entity::{partner, promo_code};
use crate::store::partners as store;

/// Finds a partner by code (any case).
pub async fn find(ctx: &Ctx, code: &str) -> Result<(partner::Model, promo_code::Model)> {
    let norm = code.trim().to_uppercase();
    store::by_code(&ctx.store.db, &norm).await?.ok_or(ServiceError::NotFound(Missing::Partner(norm)))
}
