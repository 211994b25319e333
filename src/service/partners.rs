//! Partners: the list (keyset-paged, searchable), the detail with balance and statistics, and
//! the operator's changes (add, code deactivation, exclusion; contracts: [`super::contracts`]).
use super::bonuses::{BONUS_VALUE, void_in};
use super::{Ctx, Result, ServiceError, ms};
use crate::domain::Money;
use crate::domain::codes::{code_candidates, validate_code};
use crate::domain::identity::{clean_text, normalize_email, normalize_iin, normalize_phone, validate_iin};
use crate::domain::rules::{State, Stored, shown_state};
use crate::store::entity::{account, contract, partner, promo_code};
use crate::store::{audit, execute, placeholders, query_all, query_one};
use sea_orm::{ActiveModelTrait, EntityTrait, QueryResult, Set, Value};
use serde::Serialize;
use std::collections::HashMap;

/// The lower-cased text that `/` search matches: name, code, phone digits.
pub fn search_key(name: &str, code: &str, phone: Option<&str>) -> String {
    let digits: String = phone.unwrap_or("").chars().filter(|c| c.is_ascii_digit()).collect();
    format!("{} {} {}", name.to_lowercase(), code.to_lowercase(), digits)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Active,
    CodeDeactivated,
    Excluded,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::CodeDeactivated => "code_deactivated",
            Status::Excluded => "excluded",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        match s {
            "active" => Some(Status::Active),
            "code_deactivated" => Some(Status::CodeDeactivated),
            "excluded" => Some(Status::Excluded),
            _ => None,
        }
    }

    fn of(partner_status: &str, code_active: bool) -> Status {
        if partner_status == "excluded" {
            Status::Excluded
        } else if !code_active {
            Status::CodeDeactivated
        } else {
            Status::Active
        }
    }

    fn sql(self) -> &'static str {
        match self {
            Status::Active => "p.status = 'active' AND c.active = TRUE",
            Status::CodeDeactivated => "p.status = 'active' AND c.active = FALSE",
            Status::Excluded => "p.status = 'excluded'",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Name,
    Code,
    Registered,
}

impl Sort {
    pub fn next(self) -> Sort {
        match self {
            Sort::Name => Sort::Code,
            Sort::Code => Sort::Registered,
            Sort::Registered => Sort::Name,
        }
    }

    fn column(self) -> &'static str {
        match self {
            Sort::Name => "p.name",
            Sort::Code => "c.code",
            Sort::Registered => "p.registered_at",
        }
    }
}

/// Where a page starts: after (or before) this row in the sort order.
#[derive(Clone, Debug, PartialEq)]
pub struct Cursor {
    pub key: CursorKey,
    pub account_id: String,
}

#[derive(Clone, Debug, PartialEq)]
pub enum CursorKey {
    Text(String),
    Int(i64),
}

#[derive(Clone, Debug, Default)]
pub struct ListQuery {
    pub search: Option<String>,
    pub status: Option<Status>,
    pub sort: Sort,
    /// Rows after this cursor; with `backward`, the rows just before it.
    pub cursor: Option<Cursor>,
    pub backward: bool,
    pub limit: u64,
}

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

const PARTNER_COLS: &str = "p.account_id, c.code, p.name, p.status, c.active, a.phone, p.registered_at, \
     (SELECT COUNT(*) FROM contract k WHERE k.partner_id = p.account_id)";
const PARTNER_FROM: &str =
    "FROM partner p JOIN promo_code c ON c.partner_id = p.account_id JOIN account a ON a.id = p.account_id";

fn partner_row(r: &QueryResult) -> Result<PartnerRow> {
    let status: String = r.try_get_by_index(3)?;
    let active: bool = r.try_get_by_index(4)?;
    Ok(PartnerRow {
        account_id: r.try_get_by_index(0)?,
        code: r.try_get_by_index(1)?,
        name: r.try_get_by_index(2)?,
        status: Status::of(&status, active),
        phone: r.try_get_by_index(5)?,
        registered_at: r.try_get_by_index(6)?,
        has_contract: r.try_get_by_index::<i64>(7)? > 0,
        pending: Money::ZERO,
        available: Money::ZERO,
    })
}

