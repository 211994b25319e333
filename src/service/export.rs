//! Exports a console list to CSV: every row its filter and search find, not the page shown, read
//! page by page by keyset (so a list of 100 000 rows never sits in one query's memory) and
//! written as it is read. Money is a plain decimal (`"25000.00"`), instants RFC 3339 in the
//! program's offset, and text from outside is made formula-safe.
use super::bonuses::{self, BonusQuery};
use super::partners::{self, DetailPage, Find, ListQuery, More};
use super::{Ctx, ServiceError, rfc3339};
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, ErrorKind};
use std::path::{Path, PathBuf};

/// Rows read at a time.
pub const EXPORT_PAGE: u64 = 1000;

/// Which list to export, with its filter and search (the query's cursor and limit are ignored).
#[derive(Clone, Debug)]
pub enum ExportOf {
    Partners(ListQuery),
    Bonuses(BonusQuery),
    /// A partner's ledger, newest first: the entries its search finds (all without one).
    Ledger {
        account_id: String,
        code: String,
        find: Option<Find>,
    },
    /// A partner's referred clients, newest registration first: those its search finds.
    Clients {
        account_id: String,
        code: String,
        find: Option<Find>,
    },
}

/// The file written and how many rows it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exported {
    pub file: PathBuf,
    pub rows: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{0}")]
    Read(#[from] ServiceError),
    /// The file cannot be created or written (the part written is removed).
    #[error("cannot write {file}: {error}")]
    Write { file: String, error: String },
}

/// A cell a spreadsheet would take for a formula starts with a quote (one rule for every CSV).
pub use crate::domain::bank_file::formula_safe as safe;

impl ExportOf {
    /// The file's name without the time: `refdesk-bonuses-due`, `refdesk-ASEL25-ledger`.
    fn stem(&self) -> String {
        let name = match self {
            ExportOf::Partners(q) => format!("partners-{}", q.status.map_or("all", |s| s.as_str())),
            ExportOf::Bonuses(q) => format!("bonuses-{}", q.state.map_or("all", |s| s.as_str())),
            ExportOf::Ledger { code, .. } => format!("{}-ledger", file_safe(code)),
            ExportOf::Clients { code, .. } => format!("{}-clients", file_safe(code)),
        };
        format!("refdesk-{}", name.replace('_', "-"))
    }
}

/// A code as a part of a file name: letters, digits and dashes only.
fn file_safe(code: &str) -> String {
    code.chars().map(|c| if c.is_alphanumeric() || c == '-' { c } else { '_' }).collect()
}

/// Creates `dir/stem-YYYYMMDD-HHMM.csv`, or with `-2`, `-3`… when that exists: never overwrites.
fn create(dir: &Path, stem: &str, stamp: &str) -> Result<(PathBuf, File), ExportError> {
    for n in 1..1000 {
        let name = if n == 1 { format!("{stem}-{stamp}.csv") } else { format!("{stem}-{stamp}-{n}.csv") };
        let path = dir.join(&name);
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(f) => return Ok((path, f)),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(ExportError::Write { file: name, error: e.to_string() }),
        }
    }
    Err(ExportError::Write { file: format!("{stem}-{stamp}.csv"), error: "too many files of that name".into() })
}

/// Exports `of` into `dir`, named after the list and the clock's time.
pub async fn export(ctx: &Ctx, of: &ExportOf, dir: &Path) -> Result<Exported, ExportError> {
    export_by(ctx, of, dir, EXPORT_PAGE).await
}

/// [`export`], reading `page` rows at a time.
pub async fn export_by(ctx: &Ctx, of: &ExportOf, dir: &Path, page: u64) -> Result<Exported, ExportError> {
    let stamp = ctx.terms.local(ctx.now()).format("%Y%m%d-%H%M").to_string();
    let (path, file) = create(dir, &of.stem(), &stamp)?;
    let mut out = csv::Writer::from_writer(BufWriter::new(file));
    let result = write_all(ctx, of, &mut out, page.max(1)).await;
    let result = match result {
        Ok(rows) => out.flush().map(|_| rows).map_err(|e| e.to_string().into()),
        Err(e) => Err(e),
    };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    match result {
        Ok(rows) => Ok(Exported { file: path, rows }),
        Err(e) => {
            drop(out);
            // A part of a list is worse than none: nobody is to take it for the whole.
            let _ = std::fs::remove_file(&path);
            Err(match e {
                Failed::Read(e) => ExportError::Read(e),
                Failed::Write(error) => ExportError::Write { file: name, error },
            })
        }
    }
}

