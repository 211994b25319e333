//! Payout runs: the candidates of a month (bonuses available by its end, clawbacks not yet
//! recovered, each partner's standing and bank details), and the runs, lines and items written.
//! Every change of a run's state is a compare-and-set on the state it leaves.
use super::{execute, json_rows, placeholders, query_all, query_one};
use crate::domain::Money;
use crate::domain::payout::{BankDetails, Candidate, Covered, HoldBack, Line, LineStatus, RunState};
use crate::domain::terms::Approval;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, QueryResult, Statement, Value};
use std::collections::BTreeMap;

pub use super::payout_lines::{LineTotal, line_totals, lines, lines_page};

/// No run: the id that no run has (for "bound to any live run but this one").
pub const NO_RUN: i64 = -1;

/// When a bonus counts as available (the SQL form, over alias `b`, of "became available by the
/// end of the month", the end being the SQL expression `cutoff`): approved by then; with
/// automatic approval, released by then.
fn available_by(approval: Approval, cutoff: &str) -> String {
    match approval {
        Approval::Manual => format!("b.state = 'available' AND b.approved_at <= {cutoff}"),
        // The service books the releases due before it prepares (bonuses::auto_release).
        Approval::Auto => format!("b.state = 'available' AND b.release_at <= {cutoff}"),
    }
}

/// The available bonuses that are not [`available_by`] the end `cutoff`: one condition per range
/// of an index, the bonuses being those meeting any one of them (they exclude each other).
fn available_after(approval: Approval, cutoff: &str) -> Vec<String> {
    match approval {
        Approval::Manual => vec![
            format!("b.state = 'available' AND b.approved_at > {cutoff}"),
            "b.state = 'available' AND b.approved_at IS NULL".into(),
        ],
        Approval::Auto => vec![format!("b.state = 'available' AND b.release_at > {cutoff}")],
    }
}

/// A run not yet exported but live (draft or approved). Its bonuses are not bound to it (the
/// first export binds them): they are defined by rule, [`claimed_by`], and guarded by the run's
/// content hash, which approval and the first export check again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pending {
    pub id: i64,
    pub cutoff: i64,
}

/// The runs not yet exported, oldest first (there are a few at most: one a month).
pub async fn pending<C: ConnectionTrait>(c: &C) -> Result<Vec<Pending>, DbErr> {
    let sql = "SELECT id, cutoff FROM payout_run WHERE state IN ('draft', 'approved') ORDER BY id";
    let mut out = Vec::new();
    for r in query_all(c, sql, vec![]).await? {
        out.push(Pending { id: r.try_get_by_index(0)?, cutoff: r.try_get_by_index(1)? });
    }
    Ok(out)
}

/// The pending runs that come before `run` (lower ids: the earliest run wins a bonus); for a new
/// run ([`NO_RUN`]), all of them.
async fn earlier<C: ConnectionTrait>(c: &C, run: i64) -> Result<Vec<Pending>, DbErr> {
    let all = pending(c).await?;
    Ok(all.into_iter().filter(|p| p.id != run && (run == NO_RUN || p.id < run)).collect())
}

/// SQL over alias `b`: the bonuses pending run `p` reaches, earlier runs aside: available by its
/// cutoff, of a partner with a payable line in it. Ids and cutoffs are numbers from the
/// database, written into the text.
fn reach(approval: Approval, p: Pending) -> String {
    format!("({} AND {})", available_by(approval, &p.cutoff.to_string()), payable_in(p.id))
}

/// SQL over alias `b`: the bonus's partner has a payable line in run `run`.
fn payable_in(run: i64) -> String {
    format!("b.partner_id IN (SELECT l.partner_id FROM payout_line l WHERE l.run_id = {run} AND l.status = 'payable')")
}

