//! Data for the console's tests, built as the services would return it, at a fixed clock:
//! 2026-11-25 10:00 (+05:00).
use super::action::{Action, Effect, Screen};
use super::app::App;
use crate::domain::bonus::ShownBonusState;
use crate::domain::rules::RefundMark;
use crate::domain::{Lang, Money};
use crate::service::bonuses::{BonusDetail, BonusRow, Happened, HistoryStep, PaymentFacts};
use crate::service::dashboard::{Dashboard, MonthFigures};
use crate::service::partners::{
    Balance, ClientLine, ContractInfo, LedgerLine, PartnerDetail, PartnerRow, Stats, Status,
};
use crate::service::payments::RefundLine;
use chrono::{DateTime, FixedOffset, NaiveDate, Offset, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// The console drawn once on a test terminal of its size.
pub fn draw(app: &App) -> Terminal<TestBackend> {
    let Ok(mut t) = Terminal::new(TestBackend::new(app.width, app.height));
    let _ = t.draw(|f| super::render(app, f));
    t
}

/// The screen as text, a line per row; no-break spaces (which keep a label with its figure)
/// read as spaces.
pub fn screen_text(app: &App) -> String {
    let t = draw(app);
    let buf = t.backend().buffer();
    let w = buf.area.width as usize;
    let text: String =
        buf.content.chunks(w).map(|row| row.iter().map(|c| c.symbol()).collect::<String>() + "\n").collect();
    text.replace('\u{a0}', " ")
}

pub fn tz() -> FixedOffset {
    FixedOffset::east_opt(5 * 3600).unwrap_or(Utc.fix())
}

/// Unix millis of a local (+05:00) time.
pub fn at(local: &str) -> i64 {
    DateTime::parse_from_rfc3339(&format!("{local}+05:00")).map(|d| d.timestamp_millis()).unwrap_or_default()
}

pub fn now() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(at("2026-11-25T10:00:00")).unwrap_or_default()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

pub fn app(lang: Lang) -> App {
    App::new(lang, "aigerim.ops".into(), "sqlite /var/lib/refdesk/refdesk.db".into(), tz(), now(), false)
}

/// The console on the partners screen, showing `n` plain rows.
pub fn partners_listed(n: usize) -> App {
    let mut app = app(Lang::En);
    let fx = app.update(Action::GoTo(Screen::Partners));
    let Some(Effect::LoadPartners { req, .. }) = fx.first().cloned() else { panic!("{fx:?}") };
    app.update(Action::PartnersLoaded(req, Ok(partner_rows(n))));
    app
}

pub fn dashboard() -> Dashboard {
    let months = [
        (6, 9_150_000, 1_650_000, 61),
        (7, 12_300_000, 2_400_000, 88),
        (8, 15_975_000, 3_125_000, 104),
        (9, 18_450_000, 3_700_000, 121),
        (10, 21_600_000, 4_350_000, 133),
        (11, 24_675_000, 4_875_000, 142),
    ];
    Dashboard {
        partners: 300,
        active_partners: 291,
        new_clients_month: 142,
        revenue_month: Money::kzt(24_675_000),
        held: (186, Money::kzt(4_650_000)),
        due: (37, Money::kzt(1_012_500)),
        frozen: (12, Money::kzt(300_000)),
        available: (118, Money::kzt(3_100_000)),
        paid: (950, Money::kzt(24_800_000)),
        next_payout_due: day(2026, 12, 10),
        next_payout_month: day(2026, 11, 1),
        open_cases: 3,
        months: months
            .iter()
            .map(|&(m, rev, bon, clients)| MonthFigures {
                month: day(2026, m, 1),
                revenue: Money::kzt(rev),
                bonuses: Money::kzt(bon),
                new_clients: clients,
            })
            .collect(),
    }
}

/// The next run as the dashboard reads it: November's, not prepared, counted so far.
pub fn next_run() -> crate::service::payout_views::NextRun {
    crate::service::payout_views::NextRun {
        month: "2026-11".into(),
        due: day(2026, 12, 10),
        run: None,
        total: Money::kzt(2_975_000),
        payable: 104,
        held_back: 14,
        held_back_value: Money::kzt(125_000),
        so_far: true,
        late: vec![],
    }
}

fn partner(code: &str, name: &str, status: Status, pending: i64, available: i64, i: i64) -> PartnerRow {
    PartnerRow {
        account_id: format!("P-{:05}", i + 1),
        code: code.into(),
        name: name.into(),
        status,
        phone: Some(format!("+7 701 555 {:04}", i)),
        registered_at: at("2026-06-01T09:00:00") + i * 86_400_000,
        has_contract: i % 4 != 3,
        // Asel's self-referral (worked example 5) froze her bonuses.
        frozen: code == "ASEL25",
        pending: Money::kzt(pending),
        available: Money::kzt(available),
    }
}

/// `n` plain rows, CODE00, CODE01, …
pub fn partner_rows(n: usize) -> Vec<PartnerRow> {
    (0..n as i64)
        .map(|i| partner(&format!("CODE{i:02}"), &format!("Partner {i:02}"), Status::Active, 0, 0, i))
        .collect()
}

/// A page as the list shows it: long, foreign and hostile names among them.
pub fn named_partners() -> Vec<PartnerRow> {
    let names = [
        ("AIGERIM7", "Aigerim Sadykova", Status::Active, 50_000, 25_000),
        ("ALMAS30", "Almas Tokayev", Status::Active, 0, 0),
        ("ASEL25", "Asel Nurlanovna Bekova", Status::Active, 25_000, 75_000),
        ("AZAMAT11", "Azamat Zhunusov", Status::CodeDeactivated, 0, 12_500),
        ("BAUYR5", "Bauyrzhan Kassenov", Status::Active, 112_500, 0),
        ("DANA2", "Dana Omarova", Status::Excluded, 0, 0),
        ("DIMA10", "Дмитрий Иванов", Status::Active, 37_500, 150_000),
        ("EVIL1", "Evil\u{1b}[2J\u{7}Name", Status::Active, 0, 0),
        ("GULNAR3", "Gulnara Abenova", Status::Active, 1_250_000, 2_500_000),
        ("KAIRAT8", "Kairat Seitkali", Status::Active, 0, 25_000),
        ("MADI44", "Madi Yerlanuly", Status::Active, 75_000, 0),
        ("NURLAN9", "Нурлан Сапарбаевич Жумагалиев-Абдрахманов", Status::Active, 25_000, 0),
        ("SAULE12", "Saule Ismailova", Status::CodeDeactivated, 0, 0),
        ("TIMUR6", "Timur Bekmukhambetov", Status::Active, 50_000, 50_000),
        ("ZHANIBEK", "Zhanibek Abdrakhmanovich Kassymzhomartov-Nurgaliyev", Status::Active, 0, 100_000),
    ];
    let mut rows: Vec<PartnerRow> =
        names.iter().enumerate().map(|(i, (c, n, s, p, a))| partner(c, n, *s, *p, *a, i as i64)).collect();
    rows.extend(
        (0..10).map(|i| partner(&format!("ZZ{i:02}"), &format!("Zarina Partner {i}"), Status::Active, 0, 0, 20 + i)),
    );
    rows
}

pub fn bonus(id: i64, status: ShownBonusState) -> BonusRow {
    BonusRow {
        id,
        partner: "ASEL25".into(),
        partner_name: "Asel Nurlanovna Bekova".into(),
        payment_id: format!("pay-2026-11-{id:05}"),
        amount: Money::kzt(25_000),
        status,
        booked_at: at("2026-11-05T10:00:00") + id * 60_000,
        release_at: at("2026-11-19T10:00:00") + id * 60_000,
        reason: None,
    }
}

/// The due queue: five bonuses of different partners and amounts.
pub fn bonus_rows() -> Vec<BonusRow> {
    let mut rows = vec![
        bonus(101, ShownBonusState::Due),
        bonus(102, ShownBonusState::Due),
        bonus(103, ShownBonusState::Due),
        bonus(104, ShownBonusState::Due),
        bonus(105, ShownBonusState::Due),
    ];
    rows[1].partner = "DIMA10".into();
    rows[1].amount = Money::kzt(50_000);
    rows[2].partner = "GULNAR3".into();
    rows[2].payment_id = "platform-payment-7f3a9c2e-41b8-4d7e-9a61-0c5e2b8d9f14".into();
    rows[2].amount = Money::kzt(75_000);
    rows[3].partner = "ZHANIBEK".into();
    rows[4].partner = "TIMUR6".into();
    rows[4].amount = Money::from_tiyn(1_875_050);
    rows
}

pub fn detail() -> PartnerDetail {
    // Bonus 41 was paid and then clawed back; 52 voided by a refund; 60 is due now.
    let line = |id: i64, when: &str, kind: &str, bucket: &str, amount: i64, reason: Option<&str>| {
        let (bonus, state, by) = match id {
            8 => (52, ShownBonusState::Voided, "import"),
            7 => (60, ShownBonusState::Due, "import"),
            5 | 6 => (41, ShownBonusState::Paid, "aigerim.ops"),
            _ => (41, ShownBonusState::Paid, "import"),
        };
        LedgerLine {
            id,
            at: at(when),
            kind: kind.into(),
            bucket: bucket.into(),
            amount: Money::kzt(amount),
            bonus_id: Some(bonus),
            operator: by.into(),
            reason: reason.map(String::from),
            reference: None,
            payment_id: Some(format!("pay-2026-10-{bonus:05}")),
            bonus_state: Some(state),
        }
    };
    PartnerDetail {
        account_id: "P-00003".into(),
        code: "ASEL25".into(),
        name: "Asel Nurlanovna Bekova".into(),
        status: Status::Active,
        status_reason: None,
        code_deactivated_at: None,
        code_deactivated_by: None,
        email: Some("asel.bekova@mail.kz".into()),
        phone: Some("+7 701 555 0002".into()),
        iin: Some("900101400123".into()),
        registered_at: at("2026-10-01T09:00:00"),
        trial_ends_at: at("2026-10-02T09:00:00"),
        parent_code: Some("GULNAR3".into()),
        contract: Some(ContractInfo {
            number: "RP-2026-0042".into(),
            signed_on: "2026-10-02".into(),
            method: "bank_transfer".into(),
            iban: "KZ86125KZT5004100100".into(),
            iin_bin: "900101400123".into(),
        }),
        open_cases: 0,
        balance: Balance {
            held: Money::kzt(25_000),
            due: Money::kzt(50_000),
            frozen: Money::ZERO,
            available: Money::kzt(75_000),
            paid: Money::kzt(250_000),
            clawed_back: Money::kzt(25_000),
            net: Money::kzt(50_000),
        },
        stats: Stats {
            registrations: 17,
            paying_clients: 12,
            purchases_amount: Money::kzt(1_050_000),
            purchases_refunded: Money::kzt(150_000),
        },
        ledger: vec![
            line(
                9,
                "2026-11-20T14:05:00",
                "clawback",
                "available",
                -25_000,
                Some("refund of pay-2026-10-00017 after payout"),
            ),
            line(8, "2026-11-12T11:30:00", "void", "held", -25_000, Some("client refunded inside the hold")),
            line(7, "2026-11-05T10:00:00", "accrual", "held", 25_000, None),
            line(6, "2026-10-20T09:15:00", "release", "available", 25_000, None),
            line(5, "2026-10-20T09:15:00", "release", "held", -25_000, None),
            line(4, "2026-10-05T10:00:00", "accrual", "held", 25_000, None),
        ],
        ledger_total: 6,
        clients: vec![
            ClientLine {
                account_id: "C-10442".into(),
                registered_at: Some(at("2026-11-03T12:00:00")),
                is_partner: false,
                payments: 1,
                paid: Money::kzt(150_000),
                refunded: Money::kzt(150_000),
            },
            ClientLine {
                account_id: "C-10017".into(),
                registered_at: Some(at("2026-10-03T08:00:00")),
                is_partner: true,
                payments: 2,
                paid: Money::kzt(300_000),
                refunded: Money::ZERO,
            },
            ClientLine {
                account_id: "C-09981".into(),
                registered_at: None,
                is_partner: false,
                payments: 0,
                paid: Money::ZERO,
                refunded: Money::ZERO,
            },
        ],
        clients_total: 3,
    }
}

/// Bonus 101 in full: a payment partly refunded (the bonus reduced), approved, then voided by an
/// operator with a long reason.
pub fn bonus_detail() -> BonusDetail {
    let step =
        |what, by: &str, when: &str, amount: i64, reason: Option<&str>, refund: Option<(&str, i64)>| HistoryStep {
            what,
            by: by.into(),
            at: at(when),
            recorded_at: at(when),
            amount: Money::from_tiyn(amount),
            reason: reason.map(String::from),
            refund: refund.map(|r| r.0.to_string()),
            refund_amount: refund.map(|r| Money::kzt(r.1)),
        };
    BonusDetail {
        id: 101,
        state: ShownBonusState::Voided,
        payment: PaymentFacts {
            id: "pay-2026-11-00101".into(),
            account_id: "C-10442".into(),
            package: "P100".into(),
            list_price: Money::kzt(100_000),
            paid_amount: Money::kzt(75_000),
            refunded: Money::kzt(25_000),
            net: Money::kzt(50_000),
            refund: RefundMark::Partly,
            paid_at: at("2026-11-05T10:00:00"),
            refunds: vec![RefundLine {
                amount: Money::kzt(25_000),
                at: at("2026-11-12T11:30:00"),
                event_id: "refund-7731".into(),
            }],
        },
        partner: "ASEL25".into(),
        partner_name: "Asel Nurlanovna Bekova".into(),
        base: "list_price".into(),
        base_amount: Money::kzt(100_000),
        rate: "0.25".into(),
        campaign: None,
        hold_days: 14,
        booked_at: at("2026-11-05T10:00:00"),
        release_at: at("2026-11-19T10:00:00"),
        booked: Money::kzt(25_000),
        reduced: Money::from_tiyn(833_333),
        clawed_back: Money::ZERO,
        value: Money::from_tiyn(1_666_667),
        kept: Money::ZERO,
        history: vec![
            step(Happened::Booked, "import", "2026-11-05T10:00:00", 2_500_000, None, None),
            step(
                Happened::Reduced,
                "import",
                "2026-11-12T11:30:00",
                -833_333,
                Some("refund of payment pay-2026-11-00101"),
                Some(("refund-7731", 25_000)),
            ),
            step(Happened::Approved, "bolat.ops", "2026-11-20T09:15:00", 1_666_667, None, None),
            step(
                Happened::Voided,
                "aigerim.ops",
                "2026-11-24T16:40:00",
                -1_666_667,
                Some(
                    "the client's bank disputed the remaining charge and the partner admitted selling codes on a forum",
                ),
                None,
            ),
        ],
    }
}
