use sea_orm::entity::prelude::*;

/// An imported platform event: kept to make import idempotent (same id and digest: duplicate).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "event")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub event_id: String,
    pub kind: String,
    pub at: i64,
    pub digest: i64,
    pub imported_at: i64,
    pub source: Option<String>,
    pub line: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