/// The rule, written once: SQL over alias `b` of the bonuses free for `run` (or a new run,
/// [`NO_RUN`]) ending at `cutoff` (an SQL expression): available by then, bound to no run (or to
/// `run` itself) and reached by none of the `earlier` pending runs. With no pending run besides
/// (the common case) it is the bare condition of the month's aggregate and nothing more.
fn free_for(approval: Approval, cutoff: &str, run: i64, earlier: &[Pending]) -> String {
    let mut sql = available_by(approval, cutoff);
    if run == NO_RUN {
        sql.push_str(" AND b.payout_run_id IS NULL");
    } else {
        sql.push_str(&format!(" AND (b.payout_run_id IS NULL OR b.payout_run_id = {run})"));
    }
    for p in earlier {
        sql.push_str(" AND NOT ");
        sql.push_str(&reach(approval, *p));
    }
    sql
}

/// SQL over alias `b` of the bonuses pending run `p` claims: those free for it that it reaches
/// (the bonuses of its payable lines).
fn claimed_by(approval: Approval, p: Pending, earlier: &[Pending]) -> String {
    format!("{} AND {}", free_for(approval, &p.cutoff.to_string(), p.id, earlier), payable_in(p.id))
}

/// Everything a month's run would cover, by partner: the bonuses free for `run` (or a new run,
/// [`NO_RUN`]) by `cutoff` ([`free_for`]: bound to no run and claimed by no earlier pending run;
/// summed by the database in one pass) and the clawbacks not yet recovered and bound to no live
/// run but `run`, with each such partner's standing and contract; in partner order (the order of
/// the content hash and of the lines' key).
pub async fn candidates<C: ConnectionTrait>(
    c: &C,
    cutoff: i64,
    approval: Approval,
    run: i64,
) -> Result<Vec<Candidate>, DbErr> {
    candidates_read(c, cutoff, approval, run, true).await
}

/// [`candidates`] summed from every bonus, never from the kept sums: what the kept sums are held
/// to (the scenario `kept_figures_agree_with_the_rows`).
pub async fn candidates_scanned<C: ConnectionTrait>(
    c: &C,
    cutoff: i64,
    approval: Approval,
    run: i64,
) -> Result<Vec<Candidate>, DbErr> {
    candidates_read(c, cutoff, approval, run, false).await
}

