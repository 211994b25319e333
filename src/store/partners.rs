//! Partners, their codes, accounts and referred clients: the list by keyset, the lookups of the
//! detail view, a partner registered by hand, and the compare-and-set changes of a code's and a
//! partner's standing.
use super::entity::{account, contract, partner, promo_code};
use super::{ESCAPE, contains, count, execute, query_all, query_one};
use crate::domain::Money;
use crate::domain::bonus::StoredBonusState;
use crate::domain::partner::{Status, search_text};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, EntityTrait, QueryResult, Value};

/// The orders the list can be read in.
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

fn status_condition(s: Status) -> &'static str {
    match s {
        Status::Active => "p.status = 'active' AND c.active = TRUE",
        Status::CodeDeactivated => "p.status = 'active' AND c.active = FALSE",
        Status::Excluded => "p.status = 'excluded'",
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

/// Which partners a list reads.
#[derive(Clone, Debug, Default)]
pub struct ListQuery {
    pub search: Option<String>,
    pub status: Option<Status>,
    pub sort: Sort,
    /// The sort from the last row to the first.
    pub desc: bool,
    /// Rows after this cursor in the list's order; with `backward`, the rows just before it
    /// (without a cursor: the last rows).
    pub cursor: Option<Cursor>,
    pub backward: bool,
    pub limit: u64,
}

/// A partner as the list shows it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct PartnerRow {
    pub account_id: String,
    pub code: String,
    pub name: String,
    pub status: Status,
    pub phone: Option<String>,
    pub registered_at: i64,
    pub has_contract: bool,
    /// An open abuse case freezes its bonuses.
    pub frozen: bool,
    /// Earned and not yet approved (held and due; frozen ones among them too).
    pub pending: Money,
    pub available: Money,
}

