use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "fraud_case")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub partner_id: String,
    pub kind: String,
    pub status: String,
    pub opened_at: i64,
    pub payment_id: Option<String>,
    pub evidence: String,
    pub decided_at: Option<i64>,
    pub decided_by: Option<String>,
    pub decision_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
