//! The files of a payout run's export: the bank file's bytes, the companion report beside it,
//! and how both are written (whole or not at all).
use super::payouts::{FileFormat, PayoutRefusal, due_date};
use super::{Ctx, Result, ServiceError};
use crate::domain::bank_file::{self, Hands};
use crate::domain::payout::{self, Line};
use crate::store::payouts::Run;
use sea_orm::ConnectionTrait;
use std::path::{Path, PathBuf};

/// What the bank file is made of: the run as stored and the payer.
pub fn bank_run<'a>(ctx: &'a Ctx, run: &'a Run, lines: &'a [Line]) -> bank_file::Run<'a> {
    let first = payout::parse_month(&run.month).unwrap_or_default();
    bank_file::Run {
        id: run.id,
        month: &run.month,
        message_id: run.message_id.as_deref().unwrap_or_default(),
        created: ctx.terms.local(crate::store::from_ms(run.exported_at.unwrap_or(run.prepared_at))),
        due: due_date(ctx, first),
        payer: &ctx.terms.payer,
        lines,
    }
}

/// The file's bytes: a pure function of the run as stored and the payer.
pub fn render(file: &bank_file::Run, format: FileFormat) -> Result<Vec<u8>> {
    match format {
        FileFormat::Csv => bank_file::csv(file)
            .map_err(|error| ServiceError::Unreadable { file: format!("payout run {}", file.id), error }),
        FileFormat::Pain001 => {
            bank_file::pain001(file).map_err(|_| ServiceError::Payout(PayoutRefusal::NothingToPay { run: file.id }))
        }
    }
}

/// The report's path: the bank file's with `.report.txt` added.
pub fn report_path(out: &Path) -> PathBuf {
    let mut name = out.as_os_str().to_os_string();
    name.push(".report.txt");
    PathBuf::from(name)
}

/// Writes the companion report of a bank file, inside the export's transaction once its audit
/// entry is written, so that the head at its foot is that entry's. Returns its path.
pub async fn write_report<C: ConnectionTrait>(
    c: &C,
    file: &bank_file::Run<'_>,
    run: &Run,
    out: &Path,
    sha: &str,
) -> Result<String> {
    let (entry, hash) = crate::store::audit::head(c).await?.unwrap_or_default();
    let hands = Hands {
        prepared_by: &run.prepared_by,
        approved_by: run.approved_by.as_deref().unwrap_or_default(),
        exported_by: run.exported_by.as_deref().unwrap_or_default(),
    };
    let text = bank_file::companion(file, &out.display().to_string(), sha, &hands, (entry, &hash));
    let path = report_path(out);
    write_atomically(&path, text.as_bytes())?;
    Ok(path.display().to_string())
}

/// Writes `bytes` to a temporary file beside `out`, syncs it and renames it over `out`: a reader
/// sees the old file or the whole new one, never a part.
pub fn write_atomically(out: &std::path::Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let fail = |e: std::io::Error| ServiceError::Unwritable { file: out.display().to_string(), error: e.to_string() };
    let dir = out.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    // Said plainly, rather than in the words of the temporary file that could not be made there.
    if !dir.is_dir() {
        let error = format!("there is no directory {}", dir.display());
        return Err(ServiceError::Unwritable { file: out.display().to_string(), error });
    }
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(fail)?;
    tmp.write_all(bytes).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(out).map_err(|e| fail(e.error))?;
    Ok(())
}
