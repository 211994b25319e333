//! Import of platform events (INTERFACE.md). Lines are judged one by one, in order, against the
//! program's state at that moment; they are written in batches, one transaction and one audit
//! entry per batch, with every lookup done for the whole batch at once through the indexes.
use super::{Ctx, Result, ServiceError, ms};
use crate::domain::Money;
use crate::domain::codes::{code_candidates, validate_code};
use crate::domain::event::{self, Body, Contact, CsvFields, Event, LineError};
use crate::domain::identity::{normalize_email, normalize_iin, normalize_phone};
use crate::domain::rules::{self, CodeFacts, Identity, PaymentFacts, Reason};
use crate::store::entity::{
    account, bonus, event as event_row, fraud_case, ledger_entry, partner, payment, promo_code, refund,
};
use crate::store::{LOCK_WRITE, audit, execute, lock_writers, placeholders, query_all, query_one};
use sea_orm::{DatabaseTransaction, EntityTrait, Set, Value};
use std::collections::{HashMap, HashSet};
use std::io::BufRead;

/// Lines per transaction: large enough to amortise the commit, small enough for the bind limits.
pub const BATCH: usize = 10_000;
/// Rows per multi-row INSERT (SQLite allows 32 766 bound values per statement).
const ROWS_PER_INSERT: usize = 400;

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

/// One input line: its number in the file, its text, and what it parsed to.
pub struct Line {
    pub no: usize,
    pub raw: String,
    pub parsed: std::result::Result<Event, LineError>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejected {
    pub line: usize,
    pub message: String,
    pub raw: String,
}

#[derive(Clone, Debug, Default)]
pub struct Summary {
    pub accepted: usize,
    pub duplicates: usize,
    pub rejected: Vec<Rejected>,
    /// The CSV header, to head the `.rejected` file.
    pub header: Option<String>,
}

/// Reads lines from an NDJSON or CSV source lazily; blank lines are skipped.
pub struct LineReader<R: BufRead> {
    input: R,
    format: Format,
    no: usize,
    header: Option<csv::StringRecord>,
    pub header_raw: Option<String>,
    pub bytes_read: u64,
}

impl<R: BufRead> LineReader<R> {
    pub fn new(input: R, format: Format) -> Self {
        LineReader { input, format, no: 0, header: None, header_raw: None, bytes_read: 0 }
    }

    fn parse_csv_record(line: &str) -> std::result::Result<csv::StringRecord, LineError> {
        let mut r = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(line.as_bytes());
        let mut rec = csv::StringRecord::new();
        match r.read_record(&mut rec) {
            Ok(true) => Ok(rec),
            Ok(false) => Err(LineError::line("an empty CSV row")),
            Err(e) => Err(LineError::line(format!("not valid CSV ({e})"))),
        }
    }
}

impl<R: BufRead> Iterator for LineReader<R> {
    type Item = std::io::Result<Line>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let mut buf = String::new();
            match self.input.read_line(&mut buf) {
                Ok(0) => return None,
                Ok(n) => self.bytes_read += n as u64,
                Err(e) => return Some(Err(e)),
            }
            self.no += 1;
            let raw = buf.trim_end_matches(['\n', '\r']).to_string();
            if raw.trim().is_empty() {
                continue;
            }
            let parsed = match self.format {
                Format::Ndjson => event::parse_json_line(raw.trim_start_matches('\u{feff}')),
                Format::Csv => {
                    let Some(header) = &self.header else {
                        match Self::parse_csv_record(raw.trim_start_matches('\u{feff}')) {
                            Ok(h) => {
                                self.header = Some(h);
                                self.header_raw = Some(raw);
                            }
                            Err(e) => return Some(Ok(Line { no: self.no, raw, parsed: Err(e) })),
                        }
                        continue;
                    };
                    match Self::parse_csv_record(&raw) {
                        Ok(rec) if rec.len() != header.len() => {
                            Err(LineError::line(format!("{} fields where the header has {}", rec.len(), header.len())))
                        }
                        Ok(rec) => event::parse(&CsvFields { header, record: &rec }),
                        Err(e) => Err(e),
                    }
                }
            };
            return Some(Ok(Line { no: self.no, raw, parsed }));
        }
    }
}

/// The state of one batch: what was loaded, and what the batch adds or changes.
#[derive(Default)]
struct Batch {
    events: HashMap<String, i64>,
    accounts: HashMap<String, account::Model>,
    codes: HashMap<String, promo_code::Model>,
    partners: HashMap<String, partner::Model>,
    payments: HashMap<String, payment::Model>,
    paying: HashSet<String>,
    bonuses: HashMap<String, bonus::Model>,

