use sea_orm::entity::prelude::*;

/// A confirmed payment, with its attribution: the partner whose code it carried and, when it
/// earned nothing, the reason.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payment")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub account_id: String,
    pub package: String,
    pub list_price: i64,
    pub paid_amount: i64,
    pub refunded: i64,
    pub promo_code: Option<String>,
    pub promotion: Option<String>,
    pub partner_id: Option<String>,
    pub paid_at: i64,
    pub reason: Option<String>,
    pub event_id: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