async fn candidates_read<C: ConnectionTrait>(
    c: &C,
    cutoff: i64,
    approval: Approval,
    run: i64,
    may_keep: bool,
) -> Result<Vec<Candidate>, DbErr> {
    let mut clawbacks: BTreeMap<String, Vec<(i64, Money)>> = BTreeMap::new();
    let sql = "SELECT e.partner_id, e.id, -e.amount FROM ledger_entry e WHERE e.kind = 'clawback' \
         AND NOT EXISTS (SELECT 1 FROM payout_item i WHERE i.entry_id = e.id AND i.bound = TRUE AND i.run_id <> $1)";
    for r in query_all(c, sql, vec![run.into()]).await? {
        let v = Money::from_tiyn(r.try_get_by_index(2)?);
        clawbacks.entry(r.try_get_by_index(0)?).or_default().push((r.try_get_by_index(1)?, v));
    }
    const FACTS: &str = "p.account_id, c.code, p.name, \
         CAST(CASE WHEN p.status = 'excluded' THEN 1 ELSE 0 END AS BIGINT), k.number, k.iban, \
         CAST(CASE WHEN EXISTS (SELECT 1 FROM fraud_case f WHERE f.partner_id = p.account_id AND f.status = 'open') \
         THEN 1 ELSE 0 END AS BIGINT)";
    const JOINS: &str =
        "JOIN promo_code c ON c.partner_id = p.account_id LEFT JOIN contract k ON k.partner_id = p.account_id";
    let pending = pending(c).await?;
    let earlier: Vec<Pending> =
        pending.iter().copied().filter(|p| p.id != run && (run == NO_RUN || p.id < run)).collect();
    // With no earlier pending run, the bonuses free for a new or a pending run are those
    // available and bound to no run (a run's bonuses are bound in the step that ends its being
    // pending, its first export): each partner's kept sums of them (partner_available) less those
    // that became available after the month, the few of its first days.
    let kept = may_keep && earlier.is_empty() && (run == NO_RUN || pending.iter().any(|p| p.id == run));
    let sums = if kept {
        let after: Vec<String> = available_after(approval, "$1")
            .iter()
            .map(|w| format!("SELECT b.partner_id, b.booked - b.reduced AS v, b.id FROM bonus b WHERE {w} AND b.payout_run_id IS NULL"))
            .collect();
        format!(
            "SELECT s.partner_id, s.n - COALESCE(l.n, 0) AS n, s.amount - COALESCE(l.v, 0) AS v, \
             s.id_sum - COALESCE(l.ids, 0) AS ids FROM partner_available s LEFT JOIN \
             (SELECT l.partner_id, COUNT(*) AS n, CAST(SUM(l.v) AS BIGINT) AS v, CAST(SUM(l.id) AS BIGINT) AS ids \
             FROM ({}) l GROUP BY l.partner_id) l ON l.partner_id = s.partner_id WHERE s.n - COALESCE(l.n, 0) > 0",
            after.join(" UNION ALL ")
        )
    } else {
        format!(
            "SELECT b.partner_id, COUNT(*) AS n, CAST(SUM(b.booked - b.reduced) AS BIGINT) AS v, \
             CAST(SUM(b.id) AS BIGINT) AS ids FROM bonus b WHERE {} GROUP BY b.partner_id",
            free_for(approval, "$1", run, &earlier)
        )
    };
    let from = format!("FROM ({sums}) a JOIN partner p ON p.account_id = a.partner_id {JOINS}");
    let mut out = Vec::new();
    for candidate in facts(c, &format!("{FACTS}, a.n, a.v, a.ids"), &from, vec![cutoff.into()]).await? {
        let clawbacks = clawbacks.remove(&candidate.partner_id).unwrap_or_default();
        out.push(Candidate { clawbacks, ..candidate });
    }
    // Partners with clawbacks and no bonus this month (few).
    let rest: Vec<String> = clawbacks.keys().cloned().collect();
    for chunk in rest.chunks(900) {
        let from = format!("FROM partner p {JOINS} WHERE p.account_id IN ({})", placeholders(1, chunk.len()));
        let vals: Vec<Value> = chunk.iter().map(|p| Value::from(p.clone())).collect();
        for candidate in facts(c, &format!("{FACTS}, 0, 0, 0"), &from, vals).await? {
            let clawbacks = clawbacks.remove(&candidate.partner_id).unwrap_or_default();
            out.push(Candidate { clawbacks, ..candidate });
        }
    }
    // The aggregate gives them in partner order already (sorting them is then one pass).
    out.sort_unstable_by(|a, b| a.partner_id.cmp(&b.partner_id));
    Ok(out)
}

/// The candidates `FROM …` gives, its columns `cols` (a partner's id, code, name, exclusion,
/// contract number and IBAN, open case, then the count, value and id sum of its bonuses), with no
/// clawbacks yet. They come as one row holding every line as a JSON array: through the driver a
/// row costs a copy and an allocation per value, which at 100 000 partners took longer than the
/// database's own work.
async fn facts<C: ConnectionTrait>(c: &C, cols: &str, from: &str, vals: Vec<Value>) -> Result<Vec<Candidate>, DbErr> {
    type Row = (String, String, String, i64, Option<String>, Option<String>, i64, i64, i64, i64);
    let rows: Vec<Row> = json_rows(c, cols, None, from, vals, "the partners' lines").await?;
    Ok(rows
        .into_iter()
        .map(|(partner_id, code, name, excluded, number, iban, open_case, count, value, id_sum)| Candidate {
            partner_id,
            code,
            name,
            excluded: excluded != 0,
            contract: number.zip(iban).map(|(contract_number, iban)| BankDetails { contract_number, iban }),
            open_case: open_case != 0,
            bonuses: Covered { count, value: Money::from_tiyn(value), id_sum },
            clawbacks: Vec::new(),
        })
        .collect())
}