    new_events: Vec<event_row::Model>,
    new_accounts: Vec<String>,
    /// Keys created by this batch (accounts, payments, `bonus:<payment>`): inserted, not updated.
    created: HashSet<String>,
    dirty_accounts: HashSet<String>,
    new_partners: Vec<String>,
    new_codes: Vec<String>,
    new_payments: Vec<String>,
    dirty_payments: HashSet<String>,
    new_bonuses: Vec<String>,
    dirty_bonuses: HashSet<String>,
    ledger: Vec<ledger_entry::ActiveModel>,
    refunds: Vec<refund::ActiveModel>,
    cases: Vec<fraud_case::ActiveModel>,
    next_bonus_id: i64,
}

/// Imports events; call [`Importer::push`] with batches of lines, then [`Importer::finish`].
pub struct Importer<'a> {
    ctx: &'a Ctx,
    source: String,
    pub summary: Summary,
}

impl<'a> Importer<'a> {
    pub fn new(ctx: &'a Ctx, source: &str) -> Self {
        Importer { ctx, source: source.to_string(), summary: Summary::default() }
    }

    /// Judges and writes one batch of lines in one transaction.
    pub async fn push(&mut self, lines: Vec<Line>) -> Result<()> {
        if lines.is_empty() {
            return Ok(());
        }
        let t0 = std::time::Instant::now();
        let txn = self.ctx.store.begin_write().await?;
        lock_writers(&txn, LOCK_WRITE).await?;
        let mut b = load(&txn, &lines).await?;
        let t1 = t0.elapsed();
        let (mut accepted, mut duplicates) = (0, 0);
        let mut rejected = Vec::new();
        for line in &lines {
            let outcome = match &line.parsed {
                Err(e) => Err(e.clone()),
                Ok(ev) => self.judge(&txn, &mut b, ev, line.no).await?,
            };
            match outcome {
                Ok(true) => accepted += 1,
                Ok(false) => duplicates += 1,
                Err(e) => rejected.push(Rejected { line: line.no, message: e.to_string(), raw: line.raw.clone() }),
            }
        }
        let t2 = t0.elapsed();
        write(&txn, &mut b).await?;
        let t3 = t0.elapsed();
        if std::env::var("REFDESK_PROFILE").is_ok() {
            eprintln!("load {:?} judge {:?} write {:?}", t1, t2 - t1, t3 - t2);
        }
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
                }),
                reason: None,
            },
        )
        .await?;
        txn.commit().await?;
        self.summary.accepted += accepted;
        self.summary.duplicates += duplicates;
        self.summary.rejected.extend(rejected);
        Ok(())
    }

    pub fn finish(self) -> Summary {
        self.summary
    }

    /// Ok(true): accepted; Ok(false): a duplicate; Err: rejected with a reason. Nothing in the
    /// batch changes until every check of the line has passed.
    async fn judge(
        &self,
        txn: &DatabaseTransaction,
        b: &mut Batch,
        ev: &Event,
        line: usize,
    ) -> Result<std::result::Result<bool, LineError>> {
        if let Some(&digest) = b.events.get(&ev.event_id) {
            return Ok(if digest == ev.digest {
                Ok(false)
            } else {
                Err(LineError::field(
                    "event_id",
                    format!("{} was already imported with other content (a conflict)", ev.event_id),
                ))
            });
        }
        let terms = &self.ctx.terms;
        let at = ms(ev.at);
        let verdict = match &ev.body {
            Body::PartnerRegistered { account_id, name, promo_code, contact } => {
                if b.accounts.get(account_id).is_some_and(|a| a.is_partner) {
                    let code = b.codes.values().find(|c| &c.partner_id == account_id).map(|c| c.code.clone());
                    return Ok(Err(LineError::field(
                        "account_id",
                        match code {
                            Some(c) => format!("{account_id} is already a partner (code {c})"),
                            None => format!("{account_id} is already a partner"),
                        },
                    )));
                }
                let code = match promo_code {
                    Some(c) => {
                        let c = match validate_code(c) {
                            Ok(c) => c,
                            Err(e) => return Ok(Err(LineError::field("promo_code", e))),
                        };
                        if let Some(other) = code_owner(txn, b, &c).await? {
                            return Ok(Err(LineError::field(
                                "promo_code",
                                format!("{c} is already the code of partner {other}"),
                            )));
                        }
                        c
                    }
                    None => {
                        let mut chosen = None;
                        for c in code_candidates(name).take(10_000) {
                            if code_owner(txn, b, &c).await?.is_none() {
                                chosen = Some(c);
                                break;
                            }
                        }
                        match chosen {
                            Some(c) => c,
                            None => return Ok(Err(LineError::field("name", "no free promo code can be made from it"))),
                        }
                    }
                };
                let acc = upsert_account(b, account_id, contact);
                acc.is_partner = true;
                if acc.name.is_none() {
                    acc.name = Some(name.clone());
                }
                acc.registered_at = Some(acc.registered_at.map_or(at, |r| r.min(at)));
                b.partners.insert(
                    account_id.clone(),
                    partner::Model {
                        account_id: account_id.clone(),
                        name: name.clone(),
                        registered_at: at,
                        trial_ends_at: ms(terms.add_days(ev.at, terms.partner_trial_days)),
                        status: "active".into(),
                        status_reason: None,
                        status_at: None,
                        status_by: None,
                        search: super::partners::search_key(
                            name,
                            &code,
                            b.accounts.get(account_id).and_then(|a| a.phone.as_deref()),
                        ),
                    },
                );
                b.new_partners.push(account_id.clone());
                b.codes.insert(
                    code.clone(),
                    promo_code::Model {
                        code: code.clone(),
                        partner_id: account_id.clone(),
                        active: true,
                        created_at: at,
                        deactivated_at: None,
                        deactivated_by: None,
                        deactivated_reason: None,
                    },
                );
                b.new_codes.push(code);
                Ok(true)
            }
            Body::ClientRegistered { account_id, promo_code, contact } => {
                if b.accounts.get(account_id).is_some_and(|a| a.is_client) {
                    return Ok(Err(LineError::field(
                        "account_id",
                        format!("{account_id} is already registered as a client"),
                    )));
                }
                let parent = promo_code
                    .as_ref()
                    .and_then(|c| b.codes.get(c))
                    .map(|c| c.partner_id.clone())
                    .filter(|p| p != account_id);
                let acc = upsert_account(b, account_id, contact);
                acc.is_client = true;
                acc.registered_at = Some(acc.registered_at.map_or(at, |r| r.min(at)));
                if acc.parent_id.is_none() && parent.is_some() {
                    acc.parent_id = parent;
                    acc.via_code = promo_code.clone();
                }
                Ok(true)
            }
            Body::PaymentConfirmed {
                payment_id,
                account_id,
                package,
                list_price,
                paid_amount,
                promo_code,
                promotion,
            } => {
                if b.payments.contains_key(payment_id) {
                    return Ok(Err(LineError::field("payment_id", format!("{payment_id} is already recorded"))));
                }
                let Some(pkg) = terms.package(package) else {
                    return Ok(Err(LineError::field("package", format!("unknown package {package:?}"))));
                };
                if *list_price != pkg.list_price {
                    return Ok(Err(LineError::field(
                        "list_price",
                        format!(
                            "{} is not the list price of {} ({})",
                            list_price.plain(),
                            pkg.code,
                            pkg.list_price.plain()
                        ),
                    )));
                }
                // A payment from an account the platform never announced creates it.
                if !b.accounts.get(account_id).is_some_and(|a| a.is_client) {
                    upsert_account(b, account_id, &Contact::default()).is_client = true;
                }
                let client = b.accounts.get(account_id).cloned().unwrap_or_else(|| blank_account(account_id));
                let code = promo_code.as_ref().and_then(|c| b.codes.get(c)).cloned();
                let partner_id = code.as_ref().map(|c| c.partner_id.clone());
                let earlier = b.paying.contains(account_id);
                let mut reason = None;
                let mut booked = None;
                if let Some(code_text) = promo_code {
                    let partner = partner_id.as_ref().and_then(|p| b.partners.get(p));
                    let partner_acc = partner_id.as_ref().and_then(|p| b.accounts.get(p));
                    let partner_ident = partner_acc.map(identity).unwrap_or_default();
                    let client_ident = identity(&client);
                    let facts = PaymentFacts {
                        code: code.as_ref().map(|c| CodeFacts {
                            active: c.active,
                            partner_excluded: partner.is_some_and(|p| p.status == "excluded"),
                            partner: &partner_ident,
                        }),
                        client: &client_ident,
                        promotion: promotion.is_some(),
                        earlier_payment: earlier,
                        registered_at: client.registered_at.map(super::from_ms),
                        paid_at: ev.at,
                    };
                    match rules::judge(&facts, terms) {
                        Ok(()) => {
                            booked = rules::book(terms, code_text, *list_price, *paid_amount, ev.at);
                            if booked.is_none() {
                                return Ok(Err(LineError::field(
                                    "list_price",
                                    "the bonus on it does not fit in 64 bits",
                                )));
                            }
                        }
                        Err((r, shared)) => {
                            reason = Some(r);
                            if r == Reason::SelfReferral
                                && let Some(pid) = &partner_id
                            {
                                b.cases.push(fraud_case::ActiveModel {
                                    partner_id: Set(pid.clone()),
                                    kind: Set("self_referral".into()),
                                    status: Set("open".into()),
                                    opened_at: Set(at),
                                    payment_id: Set(Some(payment_id.clone())),
                                    evidence: Set(serde_json::json!({
                                        "payment_id": payment_id,
                                        "account_id": account_id,
                                        "shared": shared,
                                    })
                                    .to_string()),
                                    ..Default::default()
                                });
                            }
                        }
                    }
                }
                // The first payment's code makes the parent of an account that registered without one.
                if !earlier
                    && let Some(pid) = &partner_id
                    && pid != account_id
                    && let Some(acc) = b.accounts.get_mut(account_id)
                    && acc.parent_id.is_none()
                {
                    acc.parent_id = Some(pid.clone());
                    if !b.created.contains(&format!("account:{account_id}")) {
                        b.dirty_accounts.insert(account_id.clone());
                    }
                }
                b.paying.insert(account_id.clone());
                b.payments.insert(
                    payment_id.clone(),
                    payment::Model {
                        id: payment_id.clone(),
                        account_id: account_id.clone(),
                        package: pkg.code.clone(),
                        list_price: list_price.tiyn(),
                        paid_amount: paid_amount.tiyn(),
                        refunded: 0,
                        promo_code: promo_code.clone(),
                        promotion: promotion.clone(),
                        partner_id: partner_id.clone(),
                        paid_at: at,
                        reason: reason.map(|r| r.as_str().to_string()),
                        event_id: ev.event_id.clone(),
                    },
                );
                b.new_payments.push(payment_id.clone());
                b.created.insert(format!("payment:{payment_id}"));
                if let (Some(bt), Some(pid)) = (booked, partner_id) {
                    let id = b.next_bonus_id;
                    b.next_bonus_id += 1;
                    b.ledger.push(entry(
                        &pid,
                        Some(id),
                        "accrual",
                        "held",
                        bt.amount.tiyn(),
                        at,
                        ms(self.ctx.now()),
                        &self.ctx.operator,
                        None,
                        Some(payment_id),
                    ));
                    b.bonuses.insert(
                        payment_id.clone(),
                        bonus::Model {
                            id,
                            payment_id: payment_id.clone(),
                            partner_id: pid,
                            booked: bt.amount.tiyn(),
                            reduced: 0,
                            clawed: 0,
                            rate: bt.rate.normalize().to_string(),
                            base_kind: bt.base_kind.as_str().into(),
                            base_amount: bt.base_amount.tiyn(),
                            campaign: bt.campaign,
                            hold_days: i32::try_from(bt.hold_days).unwrap_or(i32::MAX),
                            booked_at: at,
                            release_at: ms(bt.release_at),
                            state: "held".into(),
                            approved_at: None,
                            approved_by: None,
                            voided_at: None,
                            voided_by: None,
                            void_reason: None,
                        },
                    );
                    b.new_bonuses.push(payment_id.clone());
                    b.created.insert(format!("bonus:{payment_id}"));
                }
                Ok(true)
            }
            Body::PaymentRefunded { payment_id, amount } => {
                let Some(p) = b.payments.get(payment_id) else {
                    return Ok(Err(LineError::field("payment_id", format!("no payment {payment_id} to refund"))));
                };
                let paid = Money::from_tiyn(p.paid_amount);
                let remaining = Money::from_tiyn(p.paid_amount - p.refunded);
                if remaining.is_zero() {
                    return Ok(Err(LineError::field(
                        "payment_id",
                        format!("{payment_id} is already refunded in full"),
                    )));
                }
                let amount = amount.unwrap_or(remaining);
                if amount > remaining {
                    return Ok(Err(LineError::field(
                        "amount",
                        format!(
                            "refunds would add up to {}, more than the {} paid",
                            Money::from_tiyn(p.refunded + amount.tiyn()).plain(),
                            paid.plain()
                        ),
                    )));
                }
                if at < p.paid_at {
                    return Ok(Err(LineError::field("at", format!("the refund is dated before payment {payment_id}"))));
                }
                let total = Money::from_tiyn(p.refunded + amount.tiyn());
                if let Some(p) = b.payments.get_mut(payment_id) {
                    p.refunded = total.tiyn();
                }
                if !b.created.contains(&format!("payment:{payment_id}")) {
                    b.dirty_payments.insert(payment_id.clone());
                }
                b.refunds.push(refund::ActiveModel {
                    payment_id: Set(payment_id.clone()),
                    amount: Set(amount.tiyn()),
                    at: Set(at),
                    event_id: Set(ev.event_id.clone()),
                    ..Default::default()
                });
                let now = ms(self.ctx.now());
                if let Some(bn) = b.bonuses.get_mut(payment_id) {
                    let take_back = rules::refund_reduction(Money::from_tiyn(bn.booked), total, paid).tiyn();
                    let delta = take_back - bn.reduced - bn.clawed;
                    let why = format!("refund of payment {payment_id}");
                    match bn.state.as_str() {
                        "held" | "available" if total == paid => {
                            let value = bn.booked - bn.reduced;
                            b.ledger.push(entry(
                                &bn.partner_id,
                                Some(bn.id),
                                "void",
                                bucket(&bn.state),
                                -value,
                                at,
                                now,
                                &self.ctx.operator,
                                Some(&why),
                                Some(&ev.event_id),
                            ));
                            bn.state = "voided".into();
                            bn.voided_at = Some(at);
                            bn.voided_by = Some(self.ctx.operator.clone());
                            bn.void_reason = Some(why);
                        }
                        "held" | "available" if delta > 0 => {
                            b.ledger.push(entry(
                                &bn.partner_id,
                                Some(bn.id),
                                "void",
                                bucket(&bn.state),
                                -delta,
                                at,
                                now,
                                &self.ctx.operator,
                                Some(&why),
                                Some(&ev.event_id),
                            ));
                            bn.reduced += delta;
                        }
                        "paid" if delta > 0 => {
                            b.ledger.push(entry(
                                &bn.partner_id,
                                Some(bn.id),
                                "clawback",
                                "available",
                                -delta,
                                at,
                                now,
                                &self.ctx.operator,
                                Some(&why),
                                Some(&ev.event_id),
                            ));
                            bn.clawed += delta;
                        }
                        _ => {}
                    }
                    if !b.created.contains(&format!("bonus:{payment_id}")) {
                        b.dirty_bonuses.insert(payment_id.clone());
                    }
                }
                Ok(true)
            }
        };
        if verdict.is_ok() {
            b.events.insert(ev.event_id.clone(), ev.digest);
            b.new_events.push(event_row::Model {
                event_id: ev.event_id.clone(),
                kind: ev.body.kind().into(),
                at,
                digest: ev.digest,
                imported_at: ms(self.ctx.now()),
                source: Some(self.source.clone()),
                line: i64::try_from(line).unwrap_or(i64::MAX),
            });
        }
        Ok(verdict)
    }
}

