use sea_orm::Set;
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

impl ActiveModel {
    /// A partner's new code, active from `at` (ms).
    pub fn new_active(code: String, partner_id: String, at: i64) -> Self {
        ActiveModel {
            code: Set(code),
            partner_id: Set(partner_id),
            active: Set(true),
            created_at: Set(at),
            deactivated_at: Set(None),
            deactivated_by: Set(None),
            deactivated_reason: Set(None),
        }
    }
}