/// One page of partners in the sort order, with their pending and available amounts.
pub async fn list(ctx: &Ctx, q: &ListQuery) -> Result<Vec<PartnerRow>> {
    let mut sql = format!("SELECT {PARTNER_COLS} {PARTNER_FROM} WHERE 1=1");
    let mut vals: Vec<Value> = Vec::new();
    if let Some(s) = q.search.as_ref().map(|s| s.trim().to_lowercase()).filter(|s| !s.is_empty()) {
        vals.push(format!("%{}%", s.replace(['%', '_'], "")).into());
        sql.push_str(&format!(" AND p.search LIKE ${}", vals.len()));
    }
    if let Some(st) = q.status {
        sql.push_str(&format!(" AND {}", st.sql()));
    }
    let col = q.sort.column();
    let (cmp, dir) = if q.backward { ("<", "DESC") } else { (">", "ASC") };
    if let Some(c) = &q.cursor {
        vals.push(match &c.key {
            CursorKey::Text(t) => t.clone().into(),
            CursorKey::Int(i) => (*i).into(),
        });
        vals.push(c.account_id.clone().into());
        sql.push_str(&format!(" AND ({col}, p.account_id) {cmp} (${}, ${})", vals.len() - 1, vals.len()));
    }
    sql.push_str(&format!(" ORDER BY {col} {dir}, p.account_id {dir}"));
    if q.limit > 0 {
        sql.push_str(&format!(" LIMIT {}", q.limit));
    }
    let mut rows = query_all(&ctx.store.db, &sql, vals).await?.iter().map(partner_row).collect::<Result<Vec<_>>>()?;
    if q.backward {
        rows.reverse();
    }
    fill_amounts(ctx, &mut rows).await?;
    Ok(rows)
}

/// Adds each row's pending and available amounts with one grouped query for the page.
async fn fill_amounts(ctx: &Ctx, rows: &mut [PartnerRow]) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let ids: Vec<Value> = rows.iter().map(|r| r.account_id.clone().into()).collect();
    let mut sums: HashMap<(String, String), i64> = HashMap::new();
    // A page is one chunk; the CLI's whole list goes in chunks below the bind limits.
    for chunk in ids.chunks(900) {
        let sql = format!(
            "SELECT partner_id, state, CAST(SUM({BONUS_VALUE}) AS BIGINT) FROM bonus b \
             WHERE state IN ('held','available') AND partner_id IN ({}) GROUP BY partner_id, state",
            placeholders(1, chunk.len())
        );
        for r in query_all(&ctx.store.db, &sql, chunk.to_vec()).await? {
            sums.insert((r.try_get_by_index(0)?, r.try_get_by_index(1)?), r.try_get_by_index(2)?);
        }
    }
    for row in rows.iter_mut() {
        let get = |s: &str| sums.get(&(row.account_id.clone(), s.to_string())).copied().unwrap_or(0);
        row.pending = Money::from_tiyn(get("held"));
        row.available = Money::from_tiyn(get("available"));
    }
    Ok(())
}

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
    pub paying_clients: i64,
    pub purchases_amount: Money,
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
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClientLine {
    pub account_id: String,
    pub registered_at: Option<i64>,
    pub is_partner: bool,
    pub payments: i64,
    pub paid: Money,
}

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

/// The next page of a partner's ledger or clients (the detail view reads them as it scrolls).
pub async fn detail_page(ctx: &Ctx, account_id: &str, more: &More) -> Result<DetailPage> {
    Ok(match more {
        More::Ledger { before } => DetailPage::Ledger(ledger_page(ctx, account_id, *before).await?),
        More::Clients { registered_at, account_id: after } => {
            DetailPage::Clients(clients_page(ctx, account_id, Some((registered_at.unwrap_or(NEVER), after))).await?)
        }
    })
}

/// `COUNT(*)` or another single number, 0 when there is no row.
async fn count(db: &sea_orm::DatabaseConnection, sql: &str, values: Vec<Value>) -> Result<i64> {
    Ok(match query_one(db, sql, values).await? {
        Some(r) => r.try_get_by_index(0)?,
        None => 0,
    })
}

