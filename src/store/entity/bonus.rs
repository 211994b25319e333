use sea_orm::entity::prelude::*;

/// A bonus, with the terms it was booked on. `state` is the stored lifecycle state (held,
/// available, paid, voided); `due` and `frozen` are read from it with the clock and open cases.
/// Its value is `booked - reduced` (`reduced`: what partial refunds took back while unpaid).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bonus")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub payment_id: String,
    pub partner_id: String,
    pub booked: i64,
    pub reduced: i64,
    /// Clawed back after it was paid (refunds once the money was on its way).
    pub clawed: i64,
    pub rate: String,
    pub base_kind: String,
    pub base_amount: i64,
    pub campaign: Option<String>,
    pub hold_days: i32,
    pub booked_at: i64,
    pub release_at: i64,
    pub state: String,
    pub approved_at: Option<i64>,
    pub approved_by: Option<String>,
    pub voided_at: Option<i64>,
    pub voided_by: Option<String>,
    pub void_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
