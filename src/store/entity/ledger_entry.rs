use sea_orm::entity::prelude::*;

/// One append-only ledger entry in a partner's `held` or `available` bucket. Balances are sums
/// of these; nothing here is ever updated or deleted.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ledger_entry")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub partner_id: String,
    pub bonus_id: Option<i64>,
    pub kind: String,
    pub bucket: String,
    pub amount: i64,
    pub at: i64,
    pub recorded_at: i64,
    pub operator: String,
    pub reason: Option<String>,
    pub reference: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