/// Entries older than `before`, newest first (the first page: `i64::MAX`).
async fn ledger_page(ctx: &Ctx, account_id: &str, before: i64) -> Result<Vec<LedgerLine>> {
    let rows = query_all(
        &ctx.store.db,
        &format!(
            "SELECT id, at, kind, bucket, amount, bonus_id, operator, reason, reference FROM ledger_entry \
             WHERE partner_id = $1 AND id < $2 ORDER BY id DESC LIMIT {DETAIL_PAGE}"
        ),
        vec![account_id.into(), before.into()],
    )
    .await?;
    rows.iter()
        .map(|r| {
            Ok(LedgerLine {
                id: r.try_get_by_index(0)?,
                at: r.try_get_by_index(1)?,
                kind: r.try_get_by_index(2)?,
                bucket: r.try_get_by_index(3)?,
                amount: Money::from_tiyn(r.try_get_by_index(4)?),
                bonus_id: r.try_get_by_index(5)?,
                operator: r.try_get_by_index(6)?,
                reason: r.try_get_by_index(7)?,
                reference: r.try_get_by_index(8)?,
            })
        })
        .collect()
}

/// The registration time of a client who paid without registering, for ordering: before every
/// real one, so such clients come last on both backends (NULLs sort differently on each).
const NEVER: i64 = -1;

/// Clients newest registration first, then by account id; after `after` (registration time or
/// [`NEVER`], account id), or from the top.
async fn clients_page(ctx: &Ctx, account_id: &str, after: Option<(i64, &String)>) -> Result<Vec<ClientLine>> {
    let (keyset, values) = match after {
        Some((at, id)) => (
            format!(
                "AND (COALESCE(a.registered_at, {NEVER}) < $2 \
                 OR (COALESCE(a.registered_at, {NEVER}) = $2 AND a.id < $3))"
            ),
            vec![account_id.into(), at.into(), id.clone().into()],
        ),
        None => (String::new(), vec![account_id.into()]),
    };
    let rows = query_all(
        &ctx.store.db,
        &format!(
            "SELECT a.id, a.registered_at, a.is_partner, COUNT(y.id), CAST(COALESCE(SUM(y.paid_amount), 0) AS BIGINT) \
             FROM account a LEFT JOIN payment y ON y.account_id = a.id WHERE a.parent_id = $1 {keyset} \
             GROUP BY a.id, a.registered_at, a.is_partner \
             ORDER BY COALESCE(a.registered_at, {NEVER}) DESC, a.id DESC LIMIT {DETAIL_PAGE}"
        ),
        values,
    )
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ClientLine {
                account_id: r.try_get_by_index(0)?,
                registered_at: r.try_get_by_index(1)?,
                is_partner: r.try_get_by_index(2)?,
                payments: r.try_get_by_index(3)?,
                paid: Money::from_tiyn(r.try_get_by_index(4)?),
            })
        })
        .collect()
}

/// Finds a partner by code (any case).
pub async fn find(ctx: &Ctx, code: &str) -> Result<(partner::Model, promo_code::Model)> {
    let norm = code.trim().to_uppercase();
    let Some(c) = promo_code::Entity::find_by_id(norm.clone()).one(&ctx.store.db).await? else {
        return Err(ServiceError::Invalid(format!("no partner has the code {norm}")));
    };
    let Some(p) = partner::Entity::find_by_id(c.partner_id.clone()).one(&ctx.store.db).await? else {
        return Err(ServiceError::Invalid(format!("no partner has the code {norm}")));
    };
    Ok((p, c))
}