impl PartnerRow {
    /// Where the page after this row starts, in `sort` order.
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

const LIST_COLS: &str = "p.account_id, c.code, p.name, p.status, c.active, a.phone, p.registered_at, \
     (SELECT COUNT(*) FROM contract k WHERE k.partner_id = p.account_id), \
     (SELECT COUNT(*) FROM fraud_case f WHERE f.partner_id = p.account_id AND f.status = 'open')";
const LIST_FROM: &str =
    "FROM partner p JOIN promo_code c ON c.partner_id = p.account_id JOIN account a ON a.id = p.account_id";
/// What a count needs of [`LIST_FROM`]: the search and the status read the partner and its code,
/// and every partner has its account (a foreign key), whose wide rows a count need not visit.
const COUNT_FROM: &str = "FROM partner p JOIN promo_code c ON c.partner_id = p.account_id";

fn listed(r: &QueryResult) -> Result<PartnerRow, DbErr> {
    let status: String = r.try_get_by_index(3)?;
    Ok(PartnerRow {
        account_id: r.try_get_by_index(0)?,
        code: r.try_get_by_index(1)?,
        name: r.try_get_by_index(2)?,
        status: Status::of(&status, r.try_get_by_index(4)?),
        phone: r.try_get_by_index(5)?,
        registered_at: r.try_get_by_index(6)?,
        has_contract: r.try_get_by_index::<i64>(7)? > 0,
        frozen: r.try_get_by_index::<i64>(8)? > 0,
        pending: Money::ZERO,
        available: Money::ZERO,
    })
}

/// One page of partners in the sort order (forward, or backward before the cursor), with their
/// pending and available sums (one grouped query for the page; the CLI's whole list goes in
/// chunks below the bind limits). A search matches the name, code and phone digits
/// ([`search_text`]); a partner whose code is exactly the text searched comes first, on the
/// first page, and is left out of the keyset pages so that no page repeats it.
pub async fn list<C: ConnectionTrait>(c: &C, q: &ListQuery) -> Result<Vec<PartnerRow>, DbErr> {
    let (filter, mut vals) = filter(q);
    let mut sql = format!("SELECT {LIST_COLS} {LIST_FROM} WHERE {filter}");
    let mut head = Vec::new();
    if let Some(code) = q.search.as_deref().filter(|s| !search_text(s).is_empty()).map(|s| s.trim().to_uppercase()) {
        if q.cursor.is_none() && !q.backward {
            let mut v = vals.clone();
            v.push(code.clone().into());
            let exact = format!("{sql} AND c.code = ${}", v.len());
            head = query_all(c, &exact, v).await?.iter().map(listed).collect::<Result<Vec<_>, _>>()?;
        }
        vals.push(code.into());
        sql.push_str(&format!(" AND c.code <> ${}", vals.len()));
    }
    let col = q.sort.column();
    // Read from the far end when the list runs the other way or the page is read back.
    let (cmp, dir) = if q.desc != q.backward { ("<", "DESC") } else { (">", "ASC") };
    if let Some(cur) = &q.cursor {
        vals.push(match &cur.key {
            CursorKey::Text(t) => t.clone().into(),
            CursorKey::Int(i) => (*i).into(),
        });
        vals.push(cur.account_id.clone().into());
        sql.push_str(&format!(" AND ({col}, p.account_id) {cmp} (${}, ${})", vals.len() - 1, vals.len()));
    }
    sql.push_str(&format!(" ORDER BY {col} {dir}, p.account_id {dir}"));
    if q.limit > 0 {
        sql.push_str(&format!(" LIMIT {}", q.limit.saturating_sub(head.len() as u64)));
    }
    let mut rows = query_all(c, &sql, vals).await?.iter().map(listed).collect::<Result<Vec<_>, _>>()?;
    if q.backward {
        rows.reverse();
    }
    head.append(&mut rows);
    let mut rows = head;
    let ids: Vec<String> = rows.iter().map(|r| r.account_id.clone()).collect();
    let sums = super::bonuses::unpaid_sums(c, &ids).await?;
    for r in &mut rows {
        let sum = |s| sums.get(&(r.account_id.clone(), s)).copied().unwrap_or(Money::ZERO);
        r.pending = sum(StoredBonusState::Held);
        r.available = sum(StoredBonusState::Available);
    }
    Ok(rows)
}

/// The condition over the list's tables of a query's search and status, with its values.
fn filter(q: &ListQuery) -> (String, Vec<Value>) {
    let mut sql = "1=1".to_string();
    let mut vals: Vec<Value> = Vec::new();
    if let Some(text) = q.search.as_deref().map(search_text).filter(|s| !s.is_empty()) {
        vals.push(contains(&text).into());
        sql.push_str(&format!(" AND p.search LIKE ${} {ESCAPE}", vals.len()));
    }
    if let Some(st) = q.status {
        sql.push_str(&format!(" AND {}", status_condition(st)));
    }
    (sql, vals)
}

/// How many partners a list's search and status find (its cursor and limit aside).
pub async fn list_count<C: ConnectionTrait>(c: &C, q: &ListQuery) -> Result<i64, DbErr> {
    let (filter, vals) = filter(q);
    count(c, &format!("SELECT COUNT(*) {COUNT_FROM} WHERE {filter}"), vals).await
}

/// A code (upper-case) and its partner, when both exist.
pub async fn by_code<C: ConnectionTrait>(
    c: &C,
    code: &str,
) -> Result<Option<(partner::Model, promo_code::Model)>, DbErr> {
    let Some(pc) = promo_code::Entity::find_by_id(code.to_string()).one(c).await? else {
        return Ok(None);
    };
    Ok(partner::Entity::find_by_id(pc.partner_id.clone()).one(c).await?.map(|p| (p, pc)))
}

pub async fn code<C: ConnectionTrait>(c: &C, code: &str) -> Result<Option<promo_code::Model>, DbErr> {
    promo_code::Entity::find_by_id(code.to_string()).one(c).await
}

/// The code of a partner (account id).
pub async fn code_of<C: ConnectionTrait>(c: &C, partner_id: &str) -> Result<Option<String>, DbErr> {
    query_one(c, "SELECT code FROM promo_code WHERE partner_id = $1", vec![partner_id.into()])
        .await?
        .map(|r| r.try_get_by_index::<String>(0))
        .transpose()
}

pub async fn partner<C: ConnectionTrait>(c: &C, account_id: &str) -> Result<Option<partner::Model>, DbErr> {
    partner::Entity::find_by_id(account_id.to_string()).one(c).await
}

pub async fn account<C: ConnectionTrait>(c: &C, id: &str) -> Result<Option<account::Model>, DbErr> {
    account::Entity::find_by_id(id.to_string()).one(c).await
}

pub async fn contract<C: ConnectionTrait>(c: &C, partner_id: &str) -> Result<Option<contract::Model>, DbErr> {
    contract::Entity::find_by_id(partner_id.to_string()).one(c).await
}

/// A partner registered by hand: its account, partner row and code, in the caller's
/// transaction.
pub async fn insert_manual<C: ConnectionTrait>(
    c: &C,
    acc: account::ActiveModel,
    p: partner::ActiveModel,
    code: promo_code::ActiveModel,
) -> Result<(), DbErr> {
    acc.insert(c).await?;
    p.insert(c).await?;
    code.insert(c).await?;
    Ok(())
}

/// A client referred by a partner, with what it paid.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Client {
    pub account_id: String,
    pub registered_at: Option<i64>,
    pub is_partner: bool,
    pub payments: i64,
    pub paid: Money,
    /// What was refunded of those payments.
    pub refunded: Money,
}

/// The registration time of a client who paid without registering, for ordering: before every
/// real one, so such clients come last on both backends (NULLs sort differently on each).
pub const NEVER: i64 = -1;

