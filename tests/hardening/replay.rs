//! Issue 12, "probes as tests": the corpus of malformed lines (`corpus.rs`) replayed through the
//! real binary on both backends. One file per format holds every kind, each between two good
//! lines (`good, bad₁, good, bad₂, good, …`), so that one import covers them all; each kind is
//! then checked by its own line number: rejected with its reason on stderr, copied byte for byte
//! into `.rejected`, and leaving nothing in the database; the good lines all taken.
use crate::access::{dump, url_of};
use crate::common::TestDb;
use crate::corpus::{self, CSV_HEADER, Kind, Want};
use crate::{check, check_eq};

type R = Result<(), String>;
const NOW: &str = "2026-11-25T12:00:00+05:00";

/// The ids the corpus gives a line that must leave nothing behind.
const BAD_IDS: [&str; 6] = ["zq0", "ZQ0", "ZQA0", "ZQC0", "ZQP0", "ZQNOPAY"];

fn good_json(i: usize) -> Vec<u8> {
    format!(
        "{{\"type\":\"partner_registered\",\"event_id\":\"good{i}\",\"at\":\"2026-10-01T09:00:00+05:00\",\"account_id\":\"GA{i}\",\"name\":\"Good {i}\",\"promo_code\":\"GOOD{i}\"}}\n"
    )
    .into_bytes()
}

fn good_csv(i: usize) -> Vec<u8> {
    format!("partner_registered,good{i},2026-10-01T09:00:00+05:00,GA{i},Good {i},GOOD{i}\r\n").into_bytes()
}

/// Imports `head`, a good line, then each kind followed by a good line, and checks every kind.
fn replay(db: &TestDb, name: &str, head: &[u8], kinds: &[Kind], good: fn(usize) -> Vec<u8>) -> R {
    let mut input = head.to_vec();
    input.extend(good(0));
    let mut numbers = Vec::new();
    for (i, k) in kinds.iter().enumerate() {
        numbers.push(input.iter().filter(|&&b| b == b'\n').count() + 1);
        check!(
            k.line.last() == Some(&b'\n') && k.line.iter().filter(|&&b| b == b'\n').count() == 1,
            "{}: not one line",
            k.name
        );
        input.extend_from_slice(&k.line);
        input.extend(good(i + 1));
    }
    let p = db.path(name);
    std::fs::write(&p, &input).map_err(|e| e.to_string())?;
    let f = p.display().to_string();
    let url = url_of(db);
    let before = dump(db.backend, &url)?;

    let out = db.run(NOW, &["import", &f]);
    check_eq!(out.code, 1);
    let rejected: Vec<&Kind> = kinds.iter().filter(|k| matches!(k.want, Want::Rejected(_))).collect();
    let fine = kinds.iter().filter(|k| matches!(k.want, Want::Accepted)).count();
    let accepted = kinds.len() + 1 + fine;
    let summary = format!("{accepted} accepted, 0 duplicates, {} rejected", rejected.len());

    // Every kind by its line number; all the misses are told at once.
    let mut misses = Vec::new();
    for (k, n) in kinds.iter().zip(&numbers) {
        let said: Vec<&str> = out
            .stderr
            .lines()
            .filter(|l| {
                l.strip_prefix(&format!("{f}: line {n}"))
                    .is_some_and(|r| r.starts_with(": ") || r.starts_with(" (byte"))
            })
            .collect();
        let ok = match k.want {
            Want::Rejected(why) => said.len() == 1 && said[0].contains(why),
            Want::Accepted | Want::Skipped => said.is_empty(),
        };
        if !ok {
            misses.push(format!("{} (line {n}, want {:?}): stderr says {said:?}", k.name, k.want));
        }
    }
    let tail: String = out.stderr.chars().take(600).collect();
    check!(misses.is_empty(), "{} of {} kinds miss:\n{}\nstderr: {tail}", misses.len(), kinds.len(), misses.join("\n"));
    check!(out.stdout.contains(&summary), "want {summary:?}: {}{}", out.stdout, out.stderr);

    // `.rejected`: the header (for CSV), then each rejected line byte for byte, in order.
    let mut want = head.to_vec();
    for k in &rejected {
        want.extend_from_slice(&k.line);
    }
    let got = std::fs::read(format!("{f}.rejected")).map_err(|e| e.to_string())?;
    if got != want {
        let at = got.iter().zip(&want).position(|(a, b)| a != b).unwrap_or(got.len().min(want.len()));
        return Err(format!("{f}.rejected differs from byte {at} ({} bytes, want {})", got.len(), want.len()));
    }

    // Nothing of a rejected line reached any table; every good line did.
    let after = dump(db.backend, &url)?;
    let added: Vec<&String> = after.iter().filter(|l| !before.contains(l)).collect();
    let leaked: Vec<&&String> = added.iter().filter(|l| BAD_IDS.iter().any(|id| l.contains(id))).collect();
    check!(leaked.is_empty(), "rows of rejected lines: {leaked:?}");
    let codes = db.json(NOW, &["partner", "list"])?;
    let codes: Vec<&str> = codes.as_array().into_iter().flatten().filter_map(|p| p["code"].as_str()).collect();
    for i in 0..=kinds.len() {
        check!(codes.contains(&format!("GOOD{i}").as_str()), "GOOD{i} is not in the partner list");
    }
    // And again: every line taken is a duplicate now, every rejected line rejected again.
    let again = db.run(NOW, &["import", &f]);
    let summary = format!("0 accepted, {accepted} duplicates, {} rejected", rejected.len());
    check!(again.code == 1 && again.stdout.contains(&summary), "again, want {summary:?}: {}", again.stdout);
    eprintln!("corpus ({:?}): {name}: {} kinds, {} rejected alone", db.backend, kinds.len(), rejected.len());
    Ok(())
}

