//! Reading an import's source by bytes: the input is split on `\n` (a CSV record may span
//! lines inside a quoted field, RFC 4180), and each line or record is judged alone, so that one
//! bad byte rejects its own line and no other. Blank lines are skipped.
use super::{Format, Line};
use crate::domain::event::{self, Bounds, CsvFields, Event, LineError};
use std::io::BufRead;

/// How the lines of one source are parsed: its format and, for CSV, the header once read.
#[derive(Clone)]
pub(super) struct Parser {
    format: Format,
    header: Option<csv::StringRecord>,
    bounds: Bounds,
}

/// The UTF-8 byte order mark some editors put at the start of a file.
const BOM: &[u8] = b"\xef\xbb\xbf";

/// A line's content: without its line end (`\n` or `\r\n`) and, on the first line, its BOM.
fn content(raw: &[u8]) -> &[u8] {
    let s = raw.strip_suffix(b"\n").unwrap_or(raw);
    let s = s.strip_suffix(b"\r").unwrap_or(s);
    s.strip_prefix(BOM).unwrap_or(s)
}

/// The line as text, or the line's rejection naming the first byte that is not UTF-8.
fn utf8(raw: &[u8]) -> Result<&str, LineError> {
    std::str::from_utf8(content(raw))
        .map_err(|e| LineError::in_bytes(format!("not valid UTF-8 at byte {} of the line", e.valid_up_to() + 1)))
}

impl Parser {
    /// One CSV record from the text of its line(s). `\n` alone ends a record: a `\r` before
    /// it is already taken off, and a bare `\r` stays in its field (where the text policy
    /// judges it) rather than splitting the record in two.
    fn parse_csv_record(text: &str) -> Result<csv::StringRecord, LineError> {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .terminator(csv::Terminator::Any(b'\n'))
            .from_reader(text.as_bytes());
        let mut rec = csv::StringRecord::new();
        match r.read_record(&mut rec) {
            Ok(true) => Ok(rec),
            Ok(false) => Err(LineError::line("an empty CSV row")),
            Err(e) => Err(LineError::line(format!("not valid CSV ({e})"))),
        }
    }

    /// A data line or record (for CSV, one after the header), as read.
    fn parse(&self, raw: &[u8], closed: bool) -> Result<Event, LineError> {
        let text = utf8(raw)?;
        match (self.format, &self.header) {
            (Format::Ndjson, _) => event::parse_json_line(text, &self.bounds),
            (Format::Csv, _) if !closed => Err(LineError::line(format!(
                "a quoted field opens on this line and is not closed within {} MiB or by the end of the file",
                RECORD_MAX >> 20
            ))),
            (Format::Csv, Some(header)) => match Self::parse_csv_record(text) {
                Ok(rec) if rec.len() != header.len() => {
                    Err(LineError::line(format!("{} fields where the header has {}", rec.len(), header.len())))
                }
                Ok(rec) => event::parse(&CsvFields { header, record: &rec }, &self.bounds),
                Err(e) => Err(e),
            },
            (Format::Csv, None) => Err(LineError::line("no CSV header before this row")),
        }
    }
}

/// The most bytes a CSV record may span. A quote left open would otherwise make one record
/// of the rest of the file: held in memory whole, and every good line after it lost with it.
const RECORD_MAX: usize = 1 << 20;

/// A line (for CSV, a record) as read: its first line's number, its byte offset in the
/// source, its bytes with their line ends, and whether its last quoted field was closed.
pub(super) struct Unparsed {
    no: usize,
    offset: u64,
    raw: Vec<u8>,
    closed: bool,
}

/// One physical line: its number, its byte offset, its bytes with the line end.
struct Physical {
    no: usize,
    offset: u64,
    raw: Vec<u8>,
}

impl Unparsed {
    pub(super) fn parse(self, parser: &Parser) -> Line {
        let parsed = parser.parse(&self.raw, self.closed);
        Line { no: self.no, offset: self.offset, raw: self.raw, parsed }
    }
}

/// Where a CSV record's reading stands at the end of a line (RFC 4180): a `"` opens a quoted
/// field only at a field's start, and `""` inside one is a quote; a line that ends inside a
/// quoted field goes on with the next line.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scan {
    FieldStart,
    Unquoted,
    Quoted,
    /// A `"` inside a quoted field: it closes the field unless another `"` follows.
    QuoteInQuoted,
}