fn bucket(state: &str) -> &'static str {
    if state == "held" { "held" } else { "available" }
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn entry(
    partner: &str,
    bonus: Option<i64>,
    kind: &str,
    bucket: &str,
    amount: i64,
    at: i64,
    recorded_at: i64,
    operator: &str,
    reason: Option<&str>,
    reference: Option<&str>,
) -> ledger_entry::ActiveModel {
    ledger_entry::ActiveModel {
        partner_id: Set(partner.to_string()),
        bonus_id: Set(bonus),
        kind: Set(kind.to_string()),
        bucket: Set(bucket.to_string()),
        amount: Set(amount),
        at: Set(at),
        recorded_at: Set(recorded_at),
        operator: Set(operator.to_string()),
        reason: Set(reason.map(String::from)),
        reference: Set(reference.map(String::from)),
        ..Default::default()
    }
}

pub(crate) fn identity(a: &account::Model) -> Identity {
    Identity {
        account_id: a.id.clone(),
        email: a.email_norm.clone(),
        phone: a.phone_norm.clone(),
        iin: a.iin_norm.clone(),
    }
}

fn blank_account(id: &str) -> account::Model {
    account::Model {
        id: id.to_string(),
        name: None,
        email: None,
        phone: None,
        iin: None,
        email_norm: None,
        phone_norm: None,
        iin_norm: None,
        device_id: None,
        ip: None,
        is_client: false,
        is_partner: false,
        registered_at: None,
        parent_id: None,
        via_code: None,
    }
}

