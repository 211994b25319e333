//! A model-based test of the ledger: random sequences of platform events and operator actions run
//! through the real services on SQLite, against a simple reference model of what every bonus
//! should be worth and in which state. After every step the balances the services derive must
//! equal the model's, and the ledger's buckets must equal the bonuses in them. Counters prove that
//! every operation and every refusal path ran.
use proptest::prelude::*;
use refdesk::domain::event::{Bounds, parse_json_line};
use refdesk::domain::{Money, Terms};
use refdesk::service::import::{Importer, Line};
use refdesk::service::{Clock, Ctx, ServiceError, bonuses, partners};
use refdesk::store::{Store, query_all};
use serde_json::json;
use std::collections::BTreeMap;

#[derive(Clone, Debug)]
enum Op {
    /// A new client of partner `p` pays, with the partner's code, for package `pkg` of the terms'
    /// catalog.
    Pay {
        p: usize,
        pkg: prop::sample::Index,
    },
    /// A refund of `num/den` of what remains of payment `k` (modulo the payments so far).
    Refund {
        k: usize,
        num: i64,
        den: i64,
    },
    /// A refund larger than what remains: must be rejected and change nothing.
    OverRefund {
        k: usize,
    },
    /// The clock moves forward by some hours.
    Wait {
        hours: i64,
    },
    Approve {
        k: usize,
    },
    Void {
        k: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0usize..3, any::<prop::sample::Index>()).prop_map(|(p, pkg)| Op::Pay { p, pkg }),
        2 => (0usize..40, 1i64..4, 1i64..4).prop_map(|(k, num, den)| Op::Refund { k, num: num.min(den), den }),
        1 => (0usize..40).prop_map(|k| Op::OverRefund { k }),
        3 => (1i64..200).prop_map(|hours| Op::Wait { hours }),
        2 => (0usize..40).prop_map(|k| Op::Approve { k }),
        1 => (0usize..40).prop_map(|k| Op::Void { k }),
    ]
}

#[derive(Clone, Debug, PartialEq)]
enum St {
    Held,
    Available,
    Voided,
}

#[derive(Clone, Debug)]
struct Pay {
    id: String,
    partner: usize,
    paid: i64,
    refunded: i64,
    booked: i64,
    /// Taken back by partial refunds while unpaid.
    reduced: i64,
    state: St,
    release_at: chrono::DateTime<chrono::Utc>,
    bonus_id: Option<i64>,
}

#[derive(Default, Debug)]
struct Counters {
    pays: u32,
    partial_refunds: u32,
    full_refunds: u32,
    over_refunds_rejected: u32,
    approvals: u32,
    approvals_refused: u32,
    voids: u32,
    voids_refused: u32,
}

struct World {
    ctx: Ctx,
    now: chrono::DateTime<chrono::Utc>,
    pays: Vec<Pay>,
    seq: usize,
    n: Counters,
}

impl World {
    async fn import(&mut self, line: String) -> usize {
        self.seq += 1;
        let ctx = Ctx { clock: Clock::Fixed(self.now), ..self.ctx.clone() };
        let mut imp = Importer::new(&ctx, "model");
        let parsed = parse_json_line(&line, &Bounds::DEFAULT);
        imp.push(vec![Line::from_text(self.seq, line, parsed)]).await.expect("import runs");
        imp.finish().await.expect("import finishes").rejected.len()
    }

    fn ctx(&self) -> Ctx {
        Ctx { clock: Clock::Fixed(self.now), ..self.ctx.clone() }
    }

    fn at(&self) -> String {
        self.now.to_rfc3339()
    }

