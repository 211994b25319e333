//! The facts the abuse signals read (domain::signals decides on them). Each query narrows to what
//! can matter by a condition the signal needs (a value held twice, a code with more registrations
//! than the burst limit, a client matching its partner), so a scan reads a program once.
use super::{json_rows, placeholders, query_all};
use crate::domain::Money;
use crate::domain::signals::{
    ClientOfPartner, EarningPayment, IdentityKind, PartnerRef, Refunds, Registration, SharedValue,
};
use sea_orm::{ConnectionTrait, DbErr, Value};
use std::collections::{BTreeMap, HashMap};

/// The column holding each kind of identity of a partner account (`None`: the contract's IBAN).
fn account_column(kind: IdentityKind) -> Option<&'static str> {
    match kind {
        IdentityKind::Email => Some("email_norm"),
        IdentityKind::Phone => Some("phone_norm"),
        IdentityKind::Iin => Some("iin_norm"),
        IdentityKind::Device => Some("device_id"),
        IdentityKind::BankAccount => None,
    }
}

/// Every identity value held by two partner accounts or more, with its holders, in one
/// statement. The partner accounts (those with a code: a finding names the code) are read once,
/// through their codes, not by a pass over every account per kind, and each kind is grouped
/// over that set. An empty value is no identity.
pub async fn shared_values<C: ConnectionTrait>(c: &C) -> Result<Vec<SharedValue>, DbErr> {
    let parts: Vec<String> = IdentityKind::ALL
        .iter()
        .enumerate()
        .map(|(i, kind)| match account_column(*kind) {
            Some(v) => format!(
                "SELECT CAST({i} AS BIGINT), {v}, id, code FROM p WHERE {v} <> '' AND {v} IN \
                 (SELECT {v} FROM p WHERE {v} <> '' GROUP BY {v} HAVING COUNT(*) > 1)"
            ),
            None => format!(
                "SELECT CAST({i} AS BIGINT), k.iban, k.partner_id, pc.code FROM contract k \
                 JOIN promo_code pc ON pc.partner_id = k.partner_id WHERE k.iban <> '' AND k.iban IN \
                 (SELECT iban FROM contract WHERE iban <> '' GROUP BY iban HAVING COUNT(*) > 1)"
            ),
        })
        .collect();
    // CROSS JOIN keeps SQLite on the codes first (a lookup per partner, in account order), not
    // on a pass over every account.
    let sql = format!(
        "WITH p AS MATERIALIZED (SELECT a.id, pc.code, a.email_norm, a.phone_norm, a.iin_norm, a.device_id \
         FROM promo_code pc CROSS JOIN account a WHERE a.id = pc.partner_id AND a.is_partner \
         ORDER BY pc.partner_id) {}",
        parts.join(" UNION ALL ")
    );
    let mut groups: BTreeMap<(usize, String), Vec<PartnerRef>> = BTreeMap::new();
    for r in query_all(c, &sql, vec![]).await? {
        let kind = usize::try_from(r.try_get_by_index::<i64>(0)?).unwrap_or(usize::MAX);
        groups
            .entry((kind, r.try_get_by_index(1)?))
            .or_default()
            .push(PartnerRef { account_id: r.try_get_by_index(2)?, code: r.try_get_by_index(3)? });
    }
    Ok(groups
        .into_iter()
        .filter_map(|((i, value), mut partners)| {
            partners.sort_by(|a, b| a.code.cmp(&b.code));
            Some(SharedValue { kind: *IdentityKind::ALL.get(i)?, value, partners })
        })
        .collect())
}

/// The bonus each of `clients` earned (a client earns one at most), by client.
async fn bonuses_of<C: ConnectionTrait>(c: &C, clients: &[String]) -> Result<HashMap<String, Vec<i64>>, DbErr> {
    let mut out: HashMap<String, Vec<i64>> = HashMap::new();
    for chunk in clients.chunks(900) {
        let sql = format!(
            "SELECT y.account_id, b.id FROM payment y JOIN bonus b ON b.payment_id = y.id \
             WHERE y.account_id IN ({}) ORDER BY b.id",
            placeholders(1, chunk.len())
        );
        let vals: Vec<Value> = chunk.iter().map(|s| Value::from(s.clone())).collect();
        for r in query_all(c, &sql, vals).await? {
            out.entry(r.try_get_by_index(0)?).or_default().push(r.try_get_by_index(1)?);
        }
    }
    Ok(out)
}