/// The account in the batch, created if new; identity fields fill gaps but never overwrite.
fn upsert_account<'b>(b: &'b mut Batch, id: &str, c: &Contact) -> &'b mut account::Model {
    if !b.accounts.contains_key(id) {
        b.accounts.insert(id.to_string(), blank_account(id));
        b.new_accounts.push(id.to_string());
        b.created.insert(format!("account:{id}"));
    } else if !b.created.contains(&format!("account:{id}")) {
        b.dirty_accounts.insert(id.to_string());
    }
    let acc = b.accounts.entry(id.to_string()).or_insert_with(|| blank_account(id));
    let fill = |slot: &mut Option<String>, v: &Option<String>| {
        if slot.is_none() {
            slot.clone_from(v);
        }
    };
    fill(&mut acc.email, &c.email);
    fill(&mut acc.phone, &c.phone);
    fill(&mut acc.iin, &c.iin);
    fill(&mut acc.device_id, &c.device_id);
    fill(&mut acc.ip, &c.ip);
    acc.email_norm = acc.email.as_deref().and_then(normalize_email);
    acc.phone_norm = acc.phone.as_deref().and_then(normalize_phone);
    acc.iin_norm = acc.iin.as_deref().and_then(normalize_iin);
    acc
}

/// The partner who holds a code, in this batch or in the database.
async fn code_owner(txn: &DatabaseTransaction, b: &mut Batch, code: &str) -> Result<Option<String>> {
    if let Some(c) = b.codes.get(code) {
        return Ok(Some(c.partner_id.clone()));
    }
    Ok(promo_code::Entity::find_by_id(code.to_string()).one(txn).await?.map(|c| {
        let owner = c.partner_id.clone();
        b.codes.insert(c.code.clone(), c);
        owner
    }))
}

