//! Import of platform events (INTERFACE.md). Lines are judged one by one, in order, against the
//! program's state at that moment; they are written in batches, one transaction and one audit
//! entry per batch, with every lookup done for the whole batch at once through the indexes.
mod batch;
mod judge;
mod read;

pub use read::{LineReader, SourceError};

use super::{Ctx, Result, ServiceError, ms};
use crate::domain::event::{Event, LineError};
use crate::store::import as store;
use crate::store::{LOCK_WRITE, Store, audit, bonuses, lock_writers};
use batch::Batch;
use judge::Judge;
use std::io::BufRead;
use tracing::Instrument;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Ndjson,
    Csv,
}

impl Format {
    /// From `--format`, else from the file name (`.csv`), else NDJSON.
    pub fn guess(path: &str) -> Format {
        if path.to_ascii_lowercase().ends_with(".csv") { Format::Csv } else { Format::Ndjson }
    }
}

/// One input line (for CSV, one record): its first line's number in the file, its byte offset,
/// its bytes as read (line end included), and what it parsed to.
pub struct Line {
    pub no: usize,
    pub offset: u64,
    pub raw: Vec<u8>,
    pub parsed: std::result::Result<Event, LineError>,
}

impl Line {
    /// A line given as text (the demo's and the tests' own events).
    pub fn from_text(no: usize, raw: String, parsed: std::result::Result<Event, LineError>) -> Line {
        Line { no, offset: 0, raw: raw.into_bytes(), parsed }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejected {
    pub line: usize,
    /// The line's byte offset in the source, when the fault is in its bytes.
    pub offset: Option<u64>,
    pub message: String,
    /// The line's bytes as read, its line end included: `.rejected` is a verbatim copy.
    pub raw: Vec<u8>,
}

#[derive(Clone, Debug, Default)]
pub struct Summary {
    pub accepted: usize,
    pub duplicates: usize,
    pub rejected: Vec<Rejected>,
    /// The CSV header's bytes, to head the `.rejected` file.
    pub header: Option<Vec<u8>>,
}

/// Imports events; call [`Importer::push`] with batches of lines, then [`Importer::finish`].
pub struct Importer<'a> {
    ctx: &'a Ctx,
    source: String,
    /// The import's own connection (see [`Store::bulk_writer`]), opened at the first batch.
    store: Option<Store>,
    pub summary: Summary,
}

impl<'a> Importer<'a> {
    pub fn new(ctx: &'a Ctx, source: &str) -> Self {
        Importer { ctx, source: source.to_string(), store: None, summary: Summary::default() }
    }

    /// Judges and writes one batch of lines in one transaction.
    pub async fn push(&mut self, lines: Vec<Line>) -> Result<()> {
        if lines.is_empty() {
            return Ok(());
        }
        let store = match &self.store {
            Some(s) => s,
            None => self.store.insert(self.ctx.store.bulk_writer().await?),
        };
        let txn = store.begin_write().await?;
        lock_writers(&txn, LOCK_WRITE).await?;
        let mut b = Batch::load(&txn, &lines).instrument(tracing::debug_span!("import.load")).await?;
        let judge = Judge { ctx: self.ctx, txn: &txn, source: &self.source };
        let (mut accepted, mut duplicates) = (0, 0);
        let mut rejected = Vec::new();
        let judging = tracing::debug_span!("import.judge");
        for line in &lines {
            let outcome = match &line.parsed {
                Err(e) => Err(e.clone()),
                Ok(ev) => judge.event(&mut b, ev, line.no).instrument(judging.clone()).await?,
            };
            match outcome {
                Ok(true) => accepted += 1,
                Ok(false) => duplicates += 1,
                Err(e) => rejected.push(Rejected {
                    line: line.no,
                    offset: e.in_bytes.then_some(line.offset),
                    message: e.to_string(),
                    raw: line.raw.clone(),
                }),
            }
        }
        drop(judging);
        if accepted == 0 {
            // Duplicates and rejected lines change nothing, so there is nothing to audit (a
            // re-import of a whole file would otherwise add one entry per batch); the summary
            // still counts them. The transaction is dropped unwritten.
            self.summary.duplicates += duplicates;
            self.summary.rejected.extend(rejected);
            return Ok(());
        }
        let findings = std::mem::take(&mut b.findings);
        store::write(&txn, b.into_writes()).instrument(tracing::debug_span!("import.write")).await?;
        // Self-referrals and price mismatches open (or add to) their partner's case, as a scan's
        // findings do; the import's audit entry names the cases.
        let found: Vec<_> = findings.iter().map(|(f, at)| (f, *at)).collect();
        let cases = super::fraud_scan::record(&txn, &found).await?;
        // The program-wide signals run once the import is over; owed with the events, so
        // that a killed import's scan is not lost.
        crate::store::fraud::owe_scan(&txn).await?;
        // The batch chose its bonuses' ids; a later path that lets the database choose must
        // not collide with them.
        bonuses::sync_id_sequence(&txn).await?;
        let committing = tracing::debug_span!("import.commit");
        let first = lines.first().map(|l| l.no).unwrap_or(0);
        let last = lines.last().map(|l| l.no).unwrap_or(0);
        audit::append(
            &txn,
            audit::Entry {
                at: ms(self.ctx.now()),
                operator: &self.ctx.operator,
                action: "import",
                subject: &self.source,
                detail: serde_json::json!({
                    "lines": format!("{first}-{last}"),
                    "accepted": accepted,
                    "duplicates": duplicates,
                    "rejected": rejected.len(),
                    "cases_opened": cases.opened,
                    "cases_added_to": cases.added_to,
                }),
                reason: None,
            },
        )
        .instrument(committing.clone())
        .await?;
        txn.commit().instrument(committing).await?;
        self.summary.accepted += accepted;
        self.summary.duplicates += duplicates;
        self.summary.rejected.extend(rejected);
        Ok(())
    }

