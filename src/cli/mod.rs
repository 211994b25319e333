//! The CLI: thin commands over the services, printing text for people or `--json` for scripts.
mod access;
pub mod args;
mod bonus_show;
mod fraud;
mod payout;

use crate::domain::bonus::ShownBonusState;
use crate::domain::rules::RefundMark;
use crate::domain::{Lang, Money};
use crate::service::contracts::{ContractInput, set_contract};
use crate::service::import::{Format, Summary, import_reader};
use crate::service::partners::{ListQuery, NewPartner, Status};
use crate::service::{self, Ctx, Field, Problem, ServiceError, bonuses, partners, payments, rfc3339};
use args::{BonusCmd, Command, FormatArg, PartnerCmd, PaymentCmd};
use serde_json::{Value, json};
use std::io::{BufReader, IsTerminal, Write};

/// What a command ends with: its exit status (INTERFACE.md: 0, 1 refused, 2 bad input).
pub type Exit = i32;

fn fail(e: ServiceError) -> Exit {
    eprintln!("{e}");
    e.exit_code()
}

/// Stored text (names, emails, ids, reasons) as text output prints it: without the control and
/// escape characters that would retitle or clear the terminal. JSON keeps the exact data.
pub(crate) use crate::domain::identity::printable as shown;

pub(crate) fn print_json(v: &Value) {
    let mut out = std::io::stdout().lock();
    let _ = serde_json::to_writer_pretty(&mut out, v);
    let _ = writeln!(out);
}

pub(crate) fn money(m: Money) -> Value {
    Value::String(m.plain())
}

pub(crate) fn time(ctx: &Ctx, ms: i64) -> Value {
    Value::String(rfc3339(&ctx.terms, ms))
}

pub(crate) fn local(ctx: &Ctx, ms: i64) -> String {
    ctx.terms.local(service::from_ms(ms)).format("%Y-%m-%d %H:%M").to_string()
}

pub async fn run(ctx: &Ctx, lang: Lang, cmd: Command) -> Exit {
    let result = match cmd {
        Command::Init { sandbox } => access::init(ctx, sandbox).await,
        Command::Demo(a) => demo(ctx, a.partners, a.clients, a.seed).await,
        Command::Import(a) => return import(ctx, &a.files, a.format, a.json).await,
        Command::Partner(p) => partner(ctx, lang, p).await,
        Command::Payment(p) => payment(ctx, lang, p).await,
        Command::Bonus(b) => bonus(ctx, lang, b).await,
        Command::Payout(p) => payout::run(ctx, lang, p).await,
        Command::Fraud(f) => fraud::run(ctx, lang, f).await,
        Command::Operator(o) => access::operator(ctx, o).await,
        Command::Audit(a) => access::audit(ctx, a).await,
    };
    match result {
        Ok(code) => code,
        Err(e) => fail(e),
    }
}

async fn demo(ctx: &Ctx, partners: usize, clients: usize, seed: u64) -> service::Result<Exit> {
    let tty = std::io::stderr().is_terminal();
    let r = crate::demo::run(ctx, partners, clients, seed, |step| {
        if tty {
            eprintln!("demo: {step}…");
        }
    })
    .await?;
    println!(
        "Demo program ready in {}: {} events, {} contracts, {} bonuses approved, {} voided; {} abuse cases open, {} decided.",
        ctx.store.describe(),
        r.events,
        r.contracts,
        r.approved,
        r.voided,
        r.cases_open,
        r.cases_decided
    );
    Ok(0)
}

fn rejected_path(file: &str) -> String {
    format!("{file}.rejected")
}

