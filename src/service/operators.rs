//! Operators. `init` registers the invoking operator as the first admin.
use super::{Ctx, Result, ms};
use crate::store::audit;
use crate::store::entity::operator;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};

/// Makes the invoking operator an admin when there is none yet; says whether it did.
pub async fn init(ctx: &Ctx) -> Result<bool> {
    let txn = ctx.store.begin_write().await?;
    let admins = operator::Entity::find().filter(operator::Column::Role.eq("admin")).count(&txn).await?;
    if admins > 0 {
        return Ok(false);
    }
    let now = ms(ctx.now());
    if operator::Entity::find_by_id(ctx.operator.clone()).one(&txn).await?.is_some() {
        crate::store::program::make_admin(&txn, &ctx.operator).await?;
    } else {
        operator::ActiveModel {
            name: Set(ctx.operator.clone()),
            role: Set("admin".into()),
            created_at: Set(now),
            created_by: Set(ctx.operator.clone()),
        }
        .insert(&txn)
        .await?;
    }
    audit::append(
        &txn,
        audit::Entry {
            at: now,
            operator: &ctx.operator,
            action: "operator.add",
            subject: &ctx.operator,
            detail: serde_json::json!({"role": "admin"}),
            reason: Some("first administrator (init)"),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(true)
}
