use sea_orm::entity::prelude::*;

/// A partner's programme record; `status` is `active` or `excluded`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "partner")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub account_id: String,
    pub name: String,
    pub registered_at: i64,
    pub trial_ends_at: i64,
    pub status: String,
    pub status_reason: Option<String>,
    pub status_at: Option<i64>,
    pub status_by: Option<String>,
    /// Lower-cased name, code and phone digits, for `/` search on both backends.
    pub search: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