impl Scan {
    fn after(mut self, line: &[u8]) -> Scan {
        for &b in line {
            self = match (self, b) {
                (Scan::FieldStart, b'"') | (Scan::QuoteInQuoted, b'"') => Scan::Quoted,
                (Scan::Quoted, b'"') => Scan::QuoteInQuoted,
                (Scan::Quoted, _) => Scan::Quoted,
                (_, b',' | b'\n') => Scan::FieldStart,
                _ => Scan::Unquoted,
            };
        }
        self
    }
}

/// Why a source is refused as a whole, before anything of it is written.
#[derive(Debug)]
pub enum SourceError {
    Io(std::io::Error),
    /// The CSV's first row is not a header naming the fields.
    NoHeader(String),
}

/// Reads lines from an NDJSON or CSV source lazily, by bytes; blank lines are skipped.
pub struct LineReader<R: BufRead> {
    input: R,
    pub(super) parser: Parser,
    no: usize,
    /// The CSV header row's bytes, its line end included, to head the `.rejected` file.
    pub header_raw: Option<Vec<u8>>,
    pub bytes_read: u64,
    /// Lines read ahead for a quoted field that was never closed, to be read again one by one.
    again: std::collections::VecDeque<Physical>,
}

impl<R: BufRead> LineReader<R> {
    pub fn new(input: R, format: Format) -> Self {
        LineReader {
            input,
            parser: Parser { format, header: None, bounds: Bounds::DEFAULT },
            no: 0,
            header_raw: None,
            bytes_read: 0,
            again: Default::default(),
        }
    }

    /// Judges the events' instants by the program's bounds instead of the default ones.
    pub fn bounded(mut self, bounds: Bounds) -> Self {
        self.parser.bounds = bounds;
        self
    }

    /// The next physical line, its line end included (one read ahead first); `None` at the end.
    fn line(&mut self) -> std::io::Result<Option<Physical>> {
        if let Some(l) = self.again.pop_front() {
            return Ok(Some(l));
        }
        let mut raw = Vec::new();
        let offset = self.bytes_read;
        let n = self.input.read_until(b'\n', &mut raw)?;
        if n == 0 {
            return Ok(None);
        }
        self.bytes_read += n as u64;
        self.no += 1;
        Ok(Some(Physical { no: self.no, offset, raw }))
    }

    /// The next line that is not blank and not the CSV header (for CSV, the whole record).
    pub(super) fn next_unparsed(&mut self) -> Option<Result<Unparsed, SourceError>> {
        loop {
            let Physical { no, offset, mut raw } = match self.line() {
                Ok(Some(l)) => l,
                Ok(None) => return None,
                Err(e) => return Some(Err(SourceError::Io(e))),
            };
            if content(&raw).iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let mut closed = true;
            if self.parser.format == Format::Csv {
                let mut quote = Scan::FieldStart.after(content(&raw));
                let mut ahead = Vec::new();
                let mut size = raw.len();
                while matches!(quote, Scan::Quoted) {
                    match self.line() {
                        Ok(Some(more)) if size + more.raw.len() <= RECORD_MAX => {
                            // The line end inside the quoted field is part of its value.
                            quote = Scan::Quoted.after(b"\n").after(content(&more.raw));
                            size += more.raw.len();
                            ahead.push(more);
                        }
                        Ok(more) => {
                            // Never closed: the line that opened the quote is rejected alone,
                            // and the lines after it are read again as lines of their own.
                            closed = false;
                            ahead.extend(more);
                            for l in ahead.drain(..).rev() {
                                self.again.push_front(l);
                            }
                            break;
                        }
                        Err(e) => return Some(Err(SourceError::Io(e))),
                    }
                }
                for l in ahead {
                    raw.extend_from_slice(&l.raw);
                }
                if self.parser.header.is_none() {
                    if let Err(e) = self.header(&raw, closed) {
                        return Some(Err(e));
                    }
                    continue;
                }
            }
            return Some(Ok(Unparsed { no, offset, raw, closed }));
        }
    }