/// The balance of one partner at the clock's time.
pub async fn balance(ctx: &Ctx, partner_id: &str) -> Result<Balance> {
    let db = &ctx.store.db;
    let now = ms(ctx.now());
    let frozen = open_cases(ctx, partner_id).await? > 0;
    let mut bal = Balance::default();
    let rows = query_all(
        db,
        &format!(
            "SELECT state, release_at <= $2, CAST(SUM({BONUS_VALUE}) AS BIGINT) FROM bonus b \
             WHERE partner_id = $1 AND state <> 'voided' GROUP BY 1, 2"
        ),
        vec![partner_id.into(), now.into()],
    )
    .await?;
    let mut frozen_available = 0;
    for r in rows {
        let state: String = r.try_get_by_index(0)?;
        let released: bool = r.try_get_by_index::<bool>(1).or_else(|_| r.try_get_by_index::<i64>(1).map(|x| x != 0))?;
        let sum = Money::from_tiyn(r.try_get_by_index(2)?);
        let Some(stored) = Stored::parse(&state) else { continue };
        let release = if released { ctx.now() } else { ctx.now() + chrono::Duration::days(1) };
        let slot = match shown_state(stored, release, ctx.now(), frozen, ctx.terms.approval) {
            State::Held => &mut bal.held,
            State::Due => &mut bal.due,
            State::Frozen => {
                if stored == Stored::Available {
                    frozen_available += sum.tiyn();
                }
                &mut bal.frozen
            }
            State::Available => &mut bal.available,
            State::Paid => &mut bal.paid,
            State::Voided => continue,
        };
        *slot = Money::from_tiyn(slot.tiyn() + sum.tiyn());
    }
    let r = query_one(
        db,
        "SELECT CAST(COALESCE(SUM(CASE WHEN bucket = 'available' THEN amount ELSE 0 END), 0) AS BIGINT), \
         CAST(COALESCE(SUM(CASE WHEN kind = 'clawback' THEN -amount ELSE 0 END), 0) AS BIGINT) \
         FROM ledger_entry WHERE partner_id = $1",
        vec![partner_id.into()],
    )
    .await?;
    if let Some(r) = r {
        bal.net = Money::from_tiyn(r.try_get_by_index::<i64>(0)? - frozen_available);
        bal.clawed_back = Money::from_tiyn(r.try_get_by_index(1)?);
    }
    Ok(bal)
}

pub async fn open_cases(ctx: &Ctx, partner_id: &str) -> Result<i64> {
    count(
        &ctx.store.db,
        "SELECT COUNT(*) FROM fraud_case WHERE partner_id = $1 AND status = 'open'",
        vec![partner_id.into()],
    )
    .await
}

pub async fn stats(ctx: &Ctx, partner_id: &str, code: &str) -> Result<Stats> {
    let db = &ctx.store.db;
    // A code has one owner, so its registrations are among the owner's referred accounts (and
    // the parent index finds them).
    let registrations = count(
        db,
        "SELECT COUNT(*) FROM account WHERE parent_id = $1 AND via_code = $2",
        vec![partner_id.into(), code.into()],
    )
    .await?;
    let pay = query_one(
        db,
        "SELECT COUNT(DISTINCT account_id), CAST(COALESCE(SUM(paid_amount), 0) AS BIGINT) FROM payment WHERE partner_id = $1",
        vec![partner_id.into()],
    )
    .await?;
    Ok(Stats {
        registrations,
        paying_clients: match &pay {
            Some(r) => r.try_get_by_index(0)?,
            None => 0,
        },
        purchases_amount: Money::from_tiyn(match &pay {
            Some(r) => r.try_get_by_index(1)?,
            None => 0,
        }),
    })
}

/// Everything the detail view and `partner show` need, in a handful of indexed queries.
pub async fn show(ctx: &Ctx, code: &str) -> Result<PartnerDetail> {
    let (p, c) = find(ctx, code).await?;
    let db = &ctx.store.db;
    let acc = account::Entity::find_by_id(p.account_id.clone()).one(db).await?;
    let k = contract::Entity::find_by_id(p.account_id.clone()).one(db).await?;
    let parent_code = match acc.as_ref().and_then(|a| a.parent_id.clone()) {
        Some(pid) => query_one(db, "SELECT code FROM promo_code WHERE partner_id = $1", vec![pid.into()])
            .await?
            .map(|r| r.try_get_by_index::<String>(0))
            .transpose()?,
        None => None,
    };
    let ledger = ledger_page(ctx, &p.account_id, i64::MAX).await?;
    let clients = clients_page(ctx, &p.account_id, None).await?;
    let key = || vec![Value::from(p.account_id.clone())];
    let ledger_total = count(db, "SELECT COUNT(*) FROM ledger_entry WHERE partner_id = $1", key()).await?;
    let clients_total = count(db, "SELECT COUNT(*) FROM account WHERE parent_id = $1", key()).await?;
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
        ledger,
        ledger_total,
        clients,
        clients_total,
        account_id: p.account_id,
        code: c.code,
        name: p.name,
    })
}

