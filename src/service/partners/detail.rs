//! One partner in full: profile, contract, balance by state, statistics, and the first pages of
//! its ledger and clients (read on page by page as the detail view scrolls).
use super::find;
use crate::domain::Money;
use crate::domain::bonus::{ShownBonusState, StoredBonusState};
use crate::domain::partner::Status;
use crate::service::{Ctx, Result, ms};
use crate::store::{bonuses, ledger, partners as store};

pub use crate::store::ledger::Find as LedgerFind;
use serde::Serialize;

/// The partner's balance, as INTERFACE.md defines it for `partner show`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Balance {
    pub held: Money,
    pub due: Money,
    pub frozen: Money,
    pub available: Money,
    pub paid: Money,
    pub clawed_back: Money,
    pub net: Money,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Stats {
    pub registrations: i64,
    /// Referred clients with a payment (the clients tab's rows that paid).
    pub paying_clients: i64,
    /// What the referred clients paid: the clients tab's paid column sums to it.
    pub purchases_amount: Money,
    /// What was refunded of those purchases.
    pub purchases_refunded: Money,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ContractInfo {
    pub number: String,
    pub signed_on: String,
    pub method: String,
    pub iban: String,
    pub iin_bin: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LedgerLine {
    pub id: i64,
    pub at: i64,
    pub kind: String,
    pub bucket: String,
    pub amount: Money,
    pub bonus_id: Option<i64>,
    pub operator: String,
    pub reason: Option<String>,
    pub reference: Option<String>,
    /// The payment the entry came from: its bonus's payment, else the entry's reference.
    pub payment_id: Option<String>,
    /// The state its bonus shows now (the balance's bucket for it), beside the entry's bucket.
    pub bonus_state: Option<ShownBonusState>,
}

/// A client the partner brought, with what it paid and what was refunded.
pub use crate::store::partners::Client as ClientLine;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PartnerDetail {
    pub account_id: String,
    pub code: String,
    pub name: String,
    pub status: Status,
    pub status_reason: Option<String>,
    pub code_deactivated_at: Option<i64>,
    pub code_deactivated_by: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub iin: Option<String>,
    pub registered_at: i64,
    pub trial_ends_at: i64,
    pub parent_code: Option<String>,
    pub contract: Option<ContractInfo>,
    pub open_cases: i64,
    pub balance: Balance,
    pub stats: Stats,
    /// The newest [`DETAIL_PAGE`] entries; [`detail_page`] reads on.
    pub ledger: Vec<LedgerLine>,
    pub ledger_total: i64,
    /// The latest registered [`DETAIL_PAGE`] clients; [`detail_page`] reads on.
    pub clients: Vec<ClientLine>,
    pub clients_total: i64,
}

/// Rows of the ledger or of the clients read at a time.
pub const DETAIL_PAGE: usize = 200;

/// Where the next page of a partner's ledger or clients starts: after the last row shown. Keys,
/// not offsets, so that entries and clients arriving meanwhile neither repeat nor hide a row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum More {
    /// Entries older than this id (the ledger runs newest first).
    Ledger { before: i64 },
    /// Clients after this one in the order newest registration first, then account id.
    Clients { registered_at: Option<i64>, account_id: String },
}

#[derive(Clone, Debug, PartialEq)]
pub enum DetailPage {
    Ledger(Vec<LedgerLine>),
    Clients(Vec<ClientLine>),
}

impl More {
    /// The page after the last of these entries, when there is one.
    pub fn after_ledger(lines: &[LedgerLine]) -> Option<More> {
        lines.last().map(|l| More::Ledger { before: l.id })
    }

    /// The page after the last of these clients, when there is one.
    pub fn after_clients(lines: &[ClientLine]) -> Option<More> {
        lines.last().map(|c| More::Clients { registered_at: c.registered_at, account_id: c.account_id.clone() })
    }
}

/// What the detail's `/` searches: the ledger (see [`LedgerFind`]) or the clients' account ids
/// (lower case).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Find {
    Ledger(LedgerFind),
    Clients(String),
}

impl Find {
    fn ledger(find: Option<&Find>) -> Option<&LedgerFind> {
        match find {
            Some(Find::Ledger(f)) => Some(f),
            _ => None,
        }
    }

    fn clients(find: Option<&Find>) -> Option<&str> {
        match find {
            Some(Find::Clients(t)) => Some(t),
            _ => None,
        }
    }
}

/// The next page of a partner's ledger or clients (the detail view reads them as it scrolls),
/// of the rows that match `find` when a search applies.
pub async fn detail_page(ctx: &Ctx, account_id: &str, more: &More, find: Option<&Find>) -> Result<DetailPage> {
    Ok(match more {
        More::Ledger { before } => DetailPage::Ledger(ledger_page(ctx, account_id, *before, Find::ledger(find)).await?),
        More::Clients { registered_at, account_id: after } => DetailPage::Clients(
            clients_page(ctx, account_id, Some((registered_at.unwrap_or(store::NEVER), after)), Find::clients(find))
                .await?,
        ),
    })
}

/// A section of the detail read a page at a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    Ledger,
    Clients,
}

/// The first page of a section's rows, those that match `find` when given, and how many there are.
pub async fn find_in_detail(ctx: &Ctx, account_id: &str, part: Part, find: Option<&Find>) -> Result<(DetailPage, i64)> {
    let db = &ctx.store.db;
    Ok(match part {
        Part::Ledger => {
            let f = Find::ledger(find);
            (
                DetailPage::Ledger(ledger_page(ctx, account_id, i64::MAX, f).await?),
                ledger::count_of(db, account_id, f).await?,
            )
        }
        Part::Clients => {
            let f = Find::clients(find);
            (
                DetailPage::Clients(clients_page(ctx, account_id, None, f).await?),
                store::clients_count(db, account_id, f).await?,
            )
        }
    })
}

