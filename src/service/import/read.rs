//! Reading an import's source: lines of NDJSON or CSV (with its header), blank lines skipped,
//! each parsed into an event or the reason it is not one.
use super::{Format, Line};
use crate::domain::event::{self, CsvFields, Event, LineError};
use std::io::BufRead;

/// How the lines of one source are parsed: its format and, for CSV, the header once read.
#[derive(Clone)]
pub(super) struct Parser {
    format: Format,
    header: Option<csv::StringRecord>,
}

impl Parser {
    fn parse_csv_record(line: &str) -> std::result::Result<csv::StringRecord, LineError> {
        let mut r = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(line.as_bytes());
        let mut rec = csv::StringRecord::new();
        match r.read_record(&mut rec) {
            Ok(true) => Ok(rec),
            Ok(false) => Err(LineError::line("an empty CSV row")),
            Err(e) => Err(LineError::line(format!("not valid CSV ({e})"))),
        }
    }

    /// A data line (for CSV, one after the header).
    fn parse(&self, raw: &str) -> std::result::Result<Event, LineError> {
        match (self.format, &self.header) {
            (Format::Ndjson, _) => event::parse_json_line(raw.trim_start_matches('\u{feff}')),
            (Format::Csv, Some(header)) => match Self::parse_csv_record(raw) {
                Ok(rec) if rec.len() != header.len() => {
                    Err(LineError::line(format!("{} fields where the header has {}", rec.len(), header.len())))
                }
                Ok(rec) => event::parse(&CsvFields { header, record: &rec }),
                Err(e) => Err(e),
            },
            (Format::Csv, None) => Err(LineError::line("no CSV header before this row")),
        }
    }
}

/// A line as read: a data line still to parse, or one already judged (a bad CSV header).
pub(super) struct Unparsed {
    no: usize,
    raw: String,
    failed: Option<LineError>,
}

impl Unparsed {
    pub(super) fn parse(self, parser: &Parser) -> Line {
        let parsed = match self.failed {
            Some(e) => Err(e),
            None => parser.parse(&self.raw),
        };
        Line { no: self.no, raw: self.raw, parsed }
    }
}

/// Reads lines from an NDJSON or CSV source lazily; blank lines are skipped.
pub struct LineReader<R: BufRead> {
    input: R,
    pub(super) parser: Parser,
    no: usize,
    pub header_raw: Option<String>,
    pub bytes_read: u64,
}

impl<R: BufRead> LineReader<R> {
    pub fn new(input: R, format: Format) -> Self {
        LineReader { input, parser: Parser { format, header: None }, no: 0, header_raw: None, bytes_read: 0 }
    }

    /// The next line that is not blank and not the CSV header, unparsed.
    pub(super) fn next_unparsed(&mut self) -> Option<std::io::Result<Unparsed>> {
        loop {
            let mut buf = String::new();
            match self.input.read_line(&mut buf) {
                Ok(0) => return None,
                Ok(n) => self.bytes_read += n as u64,
                Err(e) => return Some(Err(e)),
            }
            self.no += 1;
            if buf.trim().is_empty() {
                continue;
            }
            buf.truncate(buf.trim_end_matches(['\n', '\r']).len());
            let raw = buf;
            if self.parser.format == Format::Csv && self.parser.header.is_none() {
                match Parser::parse_csv_record(raw.trim_start_matches('\u{feff}')) {
                    Ok(h) => {
                        self.parser.header = Some(h);
                        self.header_raw = Some(raw);
                    }
                    Err(e) => return Some(Ok(Unparsed { no: self.no, raw, failed: Some(e) })),
                }
                continue;
            }
            return Some(Ok(Unparsed { no: self.no, raw, failed: None }));
        }
    }
}

impl<R: BufRead> Iterator for LineReader<R> {
    type Item = std::io::Result<Line>;

    fn next(&mut self) -> Option<Self::Item> {
        Some(self.next_unparsed()?.map(|u| u.parse(&self.parser)))
    }
}
