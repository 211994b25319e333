//! The program-wide figures the database keeps as rows are written (migration m0003_figures):
//! per kind, per quarter of an hour and per UTC day, a count and an amount. Reading them costs a
//! few hundred small rows where a scan of a large program costs every payment, bonus and account.
use super::bonuses::{FROZEN, stored_state};
use super::{placeholders, query_all};
use crate::domain::bonus::StoredBonusState;
use sea_orm::{ConnectionTrait, DbErr, Value};

/// The buckets' widths in milliseconds (as in the migration): a quarter of an hour, and a UTC day.
pub const QUARTER: i64 = 900_000;
pub const DAY: i64 = 86_400_000;
const QUARTERS_A_DAY: i64 = DAY / QUARTER;

/// The quarter an instant falls in.
pub fn bucket(ms: i64) -> i64 {
    ms.div_euclid(QUARTER)
}

/// Whether `ms` is where a quarter starts, so that a period starting or ending there is whole
/// buckets.
pub fn aligned(ms: i64) -> bool {
    ms.rem_euclid(QUARTER) == 0
}

/// The buckets that make up `[from, to)` (both aligned): the whole days inside it, and quarters
/// for the parts of a day at either end; as (width, first bucket, bucket after the last).
fn cover(from: i64, to: i64) -> Vec<(i64, i64, i64)> {
    let first_day = from.div_euclid(DAY) + i64::from(from.rem_euclid(DAY) != 0);
    let last_day = to.div_euclid(DAY);
    let parts = if first_day < last_day {
        vec![
            (QUARTER, bucket(from), first_day * QUARTERS_A_DAY),
            (DAY, first_day, last_day),
            (QUARTER, last_day * QUARTERS_A_DAY, bucket(to)),
        ]
    } else {
        vec![(QUARTER, bucket(from), bucket(to))]
    };
    parts.into_iter().filter(|p| p.1 < p.2).collect()
}

/// Count and amount per period between consecutive `bounds` (each aligned) for each of `kinds`,
/// in one statement: `out[k][p]`. A month reads about thirty days and a few quarters a kind.
pub async fn per_period<C: ConnectionTrait>(
    c: &C,
    kinds: &[&str],
    bounds: &[i64],
) -> Result<Vec<Vec<(i64, i64)>>, DbErr> {
    let periods = bounds.len().saturating_sub(1);
    let mut out = vec![vec![(0, 0); periods]; kinds.len()];
    let mut vals: Vec<Value> = kinds.iter().map(|k| Value::from(*k)).collect();
    let kind_list = placeholders(1, kinds.len());
    let mut parts = Vec::new();
    for (period, pair) in bounds.windows(2).enumerate() {
        for (width, from, to) in cover(pair[0], pair[1]) {
            vals.extend([width.into(), from.into(), to.into()]);
            let n = vals.len();
            parts.push(format!(
                "SELECT kind, CAST({period} AS BIGINT), CAST(SUM(n) AS BIGINT), CAST(SUM(amount) AS BIGINT) \
                 FROM figure WHERE width = ${} AND kind IN ({kind_list}) AND bucket >= ${} AND bucket < ${n} \
                 GROUP BY kind",
                n - 2,
                n - 1
            ));
        }
    }
    if kinds.is_empty() || parts.is_empty() {
        return Ok(out);
    }
    for r in query_all(c, &parts.join(" UNION ALL "), vals).await? {
        let kind: String = r.try_get_by_index(0)?;
        let period: i64 = r.try_get_by_index(1)?;
        let (Some(k), Ok(p)) = (kinds.iter().position(|x| *x == kind), usize::try_from(period)) else {
            continue;
        };
        if let Some(slot) = out.get_mut(k).and_then(|row| row.get_mut(p)) {
            slot.0 += r.try_get_by_index::<i64>(2)?;
            slot.1 += r.try_get_by_index::<i64>(3)?;
        }
    }
    Ok(out)
}

/// Bonuses of the whole program that share what their shown state depends on: the stored state,
/// whether the hold has ended at the instant asked, and whether an open case freezes them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BonusGroup {
    pub state: StoredBonusState,
    pub released: bool,
    pub frozen: bool,
    pub count: i64,
    /// Value in tiyn (booked less reduced).
    pub value: i64,
}

