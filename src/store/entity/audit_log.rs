use sea_orm::entity::prelude::*;

/// Who did what, when and why; each entry hashes the one before it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub at: i64,
    pub operator: String,
    pub role: String,
    pub sandbox: bool,
    pub action: String,
    pub subject: String,
    pub detail: String,
    pub reason: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