/// Imports each file in turn; a rejected line makes the exit status 1, an unreadable file 2.
pub async fn import(ctx: &Ctx, files: &[String], format: Option<FormatArg>, as_json: bool) -> Exit {
    let mut exit = 0;
    let mut reports = Vec::new();
    for file in files {
        let fmt = match format {
            Some(FormatArg::Csv) => Format::Csv,
            Some(FormatArg::Ndjson) => Format::Ndjson,
            None => Format::guess(file),
        };
        let summary = if file == "-" {
            import_reader(ctx, "stdin", std::io::stdin().lock(), fmt, |_, _| {}).await
        } else {
            let f = match std::fs::File::open(file) {
                Ok(f) => f,
                Err(e) => {
                    eprintln!("{file}: cannot open: {e}");
                    return 2;
                }
            };
            let size = f.metadata().map(|m| m.len()).unwrap_or(0);
            let bar = (size > 4 << 20 && std::io::stderr().is_terminal()).then(|| {
                let b = indicatif::ProgressBar::new(size);
                b.set_style(
                    indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} {eta}")
                        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                );
                b.set_message(file.clone());
                b
            });
            let r = import_reader(ctx, file, BufReader::with_capacity(1 << 20, f), fmt, |bytes, _| {
                if let Some(b) = &bar {
                    b.set_position(bytes);
                }
            })
            .await;
            if let Some(b) = bar {
                b.finish_and_clear();
            }
            r
        };
        let summary = match summary {
            Ok(s) => s,
            Err(e) => return fail(e),
        };
        for r in &summary.rejected {
            match r.offset {
                Some(byte) => eprintln!("{}: line {} (byte {byte}): {}", file, r.line, r.message),
                None => eprintln!("{}: line {}: {}", file, r.line, r.message),
            }
        }
        if file != "-"
            && let Err(e) = write_rejected(file, &summary)
        {
            eprintln!("{}: cannot write: {e}", rejected_path(file));
        }
        if !summary.rejected.is_empty() {
            exit = 1;
        }
        if !as_json {
            let tail = if summary.rejected.is_empty() || file == "-" {
                String::new()
            } else {
                format!(" (see {})", rejected_path(file))
            };
            println!(
                "{file}: {} accepted, {} duplicates, {} rejected{tail}",
                summary.accepted,
                summary.duplicates,
                summary.rejected.len()
            );
        }
        reports.push(json!({
            "file": file,
            "accepted": summary.accepted,
            "duplicates": summary.duplicates,
            "rejected": summary.rejected.len(),
            "rejected_lines": summary.rejected.iter().map(|r| json!({"line": r.line, "byte": r.offset, "reason": r.message})).collect::<Vec<_>>(),
        }));
    }
    let accepted = reports.iter().map(|r| r["accepted"].as_u64().unwrap_or(0)).sum::<u64>();
    // The signals that need the whole program (shared identities, bursts, refund rates, rings)
    // run once the events are in — this import's, or a killed one's that never got its scan;
    // those of a single event ran as each was written.
    let scanned = match crate::service::fraud_scan::scan_if_owed(ctx).await {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    if as_json {
        print_json(&json!({
            "files": reports,
            "accepted": accepted,
            "duplicates": reports.iter().map(|r| r["duplicates"].as_u64().unwrap_or(0)).sum::<u64>(),
            "rejected": reports.iter().map(|r| r["rejected"].as_u64().unwrap_or(0)).sum::<u64>(),
            "abuse_scan": scanned,
        }));
    } else if let Some(s) = scanned.filter(|s| !s.opened.is_empty() || !s.added_to.is_empty()) {
        let cases = |n: usize| if n == 1 { "1 case".to_string() } else { format!("{n} cases") };
        println!("abuse scan: {} opened, {} with new evidence", cases(s.opened.len()), cases(s.added_to.len()));
    }
    exit
}

/// Rejected lines verbatim beside the input (after the header row for CSV), byte for byte with
/// their line ends, ready to fix and import again; a clean import removes a stale file.
fn write_rejected(file: &str, s: &Summary) -> std::io::Result<()> {
    let path = rejected_path(file);
    if s.rejected.is_empty() {
        return match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        };
    }
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path)?);
    for raw in s.header.iter().chain(s.rejected.iter().map(|r| &r.raw)) {
        out.write_all(raw)?;
        // The file's last line may have no line end; the next one must not join it.
        if !raw.ends_with(b"\n") {
            out.write_all(b"\n")?;
        }
    }
    out.flush()
}

