//! `refdesk fraud …`: the abuse cases listed, and an operator's decision on one.
use super::args::{CaseFilter, DecisionArg, FraudCmd};
use super::{Exit, print_json, shown};
use crate::domain::Lang;
use crate::domain::fraud::{Decision, explanations};
use crate::service::{self, Ctx};
use crate::service::{fraud, fraud_scan};
use crate::store::fraud::Which;

pub async fn run(ctx: &Ctx, lang: Lang, cmd: FraudCmd) -> service::Result<Exit> {
    match cmd {
        FraudCmd::Scan { json } => {
            let s = fraud_scan::scan(ctx).await?;
            if json {
                match serde_json::to_value(&s) {
                    Ok(v) => print_json(&v),
                    Err(e) => eprintln!("cannot write the scan as JSON: {e}"),
                }
            } else {
                let found: Vec<String> = s.found.iter().map(|(k, n)| format!("{k} {n}")).collect();
                println!(
                    "Abuse scan: {} case(s) opened, {} open case(s) with new evidence; found: {}.",
                    s.opened.len(),
                    s.added_to.len(),
                    if found.is_empty() { "nothing".to_string() } else { found.join(", ") }
                );
            }
        }
        FraudCmd::List { status, json } => {
            let which = match status {
                None => Which::All,
                Some(CaseFilter::Open) => Which::Open,
                Some(CaseFilter::Decided) => Which::Decided,
            };
            let cases = fraud::list(ctx, which).await?;
            if json {
                match serde_json::to_value(&cases) {
                    Ok(v) => print_json(&v),
                    Err(e) => eprintln!("cannot write the cases as JSON: {e}"),
                }
            } else {
                // A line per case, then its evidence in words, a line per finding.
                println!("{:>5} {:<14} {:<18} {:<11} Opened", "Case", "Partner", "Kind", "Status");
                for c in &cases {
                    println!(
                        "{:>5} {:<14} {:<18} {:<11} {}",
                        c.id,
                        shown(&c.partner),
                        c.kind.as_str(),
                        c.status.as_str(),
                        c.opened_at
                    );
                    let said = explanations(&c.evidence, Lang::En);
                    if said.is_empty() {
                        println!("      {}", c.evidence);
                    }
                    // The findings quote what was imported (names, emails): cleaned like it.
                    for s in said {
                        println!("      {}", shown(&s));
                    }
                    if let (Some(by), Some(at)) = (&c.decided_by, &c.decided_at) {
                        println!(
                            "      decided by {} at {at}: {}",
                            shown(by),
                            shown(c.reason.as_deref().unwrap_or(""))
                        );
                    }
                }
            }
        }
        FraudCmd::Decide { case, action, reason } => {
            let decision = match action {
                DecisionArg::Dismiss => Decision::Dismiss,
                DecisionArg::Void => Decision::Void,
                DecisionArg::Deactivate => Decision::Deactivate,
                DecisionArg::Exclude => Decision::Exclude,
            };
            let d = fraud::decide(ctx, case, decision, &reason).await?;
            let mut said = format!("Abuse case {} of {} decided: {}", d.case, d.partner, d.status.as_str());
            if !d.voided.is_empty() {
                said.push_str(&format!(
                    "; {} bonus(es) voided, {} in total",
                    d.voided.len(),
                    d.voided_total.display(lang)
                ));
            } else if decision != Decision::Dismiss {
                said.push_str("; no unpaid bonus to void");
            }
            if d.code_deactivated {
                said.push_str(&format!("; code {} deactivated", d.partner));
            }
            if d.excluded {
                said.push_str("; partner excluded");
            }
            for r in &d.draft_runs {
                said.push_str(&format!(
                    "; draft payout run {} prepared again: {} → {}",
                    r.run,
                    r.before.display(lang),
                    r.after.display(lang)
                ));
            }
            println!("{said}.");
        }
    }
    Ok(0)
}
