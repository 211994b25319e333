//! Every amount on every screen is exact at every size: the screens are drawn at 40×12, 60×20,
//! 80×24 and 250×60 in both languages from data whose amounts all end differently, and every
//! figure on the screen must be whole: never a cut tail of one of them ("5,000.00" for
//! "225,000.00"), never a cut head ("132,237,5…").
use super::action::{Action, Effect, Screen};
use super::app::App;
use super::fixtures::*;
use super::render;
use crate::domain::{Lang, Money};
use crate::service::bonuses::{BonusDetail, BonusRow, Preview};
use crate::service::dashboard::Dashboard;
use crate::service::partners::{PartnerDetail, PartnerRow};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tui_input::InputRequest;

const SIZES: [(u16, u16); 4] = [(40, 12), (60, 20), (80, 24), (250, 60)];

/// Amounts whose last four digits all differ, so that no amount is the tail of another: a cut
/// one can never pass for a real one.
struct Amounts {
    next: i64,
    all: Vec<Money>,
}

impl Amounts {
    fn take(&mut self, like: Money) -> Money {
        self.next += 1;
        // Keep the order of magnitude (and the sign) of the amount it stands for.
        let tail = (1013 + 97 * self.next) % 10_000;
        let scale = like.tiyn().unsigned_abs().max(10_000) as i64;
        let sign = if like.is_negative() { -1 } else { 1 };
        let m = Money::from_tiyn(sign * ((scale / 10_000) * 10_000 + tail));
        self.all.push(m);
        m
    }
}

type Figures = (Dashboard, Vec<PartnerRow>, Vec<BonusRow>, PartnerDetail);

fn figures(a: &mut Amounts) -> Figures {
    let mut d = dashboard();
    d.revenue_month = a.take(d.revenue_month);
    for slot in [&mut d.held, &mut d.due, &mut d.frozen, &mut d.available, &mut d.paid] {
        slot.1 = a.take(slot.1);
    }
    let mut partners = named_partners();
    for p in &mut partners {
        p.pending = a.take(p.pending);
        p.available = a.take(p.available);
    }
    let mut bonuses = bonus_rows();
    for b in &mut bonuses {
        b.amount = a.take(b.amount);
    }
    let mut detail = detail();
    let bal = &mut detail.balance;
    for m in [
        &mut bal.held,
        &mut bal.due,
        &mut bal.frozen,
        &mut bal.available,
        &mut bal.paid,
        &mut bal.clawed_back,
        &mut bal.net,
    ] {
        *m = a.take(*m);
    }
    detail.stats.purchases_amount = a.take(detail.stats.purchases_amount);
    detail.stats.purchases_refunded = a.take(detail.stats.purchases_refunded);
    for l in &mut detail.ledger {
        l.amount = a.take(l.amount);
    }
    for c in &mut detail.clients {
        c.paid = a.take(c.paid);
        c.refunded = a.take(c.refunded);
    }
    (d, partners, bonuses, detail)
}

/// The bonus detail's figures, each its own.
fn bonus_figures(a: &mut Amounts) -> BonusDetail {
    let mut d = bonus_detail();
    let p = &mut d.payment;
    for m in [&mut p.list_price, &mut p.paid_amount, &mut p.refunded, &mut p.net] {
        *m = a.take(*m);
    }
    for r in &mut p.refunds {
        r.amount = a.take(r.amount);
    }
    for m in [&mut d.base_amount, &mut d.booked, &mut d.reduced, &mut d.clawed_back, &mut d.value, &mut d.kept] {
        *m = a.take(*m);
    }
    for h in &mut d.history {
        h.amount = a.take(h.amount);
        h.refund_amount = h.refund_amount.map(|m| a.take(m));
    }
    d
}

