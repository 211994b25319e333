//! The dashboard's figures: the program at a glance, at the clock's time.
use super::{Ctx, Result, ms};
use crate::domain::Money;
use crate::domain::bonus::ShownBonusState;
use crate::store::{bonuses as store_bonuses, program};
use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MonthFigures {
    /// The first day of the month (local).
    pub month: NaiveDate,
    pub revenue: Money,
    pub bonuses: Money,
    pub new_clients: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Dashboard {
    pub partners: i64,
    pub active_partners: i64,
    pub new_clients_month: i64,
    pub revenue_month: Money,
    pub held: (i64, Money),
    pub due: (i64, Money),
    pub frozen: (i64, Money),
    pub available: (i64, Money),
    pub paid: (i64, Money),
    /// The next payout run's due date (the program's payout day).
    pub next_payout_due: NaiveDate,
    /// The month that run pays.
    pub next_payout_month: NaiveDate,
    pub open_cases: i64,
    /// The last six months, oldest first.
    pub months: Vec<MonthFigures>,
}

fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

pub async fn load(ctx: &Ctx) -> Result<Dashboard> {
    let today = ctx.terms.local(ctx.now()).date_naive();
    let this_month = first_of_month(today);
    // The last six months, oldest first, read in one scan of each table.
    let starts: Vec<NaiveDate> =
        (0..=6).rev().map(|back| this_month.checked_sub_months(Months::new(back)).unwrap_or(this_month)).collect();
    let mut bounds: Vec<i64> = starts.iter().skip(1).map(|d| ms(ctx.terms.start_of_day(*d))).collect();
    let end = this_month.checked_add_months(Months::new(1)).unwrap_or(this_month);
    bounds.push(ms(ctx.terms.start_of_day(end)));
    let figures = program::per_month(&ctx.store.db, &bounds).await?;
    let totals = super::bonuses::totals(ctx).await?;
    let (partners, active_partners) = program::partner_counts(&ctx.store.db).await?;
    let open_cases = store_bonuses::open_cases_total(&ctx.store.db).await?;
    let months: Vec<MonthFigures> = starts
        .iter()
        .skip(1)
        .zip(figures)
        .map(|(month, (revenue, bonuses, new_clients))| MonthFigures { month: *month, revenue, bonuses, new_clients })
        .collect();
    let get = |s: ShownBonusState| totals.iter().find(|t| t.0 == s).map(|t| (t.1, t.2)).unwrap_or((0, Money::ZERO));
    // The earliest month whose run is not completed (late, or due next), else this month.
    let (pay_month, due) = super::payout_views::next_month(ctx).await?;
    let current = months.last().cloned();
    Ok(Dashboard {
        partners,
        active_partners,
        new_clients_month: current.as_ref().map(|m| m.new_clients).unwrap_or(0),
        revenue_month: current.as_ref().map(|m| m.revenue).unwrap_or(Money::ZERO),
        held: get(ShownBonusState::Held),
        due: get(ShownBonusState::Due),
        frozen: get(ShownBonusState::Frozen),
        available: get(ShownBonusState::Available),
        paid: get(ShownBonusState::Paid),
        next_payout_due: due,
        next_payout_month: pay_month,
        open_cases,
        months,
    })
}
