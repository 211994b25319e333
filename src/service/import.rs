//! Import of platform events (INTERFACE.md). Lines are judged one by one, in order, against the
//! program's state at that moment; they are written in batches, one transaction and one audit
//! entry per batch, with every lookup done for the whole batch at once through the indexes.
use super::{Ctx, Result, ServiceError, ms};
use crate::domain::Money;
use crate::domain::codes::{code_candidates, validate_code};
use crate::domain::event::{self, Body, Contact, CsvFields, Event, LineError};
use crate::domain::identity::{normalize_email, normalize_iin, normalize_phone};
use crate::domain::rules::{self, CodeFacts, Identity, PaymentFacts, Reason};
use crate::store::bulk::{insert_statements, select_in};
use crate::store::entity::{
    account, bonus, event as event_row, fraud_case, ledger_entry, partner, payment, promo_code, refund,
};
use crate::store::{LOCK_WRITE, Store, audit, lock_writers, query_one, stmt};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseTransaction, DbBackend, FromQueryResult, IntoActiveModel, QueryTrait,
    Set, Statement, Value,
};
// The batch's maps hash many short keys: foldhash, seeded per process, instead of SipHash.
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::io::BufRead;
use tracing::Instrument;

/// Lines per transaction. On a large program most index pages a batch touches are scattered
/// (a client's parent, a payment's partner), and every commit writes each touched page to the
/// WAL once: the fewer commits, the fewer rewrites. 50 000 lines hold about 50 MB in memory.
pub const BATCH: usize = 50_000;

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

/// How the lines of one source are parsed: its format and, for CSV, the header once read.
#[derive(Clone)]
struct Parser {
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
struct Unparsed {
    no: usize,
    raw: String,
    failed: Option<LineError>,
}

impl Unparsed {
    fn parse(self, parser: &Parser) -> Line {
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
    parser: Parser,
    no: usize,
    pub header_raw: Option<String>,
    pub bytes_read: u64,
}

impl<R: BufRead> LineReader<R> {
    pub fn new(input: R, format: Format) -> Self {
        LineReader { input, parser: Parser { format, header: None }, no: 0, header_raw: None, bytes_read: 0 }
    }

