use sea_orm::entity::prelude::*;

/// A platform account: a client, a partner, or both. `parent_id` is the partner who brought it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "account")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub iin: Option<String>,
    pub email_norm: Option<String>,
    pub phone_norm: Option<String>,
    pub iin_norm: Option<String>,
    pub device_id: Option<String>,
    pub ip: Option<String>,
    pub is_client: bool,
    pub is_partner: bool,
    pub registered_at: Option<i64>,
    pub parent_id: Option<String>,
    pub via_code: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