/// Every bonus of the program at `now` (unix ms), grouped as [`BonusGroup`]: the kept figures
/// for whole buckets, the bonuses of the quarter `now` falls in read one by one, and the bonuses
/// of partners with an open case (few) read apart, so that the sums are exact at any instant.
pub async fn bonus_groups<C: ConnectionTrait>(c: &C, now: i64) -> Result<Vec<BonusGroup>, DbErr> {
    // (state, released, frozen) → (count, value)
    let mut sums: Vec<(StoredBonusState, bool, bool, i64, i64)> = Vec::new();
    let mut add = |state, released, frozen, n: i64, v: i64| match sums
        .iter_mut()
        .find(|g| g.0 == state && g.1 == released && g.2 == frozen)
    {
        Some(g) => {
            g.3 += n;
            g.4 += v;
        }
        None => sums.push((state, released, frozen, n, v)),
    };
    let (day, quarter) = (now.div_euclid(DAY), bucket(now));
    // Whole buckets before the clock's have ended their holds; those after it have not: the
    // days but today, then today's quarters but the clock's. Every `bonus:` kind, the unknown
    // too (`;` follows `:`), read along the primary key.
    let kept = "SELECT kind, CAST(CASE WHEN bucket < $2 THEN 1 ELSE 0 END AS BIGINT), \
                CAST(SUM(n) AS BIGINT), CAST(SUM(amount) AS BIGINT) FROM figure \
                WHERE width = $1 AND kind >= 'bonus:' AND kind < 'bonus;' AND bucket >= $3 AND bucket < $4 \
                AND bucket <> $2 GROUP BY 1, 2";
    let reads = [(DAY, day, i64::MIN, i64::MAX), (QUARTER, quarter, day * QUARTERS_A_DAY, (day + 1) * QUARTERS_A_DAY)];
    for (width, current, from, to) in reads {
        let vals = vec![width.into(), current.into(), from.into(), to.into()];
        for r in query_all(c, kept, vals).await? {
            let kind: String = r.try_get_by_index(0)?;
            let name = kind.strip_prefix("bonus:").unwrap_or(&kind);
            let state = StoredBonusState::parse(name).ok_or_else(|| {
                DbErr::Custom(format!(
                    "the figures hold bonuses in the stored state {name:?}, which refdesk does not know"
                ))
            })?;
            add(state, r.try_get_by_index::<i64>(1)? != 0, false, r.try_get_by_index(2)?, r.try_get_by_index(3)?);
        }
    }
    // The clock's quarter, row by row: its bonuses are released or not by the exact instant.
    let start = quarter * QUARTER;
    let current = "SELECT b.id, b.state, CAST(CASE WHEN b.release_at <= $1 THEN 1 ELSE 0 END AS BIGINT), \
                   b.booked - b.reduced FROM bonus b WHERE b.release_at >= $2 AND b.release_at < $3";
    for r in query_all(c, current, vec![now.into(), start.into(), (start + QUARTER).into()]).await? {
        let id: i64 = r.try_get_by_index(0)?;
        let state = stored_state(id, &r.try_get_by_index::<String>(1)?)?;
        add(state, r.try_get_by_index::<i64>(2)? != 0, false, 1, r.try_get_by_index(3)?);
    }
    // Frozen bonuses move from the groups above to groups of their own.
    let frozen = format!(
        "SELECT b.id, b.state, CAST(CASE WHEN b.release_at <= $1 THEN 1 ELSE 0 END AS BIGINT), \
         b.booked - b.reduced FROM bonus b WHERE {FROZEN}"
    );
    for r in query_all(c, &frozen, vec![now.into()]).await? {
        let id: i64 = r.try_get_by_index(0)?;
        let state = stored_state(id, &r.try_get_by_index::<String>(1)?)?;
        let released = r.try_get_by_index::<i64>(2)? != 0;
        let value: i64 = r.try_get_by_index(3)?;
        add(state, released, false, -1, -value);
        add(state, released, true, 1, value);
    }
    Ok(sums
        .into_iter()
        .filter(|g| g.3 != 0 || g.4 != 0)
        .map(|(state, released, frozen, count, value)| BonusGroup { state, released, frozen, count, value })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A month of the +05:00 zone: from the first's local midnight (19:00 UTC the day before) to
    /// the next month's: the 20 quarters left of its first UTC day, 30 whole days, and the 76
    /// quarters of its last UTC day before 19:00.
    #[test]
    fn a_month_is_whole_days_and_quarters_at_its_ends() {
        let day0 = 20_392; // 2025-10-31 (UTC day number)
        let from = day0 * DAY + 19 * 3_600_000;
        let to = (day0 + 30) * DAY + 19 * 3_600_000;
        let parts = cover(from, to);
        assert_eq!(
            parts,
            vec![
                (QUARTER, bucket(from), (day0 + 1) * QUARTERS_A_DAY),
                (DAY, day0 + 1, day0 + 30),
                (QUARTER, (day0 + 30) * QUARTERS_A_DAY, bucket(to)),
            ]
        );
        let quarters: i64 = parts.iter().map(|p| (p.2 - p.1) * (p.0 / QUARTER)).sum();
        assert_eq!(quarters * QUARTER, to - from);
        // Inside one day: quarters only; an empty period: nothing.
        assert_eq!(cover(from, from + 2 * QUARTER), vec![(QUARTER, bucket(from), bucket(from) + 2)]);
        assert_eq!(cover(from, from), vec![]);
        // From a day's start: no quarters before the days.
        assert_eq!(cover(day0 * DAY, (day0 + 2) * DAY), vec![(DAY, day0, day0 + 2)]);
    }
}