pub struct NewPartner {
    pub name: String,
    pub code: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub iin: Option<String>,
}

/// Registers a partner by hand (one the platform has not announced); returns the code.
pub async fn add(ctx: &Ctx, n: NewPartner) -> Result<String> {
    let name = clean_text(&n.name);
    if name.is_empty() {
        return Err(ServiceError::Invalid("--name: a partner needs a name".into()));
    }
    if let Some(iin) = &n.iin {
        validate_iin(iin).map_err(|e| ServiceError::Invalid(format!("--iin: {iin}: {e}")))?;
    }
    if let Some(e) = &n.email
        && normalize_email(e).is_none()
    {
        return Err(ServiceError::Invalid(format!("--email: {e:?} is not an email address")));
    }
    let txn = ctx.store.begin_write().await?;
    let code = match &n.code {
        Some(c) => {
            let c = validate_code(c).map_err(|e| ServiceError::Invalid(format!("--code: {c}: {e}")))?;
            if let Some(other) = promo_code::Entity::find_by_id(c.clone()).one(&txn).await? {
                return Err(ServiceError::Refused(format!(
                    "the code {c} already belongs to partner {}",
                    other.partner_id
                )));
            }
            c
        }
        None => {
            let mut chosen = None;
            for c in code_candidates(&name).take(10_000) {
                if promo_code::Entity::find_by_id(c.clone()).one(&txn).await?.is_none() {
                    chosen = Some(c);
                    break;
                }
            }
            chosen.ok_or_else(|| ServiceError::Refused(format!("no free promo code can be made from {name:?}")))?
        }
    };
    let account_id = format!("M-{code}");
    if account::Entity::find_by_id(account_id.clone()).one(&txn).await?.is_some() {
        return Err(ServiceError::Refused(format!("account {account_id} already exists")));
    }
    let now = ms(ctx.now());
    account::ActiveModel {
        id: Set(account_id.clone()),
        name: Set(Some(name.clone())),
        email: Set(n.email.clone()),
        phone: Set(n.phone.clone()),
        iin: Set(n.iin.clone()),
        email_norm: Set(n.email.as_deref().and_then(normalize_email)),
        phone_norm: Set(n.phone.as_deref().and_then(normalize_phone)),
        iin_norm: Set(n.iin.as_deref().and_then(normalize_iin)),
        device_id: Set(None),
        ip: Set(None),
        is_client: Set(false),
        is_partner: Set(true),
        registered_at: Set(Some(now)),
        parent_id: Set(None),
        via_code: Set(None),
    }
    .insert(&txn)
    .await?;
    partner::ActiveModel {
        account_id: Set(account_id.clone()),
        name: Set(name.clone()),
        registered_at: Set(now),
        trial_ends_at: Set(ms(ctx.terms.add_days(ctx.now(), ctx.terms.partner_trial_days))),
        status: Set("active".into()),
        status_reason: Set(None),
        status_at: Set(None),
        status_by: Set(None),
        search: Set(search_key(&name, &code, n.phone.as_deref())),
    }
    .insert(&txn)
    .await?;
    promo_code::ActiveModel::new_active(code.clone(), account_id.clone(), now).insert(&txn).await?;
    audit::append(
        &txn,
        audit::Entry {
            at: now,
            operator: &ctx.operator,
            action: "partner.add",
            subject: &code,
            detail: serde_json::json!({"account_id": account_id, "name": name}),
            reason: None,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(code)
}

fn when(ctx: &Ctx, at: Option<i64>) -> String {
    at.map(|t| ctx.terms.local(super::from_ms(t)).format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default()
}

/// Compare-and-set of a code from active to deactivated; says how many rows changed (0 or 1).
async fn deactivate_in(ctx: &Ctx, txn: &sea_orm::DatabaseTransaction, code: &str, reason: &str) -> Result<u64> {
    Ok(execute(
        txn,
        "UPDATE promo_code SET active = FALSE, deactivated_at = $1, deactivated_by = $2, deactivated_reason = $3 \
         WHERE code = $4 AND active = TRUE",
        vec![ms(ctx.now()).into(), ctx.operator.clone().into(), reason.into(), code.into()],
    )
    .await?)
}

/// Deactivates a code: later payments with it earn nothing (`code_inactive`).
pub async fn deactivate_code(ctx: &Ctx, code: &str, reason: &str) -> Result<()> {
    let reason = clean_text(reason);
    if reason.is_empty() {
        return Err(ServiceError::Invalid("--reason: say why the code is deactivated".into()));
    }
    let (_, c) = find(ctx, code).await?;
    let txn = ctx.store.begin_write().await?;
    let now = ms(ctx.now());
    let n = deactivate_in(ctx, &txn, &c.code, &reason).await?;
    if n != 1 {
        let cur = promo_code::Entity::find_by_id(c.code.clone()).one(&txn).await?;
        let (by, at) = cur.map(|x| (x.deactivated_by.unwrap_or_default(), x.deactivated_at)).unwrap_or_default();
        return Err(ServiceError::Refused(format!(
            "the code {} was already deactivated by {by} at {}",
            c.code,
            when(ctx, at)
        )));
    }
    audit::append(
        &txn,
        audit::Entry {
            at: now,
            operator: &ctx.operator,
            action: "code.deactivate",
            subject: &c.code,
            detail: serde_json::json!({}),
            reason: Some(&reason),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Excludes a partner: the code is deactivated and every unpaid bonus voided, in one transaction.
pub async fn exclude(ctx: &Ctx, code: &str, reason: &str) -> Result<(usize, Money)> {
    let reason = clean_text(reason);
    if reason.is_empty() {
        return Err(ServiceError::Invalid("--reason: say why the partner is excluded".into()));
    }
    let (p, c) = find(ctx, code).await?;
    let txn = ctx.store.begin_write().await?;
    let now = ms(ctx.now());
    let n = execute(
        &txn,
        "UPDATE partner SET status = 'excluded', status_reason = $1, status_at = $2, status_by = $3 \
         WHERE account_id = $4 AND status <> 'excluded'",
        vec![reason.clone().into(), now.into(), ctx.operator.clone().into(), p.account_id.clone().into()],
    )
    .await?;
    if n != 1 {
        let cur = partner::Entity::find_by_id(p.account_id.clone()).one(&txn).await?;
        let (by, at) = cur.map(|x| (x.status_by.unwrap_or_default(), x.status_at)).unwrap_or_default();
        return Err(ServiceError::Refused(format!(
            "partner {} was already excluded by {by} at {}",
            c.code,
            when(ctx, at)
        )));
    }
    deactivate_in(ctx, &txn, &c.code, &reason).await?;
    let ids: Vec<i64> = query_all(
        &txn,
        "SELECT id FROM bonus WHERE partner_id = $1 AND state IN ('held','available') ORDER BY id",
        vec![p.account_id.clone().into()],
    )
    .await?
    .iter()
    .map(|r| r.try_get_by_index(0))
    .collect::<std::result::Result<_, _>>()?;
    let total = void_in(ctx, &txn, &ids, &format!("partner excluded: {reason}")).await?;
    audit::append(
        &txn,
        audit::Entry {
            at: now,
            operator: &ctx.operator,
            action: "partner.exclude",
            subject: &c.code,
            detail: serde_json::json!({"voided": ids, "total": total.plain()}),
            reason: Some(&reason),
        },
    )
    .await?;
    txn.commit().await?;
    Ok((ids.len(), total))
}
