//! Partners' contracts: where a partner's money goes. An operator records (or replaces) one; a
//! batch (the demonstration's, an import of signed contracts) records many in one transaction.
//! Both check every contract with the same [`check`].
use super::partners::find;
use super::{Ctx, Field, Missing, Problem, Purpose, Result, ServiceError, ms};
use crate::domain::identity::{validate_iban_kz, validate_iin};
use crate::store::entity::contract;
use crate::store::{audit, contracts as store};
use chrono::NaiveDate;
use sea_orm::{DatabaseTransaction, Set};
use std::collections::{BTreeMap, HashSet};

pub struct ContractInput {
    pub number: String,
    pub signed: String,
    pub iban: String,
    pub iin: String,
}

/// A contract that passed [`check`]: its number cleaned, its date parsed, IBAN and IIN/BIN in
/// their normal form.
struct Checked {
    number: String,
    signed: NaiveDate,
    iban: String,
    iin: String,
}

/// The checks every contract passes before it is recorded: a number, a date that is not in the
/// future (in the program's time zone), a valid Kazakh IBAN and a valid IIN/BIN.
fn check(ctx: &Ctx, k: &ContractInput) -> Result<Checked> {
    let number = super::policed(Field::Number, &k.number)?;
    if number.is_empty() {
        return Err(ServiceError::invalid(Field::Number, Problem::Missing(Purpose::ContractNumber)));
    }
    let signed = NaiveDate::parse_from_str(k.signed.trim(), "%Y-%m-%d")
        .map_err(|_| ServiceError::invalid(Field::Signed, Problem::NotDate(k.signed.clone())))?;
    if signed > ctx.terms.local(ctx.now()).date_naive() {
        return Err(ServiceError::invalid(Field::Signed, Problem::InFuture(signed)));
    }
    let iban =
        validate_iban_kz(&k.iban).map_err(|e| ServiceError::invalid(Field::Iban, Problem::Iban(k.iban.clone(), e)))?;
    let iin = validate_iin(&k.iin).map_err(|e| ServiceError::invalid(Field::Iin, Problem::Iin(k.iin.clone(), e)))?;
    Ok(Checked { number, signed, iban, iin })
}

/// Writes checked contracts recorded at `now`, each replacing the partner's previous one if
/// any, inside the caller's transaction; returns the contracts replaced, by partner id.
async fn write(
    ctx: &Ctx,
    txn: &DatabaseTransaction,
    now: i64,
    rows: &[(String, Checked)],
) -> Result<BTreeMap<String, contract::Model>> {
    let ids: Vec<String> = rows.iter().map(|(partner_id, _)| partner_id.clone()).collect();
    let before = store::of_partners(txn, &ids).await?;
    let models = rows
        .iter()
        .map(|(partner_id, k)| contract::ActiveModel {
            partner_id: Set(partner_id.clone()),
            number: Set(k.number.clone()),
            signed_on: Set(k.signed.to_string()),
            method: Set("bank_transfer".into()),
            iban: Set(k.iban.clone()),
            iin_bin: Set(k.iin.clone()),
            recorded_at: Set(now),
            recorded_by: Set(ctx.operator.clone()),
        })
        .collect();
    store::write(txn, models, &before).await?;
    Ok(before)
}