fn strs(set: &HashSet<String>) -> Vec<Value> {
    let mut v: Vec<&String> = set.iter().collect();
    v.sort();
    v.into_iter().map(|s| Value::from(s.clone())).collect()
}

/// Runs `SELECT … WHERE col IN (…)` over a key set in chunks.
async fn select_in(
    txn: &DatabaseTransaction,
    sql_head: &str,
    keys: &HashSet<String>,
) -> Result<Vec<sea_orm::QueryResult>> {
    let mut out = Vec::new();
    let vals = strs(keys);
    for chunk in vals.chunks(900) {
        let sql = format!("{sql_head} IN ({})", placeholders(1, chunk.len()));
        out.extend(query_all(txn, &sql, chunk.to_vec()).await?);
    }
    Ok(out)
}

async fn select_models<E>(txn: &DatabaseTransaction, col: E::Column, keys: &HashSet<String>) -> Result<Vec<E::Model>>
where
    E: EntityTrait,
    E::Column: sea_orm::ColumnTrait,
{
    use sea_orm::{ColumnTrait, QueryFilter};
    let mut out = Vec::new();
    let vals: Vec<String> = {
        let mut v: Vec<String> = keys.iter().cloned().collect();
        v.sort();
        v
    };
    for chunk in vals.chunks(900) {
        out.extend(E::find().filter(col.is_in(chunk.iter().cloned())).all(txn).await?);
    }
    Ok(out)
}

