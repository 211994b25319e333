//! One file per screen: its state and its render.
pub mod bonuses;
pub mod dashboard;
pub mod partner_detail;
pub mod partners;