/// Entries older than `before`, newest first (the first page: `i64::MAX`), each with the state
/// its bonus shows now, read by the domain's one lifecycle as the balance is; those matching
/// `find` when given.
async fn ledger_page(ctx: &Ctx, account_id: &str, before: i64, find: Option<&LedgerFind>) -> Result<Vec<LedgerLine>> {
    let frozen = open_cases(ctx, account_id).await? > 0;
    let now = ms(ctx.now());
    Ok(ledger::page(&ctx.store.db, account_id, before, DETAIL_PAGE, find)
        .await?
        .into_iter()
        .map(|(e, b)| LedgerLine {
            id: e.id,
            at: ms(e.posting.stamp.at),
            kind: e.posting.kind.as_str().to_string(),
            bucket: e.posting.bucket.as_str().to_string(),
            amount: e.posting.amount,
            bonus_id: e.posting.bonus_id,
            operator: e.posting.stamp.operator,
            reason: e.posting.reason,
            payment_id: b.as_ref().map(|b| b.payment_id.clone()).or_else(|| e.posting.reference.clone()),
            reference: e.posting.reference,
            bonus_state: b.map(|b| ShownBonusState::of(b.state, b.release_at <= now, frozen, ctx.terms.approval)),
        })
        .collect())
}

/// A page of the partner's clients (the export reads them all, from the top).
pub async fn clients_page(
    ctx: &Ctx,
    account_id: &str,
    after: Option<(i64, &String)>,
    find: Option<&str>,
) -> Result<Vec<ClientLine>> {
    Ok(store::clients_page(&ctx.store.db, account_id, after, DETAIL_PAGE, find).await?)
}

/// The balance of one partner at the clock's time: each bonus in the bucket of the state it
/// shows; `net` is the available bucket, clawbacks included, less what a fraud case freezes.
pub async fn balance(ctx: &Ctx, partner_id: &str) -> Result<Balance> {
    let db = &ctx.store.db;
    let frozen = open_cases(ctx, partner_id).await? > 0;
    let mut bal = Balance::default();
    let mut frozen_available = Money::ZERO;
    for (stored, released, sum) in bonuses::partner_sums(db, partner_id, ms(ctx.now())).await? {
        let slot = match ShownBonusState::of(stored, released, frozen, ctx.terms.approval) {
            ShownBonusState::Held => &mut bal.held,
            ShownBonusState::Due => &mut bal.due,
            ShownBonusState::Frozen => {
                if stored == StoredBonusState::Available {
                    frozen_available += sum;
                }
                &mut bal.frozen
            }
            ShownBonusState::Available => &mut bal.available,
            ShownBonusState::Paid => &mut bal.paid,
            ShownBonusState::Voided => continue,
        };
        *slot += sum;
    }
    let (available_bucket, clawed_back) = ledger::available_and_clawed(db, partner_id).await?;
    bal.net = available_bucket - frozen_available;
    bal.clawed_back = clawed_back;
    Ok(bal)
}

pub async fn open_cases(ctx: &Ctx, partner_id: &str) -> Result<i64> {
    Ok(bonuses::open_cases(&ctx.store.db, partner_id).await?)
}

pub async fn stats(ctx: &Ctx, partner_id: &str, code: &str) -> Result<Stats> {
    let db = &ctx.store.db;
    let p = store::purchases(db, partner_id).await?;
    Ok(Stats {
        registrations: store::registrations(db, partner_id, code).await?,
        paying_clients: p.paying_clients,
        purchases_amount: p.paid,
        purchases_refunded: p.refunded,
    })
}

/// Everything the detail view and `partner show` need, in a handful of indexed queries.
pub async fn show(ctx: &Ctx, code: &str) -> Result<PartnerDetail> {
    let (p, c) = find(ctx, code).await?;
    let db = &ctx.store.db;
    let acc = store::account(db, &p.account_id).await?;
    let k = store::contract(db, &p.account_id).await?;
    let parent_code = match acc.as_ref().and_then(|a| a.parent_id.clone()) {
        Some(pid) => store::code_of(db, &pid).await?,
        None => None,
    };
    Ok(PartnerDetail {
        status: Status::of(&p.status, c.active),
        status_reason: if p.status == "excluded" { p.status_reason.clone() } else { c.deactivated_reason.clone() },
        code_deactivated_at: c.deactivated_at,
        code_deactivated_by: c.deactivated_by.clone(),
        email: acc.as_ref().and_then(|a| a.email.clone()),
        phone: acc.as_ref().and_then(|a| a.phone.clone()),
        iin: acc.as_ref().and_then(|a| a.iin.clone()),
        registered_at: p.registered_at,
        trial_ends_at: p.trial_ends_at,
        parent_code,
        contract: k.map(|k| ContractInfo {
            number: k.number,
            signed_on: k.signed_on,
            method: k.method,
            iban: k.iban,
            iin_bin: k.iin_bin,
        }),
        open_cases: open_cases(ctx, &p.account_id).await?,
        balance: balance(ctx, &p.account_id).await?,
        stats: stats(ctx, &p.account_id, &c.code).await?,
        ledger: ledger_page(ctx, &p.account_id, i64::MAX, None).await?,
        ledger_total: ledger::count_of(db, &p.account_id, None).await?,
        clients: clients_page(ctx, &p.account_id, None, None).await?,
        clients_total: store::clients_count(db, &p.account_id, None).await?,
        account_id: p.account_id,
        code: c.code,
        name: p.name,
    })
}