fn bonus_json(ctx: &Ctx, b: &bonuses::BonusRow) -> Value {
    json!({
        "id": b.id,
        "partner": b.partner,
        "payment_id": b.payment_id,
        "amount": money(b.amount),
        "status": b.status.as_str(),
        "release_at": time(ctx, b.release_at),
        "reason": b.reason,
    })
}

async fn partner(ctx: &Ctx, lang: Lang, cmd: PartnerCmd) -> service::Result<Exit> {
    match cmd {
        PartnerCmd::List { status, search, json: as_json } => {
            let status = match status.as_deref() {
                None => None,
                Some(s) => Some(Status::parse(s).ok_or_else(|| {
                    ServiceError::invalid(
                        Field::Status,
                        Problem::NotOneOf(s.to_string(), &["active", "code_deactivated", "excluded"]),
                    )
                })?),
            };
            let rows = partners::list(ctx, &ListQuery { search, status, ..Default::default() }).await?;
            if as_json {
                print_json(&Value::Array(
                    rows.iter()
                        .map(|r| {
                            json!({
                                "code": r.code, "account_id": r.account_id, "name": r.name, "status": r.status.as_str(),
                                "phone": r.phone, "registered_at": time(ctx, r.registered_at), "contract": r.has_contract,
                                "pending": money(r.pending), "available": money(r.available),
                            })
                        })
                        .collect(),
                ));
            } else {
                println!("{:<14} {:<28} {:<17} {:>16} {:>16}", "CODE", "NAME", "STATUS", "PENDING", "AVAILABLE");
                for r in &rows {
                    println!(
                        "{:<14} {:<28} {:<17} {:>16} {:>16}",
                        shown(&r.code),
                        truncate(&shown(&r.name), 28),
                        r.status.as_str(),
                        r.pending.display_bare(lang),
                        r.available.display_bare(lang)
                    );
                }
                println!("{} partners", rows.len());
            }
            Ok(0)
        }
        PartnerCmd::Show { code, json: as_json } => {
            let d = partners::show(ctx, &code).await?;
            if as_json {
                print_json(&json!({
                    "code": d.code,
                    "account_id": d.account_id,
                    "name": d.name,
                    "status": d.status.as_str(),
                    "status_reason": d.status_reason,
                    "email": d.email,
                    "phone": d.phone,
                    "iin": d.iin,
                    "registered_at": time(ctx, d.registered_at),
                    "trial_ends_at": time(ctx, d.trial_ends_at),
                    "parent": d.parent_code,
                    "contract": d.contract.as_ref().map(|k| json!({
                        "number": k.number, "signed_on": k.signed_on, "method": k.method, "iban": k.iban, "iin_bin": k.iin_bin,
                    })),
                    "open_cases": d.open_cases,
                    "balance": {
                        "held": money(d.balance.held),
                        "due": money(d.balance.due),
                        "frozen": money(d.balance.frozen),
                        "available": money(d.balance.available),
                        "paid": money(d.balance.paid),
                        "clawed_back": money(d.balance.clawed_back),
                        "net": money(d.balance.net),
                    },
                    "stats": {
                        "registrations": d.stats.registrations,
                        "paying_clients": d.stats.paying_clients,
                        "purchases_amount": money(d.stats.purchases_amount),
                        "purchases_refunded": money(d.stats.purchases_refunded),
                    },
                    "ledger": d.ledger.iter().map(|l| json!({
                        "id": l.id, "at": time(ctx, l.at), "kind": l.kind, "bucket": l.bucket, "amount": money(l.amount),
                        "bonus_id": l.bonus_id, "operator": l.operator, "reason": l.reason,
                        "reference": l.reference, "payment_id": l.payment_id,
                        "bonus_state": l.bonus_state.map(|s| s.as_str()),
                    })).collect::<Vec<_>>(),
                    "ledger_total": d.ledger_total,
                    "clients_total": d.clients_total,
                    "clients": d.clients.iter().map(|c| json!({
                        "account_id": c.account_id, "registered_at": c.registered_at.map(|t| time(ctx, t)),
                        "is_partner": c.is_partner, "payments": c.payments, "paid": money(c.paid),
                        "refunded": money(c.refunded), "refund": RefundMark::of(c.paid, c.refunded).as_str(),
                    })).collect::<Vec<_>>(),
                }));
            } else {
                let m = |x: Money| x.display(lang);
                println!("{} — {} ({})", shown(&d.code), shown(&d.name), d.status.as_str());
                if let Some(r) = &d.status_reason {
                    println!("  reason:        {}", shown(r));
                }
                println!("  account:       {}", shown(&d.account_id));
                println!("  registered:    {}", local(ctx, d.registered_at));
                println!(
                    "  phone / email: {} / {}",
                    shown(d.phone.as_deref().unwrap_or("—")),
                    shown(d.email.as_deref().unwrap_or("—"))
                );
                match &d.contract {
                    Some(k) => {
                        let (number, iban, iin) = (shown(&k.number), shown(&k.iban), shown(&k.iin_bin));
                        println!("  contract:      {number} of {}, {iban} IIN/BIN {iin}", k.signed_on)
                    }
                    None => println!("  contract:      none (cannot be paid)"),
                }
                if d.open_cases > 0 {
                    println!("  fraud cases:   {} open — bonuses frozen", d.open_cases);
                }
                println!("  held {}  due {}  frozen {}", m(d.balance.held), m(d.balance.due), m(d.balance.frozen));
                println!(
                    "  available {}  paid {}  clawed back {}",
                    m(d.balance.available),
                    m(d.balance.paid),
                    m(d.balance.clawed_back)
                );
                println!("  net {}", m(d.balance.net));
                println!(
                    "  registrations {}  paying clients {}  purchases {}  refunded {}",
                    d.stats.registrations,
                    d.stats.paying_clients,
                    m(d.stats.purchases_amount),
                    m(d.stats.purchases_refunded)
                );
            }
            Ok(0)
        }
        PartnerCmd::Add { name, code, phone, email, iin } => {
            let code = partners::add(ctx, NewPartner { name, code, phone, email, iin }).await?;
            println!("Partner added with code {code}.");
            Ok(0)
        }
        PartnerCmd::Contract { code, number, signed, iban, iin } => {
            set_contract(ctx, &code, ContractInput { number, signed, iban, iin }).await?;
            println!("Contract recorded for {}.", code.trim().to_uppercase());
            Ok(0)
        }
        PartnerCmd::DeactivateCode { code, reason } => {
            partners::deactivate_code(ctx, &code, &reason).await?;
            println!("Code {} deactivated.", code.trim().to_uppercase());
            Ok(0)
        }
        PartnerCmd::Tree { code, depth, json } => {
            let root = service::tree::tree(ctx, &code, depth.unwrap_or(service::tree::DEFAULT_DEPTH)).await?;
            if json {
                match serde_json::to_value(&root) {
                    Ok(v) => print_json(&v),
                    Err(e) => eprintln!("cannot write the tree as JSON: {e}"),
                }
            } else {
                print_tree(lang, &root);
            }
            Ok(0)
        }
        PartnerCmd::Exclude { code, reason } => {
            let (n, total) = partners::exclude(ctx, &code, &reason).await?;
            println!(
                "Partner {} excluded; {n} unpaid bonuses voided ({}).",
                code.trim().to_uppercase(),
                total.display(lang)
            );
            Ok(0)
        }
    }
}