/// The clients brought by a partner that are its own account or share its email, phone or IIN.
/// Each partner's clients come from the parent index, which holds those identities, partner
/// after partner in id order (that index's order, so that each of its pages is read once): no
/// lookup of a client's row for each of a million clients.
pub async fn clients_matching_partner<C: ConnectionTrait>(c: &C) -> Result<Vec<ClientOfPartner>, DbErr> {
    let sql = "WITH m AS MATERIALIZED (SELECT cl.id AS client_id, p.id AS partner_id, pc.code AS code, \
         CASE WHEN cl.email_norm = p.email_norm THEN cl.email_norm END AS email, \
         CASE WHEN cl.phone_norm = p.phone_norm THEN cl.phone_norm END AS phone, \
         CASE WHEN cl.iin_norm = p.iin_norm THEN cl.iin_norm END AS iin \
         FROM promo_code pc CROSS JOIN account p CROSS JOIN account cl \
         WHERE p.id = pc.partner_id AND cl.parent_id = p.id \
         AND (cl.id = p.id OR cl.email_norm = p.email_norm OR cl.phone_norm = p.phone_norm OR cl.iin_norm = p.iin_norm) \
         ORDER BY pc.partner_id) \
         SELECT client_id, partner_id, code, email, phone, iin FROM m ORDER BY code, client_id";
    let mut out = Vec::new();
    for r in query_all(c, sql, vec![]).await? {
        let mut shared = Vec::new();
        for (i, kind) in [(3, IdentityKind::Email), (4, IdentityKind::Phone), (5, IdentityKind::Iin)] {
            if let Some(v) = r.try_get_by_index::<Option<String>>(i)? {
                shared.push((kind, v));
            }
        }
        out.push(ClientOfPartner {
            client_id: r.try_get_by_index(0)?,
            partner: PartnerRef { account_id: r.try_get_by_index(1)?, code: r.try_get_by_index(2)? },
            shared,
            bonus_ids: Vec::new(),
        });
    }
    let ids: Vec<String> = out.iter().map(|c| c.client_id.clone()).collect();
    let bonuses = bonuses_of(c, &ids).await?;
    for client in &mut out {
        client.bonus_ids = bonuses.get(&client.client_id).cloned().unwrap_or_default();
    }
    Ok(out)
}

/// The registrations through each code that had more than `limit` within some `window_ms`, in
/// time order, by partner (the domain then finds the burst), in one statement. A code had more
/// than `limit` within a window exactly when some registration came less than `window_ms` after
/// the `limit`-th before it: one pass in the order of the parent index (parent, time), no count
/// of every registration's window.
pub async fn registrations_over<C: ConnectionTrait>(
    c: &C,
    limit: u32,
    window_ms: i64,
) -> Result<Vec<(PartnerRef, Vec<Registration>)>, DbErr> {
    // Only a code with more than `limit` registrations in all can have them within a window:
    // counted first, along the same index, so that the window pass reads only those codes.
    let sql = "WITH busy AS (SELECT DISTINCT w.parent_id FROM (SELECT parent_id, \
         registered_at - LAG(registered_at, CAST($1 AS INTEGER)) OVER (PARTITION BY parent_id ORDER BY registered_at) AS span \
         FROM account WHERE parent_id IN (SELECT parent_id FROM account WHERE parent_id IS NOT NULL \
         GROUP BY parent_id HAVING COUNT(*) > $1) AND registered_at IS NOT NULL) w WHERE w.span < $2) \
         SELECT cl.parent_id, pc.code, cl.id, cl.registered_at, \
         (SELECT MIN(b.id) FROM payment y JOIN bonus b ON b.payment_id = y.id WHERE y.account_id = cl.id) \
         FROM busy JOIN account cl ON cl.parent_id = busy.parent_id JOIN promo_code pc ON pc.partner_id = cl.parent_id \
         WHERE cl.registered_at IS NOT NULL ORDER BY cl.parent_id, cl.registered_at, cl.id";
    let mut out: Vec<(PartnerRef, Vec<Registration>)> = Vec::new();
    for r in query_all(c, sql, vec![i64::from(limit).into(), window_ms.into()]).await? {
        let partner = PartnerRef { account_id: r.try_get_by_index(0)?, code: r.try_get_by_index(1)? };
        let reg = Registration {
            client_id: r.try_get_by_index(2)?,
            at: r.try_get_by_index(3)?,
            bonus_id: r.try_get_by_index(4)?,
        };
        match out.last_mut() {
            Some((p, regs)) if *p == partner => regs.push(reg),
            _ => out.push((partner, vec![reg])),
        }
    }
    Ok(out)
}

/// Per partner with at least `min_clients` paying clients: how many paid through its code and
/// how many of them had a refund. Counted along the partner index of payments, which holds the
/// client and the refund (no pass over the payment rows), before the codes are joined.
pub async fn refunds<C: ConnectionTrait>(c: &C, min_clients: u32) -> Result<Vec<Refunds>, DbErr> {
    let from = "FROM (SELECT partner_id, COUNT(DISTINCT account_id) AS paying, \
         COUNT(DISTINCT CASE WHEN refunded > 0 THEN account_id END) AS refunded FROM payment \
         WHERE partner_id IS NOT NULL GROUP BY partner_id HAVING COUNT(DISTINCT account_id) >= $1) r \
         JOIN promo_code pc ON pc.partner_id = r.partner_id";
    let cols = "r.partner_id, pc.code, r.paying, r.refunded";
    let min = vec![i64::from(min_clients).into()];
    let rows: Vec<(String, String, i64, i64)> =
        json_rows(c, cols, Some("pc.code"), from, min, "the partners' refunds").await?;
    Ok(rows
        .into_iter()
        .map(|(account_id, code, paying, refunded)| Refunds {
            partner: PartnerRef { account_id, code },
            paying_clients: paying.max(0) as u64,
            refunded_clients: refunded.max(0) as u64,
            bonus_ids: Vec::new(),
        })
        .collect())
}

