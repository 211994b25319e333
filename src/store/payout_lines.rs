//! A payout run's lines as stored: all of them with their clawbacks (the bank files, completion,
//! `payout show`), a page in the codes' order, and their counts and sums by standing and reason
//! (the console's run detail). Written by `payouts::insert`.
use super::query_all;
use crate::domain::Money;
use crate::domain::payout::{BankDetails, Covered, HoldBack, Line, LineStatus};
use sea_orm::{ConnectionTrait, DbErr, QueryResult, Value};

const LINE_COLS: &str = "partner_id, code, name, contract_number, iban, amount, available, clawed, status, reason, \
     bonus_count, bonus_id_sum";

/// A line of `run` from a row of [`LINE_COLS`], without its clawbacks.
fn line_of(run: i64, r: &QueryResult) -> Result<Line, DbErr> {
    let partner_id: String = r.try_get_by_index(0)?;
    let status: String = r.try_get_by_index(8)?;
    let reason: Option<String> = r.try_get_by_index(9)?;
    let number: Option<String> = r.try_get_by_index(3)?;
    let iban: Option<String> = r.try_get_by_index(4)?;
    let unknown = |what: &str, v: &str| {
        DbErr::Custom(format!("payout run {run}, partner {partner_id}: the {what} {v:?} is not one refdesk knows"))
    };
    Ok(Line {
        code: r.try_get_by_index(1)?,
        name: r.try_get_by_index(2)?,
        contract: number.zip(iban).map(|(contract_number, iban)| BankDetails { contract_number, iban }),
        amount: Money::from_tiyn(r.try_get_by_index(5)?),
        available: Money::from_tiyn(r.try_get_by_index(6)?),
        clawed: Money::from_tiyn(r.try_get_by_index(7)?),
        status: LineStatus::parse(&status).ok_or_else(|| unknown("line status", &status))?,
        reason: match reason {
            Some(s) => Some(HoldBack::parse(&s).ok_or_else(|| unknown("hold-back reason", &s))?),
            None => None,
        },
        bonuses: Covered {
            count: r.try_get_by_index(10)?,
            value: Money::from_tiyn(r.try_get_by_index(6)?),
            id_sum: r.try_get_by_index(11)?,
        },
        clawbacks: Vec::new(),
        partner_id,
    })
}

/// A page of a run's lines in the partners' codes' order, after the code `after`, of one status
/// or all; without their clawbacks (the console's run detail). The run's lines are found by the
/// key's run prefix and the page's few taken in order (a top-N sort, no index on the code).
pub async fn lines_page<C: ConnectionTrait>(
    c: &C,
    run: i64,
    status: Option<LineStatus>,
    after: Option<&str>,
    limit: u64,
) -> Result<Vec<Line>, DbErr> {
    let mut sql = format!("SELECT {LINE_COLS} FROM payout_line WHERE run_id = $1");
    let mut vals: Vec<Value> = vec![run.into()];
    if let Some(s) = status {
        vals.push(s.as_str().into());
        sql.push_str(&format!(" AND status = ${}", vals.len()));
    }
    if let Some(a) = after {
        vals.push(a.into());
        sql.push_str(&format!(" AND code > ${}", vals.len()));
    }
    vals.push((limit as i64).into());
    sql.push_str(&format!(" ORDER BY code LIMIT ${}", vals.len()));
    query_all(c, &sql, vals).await?.iter().map(|r| line_of(run, r)).collect()
}

/// A run's lines counted and summed by status and hold-back reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineTotal {
    pub status: LineStatus,
    pub reason: Option<HoldBack>,
    pub count: i64,
    pub amount: Money,
    pub available: Money,
}

pub async fn line_totals<C: ConnectionTrait>(c: &C, run: i64) -> Result<Vec<LineTotal>, DbErr> {
    let sql = "SELECT status, reason, COUNT(*), CAST(SUM(amount) AS BIGINT), CAST(SUM(available) AS BIGINT) \
               FROM payout_line WHERE run_id = $1 GROUP BY status, reason ORDER BY status, reason";
    let mut out = Vec::new();
    for r in query_all(c, sql, vec![run.into()]).await? {
        let status: String = r.try_get_by_index(0)?;
        let reason: Option<String> = r.try_get_by_index(1)?;
        let unknown = |v: &str| DbErr::Custom(format!("payout run {run}: {v:?} is not a line status or reason"));
        out.push(LineTotal {
            status: LineStatus::parse(&status).ok_or_else(|| unknown(&status))?,
            reason: match reason {
                Some(s) => Some(HoldBack::parse(&s).ok_or_else(|| unknown(&s))?),
                None => None,
            },
            count: r.try_get_by_index(2)?,
            amount: Money::from_tiyn(r.try_get_by_index(3)?),
            available: Money::from_tiyn(r.try_get_by_index(4)?),
        });
    }
    Ok(out)
}

/// A line as stored, with the bonuses and clawbacks it covers.
pub async fn lines<C: ConnectionTrait>(c: &C, run: i64) -> Result<Vec<Line>, DbErr> {
    let sql = format!("SELECT {LINE_COLS} FROM payout_line WHERE run_id = $1 ORDER BY code");
    let mut out: Vec<Line> =
        query_all(c, &sql, vec![run.into()]).await?.iter().map(|r| line_of(run, r)).collect::<Result<_, _>>()?;
    let at: std::collections::HashMap<String, usize> =
        out.iter().enumerate().map(|(i, l)| (l.partner_id.clone(), i)).collect();
    let items = "SELECT partner_id, entry_id, amount FROM payout_item WHERE run_id = $1 ORDER BY id";
    for r in query_all(c, items, vec![run.into()]).await? {
        let partner: String = r.try_get_by_index(0)?;
        let v = Money::from_tiyn(r.try_get_by_index(2)?);
        if let Some(l) = at.get(&partner).and_then(|&i| out.get_mut(i)) {
            l.clawbacks.push((r.try_get_by_index(1)?, v));
        }
    }
    for l in &mut out {
        l.clawbacks.sort_unstable();
    }
    Ok(out)
}
