use sea_orm::entity::prelude::*;

/// The partner's signed contract: where the money goes.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contract")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub partner_id: String,
    pub number: String,
    pub signed_on: String,
    pub method: String,
    pub iban: String,
    pub iin_bin: String,
    pub recorded_at: i64,
    pub recorded_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