/// The bonuses of the refunded payments of each of `partners`, in id order, by partner.
pub async fn refunded_bonuses<C: ConnectionTrait>(
    c: &C,
    partners: &[String],
) -> Result<HashMap<String, Vec<i64>>, DbErr> {
    let mut out: HashMap<String, Vec<i64>> = HashMap::new();
    for chunk in partners.chunks(900) {
        let sql = format!(
            "SELECT b.partner_id, b.id FROM bonus b JOIN payment y ON y.id = b.payment_id \
             WHERE b.partner_id IN ({}) AND y.refunded > 0 ORDER BY b.id",
            placeholders(1, chunk.len())
        );
        let vals: Vec<Value> = chunk.iter().map(|s| Value::from(s.clone())).collect();
        for r in query_all(c, &sql, vals).await? {
            out.entry(r.try_get_by_index(0)?).or_default().push(r.try_get_by_index(1)?);
        }
    }
    Ok(out)
}

/// Every list price payments carry.
pub async fn list_prices<C: ConnectionTrait>(c: &C) -> Result<Vec<Money>, DbErr> {
    let rows = query_all(c, "SELECT DISTINCT list_price FROM payment ORDER BY list_price", vec![]).await?;
    rows.iter().map(|r| Ok(Money::from_tiyn(r.try_get_by_index(0)?))).collect()
}

/// The payments that earned a bonus and paid other than the price `expected` gives for their
/// list price (pairs of list price and price; a payment whose list price is not among them is
/// left out), in bonus order. The database compares; which price a list price asks is the
/// domain's (`signals::promo_price`).
pub async fn earning_payments_paying_other_than<C: ConnectionTrait>(
    c: &C,
    expected: &[(Money, Money)],
) -> Result<Vec<EarningPayment>, DbErr> {
    let mut out = Vec::new();
    // A few list prices (the packages') in practice: one pass; many, a pass per few hundred.
    for chunk in expected.chunks(400) {
        let mut vals: Vec<Value> = Vec::new();
        let mut case = String::from("CASE y.list_price");
        for (list, price) in chunk {
            vals.push(list.tiyn().into());
            vals.push(price.tiyn().into());
            case.push_str(&format!(" WHEN ${} THEN ${}", vals.len() - 1, vals.len()));
        }
        // The payments are filtered in one pass along their own table before a bonus is looked
        // up (few pay otherwise); CROSS JOIN keeps SQLite in that order.
        let sql = format!(
            "WITH y AS MATERIALIZED (SELECT y.id, y.list_price, y.paid_amount FROM payment y \
             WHERE y.paid_amount <> {case} END AND EXISTS (SELECT 1 FROM bonus b WHERE b.payment_id = y.id)) \
             SELECT b.partner_id, pc.code, y.id, y.list_price, y.paid_amount, b.id FROM y CROSS JOIN bonus b \
             CROSS JOIN promo_code pc WHERE b.payment_id = y.id AND pc.partner_id = b.partner_id ORDER BY b.id"
        );
        for r in query_all(c, &sql, vals).await? {
            out.push(EarningPayment {
                partner: PartnerRef { account_id: r.try_get_by_index(0)?, code: r.try_get_by_index(1)? },
                payment_id: r.try_get_by_index(2)?,
                list_price: Money::from_tiyn(r.try_get_by_index(3)?),
                paid: Money::from_tiyn(r.try_get_by_index(4)?),
                bonus_id: r.try_get_by_index(5)?,
            });
        }
    }
    if expected.len() > 400 {
        out.sort_by_key(|p| p.bonus_id);
    }
    Ok(out)
}

/// Which partner brought each partner that was brought by one.
pub async fn partners_brought_by_partners<C: ConnectionTrait>(
    c: &C,
) -> Result<BTreeMap<PartnerRef, PartnerRef>, DbErr> {
    // From the codes (a lookup per partner), not along every account that has a parent.
    let from = "FROM promo_code ac CROSS JOIN account a CROSS JOIN promo_code pc \
         WHERE a.id = ac.partner_id AND pc.partner_id = a.parent_id";
    let rows: Vec<(String, String, String, String)> =
        json_rows(c, "a.id, ac.code, a.parent_id, pc.code", None, from, vec![], "the partners' parents").await?;
    Ok(rows
        .into_iter()
        .map(|(id, code, parent, parent_code)| {
            (PartnerRef { account_id: id, code }, PartnerRef { account_id: parent, code: parent_code })
        })
        .collect())
}