/// Loads, for the whole batch at once, everything its lines may look at.
async fn load(txn: &DatabaseTransaction, lines: &[Line]) -> Result<Batch> {
    let mut b = Batch::default();
    let (mut ev_ids, mut acc_ids, mut codes, mut pay_ids, mut paying_ids, mut refund_ids) =
        (HashSet::new(), HashSet::new(), HashSet::new(), HashSet::new(), HashSet::new(), HashSet::new());
    for l in lines {
        let Ok(ev) = &l.parsed else { continue };
        ev_ids.insert(ev.event_id.clone());
        match &ev.body {
            Body::PartnerRegistered { account_id, promo_code, .. }
            | Body::ClientRegistered { account_id, promo_code, .. } => {
                acc_ids.insert(account_id.clone());
                codes.extend(promo_code.clone());
            }
            Body::PaymentConfirmed { payment_id, account_id, promo_code, .. } => {
                pay_ids.insert(payment_id.clone());
                acc_ids.insert(account_id.clone());
                paying_ids.insert(account_id.clone());
                codes.extend(promo_code.clone());
            }
            Body::PaymentRefunded { payment_id, .. } => {
                pay_ids.insert(payment_id.clone());
                refund_ids.insert(payment_id.clone());
            }
        }
    }
    for r in select_in(txn, "SELECT event_id, digest FROM event WHERE event_id", &ev_ids).await? {
        b.events.insert(r.try_get_by_index(0)?, r.try_get_by_index(1)?);
    }
    for c in select_models::<promo_code::Entity>(txn, promo_code::Column::Code, &codes).await? {
        acc_ids.insert(c.partner_id.clone());
        b.codes.insert(c.code.clone(), c);
    }
    for a in select_models::<account::Entity>(txn, account::Column::Id, &acc_ids).await? {
        b.accounts.insert(a.id.clone(), a);
    }
    let partner_ids: HashSet<String> = b.codes.values().map(|c| c.partner_id.clone()).collect();
    for p in select_models::<partner::Entity>(txn, partner::Column::AccountId, &partner_ids).await? {
        b.partners.insert(p.account_id.clone(), p);
    }
    // Partner accounts in the batch need their code for the "already a partner" message.
    let own: HashSet<String> = b.accounts.values().filter(|a| a.is_partner).map(|a| a.id.clone()).collect();
    let own: HashSet<String> = own.difference(&partner_ids).cloned().collect();
    for c in select_models::<promo_code::Entity>(txn, promo_code::Column::PartnerId, &own).await? {
        b.codes.insert(c.code.clone(), c);
    }
    for p in select_models::<payment::Entity>(txn, payment::Column::Id, &pay_ids).await? {
        b.payments.insert(p.id.clone(), p);
    }
    for r in select_in(txn, "SELECT DISTINCT account_id FROM payment WHERE account_id", &paying_ids).await? {
        b.paying.insert(r.try_get_by_index(0)?);
    }
    for bn in select_models::<bonus::Entity>(txn, bonus::Column::PaymentId, &refund_ids).await? {
        b.bonuses.insert(bn.payment_id.clone(), bn);
    }
    let max = query_one(txn, "SELECT COALESCE(MAX(id), 0) FROM bonus", vec![]).await?;
    b.next_bonus_id = match max {
        Some(r) => r.try_get_by_index::<i64>(0)? + 1,
        None => 1,
    };
    Ok(b)
}