    /// The summary, once what the import wrote is checkpointed into the database file (the
    /// import's connection checkpoints lazily; see [`Store::bulk_writer`]).
    pub async fn finish(self) -> Result<Summary> {
        if let Some(store) = &self.store {
            store.checkpoint().await?;
        }
        Ok(self.summary)
    }
}

/// Imports a whole reader: batches the lines, reports progress in bytes, returns the summary.
/// A batch is parsed on a blocking thread while the batch before it is judged and written.
pub async fn import_reader<R: BufRead>(
    ctx: &Ctx,
    source: &str,
    input: R,
    format: Format,
    mut progress: impl FnMut(u64, &Summary),
) -> Result<Summary> {
    crate::service::access::allow(ctx, crate::domain::access::Deed::Import).await?;
    let mut reader = LineReader::new(input, format).bounded(ctx.terms.events);
    let mut importer = Importer::new(ctx, source);
    let mut ahead: Option<(tokio::task::JoinHandle<Vec<Line>>, u64)> = None;
    let batch = ctx.store.limits.batch_lines();
    loop {
        let mut unparsed = Vec::with_capacity(batch);
        let mut failure: Option<SourceError> = None;
        let reading = tracing::debug_span!("import.read");
        while unparsed.len() < batch {
            match reader.next_unparsed() {
                Some(Ok(u)) => unparsed.push(u),
                Some(Err(e)) => {
                    failure = Some(e);
                    break;
                }
                None => break,
            }
        }
        drop(reading);
        let next = (failure.is_none() && !unparsed.is_empty()).then(|| {
            let parser = reader.parser.clone();
            let parsing = tracing::debug_span!("import.parse");
            let task = tokio::task::spawn_blocking(move || {
                let _in = parsing.enter();
                unparsed.into_iter().map(|u| u.parse(&parser)).collect()
            });
            (task, reader.bytes_read)
        });
        if let Some((task, bytes)) = ahead.take() {
            let batch = match task.await {
                Ok(batch) => batch,
                Err(e) => match e.try_into_panic() {
                    Ok(panic) => std::panic::resume_unwind(panic),
                    Err(e) => return Err(ServiceError::Unreadable { file: source.into(), error: e.to_string() }),
                },
            };
            importer.push(batch).await?;
            progress(bytes, &importer.summary);
        }
        if let Some(e) = failure {
            let error = match e {
                SourceError::Io(e) => e.to_string(),
                SourceError::NoHeader(why) => why,
            };
            return Err(ServiceError::Unreadable { file: source.into(), error });
        }
        match next {
            Some(n) => ahead = Some(n),
            None => break,
        }
    }
    let mut summary = importer.finish().await?;
    summary.header = reader.header_raw.take();
    // Counts only: a line of the input (a rejected one included) holds clients' emails,
    // phones and IINs, which never go to the log.
    tracing::info!(
        operator = %ctx.operator,
        source,
        accepted = summary.accepted,
        duplicates = summary.duplicates,
        rejected = summary.rejected.len(),
        "import done"
    );
    Ok(summary)
}