enum Failed {
    Read(ServiceError),
    Write(String),
}

impl From<ServiceError> for Failed {
    fn from(e: ServiceError) -> Self {
        Failed::Read(e)
    }
}

impl From<String> for Failed {
    fn from(e: String) -> Self {
        Failed::Write(e)
    }
}

type Out = csv::Writer<BufWriter<File>>;

fn row(out: &mut Out, cells: &[String]) -> Result<(), Failed> {
    out.write_record(cells).map_err(|e| Failed::Write(e.to_string()))
}

fn opt(v: &Option<String>) -> String {
    v.as_deref().map(safe).unwrap_or_default()
}

/// Writes the header and every row, a page at a time; the number of rows.
async fn write_all(ctx: &Ctx, of: &ExportOf, out: &mut Out, page: u64) -> Result<usize, Failed> {
    let at = |ms: i64| rfc3339(&ctx.terms, ms);
    let head = |out: &mut Out, h: &[&str]| row(out, &h.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    let mut n = 0;
    match of {
        ExportOf::Partners(q) => {
            head(out, &["code", "name", "status", "pending", "available", "phone", "contract", "registered_at"])?;
            let mut q = ListQuery { cursor: None, backward: false, limit: page, ..q.clone() };
            loop {
                let rows = partners::list(ctx, &q).await?;
                for r in &rows {
                    let cells = [
                        safe(&r.code),
                        safe(&r.name),
                        r.status.as_str().into(),
                        r.pending.plain(),
                        r.available.plain(),
                        opt(&r.phone),
                        if r.has_contract { "yes" } else { "no" }.into(),
                        at(r.registered_at),
                    ];
                    row(out, &cells)?;
                }
                n += rows.len();
                match rows.last() {
                    Some(last) if rows.len() as u64 == page => q.cursor = Some(last.cursor(q.sort)),
                    _ => break,
                }
            }
        }
        ExportOf::Bonuses(q) => {
            head(
                out,
                &[
                    "id",
                    "partner",
                    "partner_name",
                    "payment_id",
                    "amount",
                    "state",
                    "booked_at",
                    "release_at",
                    "reason",
                ],
            )?;
            let mut q = BonusQuery { after: None, backward: false, limit: page, ..q.clone() };
            loop {
                let rows = bonuses::list(ctx, &q).await?;
                for r in &rows {
                    let cells = [
                        r.id.to_string(),
                        safe(&r.partner),
                        safe(&r.partner_name),
                        safe(&r.payment_id),
                        r.amount.plain(),
                        r.status.as_str().into(),
                        at(r.booked_at),
                        at(r.release_at),
                        opt(&r.reason),
                    ];
                    row(out, &cells)?;
                }
                n += rows.len();
                match rows.last() {
                    Some(last) if rows.len() as u64 == page => q.after = Some((last.release_at, last.id)),
                    _ => break,
                }
            }
        }
        ExportOf::Ledger { account_id, find, .. } => {
            head(
                out,
                &[
                    "id",
                    "at",
                    "kind",
                    "bucket",
                    "amount",
                    "bonus_id",
                    "bonus_state",
                    "payment_id",
                    "operator",
                    "reason",
                ],
            )?;
            let mut more = More::Ledger { before: i64::MAX };
            loop {
                let DetailPage::Ledger(lines) = partners::detail_page(ctx, account_id, &more, find.as_ref()).await?
                else {
                    break;
                };
                for l in &lines {
                    let cells = [
                        l.id.to_string(),
                        at(l.at),
                        l.kind.clone(),
                        l.bucket.clone(),
                        l.amount.plain(),
                        l.bonus_id.map(|b| b.to_string()).unwrap_or_default(),
                        l.bonus_state.map(|s| s.as_str().to_string()).unwrap_or_default(),
                        opt(&l.payment_id),
                        safe(&l.operator),
                        opt(&l.reason),
                    ];
                    row(out, &cells)?;
                }
                n += lines.len();
                match More::after_ledger(&lines) {
                    Some(m) if lines.len() == partners::DETAIL_PAGE => more = m,
                    _ => break,
                }
            }
        }
        ExportOf::Clients { account_id, find, .. } => {
            head(out, &["account_id", "registered_at", "is_partner", "payments", "paid", "refunded"])?;
            let text = match find {
                Some(Find::Clients(text)) => Some(text.as_str()),
                _ => None,
            };
            let mut lines = partners::clients_page(ctx, account_id, None, text).await?;
            loop {
                for c in &lines {
                    let cells = [
                        safe(&c.account_id),
                        c.registered_at.map(at).unwrap_or_default(),
                        if c.is_partner { "yes" } else { "no" }.into(),
                        c.payments.to_string(),
                        c.paid.plain(),
                        c.refunded.plain(),
                    ];
                    row(out, &cells)?;
                }
                n += lines.len();
                let Some(more) = More::after_clients(&lines).filter(|_| lines.len() == partners::DETAIL_PAGE) else {
                    break;
                };
                let DetailPage::Clients(next) = partners::detail_page(ctx, account_id, &more, find.as_ref()).await?
                else {
                    break;
                };
                lines = next;
            }
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Terms;
    use crate::domain::bonus::ShownBonusState;
    use crate::service::Clock;
    use crate::store::Store;
    use std::collections::HashSet;

    async fn demo(dir: &Path) -> Ctx {
        let url = format!("sqlite://{}?mode=rwc", dir.join("x.db").display());
        let store = Store::open(&url).await.unwrap_or_else(|e| panic!("{e}"));
        let now = "2026-11-25T10:00:00+05:00".parse::<chrono::DateTime<chrono::Utc>>().unwrap_or_default();
        let ctx = Ctx { store, terms: Terms::defaults(), operator: "anna".into(), clock: Clock::Fixed(now) };
        crate::demo::run(&ctx, 40, 400, 7, |_| {}).await.unwrap_or_else(|e| panic!("{e}"));
        ctx
    }

    fn read(file: &Path) -> Vec<Vec<String>> {
        let mut r = csv::Reader::from_path(file).unwrap_or_else(|e| panic!("{e}"));
        r.records().map(|r| r.unwrap_or_else(|e| panic!("{e}")).iter().map(String::from).collect()).collect()
    }

    /// Every row of the filter, once, with its exact amounts, though pages are far smaller than
    /// the list; and a second export of the same list takes a new name.
    #[tokio::test]
    async fn an_export_holds_every_row_of_the_filter_once_with_exact_amounts() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let ctx = demo(dir.path()).await;

        let q = BonusQuery { state: None, limit: 1_000_000, ..BonusQuery::default() };
        let all = bonuses::list(&ctx, &q).await.unwrap_or_else(|e| panic!("{e}"));
        assert!(all.len() > 3 * 7, "more rows than pages: {}", all.len());
        let got = export_by(&ctx, &ExportOf::Bonuses(q.clone()), dir.path(), 7).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(got.file.file_name().and_then(|n| n.to_str()), Some("refdesk-bonuses-all-20261125-1000.csv"));
        assert_eq!(got.rows, all.len());
        let rows = read(&got.file);
        let want: Vec<Vec<String>> =
            all.iter().map(|b| vec![b.id.to_string(), b.amount.plain(), b.status.as_str().to_string()]).collect();
        let have: Vec<Vec<String>> = rows.iter().map(|r| vec![r[0].clone(), r[4].clone(), r[5].clone()]).collect();
        assert_eq!(have, want);
        assert_eq!(rows.iter().map(|r| &r[0]).collect::<HashSet<_>>().len(), all.len(), "each bonus once");
        assert!(rows.iter().all(|r| r[4].ends_with(|c: char| c.is_ascii_digit()) && r[4].contains('.')));

        // The same list again: a new file beside the first, which stays as it was.
        let again = export_by(&ctx, &ExportOf::Bonuses(q), dir.path(), 7).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(again.file.file_name().and_then(|n| n.to_str()), Some("refdesk-bonuses-all-20261125-1000-2.csv"));
        assert_eq!(read(&again.file), rows);

        // One state only.
        let due = BonusQuery { state: Some(ShownBonusState::Due), limit: 1_000_000, ..BonusQuery::default() };
        let n_due = bonuses::list(&ctx, &due).await.map(|v| v.len()).unwrap_or_default();
        let got = export_by(&ctx, &ExportOf::Bonuses(due), dir.path(), 3).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(got.file.file_name().and_then(|n| n.to_str()), Some("refdesk-bonuses-due-20261125-1000.csv"));
        assert!(read(&got.file).iter().all(|r| r[5] == "due"));
        assert_eq!(got.rows, n_due);

        // Partners, by name, with their pending and available sums exact.
        let q = ListQuery { limit: 1_000_000, ..ListQuery::default() };
        let all = partners::list(&ctx, &q).await.unwrap_or_else(|e| panic!("{e}"));
        let got = export_by(&ctx, &ExportOf::Partners(q), dir.path(), 6).await.unwrap_or_else(|e| panic!("{e}"));
        let rows = read(&got.file);
        let want: Vec<Vec<String>> =
            all.iter().map(|p| vec![p.code.clone(), p.pending.plain(), p.available.plain()]).collect();
        let have: Vec<Vec<String>> = rows.iter().map(|r| vec![r[0].clone(), r[3].clone(), r[4].clone()]).collect();
        assert_eq!(have, want);
        assert_eq!(all.len(), 40);

        // A partner's ledger and clients, each row once: the first by name with two clients or
        // more, so that a search below can find fewer.
        let mut first = None;
        for p in &all {
            let detail = partners::show(&ctx, &p.code).await.unwrap_or_else(|e| panic!("{e}"));
            if detail.clients_total >= 2 {
                first = Some((p, detail));
                break;
            }
        }
        let Some((p, detail)) = first else { panic!("no partner of the demo has two clients") };
        let of = ExportOf::Ledger { account_id: p.account_id.clone(), code: p.code.clone(), find: None };
        let got = export(&ctx, &of, dir.path()).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(got.rows as i64, detail.ledger_total);
        let of = ExportOf::Clients { account_id: p.account_id.clone(), code: p.code.clone(), find: None };
        let got = export(&ctx, &of, dir.path()).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(got.rows as i64, detail.clients_total);
        let paid: i64 = read(&got.file).iter().map(|r| r[4].replace('.', "").parse::<i64>().unwrap_or(-1)).sum();
        assert_eq!(format!("{}.{:02}", paid / 100, paid % 100), detail.stats.purchases_amount.plain());

        // With the tab's search, only what it finds: the clients whose id holds the text.
        let one = read(&got.file).first().map(|r| r[0].clone()).unwrap_or_default();
        let find = Some(Find::Clients(one.to_lowercase()));
        let of = ExportOf::Clients { account_id: p.account_id.clone(), code: p.code.clone(), find };
        let found = export(&ctx, &of, dir.path()).await.unwrap_or_else(|e| panic!("{e}"));
        let rows = read(&found.file);
        assert!(
            found.rows >= 1 && (found.rows as i64) < detail.clients_total,
            "{} of {}",
            found.rows,
            detail.clients_total
        );
        assert!(rows.iter().all(|r| r[0].to_lowercase().contains(&one.to_lowercase())), "{rows:?}");
    }

    #[test]
    fn a_cell_that_would_be_a_formula_is_quoted_and_others_are_kept() {
        for bad in ["=SUM(A1:A9)", "+77012345678", "-2+3", "@cmd", "\tx", "\rx"] {
            assert_eq!(safe(bad), format!("'{bad}"));
        }
        for good in ["Асель Нурланова", "ASEL25", "PAY-1", "", "a=b", " =x"] {
            assert_eq!(safe(good), good);
        }
    }
}
