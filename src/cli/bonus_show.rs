//! `refdesk bonus show ID [--json]`: one bonus in full, its history with who, when and why.
use super::{local, money, print_json, shown, time};
use crate::domain::{Lang, Money};
use crate::service::bonuses::{self, BonusDetail, Happened};
use crate::service::{self, Ctx};
use serde_json::{Value, json};

pub async fn show(ctx: &Ctx, lang: Lang, id: i64, as_json: bool) -> service::Result<()> {
    let d = bonuses::detail(ctx, id).await?;
    if as_json {
        print_json(&to_json(ctx, &d));
    } else {
        print_text(ctx, lang, &d);
    }
    Ok(())
}

fn to_json(ctx: &Ctx, d: &BonusDetail) -> Value {
    let p = &d.payment;
    json!({
        "id": d.id,
        "status": d.state.as_str(),
        "partner": d.partner,
        "partner_name": d.partner_name,
        "payment": {
            "payment_id": p.id,
            "account_id": p.account_id,
            "package": p.package,
            "list_price": money(p.list_price),
            "paid_amount": money(p.paid_amount),
            "refunded": money(p.refunded),
            "net": money(p.net),
            "refund": p.refund.as_str(),
            "paid_at": time(ctx, p.paid_at),
            "refunds": p.refunds.iter().map(|r| json!({
                "event_id": r.event_id, "amount": money(r.amount), "at": time(ctx, r.at),
            })).collect::<Vec<_>>(),
        },
        "account_id": p.account_id,
        "package": p.package,
        "base": d.base,
        "base_amount": money(d.base_amount),
        "rate": d.rate,
        "campaign": d.campaign,
        "hold_days": d.hold_days,
        "booked_at": time(ctx, d.booked_at),
        "release_at": time(ctx, d.release_at),
        "booked": money(d.booked),
        "reduced": money(d.reduced),
        "clawed_back": money(d.clawed_back),
        "amount": money(d.value),
        "kept": money(d.kept),
        "history": d.history.iter().map(|h| json!({
            "what": what(h.what),
            "by": h.by,
            "at": time(ctx, h.at),
            "recorded_at": time(ctx, h.recorded_at),
            "amount": money(h.amount),
            "reason": h.reason,
            "refund": h.refund,
            "refund_amount": h.refund_amount.map(money),
        })).collect::<Vec<_>>(),
    })
}

fn what(h: Happened) -> &'static str {
    match h {
        Happened::Booked => "booked",
        Happened::Approved => "approved",
        Happened::Voided => "voided",
        Happened::Reduced => "reduced",
        Happened::ClawedBack => "clawed_back",
    }
}

fn print_text(ctx: &Ctx, lang: Lang, d: &BonusDetail) {
    let m = |x: Money| x.display(lang);
    let p = &d.payment;
    println!("bonus {} — {} — {} ({})", d.id, d.state.as_str(), shown(&d.partner), shown(&d.partner_name));
    println!(
        "  payment     {} by {} on {}, {}",
        shown(&p.id),
        shown(&p.account_id),
        local(ctx, p.paid_at),
        shown(&p.package)
    );
    println!(
        "              list {}  paid {}  refunded {} ({})  net {}",
        m(p.list_price),
        m(p.paid_amount),
        m(p.refunded),
        p.refund.as_str(),
        m(p.net)
    );
    for r in &p.refunds {
        println!("              refund {} of {} on {}", shown(&r.event_id), m(r.amount), local(ctx, r.at));
    }
    println!("  base        {} {}", d.base, m(d.base_amount));
    match &d.campaign {
        Some(c) => println!("  rate        {} (campaign {c})", d.rate),
        None => println!("  rate        {}", d.rate),
    }
    println!("  hold        {} days, release {}", d.hold_days, local(ctx, d.release_at));
    println!(
        "  value now   {} (booked {}, reduced {}, clawed back {})",
        m(d.kept),
        m(d.booked),
        m(d.reduced),
        m(d.clawed_back)
    );
    println!("  history");
    for h in &d.history {
        let mut line =
            format!("    {}  {:<11} {:<14} {:>16}", local(ctx, h.at), what(h.what), shown(&h.by), m(h.amount));
        if let (Some(r), Some(a)) = (&h.refund, h.refund_amount) {
            line.push_str(&format!("  refund {} of {}", shown(r), m(a)));
        }
        if let Some(r) = &h.reason {
            line.push_str(&format!("  {}", shown(r)));
        }
        println!("{line}");
    }
}
