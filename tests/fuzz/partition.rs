//! The readers' promise under any bytes, shared by the proptest run (`tests/read_fuzz.rs`, in
//! CI) and the cargo-fuzz target (`fuzz/fuzz_targets/read.rs`, run longer by hand): reading
//! never panics, every line is parsed (to an event or a rejection), and the lines read
//! partition the input: each is the input's own bytes at its offset, in order, with its line
//! number, and what lies between them is blank lines (and, for CSV, the header).
use refdesk::service::import::{Format, LineReader, SourceError};

macro_rules! ensure {
    ($cond:expr, $($msg:tt)+) => {
        if !$cond {
            return Err(format!($($msg)+));
        }
    };
    ($cond:expr) => {
        if !$cond {
            return Err(format!("{} does not hold", stringify!($cond)));
        }
    };
}

macro_rules! ensure_eq {
    ($a:expr, $b:expr) => {{
        let (a, b) = (&$a, &$b);
        if a != b {
            return Err(format!("{} = {:?}, expected {:?}", stringify!($a), a, b));
        }
    }};
}

/// The CSV header the runs put before arbitrary bytes, so that its rows are read as rows.
pub const CSV_HEADER: &[u8] = b"type,event_id,at,account_id,name,promo_code\n";

/// Checks one input in each way it can be read: as NDJSON, as CSV, and as CSV after a header.
/// Returns the NDJSON lines read.
pub fn check_all(input: &[u8]) -> Result<usize, String> {
    let lines = check_reader(input, Format::Ndjson)?;
    check_reader(input, Format::Csv)?;
    check_reader(&[CSV_HEADER, input].concat(), Format::Csv)?;
    Ok(lines)
}

fn blank(line: &[u8]) -> bool {
    let s = line.strip_suffix(b"\n").unwrap_or(line);
    let s = s.strip_suffix(b"\r").unwrap_or(s);
    let s = s.strip_prefix(b"\xef\xbb\xbf").unwrap_or(s);
    s.iter().all(u8::is_ascii_whitespace)
}

/// The physical lines of `bytes`, each with its line end.
fn physical(bytes: &[u8]) -> Vec<&[u8]> {
    bytes.split_inclusive(|&b| b == b'\n').collect()
}

/// Reads `input` and checks that the lines read partition it. Returns how many were read.
pub fn check_reader(input: &[u8], format: Format) -> Result<usize, String> {
    let mut reader = LineReader::new(input, format);
    let mut lines = Vec::new();
    for item in reader.by_ref() {
        match item {
            Ok(l) => lines.push(l),
            Err(SourceError::NoHeader(_)) => {
                ensure!(format == Format::Csv && lines.is_empty(), "NoHeader after {} lines", lines.len());
                return Ok(0);
            }
            Err(SourceError::Io(e)) => return Err(format!("io error from a slice: {e}")),
        }
    }
    let mut at = 0usize;
    if let Some(h) = &reader.header_raw {
        ensure_eq!(format, Format::Csv);
        // The header is the first record that is not blank.
        let start = physical(input).iter().take_while(|l| blank(l)).map(|l| l.len()).sum::<usize>();
        ensure_eq!(&input[start..start + h.len()], &h[..]);
        at = start + h.len();
    }
    for l in &lines {
        let off = usize::try_from(l.offset).map_err(|e| e.to_string())?;
        ensure!(off >= at, "line {} at byte {off} overlaps what came before (byte {at})", l.no);
        // What was skipped is blank lines, whole.
        for gap in physical(&input[at..off]) {
            ensure!(blank(gap) && gap.ends_with(b"\n"), "skipped a line that is not blank: {:?}", gap);
        }
        ensure_eq!(&input[off..off + l.raw.len()], &l.raw[..]);
        ensure!(!l.raw.is_empty() && (l.raw.ends_with(b"\n") || off + l.raw.len() == input.len()));
        ensure_eq!(l.no, input[..off].iter().filter(|&&b| b == b'\n').count() + 1);
        at = off + l.raw.len();
    }
    for gap in physical(&input[at..]) {
        ensure!(blank(gap), "the input's end was not read: {:?}", gap);
    }
    if format == Format::Ndjson {
        ensure_eq!(lines.len(), physical(input).iter().filter(|l| !blank(l)).count());
    }
    Ok(lines.len())
}