/// A run as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    pub id: i64,
    pub month: String,
    pub state: RunState,
    pub cutoff: i64,
    pub total: Money,
    pub content_hash: String,
    pub prepared_by: String,
    pub prepared_at: i64,
    pub approved_by: Option<String>,
    pub approved_at: Option<i64>,
    pub exported_by: Option<String>,
    pub exported_at: Option<i64>,
    pub message_id: Option<String>,
    pub csv_sha256: Option<String>,
    pub pain001_sha256: Option<String>,
    pub completed_by: Option<String>,
    pub completed_at: Option<i64>,
    pub discarded_by: Option<String>,
    pub discarded_at: Option<i64>,
}

const RUN_COLS: &str = "id, month, state, cutoff, total, content_hash, prepared_by, prepared_at, approved_by, \
     approved_at, exported_at, completed_at, discarded_by, discarded_at, message_id, csv_sha256, pain001_sha256, \
     completed_by, exported_by";

fn run_of(r: &QueryResult) -> Result<Run, DbErr> {
    let id: i64 = r.try_get_by_index(0)?;
    let state: String = r.try_get_by_index(2)?;
    Ok(Run {
        id,
        month: r.try_get_by_index(1)?,
        state: RunState::parse(&state).ok_or_else(|| {
            DbErr::Custom(format!("payout run {id} has the state {state:?}, which refdesk does not know"))
        })?,
        cutoff: r.try_get_by_index(3)?,
        total: Money::from_tiyn(r.try_get_by_index(4)?),
        content_hash: r.try_get_by_index(5)?,
        prepared_by: r.try_get_by_index(6)?,
        prepared_at: r.try_get_by_index(7)?,
        approved_by: r.try_get_by_index(8)?,
        approved_at: r.try_get_by_index(9)?,
        exported_at: r.try_get_by_index(10)?,
        completed_at: r.try_get_by_index(11)?,
        discarded_by: r.try_get_by_index(12)?,
        discarded_at: r.try_get_by_index(13)?,
        message_id: r.try_get_by_index(14)?,
        csv_sha256: r.try_get_by_index(15)?,
        pain001_sha256: r.try_get_by_index(16)?,
        completed_by: r.try_get_by_index(17)?,
        exported_by: r.try_get_by_index(18)?,
    })
}

pub async fn run<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<Run>, DbErr> {
    let sql = format!("SELECT {RUN_COLS} FROM payout_run WHERE id = $1");
    query_one(c, &sql, vec![id.into()]).await?.as_ref().map(run_of).transpose()
}

/// The live run of a month, if there is one.
pub async fn live_run_of<C: ConnectionTrait>(c: &C, month: &str) -> Result<Option<Run>, DbErr> {
    let sql = format!("SELECT {RUN_COLS} FROM payout_run WHERE month = $1 AND state <> 'discarded'");
    query_one(c, &sql, vec![month.into()]).await?.as_ref().map(run_of).transpose()
}

/// Every run, newest month first.
pub async fn runs<C: ConnectionTrait>(c: &C) -> Result<Vec<Run>, DbErr> {
    let sql = format!("SELECT {RUN_COLS} FROM payout_run ORDER BY month DESC, id DESC");
    query_all(c, &sql, vec![]).await?.iter().map(run_of).collect()
}

/// `(?,…)` on SQLite (bound in order), `($start,…)` on PostgreSQL.
fn tuple(backend: DbBackend, start: usize, width: usize) -> String {
    if backend == DbBackend::Postgres {
        format!("({})", placeholders(start, width))
    } else {
        format!("({})", vec!["?"; width].join(","))
    }
}

/// A run to write: its month (`YYYY-MM`), where the month ends (unix ms), the payable total, and
/// who prepares it when.
pub struct NewRun<'a> {
    pub month: &'a str,
    pub cutoff: i64,
    pub total: Money,
    pub by: &'a str,
    pub at: i64,
}

/// A new draft run's head; its id. Its lines follow ([`insert_lines`]), then its content hash
/// ([`set_figures`]), which is computed while the lines are written.
pub async fn insert<C: ConnectionTrait>(c: &C, new: &NewRun<'_>) -> Result<i64, DbErr> {
    let NewRun { month, cutoff, total, by, at } = *new;
    let row = query_one(
        c,
        "INSERT INTO payout_run (month, state, cutoff, total, content_hash, prepared_by, prepared_at) \
         VALUES ($1, 'draft', $2, $3, '', $4, $5) RETURNING id",
        vec![month.into(), cutoff.into(), total.tiyn().into(), by.into(), at.into()],
    )
    .await?
    .ok_or_else(|| DbErr::Custom("the new payout run has no id".into()))?;
    row.try_get_by_index(0)
}