/// Issue 12: every kind of malformed NDJSON line rejects itself alone.
pub fn a_corpus_of_malformed_lines_rejects_each_alone(db: &TestDb) -> R {
    replay(db, "corpus.ndjson", b"", &corpus::ndjson(), good_json)
}

/// Issue 12: the CSV kinds, after a header (with a BOM, which is taken off); then a file that
/// is a header only (nothing to do, exit 0) and one whose header has no `type` (exit 2, nothing
/// written).
pub fn a_corpus_of_malformed_csv_rows_rejects_each_alone(db: &TestDb) -> R {
    let head = [b"\xef\xbb\xbf".as_slice(), CSV_HEADER.as_bytes()].concat();
    replay(db, "corpus.csv", &head, &corpus::csv(), good_csv)?;

    let url = url_of(db);
    let before = dump(db.backend, &url)?;
    let only = db.file("header-only.csv", CSV_HEADER);
    let out = db.run(NOW, &["import", &only]);
    out.said(0, "0 accepted, 0 duplicates, 0 rejected")?;
    let untyped =
        db.file("untyped.csv", "kind,event_id,at,account_id\nclient_registered,zq0,2026-10-03T12:00:00Z,ZQ0\n");
    let out = db.run(NOW, &["import", &untyped]);
    check_eq!(out.code, 2);
    check!(out.stderr.contains("not a header naming the fields"), "{}", out.stderr);
    check!(!std::path::Path::new(&format!("{untyped}.rejected")).exists(), "a .rejected was written");
    check_eq!(dump(db.backend, &url)?, before);
    // A column named twice: which of the two the platform meant is unknown; refused whole.
    let twice = db.file(
        "twice.csv",
        "type,event_id,at,account_id,at\nclient_registered,zq0,2026-10-03T12:00:00Z,ZQ0,2026-10-04T12:00:00Z\n",
    );
    let out = db.run(NOW, &["import", &twice]);
    check_eq!(out.code, 2);
    check!(out.stderr.contains("its header names the column \"at\" twice"), "{}", out.stderr);
    check_eq!(dump(db.backend, &url)?, before);
    Ok(())
}