    /// The next line that is not blank and not the CSV header, unparsed.
    fn next_unparsed(&mut self) -> Option<std::io::Result<Unparsed>> {
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

/// An account as the batch sees it.
struct Acc {
    m: account::Model,
    /// Inserted by this batch, at this place among its new accounts.
    new_at: Option<usize>,
    /// Loaded and changed: updated at the end of the batch.
    dirty: bool,
}

impl Acc {
    fn identity(&self) -> Identity {
        identity(&self.m)
    }
}

/// A promo code as payments are judged against it.
struct Code {
    partner_id: String,
    active: bool,
    excluded: bool,
    /// The owner's identity as stored; the batch's own copy of the account, when it has one,
    /// comes first (a line of the batch may have changed it).
    owner: Identity,
}

/// A row the batch either inserts or, once changed, updates.
struct Row<M> {
    m: M,
    new: bool,
    dirty: bool,
}

/// The state of one batch: what was loaded, and what the batch adds or changes.
#[derive(Default)]
struct Batch {
    events: HashMap<String, i64>,
    accounts: HashMap<String, Acc>,
    codes: HashMap<String, Code>,
    payments: HashMap<String, Row<payment::Model>>,
    paying: HashSet<String>,
    /// By payment id.
    bonuses: HashMap<String, Row<bonus::Model>>,

    new_events: Vec<event_row::ActiveModel>,
    new_accounts: Vec<String>,
    new_partners: Vec<partner::Model>,
    new_codes: Vec<promo_code::ActiveModel>,
    new_payments: Vec<String>,
    new_bonuses: Vec<String>,
    ledger: Vec<ledger_entry::ActiveModel>,
    refunds: Vec<refund::ActiveModel>,
    cases: Vec<fraud_case::ActiveModel>,
    next_bonus_id: i64,
}

/// Imports events; call [`Importer::push`] with batches of lines, then [`Importer::finish`].
pub struct Importer<'a> {
    ctx: &'a Ctx,
    source: String,
    /// The import's own connection (see [`Store::dedicated`]), opened at the first batch.
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
        let mut b = load(&txn, &lines).instrument(tracing::debug_span!("import.load")).await?;
        let (mut accepted, mut duplicates) = (0, 0);
        let mut rejected = Vec::new();
        let judging = tracing::debug_span!("import.judge");
        for line in &lines {
            let outcome = match &line.parsed {
                Err(e) => Err(e.clone()),
                Ok(ev) => self.judge(&txn, &mut b, ev, line.no).instrument(judging.clone()).await?,
            };
            match outcome {
                Ok(true) => accepted += 1,
                Ok(false) => duplicates += 1,
                Err(e) => rejected.push(Rejected { line: line.no, message: e.to_string(), raw: line.raw.clone() }),
            }
        }
        drop(judging);
        write(&txn, b).instrument(tracing::debug_span!("import.write")).await?;
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
        let now = ms(self.ctx.now());
        let verdict = match &ev.body {
            Body::PartnerRegistered { account_id, name, promo_code, contact } => {
                if b.accounts.get(account_id).is_some_and(|a| a.m.is_partner) {
                    let code = b.codes.iter().find(|(_, c)| &c.partner_id == account_id).map(|(code, _)| code);
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
                let mut search = String::new();
                upsert_account(b, account_id, contact, |acc| {
                    acc.is_partner = true;
                    if acc.name.is_none() {
                        acc.name = Some(name.clone());
                    }
                    acc.registered_at = Some(acc.registered_at.map_or(at, |r| r.min(at)));
                    search = super::partners::search_key(name, &code, acc.phone.as_deref());
                });
                b.new_partners.push(partner::Model {
                    account_id: account_id.clone(),
                    name: name.clone(),
                    registered_at: at,
                    trial_ends_at: ms(terms.add_days(ev.at, terms.partner_trial_days)),
                    status: "active".into(),
                    status_reason: None,
                    status_at: None,
                    status_by: None,
                    search,
                });
                b.new_codes.push(promo_code::ActiveModel::new_active(code.clone(), account_id.clone(), at));
                b.codes.insert(
                    code,
                    Code { partner_id: account_id.clone(), active: true, excluded: false, owner: Identity::default() },
                );
                Ok(true)
            }
            Body::ClientRegistered { account_id, promo_code, contact } => {
                if b.accounts.get(account_id).is_some_and(|a| a.m.is_client) {
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
                upsert_account(b, account_id, contact, |acc| {
                    acc.is_client = true;
                    acc.registered_at = Some(acc.registered_at.map_or(at, |r| r.min(at)));
                    if acc.parent_id.is_none() && parent.is_some() {
                        acc.parent_id = parent;
                        acc.via_code = promo_code.clone();
                    }
                });
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
                let earlier = b.paying.contains(account_id);
                let code = promo_code.as_ref().and_then(|c| b.codes.get(c));
                let partner_id = code.map(|c| c.partner_id.clone());
                let mut reason = None;
                let mut booked = None;
                let mut case = None;
                if let Some(code_text) = promo_code {
                    // The account as the payment will leave it: a payment from an account the
                    // platform never announced creates it, as a client.
                    let client = match b.accounts.get(account_id) {
                        Some(a) if a.m.is_client => a.identity(),
                        Some(a) => identity_after(&a.m, &Contact::default()),
                        None => identity_after(&blank_account(account_id), &Contact::default()),
                    };
                    let registered_at = b.accounts.get(account_id).and_then(|a| a.m.registered_at);
                    let partner_ident = code.map(|c| match b.accounts.get(&c.partner_id) {
                        _ if &c.partner_id == account_id => client.clone(),
                        Some(a) => a.identity(),
                        None => c.owner.clone(),
                    });
                    let facts = PaymentFacts {
                        code: code.zip(partner_ident.as_ref()).map(|(c, partner)| CodeFacts {
                            active: c.active,
                            partner_excluded: c.excluded,
                            partner,
                        }),
                        client: &client,
                        promotion: promotion.is_some(),
                        earlier_payment: earlier,
                        registered_at: registered_at.map(super::from_ms),
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
                                case = Some(fraud_case::ActiveModel {
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
                // Every check has passed: from here on the line changes the batch.
                if !b.accounts.get(account_id).is_some_and(|a| a.m.is_client) {
                    upsert_account(b, account_id, &Contact::default(), |acc| acc.is_client = true);
                }
                b.cases.extend(case);
                // The first payment's code makes the parent of an account that registered without one.
                if !earlier
                    && let Some(pid) = &partner_id
                    && pid != account_id
                    && let Some(acc) = b.accounts.get_mut(account_id)
                    && acc.m.parent_id.is_none()
                {
                    acc.m.parent_id = Some(pid.clone());
                    if acc.new_at.is_none() {
                        acc.dirty = true;
                    }
                }
                b.paying.insert(account_id.clone());
                b.payments.insert(
                    payment_id.clone(),
                    Row {
                        m: payment::Model {
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
                        new: true,
                        dirty: false,
                    },
                );
                b.new_payments.push(payment_id.clone());
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
                        now,
                        &self.ctx.operator,
                        None,
                        Some(payment_id),
                    ));
                    b.bonuses.insert(
                        payment_id.clone(),
                        Row {
                            m: bonus::Model {
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
                            new: true,
                            dirty: false,
                        },
                    );
                    b.new_bonuses.push(payment_id.clone());
                }
                Ok(true)
            }
            Body::PaymentRefunded { payment_id, amount } => {
                let Some(Row { m: p, .. }) = b.payments.get(payment_id) else {
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
                    p.m.refunded = total.tiyn();
                    p.dirty = !p.new;
                }
                b.refunds.push(refund::ActiveModel {
                    payment_id: Set(payment_id.clone()),
                    amount: Set(amount.tiyn()),
                    at: Set(at),
                    event_id: Set(ev.event_id.clone()),
                    ..Default::default()
                });
                if let Some(Row { m: bn, new, dirty }) = b.bonuses.get_mut(payment_id) {
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
                    *dirty = !*new;
                }
                Ok(true)
            }
        };
        if verdict.is_ok() {
            b.events.insert(ev.event_id.clone(), ev.digest);
            b.new_events.push(event_row::ActiveModel {
                event_id: Set(ev.event_id.clone()),
                kind: Set(ev.body.kind().into()),
                at: Set(at),
                digest: Set(ev.digest),
                imported_at: Set(now),
                source: Set(Some(self.source.clone())),
                line: Set(i64::try_from(line).unwrap_or(i64::MAX)),
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

/// Fills the account's empty identity fields from the contact (never overwriting one) and
/// normalises them again.
fn fill_identity(acc: &mut account::Model, c: &Contact) {
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
}

/// The identity an account would have after [`fill_identity`], without changing it.
fn identity_after(acc: &account::Model, c: &Contact) -> Identity {
    let pick = |slot: &Option<String>, v: &Option<String>| slot.clone().or_else(|| v.clone());
    Identity {
        account_id: acc.id.clone(),
        email: pick(&acc.email, &c.email).as_deref().and_then(normalize_email),
        phone: pick(&acc.phone, &c.phone).as_deref().and_then(normalize_phone),
        iin: pick(&acc.iin, &c.iin).as_deref().and_then(normalize_iin),
    }
}

/// The account in the batch, created if new; identity fields fill gaps but never overwrite.
/// Then `change` is applied to it.
fn upsert_account(b: &mut Batch, id: &str, c: &Contact, change: impl FnOnce(&mut account::Model)) {
    match b.accounts.get_mut(id) {
        Some(acc) => {
            if acc.new_at.is_none() {
                acc.dirty = true;
            }
            fill_identity(&mut acc.m, c);
            change(&mut acc.m);
        }
        None => {
            let mut acc = Acc { m: blank_account(id), new_at: Some(b.new_accounts.len()), dirty: false };
            fill_identity(&mut acc.m, c);
            change(&mut acc.m);
            b.accounts.insert(id.to_string(), acc);
            b.new_accounts.push(id.to_string());
        }
    }
}

/// The partner who holds a code, in this batch or in the database.
async fn code_owner(txn: &DatabaseTransaction, b: &mut Batch, code: &str) -> Result<Option<String>> {
    if let Some(c) = b.codes.get(code) {
        return Ok(Some(c.partner_id.clone()));
    }
    let found = load_codes(txn, "c.code", vec![Value::from(code.to_string())]).await?;
    let owner = found.first().map(|(_, c)| c.partner_id.clone());
    b.codes.extend(found);
    Ok(owner)
}

/// Distinct keys, in the order first seen, as values for [`select_in`].
fn keys<'k>(keys: impl IntoIterator<Item = &'k String>) -> Vec<Value> {
    let mut seen = HashSet::new();
    keys.into_iter().filter(|k| seen.insert(k.as_str())).map(|k| Value::from(k.clone())).collect()
}

/// Codes with their owner's state and stored identity, by code or by owner (`by` is the column).
async fn load_codes(txn: &DatabaseTransaction, by: &str, keys: Vec<Value>) -> Result<Vec<(String, Code)>> {
    let head = format!(
        "SELECT c.code, c.partner_id, c.active, p.status, a.id, a.email_norm, a.phone_norm, a.iin_norm \
         FROM promo_code c LEFT JOIN partner p ON p.account_id = c.partner_id \
         LEFT JOIN account a ON a.id = c.partner_id WHERE {by} IN"
    );
    let mut out = Vec::new();
    for r in select_in(txn, &head, keys).await? {
        let status: Option<String> = r.try_get_by_index(3)?;
        let owner = match r.try_get_by_index::<Option<String>>(4)? {
            Some(account_id) => Identity {
                account_id,
                email: r.try_get_by_index(5)?,
                phone: r.try_get_by_index(6)?,
                iin: r.try_get_by_index(7)?,
            },
            None => Identity::default(),
        };
        out.push((
            r.try_get_by_index(0)?,
            Code {
                partner_id: r.try_get_by_index(1)?,
                active: r.try_get_by_index(2)?,
                excluded: status.as_deref() == Some("excluded"),
                owner,
            },
        ));
    }
    Ok(out)
}

/// Loads, for the whole batch at once, everything its lines may look at.
async fn load(txn: &DatabaseTransaction, lines: &[Line]) -> Result<Batch> {
    let n = lines.len();
    let mut b = Batch {
        events: HashMap::with_capacity(n),
        accounts: HashMap::with_capacity(n),
        payments: HashMap::with_capacity(n / 2),
        paying: HashSet::with_capacity(n / 2),
        new_events: Vec::with_capacity(n),
        new_accounts: Vec::with_capacity(n),
        new_payments: Vec::with_capacity(n / 2),
        ..Batch::default()
    };
    let (mut ev_ids, mut acc_ids, mut codes, mut pay_ids, mut paying_ids, mut refund_ids) =
        (Vec::with_capacity(n), Vec::with_capacity(n), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for l in lines {
        let Ok(ev) = &l.parsed else { continue };
        ev_ids.push(&ev.event_id);
        match &ev.body {
            Body::PartnerRegistered { account_id, promo_code, .. }
            | Body::ClientRegistered { account_id, promo_code, .. } => {
                acc_ids.push(account_id);
                codes.extend(promo_code);
            }
            Body::PaymentConfirmed { payment_id, account_id, promo_code, .. } => {
                pay_ids.push(payment_id);
                acc_ids.push(account_id);
                paying_ids.push(account_id);
                codes.extend(promo_code);
            }
            Body::PaymentRefunded { payment_id, .. } => {
                pay_ids.push(payment_id);
                refund_ids.push(payment_id);
            }
        }
    }
    for r in select_in(txn, "SELECT event_id, digest FROM event WHERE event_id IN", keys(ev_ids)).await? {
        b.events.insert(r.try_get_by_index(0)?, r.try_get_by_index(1)?);
    }
    b.codes.extend(load_codes(txn, "c.code", keys(codes)).await?);
    for r in select_in(txn, "SELECT * FROM account WHERE id IN", keys(acc_ids)).await? {
        let m = account::Model::from_query_result(&r, "")?;
        b.accounts.insert(m.id.clone(), Acc { m, new_at: None, dirty: false });
    }
    // Partner accounts in the batch need their code for the "already a partner" message.
    let code_owners: HashSet<&String> = b.codes.values().map(|c| &c.partner_id).collect();
    let own = keys(b.accounts.values().filter(|a| a.m.is_partner && !code_owners.contains(&a.m.id)).map(|a| &a.m.id));
    b.codes.extend(load_codes(txn, "c.partner_id", own).await?);
    for r in select_in(txn, "SELECT * FROM payment WHERE id IN", keys(pay_ids)).await? {
        let m = payment::Model::from_query_result(&r, "")?;
        b.payments.insert(m.id.clone(), Row { m, new: false, dirty: false });
    }
    for r in select_in(txn, "SELECT DISTINCT account_id FROM payment WHERE account_id IN", keys(paying_ids)).await? {
        b.paying.insert(r.try_get_by_index(0)?);
    }
    for r in select_in(txn, "SELECT * FROM bonus WHERE payment_id IN", keys(refund_ids)).await? {
        let m = bonus::Model::from_query_result(&r, "")?;
        b.bonuses.insert(m.payment_id.clone(), Row { m, new: false, dirty: false });
    }
    let max = query_one(txn, "SELECT COALESCE(MAX(id), 0) FROM bonus", vec![]).await?;
    b.next_bonus_id = match max {
        Some(r) => r.try_get_by_index::<i64>(0)? + 1,
        None => 1,
    };
    Ok(b)
}

/// Every column set, for an UPDATE of the whole row.
fn account_am(a: account::Model) -> account::ActiveModel {
    a.into_active_model().reset_all()
}

/// Writes what the batch added and changed, parents before children.
async fn write(txn: &DatabaseTransaction, b: Batch) -> Result<()> {
    let statements = tracing::debug_span!("import.plan").in_scope(|| plan_writes(txn.get_database_backend(), b))?;
    for statement in statements {
        txn.execute_raw(statement).await?;
    }
    Ok(())
}

/// The batch's new rows in the order the lines made them, and its changed stored rows in key
/// order (so that two writers would lock rows alike).
fn added_and_changed<M>(mut rows: HashMap<String, Row<M>>, added: &[String]) -> (Vec<M>, Vec<M>) {
    let added = added.iter().filter_map(|k| rows.remove(k)).map(|r| r.m).collect();
    let mut changed: Vec<(String, M)> = rows.into_iter().filter(|(_, r)| r.dirty).map(|(k, r)| (k, r.m)).collect();
    changed.sort_by(|x, y| x.0.cmp(&y.0));
    (added, changed.into_iter().map(|(_, m)| m).collect())
}

/// The statements that write a judged batch, in order.
fn plan_writes(backend: DbBackend, mut b: Batch) -> std::result::Result<Vec<Statement>, sea_orm::DbErr> {
    let out = &mut Vec::new();
    // Foreign keys are checked at commit (see the migration), so that a client who registered
    // without a code may have as its parent a partner who registered later in the same batch.
    let accounts =
        b.new_accounts.iter().filter_map(|id| b.accounts.remove(id)).map(|a| a.m.into_active_model()).collect();
    insert_statements(backend, accounts, out)?;
    let mut dirty: Vec<Acc> = b.accounts.into_values().filter(|a| a.dirty).collect();
    dirty.sort_by(|x, y| x.m.id.cmp(&y.m.id));
    for a in dirty {
        out.push(sea_orm::Update::one(account_am(a.m)).validate()?.build(backend));
    }
    insert_statements(backend, b.new_partners.into_iter().map(IntoActiveModel::into_active_model).collect(), out)?;
    insert_statements(backend, b.new_codes, out)?;
    let (payments, changed) = added_and_changed(b.payments, &b.new_payments);
    insert_statements(backend, payments.into_iter().map(IntoActiveModel::into_active_model).collect(), out)?;
    for p in changed {
        out.push(stmt(backend, "UPDATE payment SET refunded = $1 WHERE id = $2", vec![p.refunded.into(), p.id.into()]));
    }
    let (bonuses, changed) = added_and_changed(b.bonuses, &b.new_bonuses);
    insert_statements(backend, bonuses.into_iter().map(IntoActiveModel::into_active_model).collect(), out)?;
    for bn in changed {
        out.push(stmt(
            backend,
            "UPDATE bonus SET reduced = $1, clawed = $2, state = $3, voided_at = $4, voided_by = $5, void_reason = $6 WHERE id = $7",
            vec![
                bn.reduced.into(),
                bn.clawed.into(),
                bn.state.into(),
                bn.voided_at.into(),
                bn.voided_by.into(),
                bn.void_reason.into(),
                bn.id.into(),
            ],
        ));
    }
    insert_statements(backend, b.ledger, out)?;
    insert_statements(backend, b.refunds, out)?;
    insert_statements(backend, b.cases, out)?;
    insert_statements(backend, b.new_events, out)?;
    Ok(std::mem::take(out))
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
    let mut reader = LineReader::new(input, format);
    let mut importer = Importer::new(ctx, source);
    let mut ahead: Option<(tokio::task::JoinHandle<Vec<Line>>, u64)> = None;
    loop {
        let mut unparsed = Vec::with_capacity(BATCH);
        let mut failure = None;
        let reading = tracing::debug_span!("import.read");
        while unparsed.len() < BATCH {
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
                    Err(e) => return Err(ServiceError::Invalid(format!("{source}: cannot read: {e}"))),
                },
            };
            importer.push(batch).await?;
            progress(bytes, &importer.summary);
        }
        if let Some(e) = failure {
            return Err(ServiceError::Invalid(format!("{source}: cannot read: {e}")));
        }
        match next {
            Some(n) => ahead = Some(n),
            None => break,
        }
    }
    let mut summary = importer.finish().await?;
    summary.header = reader.header_raw.take();
    Ok(summary)
}