/// A run's total and content hash, once its lines are written.
pub async fn set_figures<C: ConnectionTrait>(c: &C, id: i64, total: Money, hash: &str) -> Result<(), DbErr> {
    execute(
        c,
        "UPDATE payout_run SET total = $2, content_hash = $3 WHERE id = $1",
        vec![id.into(), total.tiyn().into(), hash.into()],
    )
    .await?;
    Ok(())
}

/// Removes the lines of a draft run and its clawback items, for its lines to be written again.
pub async fn clear_lines<C: ConnectionTrait>(c: &C, id: i64) -> Result<(), DbErr> {
    execute(c, "DELETE FROM payout_item WHERE run_id = $1", vec![id.into()]).await?;
    execute(c, "DELETE FROM payout_line WHERE run_id = $1", vec![id.into()]).await?;
    Ok(())
}

/// The lines of new run `id`, and the clawback items of its payable lines (bound to it: they are
/// few). Its bonuses are left as they are: see [`bind`].
pub async fn insert_lines<C: ConnectionTrait>(c: &C, id: i64, lines: &[Line]) -> Result<(), DbErr> {
    // A run of a large program has a line per partner: rows by the hundred per statement, with
    // plain `?` on SQLite (numbered placeholders make binding quadratic: see store::bulk).
    // In the order of the key (run, partner): each row goes at the end of the index.
    let backend = c.get_database_backend();
    let mut by_partner: Vec<&Line> = lines.iter().collect();
    by_partner.sort_unstable_by(|a, b| a.partner_id.cmp(&b.partner_id));
    for chunk in by_partner.chunks(256) {
        let mut vals: Vec<Value> = Vec::with_capacity(chunk.len() * 13);
        let mut rows = Vec::with_capacity(chunk.len());
        for l in chunk {
            let (number, iban) = l.contract.as_ref().map(|k| (k.contract_number.clone(), k.iban.clone())).unzip();
            let start = vals.len() + 1;
            vals.extend([
                id.into(),
                l.partner_id.clone().into(),
                l.code.clone().into(),
                l.name.clone().into(),
                number.into(),
                iban.into(),
                l.amount.tiyn().into(),
                l.available.tiyn().into(),
                l.clawed.tiyn().into(),
                l.status.as_str().into(),
                l.reason.map(HoldBack::as_str).into(),
                l.bonuses.count.into(),
                l.bonuses.id_sum.into(),
            ]);
            rows.push(tuple(backend, start, 13));
        }
        let sql = format!(
            "INSERT INTO payout_line (run_id, partner_id, code, name, contract_number, iban, amount, available, \
             clawed, status, reason, bonus_count, bonus_id_sum) VALUES {}",
            rows.join(", ")
        );
        c.execute_raw(Statement::from_sql_and_values(backend, sql, vals)).await?;
    }
    // The bonuses of the payable lines are not bound here: they are the run's by rule
    // ([`claimed_by`]) until its first export binds them ([`bind`]).
    let items: Vec<(&str, i64, Money)> = lines
        .iter()
        .filter(|l| l.status == LineStatus::Payable)
        .flat_map(|l| l.clawbacks.iter().map(|(e, v)| (l.partner_id.as_str(), *e, *v)))
        .collect();
    for chunk in items.chunks(500) {
        let mut vals: Vec<Value> = Vec::new();
        let mut rows = Vec::new();
        for (partner, entry, v) in chunk {
            let start = vals.len() + 1;
            vals.extend([id.into(), (*partner).into(), (*entry).into(), v.tiyn().into()]);
            rows.push(format!("({}, TRUE)", placeholders(start, 4)));
        }
        execute(
            c,
            &format!(
                "INSERT INTO payout_item (run_id, partner_id, entry_id, amount, bound) VALUES {}",
                rows.join(", ")
            ),
            vals,
        )
        .await?;
    }
    Ok(())
}

