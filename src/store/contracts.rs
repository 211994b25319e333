//! Partners' contracts: read by partner, and written (inserted, or replacing the one before).
use super::entity::{contract, promo_code};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use std::collections::{BTreeMap, HashMap};

/// The contracts these partners (account ids) have now.
pub async fn of_partners<C: ConnectionTrait>(
    c: &C,
    ids: &[String],
) -> Result<BTreeMap<String, contract::Model>, DbErr> {
    let mut found = BTreeMap::new();
    for chunk in ids.chunks(900) {
        for k in
            contract::Entity::find().filter(contract::Column::PartnerId.is_in(chunk.iter().cloned())).all(c).await?
        {
            found.insert(k.partner_id.clone(), k);
        }
    }
    Ok(found)
}

/// Writes contracts: an update where the partner has one (`replacing`), an insert otherwise.
pub async fn write<C: ConnectionTrait>(
    c: &C,
    rows: Vec<contract::ActiveModel>,
    replacing: &BTreeMap<String, contract::Model>,
) -> Result<(), DbErr> {
    let mut new = Vec::new();
    for model in rows {
        let replaces = model.partner_id.try_as_ref().is_some_and(|id| replacing.contains_key(id));
        if replaces {
            model.update(c).await?;
        } else {
            new.push(model);
        }
    }
    for chunk in new.chunks(500) {
        contract::Entity::insert_many(chunk.to_vec()).exec_without_returning(c).await?;
    }
    Ok(())
}

/// The owners (account ids) of these codes, by code.
pub async fn code_owners<C: ConnectionTrait>(c: &C, codes: &[String]) -> Result<HashMap<String, String>, DbErr> {
    let mut owners = HashMap::new();
    for chunk in codes.chunks(900) {
        for pc in
            promo_code::Entity::find().filter(promo_code::Column::Code.is_in(chunk.iter().cloned())).all(c).await?
        {
            owners.insert(pc.code, pc.partner_id);
        }
    }
    Ok(owners)
}