/// Records (or replaces) a partner's contract after checking the IBAN and IIN/BIN.
pub async fn set_contract(ctx: &Ctx, code: &str, k: ContractInput) -> Result<()> {
    crate::service::access::allow(ctx, crate::domain::access::Deed::EditPartner).await?;
    let k = check(ctx, &k)?;
    let (p, c) = find(ctx, code).await?;
    let txn = ctx.store.begin_write().await?;
    let now = ms(ctx.now());
    let rows = [(p.account_id.clone(), k)];
    let before = write(ctx, &txn, now, &rows).await?.remove(&p.account_id);
    let k = &rows[0].1;
    audit::append(
        &txn,
        audit::Entry {
            at: now,
            operator: &ctx.operator,
            action: "partner.contract",
            subject: &c.code,
            detail: serde_json::json!({
                "number": k.number, "signed_on": k.signed.to_string(), "iban": k.iban, "iin_bin": k.iin,
                "previous": before.map(|b| serde_json::json!({"number": b.number, "iban": b.iban, "iin_bin": b.iin_bin})),
            }),
            reason: None,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Records (or replaces) the contracts of many partners, given by code, in one transaction with
/// one audit entry: each is checked exactly as [`set_contract`] checks one, and one that fails
/// (or an unknown code, or a partner named twice) records none. Returns how many were recorded.
pub async fn set_contracts(ctx: &Ctx, contracts: &[(String, ContractInput)], reason: Option<&str>) -> Result<usize> {
    crate::service::access::allow(ctx, crate::domain::access::Deed::EditPartner).await?;
    let mut checked = Vec::with_capacity(contracts.len());
    for (code, k) in contracts {
        let code = code.trim().to_uppercase();
        let k = check(ctx, k).map_err(|e| ServiceError::Contract { code: code.clone(), error: Box::new(e) })?;
        checked.push((code, k));
    }
    let txn = ctx.store.begin_write().await?;
    let codes: Vec<String> = checked.iter().map(|(code, _)| code.clone()).collect();
    let owners = store::code_owners(&txn, &codes).await?;
    let mut seen = HashSet::new();
    let mut rows = Vec::with_capacity(checked.len());
    for (code, k) in checked {
        let Some(partner_id) = owners.get(&code) else {
            return Err(ServiceError::NotFound(Missing::Partner(code)));
        };
        if !seen.insert(partner_id.clone()) {
            return Err(ServiceError::Contract {
                code,
                error: Box::new(ServiceError::invalid(Field::Code, Problem::GivenTwice)),
            });
        }
        rows.push((partner_id.clone(), k));
    }
    let now = ms(ctx.now());
    let before = write(ctx, &txn, now, &rows).await?;
    audit::append(
        &txn,
        audit::Entry {
            at: now,
            operator: &ctx.operator,
            action: "partner.contracts",
            subject: &format!("{} contracts", rows.len()),
            detail: serde_json::json!({
                "recorded": rows.len(),
                "replaced": before.values().map(|b| serde_json::json!({
                    "partner_id": b.partner_id, "number": b.number, "iban": b.iban, "iin_bin": b.iin_bin,
                })).collect::<Vec<_>>(),
            }),
            reason,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(rows.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Terms;
    use crate::domain::identity::{iban_with_check, iin_with_check};
    use crate::service::partners::{NewPartner, show};
    use crate::service::{Clock, ServiceError};
    use crate::store::Store;
    use crate::store::entity::audit_log;
    use sea_orm::{EntityTrait, QueryOrder};

    fn input(number: &str, signed: &str, account: u32, iin11: &str) -> ContractInput {
        ContractInput {
            number: number.into(),
            signed: signed.into(),
            iban: iban_with_check(&format!("125KZT{account:010}")),
            iin: iin_with_check(iin11).unwrap_or_default(),
        }
    }

    fn invalid(r: Result<usize>) -> String {
        match r {
            Err(e) if e.exit_code() == 2 => e.to_string(),
            other => panic!("expected bad input, got {other:?}"),
        }
    }

    async fn contracts_recorded(ctx: &Ctx, action: &str) -> usize {
        let all = audit_log::Entity::find().all(&ctx.store.db).await.unwrap_or_default();
        all.iter().filter(|e| e.action == action).count()
    }

    #[tokio::test]
    async fn a_batch_is_checked_as_one_contract_is_and_recorded_whole() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("c.db").display());
        let store = Store::open(&url).await.unwrap_or_else(|e| panic!("{e}"));
        let now = "2026-10-10T10:00:00+05:00".parse::<chrono::DateTime<chrono::Utc>>().unwrap_or_default();
        let ctx = Ctx { store, terms: Terms::defaults(), operator: "anna".into(), clock: Clock::Fixed(now) };
        crate::service::operators::sandbox(&ctx, &[]).await.unwrap_or_else(|e| panic!("{e}"));
        let mut codes = Vec::new();
        for name in ["Асель Нурланова", "Ерлан Касымов"] {
            let p = NewPartner { name: name.into(), code: None, phone: None, email: None, iin: None };
            codes.push(crate::service::partners::add(&ctx, p).await.unwrap_or_else(|e| panic!("{e}")));
        }
        let (a, b) = (codes[0].clone(), codes[1].clone());

        // The same checks, and the same messages, naming the contract's partner in a batch.
        let future = input("AT-2", "2026-10-11", 2, "90010130012");
        let one = set_contract(&ctx, &a, input("AT-2", "2026-10-11", 2, "90010130012")).await;
        let Err(one @ ServiceError::Invalid { .. }) = one else { panic!("a contract signed tomorrow: {one:?}") };
        let one = one.to_string();
        assert_eq!(one, "--signed: 2026-10-11 is in the future");
        let batch = vec![(a.clone(), input("AT-1", "2026-10-02", 1, "90010130012")), (b.to_lowercase(), future)];
        assert_eq!(invalid(set_contracts(&ctx, &batch, None).await), format!("the contract of {b}: {one}"));
        let mut bad_iban = input("AT-2", "2026-10-02", 2, "90010130012");
        bad_iban.iban = "KZ00125KZT5004100100".into();
        let batch = vec![(a.clone(), input("AT-1", "2026-10-02", 1, "90010130012")), (b.clone(), bad_iban)];
        let m = invalid(set_contracts(&ctx, &batch, None).await);
        assert!(m.starts_with(&format!("the contract of {b}: --iban: KZ00125KZT5004100100:")), "{m}");
        let batch = vec![
            (a.clone(), input("AT-1", "2026-10-02", 1, "90010130012")),
            ("NOBODY1".into(), input("AT-2", "2026-10-02", 2, "90010130012")),
        ];
        assert_eq!(invalid(set_contracts(&ctx, &batch, None).await), "no partner has the code NOBODY1");
        let batch = vec![
            (a.clone(), input("AT-1", "2026-10-02", 1, "90010130012")),
            (a.to_lowercase(), input("AT-2", "2026-10-02", 2, "90010130012")),
        ];
        assert_eq!(
            invalid(set_contracts(&ctx, &batch, None).await),
            format!("the contract of {a}: --code: given twice")
        );
        // A refused batch records nothing.
        assert_eq!(show(&ctx, &a).await.map(|d| d.contract).ok(), Some(None));
        assert_eq!(contracts_recorded(&ctx, "partner.contracts").await, 0);

        // One already recorded is replaced; one transaction, one audit entry for the batch.
        set_contract(&ctx, &b, input("AT-0", "2026-10-01", 9, "90010130012")).await.unwrap_or_else(|e| panic!("{e}"));
        let batch = vec![
            (a.clone(), input(" AT-1 ", "2026-10-02", 1, "85020240013")),
            (b.clone(), input("AT-2", "2026-10-03", 2, "90010130012")),
        ];
        let n = set_contracts(&ctx, &batch, Some("signed batch of October")).await;
        assert_eq!(n.ok(), Some(2));
        let ka = show(&ctx, &a).await.ok().and_then(|d| d.contract).unwrap_or_else(|| panic!("no contract of {a}"));
        assert_eq!((ka.number.as_str(), ka.signed_on.as_str()), ("AT-1", "2026-10-02"));
        assert_eq!(ka.iban, iban_with_check("125KZT0000000001"));
        let kb = show(&ctx, &b).await.ok().and_then(|d| d.contract).unwrap_or_else(|| panic!("no contract of {b}"));
        assert_eq!((kb.number.as_str(), kb.iban), ("AT-2", iban_with_check("125KZT0000000002")));
        assert_eq!(contracts_recorded(&ctx, "partner.contract").await, 1);
        assert_eq!(contracts_recorded(&ctx, "partner.contracts").await, 1);
        let entry = audit_log::Entity::find().order_by_desc(audit_log::Column::Id).one(&ctx.store.db).await;
        let entry = entry.ok().flatten().unwrap_or_else(|| panic!("no audit entry"));
        assert_eq!((entry.subject.as_str(), entry.reason.as_deref()), ("2 contracts", Some("signed batch of October")));
        assert!(entry.detail.contains("\"number\":\"AT-0\""), "{}", entry.detail);
    }
}