/// Moves a run from one of `from` to `to`, stamping who and when in the columns `to` has; the
/// number of rows changed (0: another operator got there first, or the run is elsewhere).
pub async fn transition<C: ConnectionTrait>(
    c: &C,
    id: i64,
    from: &[RunState],
    to: RunState,
    by: &str,
    at: i64,
) -> Result<u64, DbErr> {
    let stamp = match to {
        RunState::Approved => ", approved_by = $3, approved_at = $4",
        RunState::Exported => ", exported_by = $3, exported_at = $4",
        RunState::Completed => ", completed_by = $3, completed_at = $4",
        RunState::Discarded => ", discarded_by = $3, discarded_at = $4",
        RunState::Draft => ", prepared_by = $3, prepared_at = $4",
    };
    let states: Vec<String> = from.iter().map(|s| format!("'{}'", s.as_str())).collect();
    execute(
        c,
        &format!("UPDATE payout_run SET state = $2{stamp} WHERE id = $1 AND state IN ({})", states.join(", ")),
        vec![id.into(), to.as_str().into(), by.into(), at.into()],
    )
    .await
}

/// Lets a run's bonuses and clawbacks go (a discarded run): the next run may take them. A run
/// not yet exported has no bonus bound (none since they are bound at the first export; a draft
/// prepared before that, by an earlier refdesk, may have).
pub async fn unbind<C: ConnectionTrait>(c: &C, run: i64) -> Result<u64, DbErr> {
    execute(c, "UPDATE bonus SET payout_run_id = NULL WHERE payout_run_id = $1", vec![run.into()]).await?;
    execute(c, "UPDATE payout_item SET bound = FALSE WHERE run_id = $1", vec![run.into()]).await
}

/// Runs `sql` (whose `$1`, `$2`… are `head`) once per chunk of `partners`, the chunk bound after
/// `head` and named by `{partners}` in it; the rows changed.
async fn for_partners<C: ConnectionTrait>(c: &C, sql: &str, head: &[Value], partners: &[String]) -> Result<u64, DbErr> {
    let mut n = 0;
    for chunk in partners.chunks(900) {
        let mut vals: Vec<Value> = head.to_vec();
        vals.extend(chunk.iter().map(|p| Value::from(p.clone())));
        let list = placeholders(head.len() + 1, chunk.len());
        n += execute(c, &sql.replace("{partners}", &list), vals).await?;
    }
    Ok(n)
}

/// The ids of the bonuses a run holds, by partner (`payout show`): those it claims by rule while
/// it is not exported, those bound to it after.
pub async fn bonus_ids<C: ConnectionTrait>(
    c: &C,
    run: &Run,
    approval: Approval,
) -> Result<BTreeMap<String, Vec<i64>>, DbErr> {
    let mut out: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    let rows = if run.state.pending() {
        let p = Pending { id: run.id, cutoff: run.cutoff };
        let earlier = earlier(c, run.id).await?;
        let sql =
            format!("SELECT b.partner_id, b.id FROM bonus b WHERE {} ORDER BY b.id", claimed_by(approval, p, &earlier));
        query_all(c, &sql, vec![]).await?
    } else {
        let sql = "SELECT partner_id, id FROM bonus WHERE payout_run_id = $1 ORDER BY id";
        query_all(c, sql, vec![run.id.into()]).await?
    };
    for r in rows {
        out.entry(r.try_get_by_index(0)?).or_default().push(r.try_get_by_index(1)?);
    }
    Ok(out)
}

/// Binds a pending run's bonuses to it (its first export, once the run is checked unchanged):
/// every bonus it claims gets its `payout_run_id`, in one statement; the number bound, which the
/// caller compares with what the payable lines cover. A bound bonus is no other run's to claim
/// (until a failed line lets it go).
pub async fn bind<C: ConnectionTrait>(c: &C, run: &Run, approval: Approval) -> Result<u64, DbErr> {
    let p = Pending { id: run.id, cutoff: run.cutoff };
    let earlier = earlier(c, run.id).await?;
    let sql = format!("UPDATE bonus AS b SET payout_run_id = {} WHERE {}", run.id, claimed_by(approval, p, &earlier));
    execute(c, &sql, vec![]).await
}

