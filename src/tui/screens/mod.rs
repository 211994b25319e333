//! One file per screen: its state, its update and its render, behind [`Component`]. To add a
//! screen: its file here, a field and an arm in each of `get`/`get_mut` below, and its entry in
//! `action::Screen`; the `App` routes to it unchanged.
pub mod abuse;
pub mod abuse_case;
pub mod audit;
pub mod audit_entry;
pub mod audit_filter;
pub mod bonus_detail;
pub mod bonuses;
pub mod dashboard;
pub mod partner_detail;
pub mod partner_sections;
pub mod partners;
pub mod payout_run;
pub mod payouts;
pub mod tree;

use super::action::Screen;
use super::component::Component;

/// Every screen's state, kept while another is shown.
#[derive(Debug, Default)]
pub struct Screens {
    pub dashboard: dashboard::DashboardState,
    pub partners: partners::PartnersState,
    pub bonuses: bonuses::BonusesState,
    pub payouts: payouts::PayoutsState,
    pub abuse: abuse::AbuseState,
    pub tree: tree::TreeState,
    pub audit: audit::AuditState,
}

impl Screens {
    pub fn get(&self, s: Screen) -> &dyn Component {
        match s {
            Screen::Dashboard => &self.dashboard,
            Screen::Partners => &self.partners,
            Screen::Bonuses => &self.bonuses,
            Screen::Payouts => &self.payouts,
            Screen::Abuse => &self.abuse,
            Screen::Tree => &self.tree,
            Screen::Audit => &self.audit,
        }
    }

    pub fn get_mut(&mut self, s: Screen) -> &mut dyn Component {
        match s {
            Screen::Dashboard => &mut self.dashboard,
            Screen::Partners => &mut self.partners,
            Screen::Bonuses => &mut self.bonuses,
            Screen::Payouts => &mut self.payouts,
            Screen::Abuse => &mut self.abuse,
            Screen::Tree => &mut self.tree,
            Screen::Audit => &mut self.audit,
        }
    }
}
