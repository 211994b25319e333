use sea_orm::entity::prelude::*;

/// A partner's one promo code, stored upper-case.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "promo_code")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    pub partner_id: String,
    pub active: bool,
    pub created_at: i64,
    pub deactivated_at: Option<i64>,
    pub deactivated_by: Option<String>,
    pub deactivated_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