/// The screens an operator goes through, each drawn at `w` × `h`.
fn screens(lang: Lang, w: u16, h: u16) -> (Vec<(String, Terminal<TestBackend>)>, Vec<Money>) {
    let mut a = Amounts { next: 0, all: Vec::new() };
    let (dash, partners, bonuses, detail) = figures(&mut a);
    let preview_total = a.take(Money::kzt(75_000));
    let mut out = Vec::new();
    let mut shot = |name: &str, app: &App| {
        let Ok(mut t) = Terminal::new(TestBackend::new(w, h));
        let _ = t.draw(|f| render(app, f));
        out.push((name.to_string(), t));
    };

    let mut app = app(lang);
    app.update(Action::Resize(w, h));
    let fx = app.start();
    if let Some(Effect::LoadDashboard { req }) = fx.first().cloned() {
        app.update(Action::DashboardLoaded(req, Ok(Box::new(dash))));
    }
    shot("dashboard", &app);

    let fx = app.update(Action::GoTo(Screen::Partners));
    if let Some(Effect::LoadPartners { req, query }) = fx.first().cloned() {
        app.update(Action::PartnersLoaded(req, Ok(partners.into_iter().take(query.limit as usize).collect())));
    }
    shot("partners", &app);
    let fx = app.update(Action::Enter);
    if let Some(Effect::LoadDetail { req, .. }) = fx.first().cloned() {
        app.update(Action::DetailLoaded(req, Ok(Box::new(detail))));
    }
    shot("partner profile", &app);
    app.update(Action::Right);
    shot("partner ledger", &app);
    app.update(Action::Right);
    shot("partner clients", &app);

    let fx = app.update(Action::GoTo(Screen::Bonuses));
    if let Some(Effect::LoadBonuses { req, .. }) = fx.first().cloned() {
        app.update(Action::BonusesLoaded(req, Ok(bonuses)));
    }
    app.update(Action::Select);
    app.update(Action::Select);
    shot("bonuses", &app);
    let fx = app.update(Action::Approve);
    if let Some(Effect::PreviewApprove { req, ids: Some(ids) }) = fx.first().cloned() {
        app.update(Action::Previewed(req, Ok(Preview { ids, total: preview_total })));
    }
    shot("approve dialog", &app);
    app.update(Action::Back);
    app.update(Action::Void);
    for c in "client disputed the payment".chars() {
        app.update(Action::Edit(InputRequest::InsertChar(c)));
    }
    shot("void dialog", &app);
    app.update(Action::Back);
    let fx = app.update(Action::Enter);
    if let Some(Effect::LoadBonusDetail { req, .. }) = fx.first().cloned() {
        app.update(Action::BonusDetailLoaded(req, Ok(Box::new(bonus_figures(&mut a)))));
    }
    shot("bonus detail", &app);
    app.update(Action::PageDown);
    app.update(Action::PageDown);
    shot("bonus detail, its end", &app);
    (out, a.all)
}

/// The figures on a line written as amounts are in `lang` (`25,000.00`, `25 000,00`), each with
/// what stands right after it.
fn figures_on(line: &str, lang: Lang) -> Vec<(String, Option<char>)> {
    let (group, dec) = match lang {
        Lang::En => (',', '.'),
        Lang::Ru => ('\u{a0}', ','),
    };
    let chars: Vec<char> = line.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == group || chars[i] == dec) {
            i += 1;
        }
        let token: String = chars[start..i].iter().collect::<String>().trim_end_matches([group, dec]).to_string();
        out.push((token, chars.get(i).copied()));
    }
    out
}

#[test]
fn every_amount_is_whole_at_every_size() {
    for lang in [Lang::En, Lang::Ru] {
        for (w, h) in SIZES {
            let (shots, amounts) = screens(lang, w, h);
            let exact: Vec<String> = amounts.iter().map(|m| m.display_bare(lang).replace('−', "")).collect();
            let dec = if lang == Lang::En { '.' } else { ',' };
            for (name, t) in shots {
                let buffer = t.backend().buffer().clone();
                let lines: Vec<String> = (0..buffer.area.height)
                    .map(|y| (0..buffer.area.width).map(|x| buffer[(x, y)].symbol().to_string()).collect())
                    .collect();
                for line in &lines {
                    for (token, after) in figures_on(line, lang) {
                        let money_like = token.rsplit_once(dec).is_some_and(|(_, cents)| cents.len() == 2);
                        let where_ = format!("{name}, {lang:?} {w}×{h}: {token:?} in {line:?}");
                        let grouped = token.contains([',', '.', '\u{a0}']);
                        assert!(!(grouped && after == Some('…')), "a figure cut at its end: {where_}");
                        if money_like {
                            let tail_of_another = exact.iter().any(|e| e != &token && e.ends_with(&token));
                            assert!(!tail_of_another, "a figure cut at its start: {where_}");
                        }
                    }
                }
            }
        }
    }
}