/// A tree as indented lines: each node's account (and code), what it paid, what it earned its
/// parent, how many it brought, and its marks in words.
fn print_tree(lang: Lang, n: &crate::domain::tree::Node) {
    let indent = "  ".repeat(n.depth as usize);
    let name = match &n.code {
        Some(code) => format!("{} ({}, partner)", shown(code), shown(&n.account_id)),
        None => format!("{} (client)", shown(&n.account_id)),
    };
    let mut facts = Vec::new();
    if !n.purchases.is_zero() {
        facts.push(format!("paid {}", n.purchases.display(lang)));
    }
    if !n.bonus.is_zero() {
        facts.push(format!("earned its parent {}", n.bonus.display(lang)));
    }
    if n.brought > 0 {
        let shown =
            if n.children.len() as i64 == n.brought { String::new() } else { format!(", {} shown", n.children.len()) };
        facts.push(format!("brought {}{shown}", n.brought));
    }
    facts.extend(n.marks.iter().map(|m| m.as_str().to_string()));
    let tail = if facts.is_empty() { String::new() } else { format!(" · {}", facts.join(" · ")) };
    println!("{indent}{name}{tail}");
    for c in &n.children {
        print_tree(lang, c);
    }
}

async fn payment(ctx: &Ctx, lang: Lang, cmd: PaymentCmd) -> service::Result<Exit> {
    match cmd {
        PaymentCmd::List { partner, json: as_json } => {
            let rows = payments::list(ctx, partner.as_deref(), 0).await?;
            if as_json {
                print_json(&Value::Array(
                    rows.iter()
                        .map(|p| {
                            json!({
                                "payment_id": p.payment_id, "account_id": p.account_id, "package": p.package,
                                "list_price": money(p.list_price), "paid_amount": money(p.paid_amount),
                                "refunded": money(p.refunded), "net": money(p.paid_amount - p.refunded),
                                "refund": RefundMark::of(p.paid_amount, p.refunded).as_str(),
                                "promo_code": p.promo_code, "partner": p.partner,
                                "paid_at": time(ctx, p.paid_at), "reason": p.reason, "bonus_id": p.bonus_id,
                            })
                        })
                        .collect(),
                ));
            } else {
                println!(
                    "{:<14} {:<12} {:<5} {:>14} {:>14} {:>14} {:<8} {:<12} REASON",
                    "PAYMENT", "ACCOUNT", "PKG", "PAID", "REFUNDED", "NET", "REFUND", "PARTNER"
                );
                for p in &rows {
                    println!(
                        "{:<14} {:<12} {:<5} {:>14} {:>14} {:>14} {:<8} {:<12} {}",
                        shown(&p.payment_id),
                        shown(&p.account_id),
                        shown(&p.package),
                        p.paid_amount.display_bare(lang),
                        p.refunded.display_bare(lang),
                        (p.paid_amount - p.refunded).display_bare(lang),
                        RefundMark::of(p.paid_amount, p.refunded).as_str(),
                        shown(p.partner.as_deref().unwrap_or("—")),
                        shown(p.reason.as_deref().unwrap_or(""))
                    );
                }
                println!("{} payments", rows.len());
            }
            Ok(0)
        }
        PaymentCmd::Show { payment_id, json: as_json } => {
            let d = payments::show(ctx, &payment_id).await?;
            let p = &d.payment;
            if as_json {
                print_json(&json!({
                    "payment_id": p.payment_id,
                    "account_id": p.account_id,
                    "package": p.package,
                    "list_price": money(p.list_price),
                    "paid_amount": money(p.paid_amount),
                    "refunded": money(p.refunded),
                    "net": money(p.paid_amount - p.refunded),
                    "refund": RefundMark::of(p.paid_amount, p.refunded).as_str(),
                    "promo_code": p.promo_code,
                    "promotion": d.promotion,
                    "partner": p.partner,
                    "paid_at": time(ctx, p.paid_at),
                    "refunds": d.refunds.iter().map(|r| json!({"amount": money(r.amount), "at": time(ctx, r.at), "event_id": r.event_id})).collect::<Vec<_>>(),
                    "bonus": d.bonus.as_ref().map(|b| json!({
                        "id": b.id, "amount": money(b.amount), "status": b.status, "rate": b.rate, "base": b.base,
                        "campaign": b.campaign, "release_at": time(ctx, b.release_at),
                    })),
                    "reason": p.reason,
                }));
            } else {
                let (id, account) = (shown(&p.payment_id), shown(&p.account_id));
                println!("{id} — {} by {account} on {}", shown(&p.package), local(ctx, p.paid_at));
                println!(
                    "  list {}  paid {}  refunded {} ({})  net {}",
                    p.list_price.display(lang),
                    p.paid_amount.display(lang),
                    p.refunded.display(lang),
                    RefundMark::of(p.paid_amount, p.refunded).as_str(),
                    (p.paid_amount - p.refunded).display(lang)
                );
                println!(
                    "  promo code {}  partner {}",
                    shown(p.promo_code.as_deref().unwrap_or("—")),
                    shown(p.partner.as_deref().unwrap_or("—"))
                );
                match (&d.bonus, &p.reason) {
                    (Some(b), _) => println!(
                        "  bonus {}: {} ({}), release {}",
                        b.id,
                        b.amount.display(lang),
                        b.status,
                        local(ctx, b.release_at)
                    ),
                    (None, Some(r)) => println!("  no bonus: {}", shown(r)),
                    (None, None) => println!("  no bonus: no promo code"),
                }
            }
            Ok(0)
        }
    }
}