async fn insert_chunks<A>(txn: &DatabaseTransaction, rows: Vec<A>) -> Result<()>
where
    A: sea_orm::ActiveModelTrait + Send,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(ROWS_PER_INSERT).collect();
        <A::Entity as EntityTrait>::insert_many(chunk).exec_without_returning(txn).await?;
    }
    Ok(())
}

fn account_am(a: account::Model) -> account::ActiveModel {
    account::ActiveModel {
        id: Set(a.id),
        name: Set(a.name),
        email: Set(a.email),
        phone: Set(a.phone),
        iin: Set(a.iin),
        email_norm: Set(a.email_norm),
        phone_norm: Set(a.phone_norm),
        iin_norm: Set(a.iin_norm),
        device_id: Set(a.device_id),
        ip: Set(a.ip),
        is_client: Set(a.is_client),
        is_partner: Set(a.is_partner),
        registered_at: Set(a.registered_at),
        parent_id: Set(a.parent_id),
        via_code: Set(a.via_code),
    }
}

/// Writes what the batch added and changed, parents before children.
async fn write(txn: &DatabaseTransaction, b: &mut Batch) -> Result<()> {
    let take = |ids: &mut Vec<String>| std::mem::take(ids);
    let accounts: Vec<account::ActiveModel> =
        take(&mut b.new_accounts).into_iter().filter_map(|id| b.accounts.get(&id).cloned()).map(account_am).collect();
    insert_chunks(txn, accounts).await?;
    let mut dirty: Vec<&String> = b.dirty_accounts.iter().collect();
    dirty.sort();
    for id in dirty {
        if let Some(a) = b.accounts.get(id) {
            <account::Entity as EntityTrait>::update(account_am(a.clone())).exec(txn).await?;
        }
    }
    let partners: Vec<partner::ActiveModel> = take(&mut b.new_partners)
        .into_iter()
        .filter_map(|id| b.partners.get(&id).cloned())
        .map(|p| partner::ActiveModel {
            account_id: Set(p.account_id),
            name: Set(p.name),
            registered_at: Set(p.registered_at),
            trial_ends_at: Set(p.trial_ends_at),
            status: Set(p.status),
            status_reason: Set(None),
            status_at: Set(None),
            status_by: Set(None),
            search: Set(p.search),
        })
        .collect();
    insert_chunks(txn, partners).await?;
    let codes: Vec<promo_code::ActiveModel> = take(&mut b.new_codes)
        .into_iter()
        .filter_map(|c| b.codes.get(&c).cloned())
        .map(|c| promo_code::ActiveModel {
            code: Set(c.code),
            partner_id: Set(c.partner_id),
            active: Set(c.active),
            created_at: Set(c.created_at),
            deactivated_at: Set(None),
            deactivated_by: Set(None),
            deactivated_reason: Set(None),
        })
        .collect();
    insert_chunks(txn, codes).await?;
    let payments: Vec<payment::ActiveModel> = take(&mut b.new_payments)
        .into_iter()
        .filter_map(|id| b.payments.get(&id).cloned())
        .map(|p| payment::ActiveModel {
            id: Set(p.id),
            account_id: Set(p.account_id),
            package: Set(p.package),
            list_price: Set(p.list_price),
            paid_amount: Set(p.paid_amount),
            refunded: Set(p.refunded),
            promo_code: Set(p.promo_code),
            promotion: Set(p.promotion),
            partner_id: Set(p.partner_id),
            paid_at: Set(p.paid_at),
            reason: Set(p.reason),
            event_id: Set(p.event_id),
        })
        .collect();
    insert_chunks(txn, payments).await?;
    let mut dirty: Vec<&String> = b.dirty_payments.iter().collect();
    dirty.sort();
    for id in dirty {
        if let Some(p) = b.payments.get(id) {
            execute(
                txn,
                "UPDATE payment SET refunded = $1 WHERE id = $2",
                vec![p.refunded.into(), p.id.clone().into()],
            )
            .await?;
        }
    }
    let bonuses: Vec<bonus::ActiveModel> =
        take(&mut b.new_bonuses).into_iter().filter_map(|id| b.bonuses.get(&id).cloned()).map(bonus_am).collect();
    insert_chunks(txn, bonuses).await?;
    let mut dirty: Vec<&String> = b.dirty_bonuses.iter().collect();
    dirty.sort();
    for id in dirty {
        if let Some(bn) = b.bonuses.get(id) {
            execute(
                txn,
                "UPDATE bonus SET reduced = $1, clawed = $2, state = $3, voided_at = $4, voided_by = $5, void_reason = $6 WHERE id = $7",
                vec![
                    bn.reduced.into(),
                    bn.clawed.into(),
                    bn.state.clone().into(),
                    bn.voided_at.into(),
                    bn.voided_by.clone().into(),
                    bn.void_reason.clone().into(),
                    bn.id.into(),
                ],
            )
            .await?;
        }
    }
    insert_chunks(txn, std::mem::take(&mut b.ledger)).await?;
    insert_chunks(txn, std::mem::take(&mut b.refunds)).await?;
    insert_chunks(txn, std::mem::take(&mut b.cases)).await?;
    let events: Vec<event_row::ActiveModel> = std::mem::take(&mut b.new_events)
        .into_iter()
        .map(|e| event_row::ActiveModel {
            event_id: Set(e.event_id),
            kind: Set(e.kind),
            at: Set(e.at),
            digest: Set(e.digest),
            imported_at: Set(e.imported_at),
            source: Set(e.source),
            line: Set(e.line),
        })
        .collect();
    insert_chunks(txn, events).await?;
    Ok(())
}