/// The first export: approved → exported, with the message id and the creation time the bank
/// files keep from now on; the number of rows changed.
pub async fn mark_exported<C: ConnectionTrait>(
    c: &C,
    id: i64,
    message_id: &str,
    by: &str,
    at: i64,
) -> Result<u64, DbErr> {
    execute(
        c,
        "UPDATE payout_run SET state = 'exported', message_id = $2, exported_by = $3, exported_at = $4 \
         WHERE id = $1 AND state = 'approved'",
        vec![id.into(), message_id.into(), by.into(), at.into()],
    )
    .await
}

/// Records the SHA-256 of a bank file written (`csv` or `pain001`), the first time only.
pub async fn record_file<C: ConnectionTrait>(c: &C, id: i64, pain001: bool, sha: &str) -> Result<u64, DbErr> {
    let col = if pain001 { "pain001_sha256" } else { "csv_sha256" };
    execute(
        c,
        &format!("UPDATE payout_run SET {col} = $2 WHERE id = $1 AND {col} IS NULL"),
        vec![id.into(), sha.into()],
    )
    .await
}

/// Sets the status of a run's payable lines of these partners.
pub async fn set_lines<C: ConnectionTrait>(
    c: &C,
    run: i64,
    partners: &[String],
    status: LineStatus,
) -> Result<u64, DbErr> {
    let sql =
        "UPDATE payout_line SET status = $2 WHERE run_id = $1 AND status = 'payable' AND partner_id IN ({partners})";
    for_partners(c, sql, &[run.into(), status.as_str().into()], partners).await
}

/// Lets the bonuses and clawbacks of these partners' lines go (failed lines): the next run may
/// take them.
pub async fn unbind_partners<C: ConnectionTrait>(c: &C, run: i64, partners: &[String]) -> Result<u64, DbErr> {
    let head = [Value::from(run)];
    let bonuses = "UPDATE bonus SET payout_run_id = NULL WHERE payout_run_id = $1 AND partner_id IN ({partners})";
    for_partners(c, bonuses, &head, partners).await?;
    let items = "UPDATE payout_item SET bound = FALSE WHERE run_id = $1 AND partner_id IN ({partners})";
    for_partners(c, items, &head, partners).await
}

/// Compare-and-set of the run's available bonuses to paid; the number that changed.
pub async fn mark_paid<C: ConnectionTrait>(c: &C, run: i64) -> Result<u64, DbErr> {
    execute(c, "UPDATE bonus SET state = 'paid' WHERE payout_run_id = $1 AND state = 'available'", vec![run.into()])
        .await
}

/// A completed run's total: what its paid lines paid.
pub async fn set_total<C: ConnectionTrait>(c: &C, run: i64, total: Money) -> Result<u64, DbErr> {
    execute(c, "UPDATE payout_run SET total = $2 WHERE id = $1", vec![run.into(), total.tiyn().into()]).await
}

/// Which of these bonuses are in a payout run already exported (or completed): the money is on
/// its way, so a refund claws them back instead of voiding them.
pub async fn sent<C: ConnectionTrait>(c: &C, bonuses: &[i64]) -> Result<std::collections::HashSet<i64>, DbErr> {
    let mut out = std::collections::HashSet::new();
    for chunk in bonuses.chunks(900) {
        let vals: Vec<Value> = chunk.iter().map(|&i| Value::from(i)).collect();
        let sql = format!(
            "SELECT b.id FROM bonus b JOIN payout_run r ON r.id = b.payout_run_id \
             WHERE r.state IN ('exported', 'completed') AND b.id IN ({})",
            placeholders(1, chunk.len())
        );
        for r in query_all(c, &sql, vals).await? {
            out.insert(r.try_get_by_index(0)?);
        }
    }
    Ok(out)
}
