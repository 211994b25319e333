//! Issue 12, "probes as tests": the NDJSON and CSV readers under arbitrary bytes, and under bytes
//! built from near-valid lines glued with random line ends, quotes and invalid bytes. The reader
//! (`LineReader`, public) must never panic and must partition its input: the check of
//! `fuzz/partition.rs`, which the cargo-fuzz target (`fuzz/`) makes too. Then the same bytes go through `import_reader` into a SQLite
//! database: accepted + duplicates + rejected equals the lines read, and each rejected line's
//! bytes are the input's at its place.
//!
//! Cases: 256 for the reader, 48 for the import, unless REFDESK_FUZZ_CASES says more (it sets
//! the reader's count; the import runs a fifth of it).
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use refdesk::domain::Terms;
use refdesk::service::import::{Format, import_reader};
use refdesk::service::{Clock, Ctx};
use refdesk::store::Store;

#[path = "fuzz/partition.rs"]
mod partition;
use partition::{CSV_HEADER, check_all, check_reader};

fn cases(default: u32) -> u32 {
    std::env::var("REFDESK_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

const PIECES: &[&[u8]] = &[
    br#"{"type":"client_registered","event_id":"f1","at":"2026-10-03T12:00:00+05:00","account_id":"F1"}"#,
    br#"{"type":"partner_registered","event_id":"f2","at":"2026-10-01T09:00:00+05:00","account_id":"F2","name":"Fuzz","promo_code":"FUZZ1"}"#,
    br#"{"type":"payment_confirmed","event_id":"f3","at":"2026-10-05T10:00:00+05:00","payment_id":"FP","account_id":"F1","package":"P100","list_price":"100000","paid_amount":75000}"#,
    br#"{"type":"payment_refunded","event_id":"f4","at":"2026-10-06T10:00:00+05:00","payment_id":"FP"}"#,
    br#"{"type":"client_registered","event_id":"f5","#,
    br#""at":"2026-10-03T12:00:00+05:00"}"#,
    b"type,event_id,at,account_id,name,promo_code",
    b"partner_registered,c1,2026-10-01T09:00:00+05:00,C1,\"Csv, Fuzz\",CSV1",
    b"client_registered,c2,2026-10-03T12:00:00+05:00,C2,,",
    b"partner_registered,c3,2026-10-01T09:00:00+05:00,C3,\"two",
    b"lines\",CSV3",
    b"\n",
    b"\r\n",
    b"\r",
    b"\"",
    b"\"\"",
    b",",
    b"{",
    b"}",
    b"\\u0000",
    b"\xff",
    b"\xc0\x80",
    b"\xed\xa0\x80",
    b"\xef\xbb\xbf",
    b"\0",
    b" \t",
    "\u{2028}\u{202e}".as_bytes(),
];

/// Bytes from the grammar: pieces of near-valid lines and the bytes that break them.
fn grammar() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(0..PIECES.len(), 0..48)
        .prop_map(|ix| ix.into_iter().flat_map(|i| PIECES[i].to_vec()).collect())
}

/// Whole lines: a good event or CSV row (the first 11 pieces), most often as it is, else with
/// one piece of the grammar put in at some byte; each ended by `\n`, `\r\n`, `\r` or nothing.
fn lines() -> impl Strategy<Value = Vec<u8>> {
    let line = (0..11usize, 0..4usize, any::<prop::sample::Index>(), 0..PIECES.len(), 0..4usize);
    proptest::collection::vec(line, 0..24).prop_map(|ls| {
        let mut out = Vec::new();
        for (good, spoil, at, piece, end) in ls {
            let mut l = PIECES[good].to_vec();
            if spoil == 0 {
                let at = at.index(l.len() + 1);
                l.splice(at..at, PIECES[piece].iter().copied());
            }
            out.extend(l);
            out.extend_from_slice([b"\n".as_slice(), b"\r\n", b"\r", b""][end]);
        }
        out
    })
}

fn input() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![proptest::collection::vec(any::<u8>(), 0..512), grammar(), lines()]
}

#[test]
fn the_readers_partition_any_bytes() {
    let mut runner = TestRunner::new(Config { cases: cases(256), failure_persistence: None, ..Config::default() });
    let start = std::time::Instant::now();
    let lines = std::cell::Cell::new(0);
    let result = runner.run(&input(), |bytes| {
        lines.set(lines.get() + check_all(&bytes).map_err(TestCaseError::fail)?);
        Ok(())
    });
    eprintln!("read_fuzz: {} reader cases in {:.2?}, {} NDJSON lines read", cases(256), start.elapsed(), lines.get());
    if let Err(e) = result {
        panic!("{e}");
    }
}

async fn ctx() -> (Ctx, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("fuzz.db").display());
    let store = Store::open(&url).await.expect("the database opens");
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-25T12:00:00+05:00").map(|d| d.to_utc()).unwrap_or_default();
    let ctx = Ctx { store, terms: Terms::defaults(), operator: "fuzz".into(), clock: Clock::Fixed(now) };
    refdesk::service::operators::sandbox(&ctx, &[]).await.expect("a sandbox");
    (ctx, dir)
}

#[test]
fn an_import_accounts_for_every_line() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    // One database for all the cases: lines seen before come back as duplicates or conflicts.
    let (ctx, _dir) = rt.block_on(ctx());
    let n = (cases(256) / 5).max(1);
    let mut runner = TestRunner::new(Config { cases: n, failure_persistence: None, ..Config::default() });
    let start = std::time::Instant::now();
    let seen = std::cell::Cell::new([0usize; 3]);
    let result = runner.run(&(input(), any::<bool>()), |(bytes, csv)| {
        let (format, bytes) = if csv { (Format::Csv, [CSV_HEADER, &bytes].concat()) } else { (Format::Ndjson, bytes) };
        let read = check_reader(&bytes, format).map_err(TestCaseError::fail)?;
        let summary = rt
            .block_on(import_reader(&ctx, "fuzz", &bytes[..], format, |_, _| {}))
            .map_err(|e| TestCaseError::fail(format!("the import failed: {e:?}")))?;
        prop_assert_eq!(summary.accepted + summary.duplicates + summary.rejected.len(), read);
        let [a, d, r] = seen.get();
        seen.set([a + summary.accepted, d + summary.duplicates, r + summary.rejected.len()]);
        for r in &summary.rejected {
            prop_assert!(!r.raw.is_empty());
            prop_assert!(bytes.windows(r.raw.len()).any(|w| w == &r.raw[..]), "line {}: not in the input", r.line);
            if let Some(off) = r.offset {
                let off = off as usize;
                prop_assert_eq!(&bytes[off..off + r.raw.len()], &r.raw[..]);
            }
        }
        Ok(())
    });
    let [a, d, r] = seen.get();
    eprintln!("read_fuzz: {n} import cases in {:.2?}: {a} accepted, {d} duplicates, {r} rejected", start.elapsed());
    if let Err(e) = result {
        panic!("{e}");
    }
}
