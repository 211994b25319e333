//! `refdesk payout …`: a month's run prepared, shown, approved by a second operator, discarded.
use super::args::{BankFormat, PayoutCmd};
use super::{Exit, print_json, shown};
use crate::domain::Lang;
use crate::service::payouts::{self, RunView};
use crate::service::{self, Ctx, audit};

pub async fn run(ctx: &Ctx, lang: Lang, cmd: PayoutCmd) -> service::Result<Exit> {
    match cmd {
        PayoutCmd::Prepare { month, json } => {
            let run = payouts::prepare(ctx, &month).await?;
            if json {
                print_run_json(ctx, &payouts::show(ctx, run.id).await?).await?;
            } else {
                // INTERFACE.md: the run id alone on stdout (scripts take it); the summary for
                // people on stderr.
                println!("{}", run.id);
                eprintln!(
                    "Payout run {} for {} prepared: {} payable, {} held back, {} in total; due {}.",
                    run.id,
                    run.month,
                    run.payable,
                    run.held_back,
                    run.total.display(lang),
                    run.due
                );
            }
        }
        PayoutCmd::List { json } => {
            let months = payouts::list(ctx).await?;
            if json {
                match serde_json::to_value(&months) {
                    Ok(v) => print_json(&v),
                    Err(e) => eprintln!("cannot write the runs as JSON: {e}"),
                }
            } else {
                println!("{:<8} {:>5} {:<10} {:>20} {:<10}", "Month", "Run", "State", "Total", "Due");
                for m in &months {
                    println!(
                        "{:<8} {:>5} {:<10} {:>20} {:<10}{}",
                        m.month,
                        m.id.map(|i| i.to_string()).unwrap_or_else(|| "—".into()),
                        m.state.unwrap_or("missing"),
                        m.total.map(|t| t.display(lang)).unwrap_or_else(|| "—".into()),
                        m.due,
                        if m.late { "  LATE" } else { "" }
                    );
                }
            }
        }
        PayoutCmd::Show { run, json } => {
            let run = payouts::show(ctx, run).await?;
            if json {
                print_run_json(ctx, &run).await?;
            } else {
                print_run(lang, &run);
                // Anchored outside the database: a log rewritten later no longer reaches it.
                match audit::head(ctx).await? {
                    Some((entry, hash)) => println!("\nAudit chain head: entry {entry}, SHA-256 {hash}"),
                    None => println!("\nAudit chain head: the log is empty"),
                }
            }
        }
        PayoutCmd::Approve { run } => {
            let run = payouts::approve(ctx, run).await?;
            println!(
                "Payout run {} for {} approved by {}: {} payable, {} in total.",
                run.id,
                run.month,
                run.approved_by.as_deref().unwrap_or_default(),
                run.payable,
                run.total.display(lang)
            );
        }
        PayoutCmd::Export { run, format, out } => {
            let format = match format {
                BankFormat::Csv => payouts::FileFormat::Csv,
                BankFormat::Pain001 => payouts::FileFormat::Pain001,
            };
            let w = payouts::export(ctx, run, format, &out).await?;
            println!(
                "Payout run {run}: {} written ({} bytes, SHA-256 {}); nothing is marked paid.",
                w.file, w.bytes, w.sha256
            );
            println!("Its report, with the audit chain's head at its foot: {}", w.report);
        }
        PayoutCmd::Complete { run, failed } => {
            let run = payouts::complete(ctx, run, &failed).await?;
            let paid = run.lines.iter().filter(|l| l.status == "paid").count();
            let failed = run.lines.iter().filter(|l| l.status == "failed").count();
            println!(
                "Payout run {} for {} completed: {paid} paid, {} in total; {failed} failed.",
                run.id,
                run.month,
                run.total.display(lang)
            );
        }
        PayoutCmd::Discard { run } => {
            let run = payouts::discard(ctx, run).await?;
            println!("Payout run {} for {} discarded; the month can be prepared again.", run.id, run.month);
        }
    }
    Ok(0)
}

/// The run as JSON, with the audit chain's head (`audit_head`: entry and hash, or null).
async fn print_run_json(ctx: &Ctx, run: &RunView) -> service::Result<()> {
    let head = audit::head(ctx).await?.map(|(entry, hash)| serde_json::json!({"entry": entry, "hash": hash}));
    match serde_json::to_value(run) {
        Ok(mut v) => {
            if let Some(o) = v.as_object_mut() {
                o.insert("audit_head".into(), head.unwrap_or_default());
            }
            print_json(&v)
        }
        Err(e) => eprintln!("cannot write the run as JSON: {e}"),
    }
    Ok(())
}

fn print_run(lang: Lang, run: &RunView) {
    println!("Payout run {} · {} · {}", run.id, run.month, run.state);
    println!("Due          {}", run.due);
    println!("Prepared     {} at {}", shown(&run.prepared_by), run.prepared_at);
    if let (Some(by), Some(at)) = (&run.approved_by, &run.approved_at) {
        println!("Approved     {} at {at}", shown(by));
    }
    println!("Total        {} ({} payable, {} held back)", run.total.display(lang), run.payable, run.held_back);
    println!("Content hash {}", run.content_hash);
    println!();
    println!("{:<14} {:>16} {:<10} {:<24} IBAN", "Partner", "Amount", "Status", "Reason");
    for l in &run.lines {
        println!(
            "{:<14} {:>16} {:<10} {:<24} {}",
            shown(&l.partner),
            l.amount.display(lang),
            l.status,
            l.reason.unwrap_or("—"),
            shown(l.iban.as_deref().unwrap_or("—"))
        );
    }
}