async fn bonus(ctx: &Ctx, lang: Lang, cmd: BonusCmd) -> service::Result<Exit> {
    match cmd {
        BonusCmd::List { partner, status, search, json: as_json } => {
            let state = match status.as_deref() {
                None => None,
                Some(s) => Some(ShownBonusState::parse(s).ok_or_else(|| {
                    ServiceError::invalid(
                        Field::Status,
                        Problem::NotOneOf(s.to_string(), &["held", "due", "available", "paid", "voided", "frozen"]),
                    )
                })?),
            };
            if let Some(p) = &partner {
                partners::find(ctx, p).await?;
            }
            let rows =
                bonuses::list(ctx, &bonuses::BonusQuery { partner, state, search, ..Default::default() }).await?;
            if as_json {
                print_json(&Value::Array(rows.iter().map(|b| bonus_json(ctx, b)).collect()));
            } else {
                println!("{:>7} {:<14} {:<14} {:>14} {:<10} RELEASE", "ID", "PARTNER", "PAYMENT", "AMOUNT", "STATUS");
                for b in &rows {
                    println!(
                        "{:>7} {:<14} {:<14} {:>14} {:<10} {}",
                        b.id,
                        shown(&b.partner),
                        shown(&b.payment_id),
                        b.amount.display_bare(lang),
                        b.status.as_str(),
                        local(ctx, b.release_at)
                    );
                }
                println!("{} bonuses", rows.len());
            }
            Ok(0)
        }
        BonusCmd::Show { id, json: as_json } => {
            bonus_show::show(ctx, lang, id, as_json).await?;
            Ok(0)
        }
        BonusCmd::Approve { ids, all_due } => {
            let p = bonuses::approve(ctx, if all_due { None } else { Some(&ids) }).await?;
            if p.ids.is_empty() {
                println!("No bonus is due.");
            } else {
                let noun = if p.ids.len() == 1 { "bonus" } else { "bonuses" };
                println!("Approved {} {noun}, {} in total.", p.ids.len(), p.total.display(lang));
            }
            Ok(0)
        }
        BonusCmd::Void { id, reason } => {
            let total = bonuses::void(ctx, id, &reason).await?;
            println!("Bonus {id} voided ({}).", total.display(lang));
            Ok(0)
        }
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}