    async fn apply(&mut self, op: &Op) {
        match *op {
            Op::Pay { p, pkg } => {
                self.seq += 1;
                let catalog = &self.ctx.terms.packages;
                let package = &catalog[pkg.index(catalog.len())];
                let (code, list, paid) = (package.code.clone(), package.list_price, package.promo_price);
                let (client, pay) = (format!("C{}", self.seq), format!("PAY{}", self.seq));
                let reg = json!({"type":"client_registered","event_id":format!("r{}", self.seq),"at":self.at(),"account_id":client,"promo_code":format!("P{p}CODE")});
                assert_eq!(self.import(reg.to_string()).await, 0);
                let ev = json!({"type":"payment_confirmed","event_id":format!("p{}", self.seq),"at":self.at(),"payment_id":pay,"account_id":client,"package":code,"list_price":list.plain(),"paid_amount":paid.plain(),"promo_code":format!("p{p}code")});
                assert_eq!(self.import(ev.to_string()).await, 0);
                let bonus_id = query_all(
                    &self.ctx.store.db,
                    "SELECT id FROM bonus WHERE payment_id = $1",
                    vec![pay.clone().into()],
                )
                .await
                .ok()
                .and_then(|r| r.first().and_then(|r| r.try_get_by_index::<i64>(0).ok()));
                self.pays.push(Pay {
                    id: pay,
                    partner: p,
                    paid: paid.tiyn(),
                    refunded: 0,
                    // The program's 25% of the list price (RULES.md, the default terms).
                    booked: list.tiyn() / 4,
                    reduced: 0,
                    state: St::Held,
                    release_at: self.now + chrono::Duration::days(14),
                    bonus_id,
                });
                self.n.pays += 1;
            }
            Op::Refund { k, num, den } if !self.pays.is_empty() => {
                let i = k % self.pays.len();
                let remaining = self.pays[i].paid - self.pays[i].refunded;
                let amount = remaining * num / den;
                if amount == 0 {
                    return;
                }
                let ev = json!({"type":"payment_refunded","event_id":format!("f{}", self.seq + 1),"at":self.at(),"payment_id":self.pays[i].id,"amount":Money::from_tiyn(amount).plain()});
                assert_eq!(self.import(ev.to_string()).await, 0, "refund of {amount} on {:?}", self.pays[i]);
                let p = &mut self.pays[i];
                p.refunded += amount;
                if p.state != St::Voided {
                    if p.refunded == p.paid {
                        p.state = St::Voided;
                        self.n.full_refunds += 1;
                    } else {
                        // The reference: the whole take-back from the cumulative refund, rounded once.
                        let exact = (p.booked as i128 * p.refunded as i128 * 2 + p.paid as i128) / (2 * p.paid as i128);
                        p.reduced = exact as i64;
                        self.n.partial_refunds += 1;
                    }
                }
            }
            Op::OverRefund { k } if !self.pays.is_empty() => {
                let i = k % self.pays.len();
                let over = self.pays[i].paid - self.pays[i].refunded + 1;
                let ev = json!({"type":"payment_refunded","event_id":format!("o{}", self.seq + 1),"at":self.at(),"payment_id":self.pays[i].id,"amount":Money::from_tiyn(over).plain()});
                assert_eq!(self.import(ev.to_string()).await, 1, "an over-refund must be rejected");
                self.n.over_refunds_rejected += 1;
            }
            Op::Wait { hours } => self.now += chrono::Duration::hours(hours),
            Op::Approve { k } if !self.pays.is_empty() => {
                let i = k % self.pays.len();
                let Some(id) = self.pays[i].bonus_id else { return };
                let due = self.pays[i].state == St::Held && self.now >= self.pays[i].release_at;
                match bonuses::approve(&self.ctx(), Some(&[id])).await {
                    Ok(p) => {
                        assert!(due, "approved a bonus that was not due: {:?}", self.pays[i]);
                        assert_eq!(p.total.tiyn(), self.pays[i].booked - self.pays[i].reduced);
                        self.pays[i].state = St::Available;
                        self.n.approvals += 1;
                    }
                    Err(ServiceError::Bonus(_)) => {
                        assert!(!due, "refused a due bonus: {:?}", self.pays[i]);
                        self.n.approvals_refused += 1;
                    }
                    Err(e) => panic!("approve failed: {e}"),
                }
            }
            Op::Void { k } if !self.pays.is_empty() => {
                let i = k % self.pays.len();
                let Some(id) = self.pays[i].bonus_id else { return };
                match bonuses::void(&self.ctx(), id, "model test").await {
                    Ok(v) => {
                        assert_ne!(self.pays[i].state, St::Voided);
                        assert_eq!(v.tiyn(), self.pays[i].booked - self.pays[i].reduced);
                        self.pays[i].state = St::Voided;
                        self.n.voids += 1;
                    }
                    Err(ServiceError::Bonus(_)) => {
                        assert_eq!(self.pays[i].state, St::Voided);
                        self.n.voids_refused += 1;
                    }
                    Err(e) => panic!("void failed: {e}"),
                }
            }
            _ => {}
        }
    }