    /// Takes the CSV's first row as its header, or refuses the source: a first row without a
    /// `type` column is data, and reading it as the header would lose it silently.
    fn header(&mut self, raw: &[u8], closed: bool) -> Result<(), SourceError> {
        let no_header = |why: String| SourceError::NoHeader(why);
        let text = utf8(raw).map_err(|e| no_header(format!("its first row is {e}")))?;
        let h = Parser::parse_csv_record(text)
            .ok()
            .filter(|h| closed && h.iter().any(|f| f.trim() == "type"))
            .ok_or_else(|| no_header("its first row is not a header naming the fields, `type` among them".into()))?;
        // A column named twice would be read from the first and ignored in the second: which
        // value the platform meant is unknown, so the file is refused before anything is read.
        let names: Vec<&str> = h.iter().map(str::trim).filter(|n| !n.is_empty()).collect();
        if let Some(n) = names.iter().enumerate().find_map(|(i, n)| names[..i].contains(n).then_some(n)) {
            return Err(no_header(format!("its header names the column {n:?} twice")));
        }
        self.parser.header = Some(h);
        self.header_raw = Some(raw.to_vec());
        Ok(())
    }
}

impl<R: BufRead> Iterator for LineReader<R> {
    type Item = Result<Line, SourceError>;

    fn next(&mut self) -> Option<Self::Item> {
        Some(self.next_unparsed()?.map(|u| u.parse(&self.parser)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(format: Format, input: &[u8]) -> Vec<(usize, u64, Vec<u8>, String)> {
        LineReader::new(input, format)
            .map(|l| match l {
                Ok(l) => (l.no, l.offset, l.raw, l.parsed.err().map(|e| e.to_string()).unwrap_or_default()),
                Err(e) => (0, 0, Vec::new(), format!("{e:?}")),
            })
            .collect()
    }

    #[test]
    fn a_field_given_twice_is_refused() {
        let json = b"{\"type\":\"client_registered\",\"event_id\":\"d1\",\"at\":\"2026-10-03T12:00:00Z\",\"account_id\":\"A\",\"account_id\":\"B\"}\n";
        assert_eq!(read(Format::Ndjson, json)[0].3, "the field \"account_id\" is given twice");
        let csv = b"type,event_id,at,account_id,account_id\nclient_registered,d1,2026-10-03T12:00:00Z,A,B\n";
        assert_eq!(read(Format::Csv, csv)[0].3, "NoHeader(\"its header names the column \\\"account_id\\\" twice\")");
    }

    #[test]
    fn a_bad_byte_rejects_its_line_alone() {
        let lines = read(Format::Ndjson, b"{}\r\n\n{\"a\":\"\xff\"}\r\n{}");
        assert_eq!(lines.len(), 3);
        assert_eq!((lines[1].0, lines[1].1), (3, 5));
        assert_eq!(lines[1].2, b"{\"a\":\"\xff\"}\r\n");
        assert_eq!(lines[1].3, "not valid UTF-8 at byte 7 of the line");
        assert_eq!(lines[2].2, b"{}");
    }

    #[test]
    fn a_quoted_newline_stays_in_its_record() {
        let csv = b"type,name\r\nx,\"two\r\nlines\"\r\nx,\"cut\nnever closed\n";
        let lines = read(Format::Csv, csv);
        assert_eq!(lines.len(), 3);
        assert_eq!((lines[0].0, &lines[0].2[..]), (2, &b"x,\"two\r\nlines\"\r\n"[..]));
        assert_eq!(lines[0].3, "event_id: missing");
        assert_eq!((lines[1].0, &lines[1].2[..]), (4, &b"x,\"cut\n"[..]));
        assert!(lines[1].3.starts_with("a quoted field opens on this line and is not closed"), "{}", lines[1].3);
        assert_eq!((lines[2].0, lines[2].1, &lines[2].2[..]), (5, 34, &b"never closed\n"[..]));
    }

    #[test]
    fn an_open_quote_holds_at_most_a_mebibyte() {
        let mut csv = b"type,name\nx,\"open\n".to_vec();
        let row = format!("x,{}\n", "y".repeat(98));
        csv.extend(row.repeat(20_000).into_bytes());
        let lines = read(Format::Csv, &csv);
        assert_eq!(lines.len(), 20_001);
        assert!(lines[0].3.starts_with("a quoted field opens on this line"), "{}", lines[0].3);
        assert_eq!((lines[1].0, lines[20_000].0), (3, 20_002));
        assert_eq!(lines[20_000].2, row.as_bytes());
    }

    #[test]
    fn a_csv_without_a_header_is_refused() {
        let lines = read(Format::Csv, b"client_registered,e1\n");
        assert_eq!(lines.len(), 1);
        assert!(lines[0].3.starts_with("NoHeader"), "{:?}", lines[0].3);
    }
}