fn bonus_am(bn: bonus::Model) -> bonus::ActiveModel {
    bonus::ActiveModel {
        id: Set(bn.id),
        payment_id: Set(bn.payment_id),
        partner_id: Set(bn.partner_id),
        booked: Set(bn.booked),
        reduced: Set(bn.reduced),
        clawed: Set(bn.clawed),
        rate: Set(bn.rate),
        base_kind: Set(bn.base_kind),
        base_amount: Set(bn.base_amount),
        campaign: Set(bn.campaign),
        hold_days: Set(bn.hold_days),
        booked_at: Set(bn.booked_at),
        release_at: Set(bn.release_at),
        state: Set(bn.state),
        approved_at: Set(bn.approved_at),
        approved_by: Set(bn.approved_by),
        voided_at: Set(bn.voided_at),
        voided_by: Set(bn.voided_by),
        void_reason: Set(bn.void_reason),
    }
}

/// Imports a whole reader: batches the lines, reports progress in bytes, returns the summary.
pub async fn import_reader<R: BufRead>(
    ctx: &Ctx,
    source: &str,
    input: R,
    format: Format,
    mut progress: impl FnMut(u64, &Summary),
) -> Result<Summary> {
    let mut reader = LineReader::new(input, format);
    let mut importer = Importer::new(ctx, source);
    loop {
        let mut batch = Vec::with_capacity(BATCH);
        for line in reader.by_ref().take(BATCH) {
            batch.push(line.map_err(|e| ServiceError::Invalid(format!("{source}: cannot read: {e}")))?);
        }
        if batch.is_empty() {
            break;
        }
        importer.push(batch).await?;
        progress(reader.bytes_read, &importer.summary);
    }
    let mut summary = importer.finish();
    summary.header = reader.header_raw.take();
    Ok(summary)
}