/// A partner's clients, newest registration first, then by account id; after `after`
/// (registration time or [`NEVER`], account id), or from the top; those whose account id
/// contains `find` (lower case) when given.
pub async fn clients_page<C: ConnectionTrait>(
    c: &C,
    partner_id: &str,
    after: Option<(i64, &String)>,
    limit: usize,
    find: Option<&str>,
) -> Result<Vec<Client>, DbErr> {
    let mut values: Vec<Value> = vec![partner_id.into()];
    let mut keyset = String::new();
    if let Some((at, id)) = after {
        values.push(at.into());
        values.push(id.clone().into());
        keyset = format!(
            "AND (COALESCE(a.registered_at, {NEVER}) < $2 \
             OR (COALESCE(a.registered_at, {NEVER}) = $2 AND a.id < $3))"
        );
    }
    keyset.push_str(&client_matching(find, &mut values));
    let rows = query_all(
        c,
        &format!(
            "SELECT a.id, a.registered_at, a.is_partner, COUNT(y.id), CAST(COALESCE(SUM(y.paid_amount), 0) AS BIGINT), \
             CAST(COALESCE(SUM(y.refunded), 0) AS BIGINT) FROM account a LEFT JOIN payment y ON y.account_id = a.id WHERE a.parent_id = $1 {keyset} \
             GROUP BY a.id, a.registered_at, a.is_partner \
             ORDER BY COALESCE(a.registered_at, {NEVER}) DESC, a.id DESC LIMIT {limit}"
        ),
        values,
    )
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Client {
                account_id: r.try_get_by_index(0)?,
                registered_at: r.try_get_by_index(1)?,
                is_partner: r.try_get_by_index(2)?,
                payments: r.try_get_by_index(3)?,
                paid: Money::from_tiyn(r.try_get_by_index(4)?),
                refunded: Money::from_tiyn(r.try_get_by_index(5)?),
            })
        })
        .collect()
}

/// The condition, over alias `a`, that a client's account id contains `find`; binds after `vals`.
fn client_matching(find: Option<&str>, vals: &mut Vec<Value>) -> String {
    let Some(text) = find else { return String::new() };
    vals.push(contains(text).into());
    format!(" AND LOWER(a.id) LIKE ${} {ESCAPE}", vals.len())
}

/// How many accounts a partner brought (whose account id contains `find` when given).
pub async fn clients_count<C: ConnectionTrait>(c: &C, partner_id: &str, find: Option<&str>) -> Result<i64, DbErr> {
    let mut vals: Vec<Value> = vec![partner_id.into()];
    let cond = client_matching(find, &mut vals);
    count(c, &format!("SELECT COUNT(*) FROM account a WHERE a.parent_id = $1{cond}"), vals).await
}

/// Registrations through the partner's code. A code has one owner, so its registrations are
/// among the owner's referred accounts (and the parent index finds them).
pub async fn registrations<C: ConnectionTrait>(c: &C, partner_id: &str, code: &str) -> Result<i64, DbErr> {
    count(
        c,
        "SELECT COUNT(*) FROM account WHERE parent_id = $1 AND via_code = $2",
        vec![partner_id.into(), code.into()],
    )
    .await
}

/// What a partner's referred clients bought: the payments of the accounts whose parent is the
/// partner (RULES.md "Parties"), the same rows the clients tab sums, so that its total is the
/// partner's purchases. The partner's own purchases are not among them, and neither are
/// payments that carried the code from accounts another partner brought.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Purchases {
    pub paying_clients: i64,
    pub paid: Money,
    pub refunded: Money,
}

pub async fn purchases<C: ConnectionTrait>(c: &C, partner_id: &str) -> Result<Purchases, DbErr> {
    let r = query_one(
        c,
        "SELECT COUNT(DISTINCT y.account_id), CAST(COALESCE(SUM(y.paid_amount), 0) AS BIGINT), \
         CAST(COALESCE(SUM(y.refunded), 0) AS BIGINT) \
         FROM account a JOIN payment y ON y.account_id = a.id WHERE a.parent_id = $1",
        vec![partner_id.into()],
    )
    .await?;
    Ok(match r {
        Some(r) => Purchases {
            paying_clients: r.try_get_by_index(0)?,
            paid: Money::from_tiyn(r.try_get_by_index(1)?),
            refunded: Money::from_tiyn(r.try_get_by_index(2)?),
        },
        None => Purchases::default(),
    })
}

/// Compare-and-set of a code from active to deactivated; says whether it changed.
pub async fn deactivate_code<C: ConnectionTrait>(
    c: &C,
    code: &str,
    now: i64,
    by: &str,
    reason: &str,
) -> Result<bool, DbErr> {
    let n = execute(
        c,
        "UPDATE promo_code SET active = FALSE, deactivated_at = $1, deactivated_by = $2, deactivated_reason = $3 \
         WHERE code = $4 AND active = TRUE",
        vec![now.into(), by.into(), reason.into(), code.into()],
    )
    .await?;
    Ok(n == 1)
}

/// Compare-and-set of a partner to excluded; says whether it changed.
pub async fn exclude<C: ConnectionTrait>(
    c: &C,
    account_id: &str,
    now: i64,
    by: &str,
    reason: &str,
) -> Result<bool, DbErr> {
    let n = execute(
        c,
        "UPDATE partner SET status = 'excluded', status_reason = $1, status_at = $2, status_by = $3 \
         WHERE account_id = $4 AND status <> 'excluded'",
        vec![reason.into(), now.into(), by.into(), account_id.into()],
    )
    .await?;
    Ok(n == 1)
}
