//! The facts the abuse signals read (domain::signals decides on them). Each query narrows to what
//! can matter by a condition the signal needs (a value held twice, a code with more registrations
//! than the burst limit, a client matching its partner), so a scan reads a program once.
use super::{placeholders, query_all};
use crate::domain::Money;
use crate::domain::signals::{
    ClientOfPartner, EarningPayment, IdentityKind, PartnerRef, Refunds, Registration, SharedValue,
};
use sea_orm::{ConnectionTrait, DbErr, Value};
use std::collections::{BTreeMap, HashMap};

/// Where each kind of identity of a partner is stored: (table alias's FROM, value, account).
fn identity_source(kind: IdentityKind) -> (&'static str, &'static str, &'static str) {
    match kind {
        IdentityKind::Email => ("account a", "a.email_norm", "a.id"),
        IdentityKind::Phone => ("account a", "a.phone_norm", "a.id"),
        IdentityKind::Iin => ("account a", "a.iin_norm", "a.id"),
        IdentityKind::Device => ("account a", "a.device_id", "a.id"),
        IdentityKind::BankAccount => ("contract a", "a.iban", "a.partner_id"),
    }
}

/// Every identity value held by two partner accounts or more, with its holders.
pub async fn shared_values<C: ConnectionTrait>(c: &C) -> Result<Vec<SharedValue>, DbErr> {
    let mut out = Vec::new();
    for kind in IdentityKind::ALL {
        let (from, value, account) = identity_source(kind);
        let partners_only = if from.starts_with("account") { " AND a.is_partner" } else { "" };
        let sql = format!(
            "SELECT {value}, {account}, p.code FROM {from} JOIN promo_code p ON p.partner_id = {account} \
             WHERE {value} IS NOT NULL AND {value} <> ''{partners_only} AND {value} IN \
             (SELECT {value} FROM {from} WHERE {value} IS NOT NULL{partners_only} GROUP BY {value} HAVING COUNT(*) > 1) \
             ORDER BY {value}, p.code"
        );
        let mut groups: BTreeMap<String, Vec<PartnerRef>> = BTreeMap::new();
        for r in query_all(c, &sql, vec![]).await? {
            let v: String = r.try_get_by_index(0)?;
            groups
                .entry(v)
                .or_default()
                .push(PartnerRef { account_id: r.try_get_by_index(1)?, code: r.try_get_by_index(2)? });
        }
        out.extend(groups.into_iter().map(|(value, partners)| SharedValue { kind, value, partners }));
    }
    Ok(out)
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
pub async fn clients_matching_partner<C: ConnectionTrait>(c: &C) -> Result<Vec<ClientOfPartner>, DbErr> {
    let sql = "SELECT cl.id, p.id, pc.code, \
         CASE WHEN cl.email_norm = p.email_norm THEN cl.email_norm END, \
         CASE WHEN cl.phone_norm = p.phone_norm THEN cl.phone_norm END, \
         CASE WHEN cl.iin_norm = p.iin_norm THEN cl.iin_norm END \
         FROM account cl JOIN account p ON p.id = cl.parent_id JOIN promo_code pc ON pc.partner_id = p.id \
         WHERE cl.id = p.id OR cl.email_norm = p.email_norm OR cl.phone_norm = p.phone_norm OR cl.iin_norm = p.iin_norm \
         ORDER BY pc.code, cl.id";
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

/// The registrations through each code that had more than `limit` within some `window_ms` (the
/// database counts each registration's window; the domain then finds the burst), in time order,
/// by partner.
pub async fn registrations_over<C: ConnectionTrait>(
    c: &C,
    limit: u32,
    window_ms: i64,
) -> Result<Vec<(PartnerRef, Vec<Registration>)>, DbErr> {
    let busy = "SELECT DISTINCT w.parent_id FROM (SELECT parent_id, COUNT(*) OVER (PARTITION BY parent_id \
         ORDER BY registered_at RANGE BETWEEN $1 PRECEDING AND CURRENT ROW) AS n FROM account \
         WHERE parent_id IS NOT NULL AND registered_at IS NOT NULL) w WHERE w.n > $2 ORDER BY w.parent_id";
    let partners: Vec<String> = query_all(c, busy, vec![(window_ms - 1).max(0).into(), i64::from(limit).into()])
        .await?
        .iter()
        .map(|r| r.try_get_by_index(0))
        .collect::<Result<_, _>>()?;
    let mut out: Vec<(PartnerRef, Vec<Registration>)> = Vec::new();
    for partner in partners {
        let sql = "SELECT pc.code, cl.id, cl.registered_at, \
             (SELECT MIN(b.id) FROM payment y JOIN bonus b ON b.payment_id = y.id WHERE y.account_id = cl.id) \
             FROM account cl JOIN promo_code pc ON pc.partner_id = cl.parent_id \
             WHERE cl.parent_id = $1 AND cl.registered_at IS NOT NULL ORDER BY cl.registered_at, cl.id";
        let mut regs = Vec::new();
        let mut code = String::new();
        for r in query_all(c, sql, vec![partner.clone().into()]).await? {
            code = r.try_get_by_index(0)?;
            regs.push(Registration {
                client_id: r.try_get_by_index(1)?,
                at: r.try_get_by_index(2)?,
                bonus_id: r.try_get_by_index(3)?,
            });
        }
        out.push((PartnerRef { account_id: partner, code }, regs));
    }
    Ok(out)
}

/// Per partner with at least `min_clients` paying clients: how many paid through its code and
/// how many of them had a refund, with the bonuses of the refunded payments.
pub async fn refunds<C: ConnectionTrait>(c: &C, min_clients: u32) -> Result<Vec<Refunds>, DbErr> {
    let sql = "SELECT y.partner_id, pc.code, COUNT(DISTINCT y.account_id), \
         COUNT(DISTINCT CASE WHEN y.refunded > 0 THEN y.account_id END) \
         FROM payment y JOIN promo_code pc ON pc.partner_id = y.partner_id WHERE y.partner_id IS NOT NULL \
         GROUP BY y.partner_id, pc.code HAVING COUNT(DISTINCT y.account_id) >= $1 ORDER BY pc.code";
    let mut out = Vec::new();
    for r in query_all(c, sql, vec![i64::from(min_clients).into()]).await? {
        out.push(Refunds {
            partner: PartnerRef { account_id: r.try_get_by_index(0)?, code: r.try_get_by_index(1)? },
            paying_clients: r.try_get_by_index::<i64>(2)?.max(0) as u64,
            refunded_clients: r.try_get_by_index::<i64>(3)?.max(0) as u64,
            bonus_ids: Vec::new(),
        });
    }
    Ok(out)
}

/// The bonuses of a partner's refunded payments.
pub async fn refunded_bonuses<C: ConnectionTrait>(c: &C, partner_id: &str) -> Result<Vec<i64>, DbErr> {
    let sql = "SELECT b.id FROM bonus b JOIN payment y ON y.id = b.payment_id \
         WHERE b.partner_id = $1 AND y.refunded > 0 ORDER BY b.id";
    query_all(c, sql, vec![partner_id.into()]).await?.iter().map(|r| r.try_get_by_index(0)).collect()
}

/// Every payment that earned a bonus.
pub async fn earning_payments<C: ConnectionTrait>(c: &C) -> Result<Vec<EarningPayment>, DbErr> {
    let sql = "SELECT b.partner_id, pc.code, y.id, y.list_price, y.paid_amount, b.id \
         FROM bonus b JOIN payment y ON y.id = b.payment_id JOIN promo_code pc ON pc.partner_id = b.partner_id \
         ORDER BY b.id";
    let mut out = Vec::new();
    for r in query_all(c, sql, vec![]).await? {
        out.push(EarningPayment {
            partner: PartnerRef { account_id: r.try_get_by_index(0)?, code: r.try_get_by_index(1)? },
            payment_id: r.try_get_by_index(2)?,
            list_price: Money::from_tiyn(r.try_get_by_index(3)?),
            paid: Money::from_tiyn(r.try_get_by_index(4)?),
            bonus_id: r.try_get_by_index(5)?,
        });
    }
    Ok(out)
}

/// Which partner brought each partner that was brought by one.
pub async fn partners_brought_by_partners<C: ConnectionTrait>(
    c: &C,
) -> Result<BTreeMap<PartnerRef, PartnerRef>, DbErr> {
    let sql = "SELECT a.id, ac.code, a.parent_id, pc.code FROM account a \
         JOIN promo_code ac ON ac.partner_id = a.id JOIN promo_code pc ON pc.partner_id = a.parent_id \
         WHERE a.parent_id IS NOT NULL";
    let mut out = BTreeMap::new();
    for r in query_all(c, sql, vec![]).await? {
        out.insert(
            PartnerRef { account_id: r.try_get_by_index(0)?, code: r.try_get_by_index(1)? },
            PartnerRef { account_id: r.try_get_by_index(2)?, code: r.try_get_by_index(3)? },
        );
    }
    Ok(out)
}