    /// The services' balances against the model, and the ledger's buckets against the bonuses.
    async fn check(&self) {
        // The import writes without SQLite's per-row foreign-key lookups: every reference must hold.
        let broken =
            query_all(&self.ctx.store.db, "PRAGMA foreign_key_check", vec![]).await.expect("foreign_key_check");
        assert!(broken.is_empty(), "{} rows break a foreign key", broken.len());
        for p in 0..3 {
            let b = partners::balance(&self.ctx(), &format!("A{p}")).await.expect("balance");
            let mine = self.pays.iter().filter(|x| x.partner == p);
            let (mut held, mut due, mut avail) = (0, 0, 0);
            for x in mine {
                let v = x.booked - x.reduced;
                match x.state {
                    St::Held if self.now >= x.release_at => due += v,
                    St::Held => held += v,
                    St::Available => avail += v,
                    St::Voided => {}
                }
            }
            assert_eq!(
                (b.held.tiyn(), b.due.tiyn(), b.available.tiyn()),
                (held, due, avail),
                "partner {p} at {}",
                self.now
            );
            assert_eq!(b.net.tiyn(), avail, "net of partner {p}");
            let buckets = query_all(
                &self.ctx.store.db,
                "SELECT bucket, CAST(SUM(amount) AS BIGINT) FROM ledger_entry WHERE partner_id = $1 GROUP BY bucket",
                vec![format!("A{p}").into()],
            )
            .await
            .expect("ledger sums");
            let mut sums = BTreeMap::new();
            for r in buckets {
                sums.insert(
                    r.try_get_by_index::<String>(0).unwrap_or_default(),
                    r.try_get_by_index::<i64>(1).unwrap_or(0),
                );
            }
            assert_eq!(sums.get("held").copied().unwrap_or(0), held + due, "held bucket of partner {p}");
            assert_eq!(sums.get("available").copied().unwrap_or(0), avail, "available bucket of partner {p}");
        }
    }
}

async fn world() -> World {
    let dir = std::env::temp_dir().join(format!("refdesk-model-{}-{}", std::process::id(), rand_suffix()));
    let _ = std::fs::create_dir_all(&dir);
    let store = Store::open(&format!("sqlite://{}?mode=rwc", dir.join("m.db").display())).await.expect("open");
    let now = chrono::DateTime::parse_from_rfc3339("2026-10-01T10:00:00+05:00").map(|d| d.to_utc()).unwrap_or_default();
    let ctx = Ctx { store, terms: Terms::defaults(), operator: "model".into(), clock: Clock::Fixed(now) };
    refdesk::service::operators::sandbox(&ctx, &[]).await.expect("a sandbox");
    let mut w = World { ctx, now, pays: Vec::new(), seq: 0, n: Counters::default() };
    for p in 0..3 {
        let ev = json!({"type":"partner_registered","event_id":format!("a{p}"),"at":w.at(),"account_id":format!("A{p}"),"name":format!("Partner {p}"),"promo_code":format!("P{p}CODE"),"phone":format!("+7 700 000 00 0{p}")});
        assert_eq!(w.import(ev.to_string()).await, 0);
    }
    w
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::SeqCst)
}

#[test]
fn ledger_matches_the_model() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let total = std::cell::RefCell::new(Counters::default());
    let mut runner =
        proptest::test_runner::TestRunner::new(proptest::test_runner::Config { cases: 24, ..Default::default() });
    let result = runner.run(&proptest::collection::vec(op(), 10..40), |ops| {
        let n = rt.block_on(async {
            let mut w = world().await;
            for op in &ops {
                w.apply(op).await;
                w.check().await;
            }
            w.n
        });
        let mut total = total.borrow_mut();
        total.pays += n.pays;
        total.partial_refunds += n.partial_refunds;
        total.full_refunds += n.full_refunds;
        total.over_refunds_rejected += n.over_refunds_rejected;
        total.approvals += n.approvals;
        total.approvals_refused += n.approvals_refused;
        total.voids += n.voids;
        total.voids_refused += n.voids_refused;
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    // Every operation and every refusal path ran at least once.
    let t = &*total.borrow();
    for (name, count) in [
        ("pays", t.pays),
        ("partial refunds", t.partial_refunds),
        ("full refunds", t.full_refunds),
        ("over-refunds rejected", t.over_refunds_rejected),
        ("approvals", t.approvals),
        ("approvals refused", t.approvals_refused),
        ("voids", t.voids),
        ("voids refused", t.voids_refused),
    ] {
        assert!(count > 0, "no {name} in {t:?}");
    }
}
