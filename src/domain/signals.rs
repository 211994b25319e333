//! Abuse signals (RULES.md "Abuse"): from facts the store gathers, each finding names a partner,
//! the signal, the evidence in plain words, and the bonuses it concerns. A finding has a key that
//! stays the same when the same pattern is found again, so that a scan run twice adds nothing and
//! a case an operator dismissed is not opened again for the same evidence.
use super::Money;
use super::fraud::CaseKind;
use super::terms::AbuseTerms;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};

/// One pattern found about one partner.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub partner_id: String,
    pub kind: CaseKind,
    /// Stable over scans: the same evidence gives the same key.
    pub key: String,
    /// The evidence in one sentence, naming accounts, values and numbers: in English, and in
    /// Russian for the console.
    pub explanation: String,
    pub explanation_ru: String,
    /// The bonuses it concerns (those a `void` decision cancels).
    pub bonus_ids: Vec<i64>,
    /// The payment it is about, when it is about one.
    pub payment_id: Option<String>,
}

/// A kind of identity two accounts can share.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum IdentityKind {
    Email,
    Phone,
    Iin,
    BankAccount,
    Device,
}

impl IdentityKind {
    pub const ALL: [IdentityKind; 5] =
        [IdentityKind::Email, IdentityKind::Phone, IdentityKind::Iin, IdentityKind::BankAccount, IdentityKind::Device];

    pub fn as_str(self) -> &'static str {
        match self {
            IdentityKind::Email => "email",
            IdentityKind::Phone => "phone",
            IdentityKind::Iin => "iin",
            IdentityKind::BankAccount => "bank_account",
            IdentityKind::Device => "device",
        }
    }

    /// A value as people write it (phones are stored as their digits).
    fn shown(self, value: &str) -> String {
        if self == IdentityKind::Phone && !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
            format!("+{value}")
        } else {
            value.to_string()
        }
    }

    fn words_ru(self) -> &'static str {
        match self {
            IdentityKind::Email => "email",
            IdentityKind::Phone => "телефон",
            IdentityKind::Iin => "ИИН",
            IdentityKind::BankAccount => "банковский счёт",
            IdentityKind::Device => "устройство",
        }
    }

    fn words(self) -> &'static str {
        match self {
            IdentityKind::Email => "email",
            IdentityKind::Phone => "phone",
            IdentityKind::Iin => "IIN",
            IdentityKind::BankAccount => "bank account",
            IdentityKind::Device => "device",
        }
    }
}

/// A partner account as a signal names it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct PartnerRef {
    pub account_id: String,
    pub code: String,
}

/// One identity value held by several partner accounts.
#[derive(Clone, Debug, PartialEq)]
pub struct SharedValue {
    pub kind: IdentityKind,
    /// As normalised (the form compared).
    pub value: String,
    pub partners: Vec<PartnerRef>,
}

/// One identity shared by several partner accounts: a finding for each of them.
pub fn shared_identity(groups: &[SharedValue]) -> Vec<Finding> {
    let mut out = Vec::new();
    for g in groups {
        let partners: BTreeSet<&PartnerRef> = g.partners.iter().collect();
        if partners.len() < 2 {
            continue;
        }
        for p in &partners {
            let others: Vec<&str> =
                partners.iter().filter(|o| o.account_id != p.account_id).map(|o| o.code.as_str()).collect();
            out.push(Finding {
                partner_id: p.account_id.clone(),
                kind: CaseKind::SharedIdentity,
                key: format!("{}:{}", g.kind.as_str(), g.value),
                explanation: format!(
                    "partner {} shares the {} {} with partner{} {}",
                    p.code,
                    g.kind.words(),
                    g.kind.shown(&g.value),
                    if others.len() == 1 { "" } else { "s" },
                    others.join(", ")
                ),
                explanation_ru: format!(
                    "{} {} партнёра {} есть и у партнёров: {}",
                    g.kind.words_ru(),
                    g.kind.shown(&g.value),
                    p.code,
                    others.join(", ")
                ),
                bonus_ids: Vec::new(),
                payment_id: None,
            });
        }
    }
    out
}

/// A client brought by a partner, with what it shares with the partner's account.
#[derive(Clone, Debug, PartialEq)]
pub struct ClientOfPartner {
    pub partner: PartnerRef,
    pub client_id: String,
    /// The identities equal after normalisation (email, phone, IIN).
    pub shared: Vec<(IdentityKind, String)>,
    /// The bonuses the client's payments earned.
    pub bonus_ids: Vec<i64>,
}

/// The client is the partner's own account or shares an email, phone or IIN with it.
pub fn self_referral(clients: &[ClientOfPartner]) -> Vec<Finding> {
    let mut out = Vec::new();
    for c in clients {
        let own = c.client_id == c.partner.account_id;
        if !own && c.shared.is_empty() {
            continue;
        }
        let (explanation, explanation_ru) = if own {
            (
                format!("client {} is partner {}'s own account", c.client_id, c.partner.code),
                format!("клиент {} — собственный аккаунт партнёра {}", c.client_id, c.partner.code),
            )
        } else {
            let what: Vec<String> = c.shared.iter().map(|(k, v)| format!("{} {}", k.words(), k.shown(v))).collect();
            let what_ru: Vec<String> =
                c.shared.iter().map(|(k, v)| format!("{} {}", k.words_ru(), k.shown(v))).collect();
            (
                format!("client {} shares the {} of partner {}", c.client_id, what.join(" and the "), c.partner.code),
                format!(
                    "у клиента {} те же данные, что у партнёра {}: {}",
                    c.client_id,
                    c.partner.code,
                    what_ru.join(", ")
                ),
            )
        };
        out.push(Finding {
            partner_id: c.partner.account_id.clone(),
            kind: CaseKind::SelfReferral,
            key: format!("client:{}", c.client_id),
            explanation,
            explanation_ru,
            bonus_ids: c.bonus_ids.clone(),
            payment_id: None,
        });
    }
    out
}

/// A payment with a partner's code from the partner's own account or from an account sharing its
/// identity (eligibility rule 3, judged at import): `shared` names what matched (`account`,
/// `email`, `phone`, `iin`).
pub fn self_referral_payment(partner: &PartnerRef, payment_id: &str, client_id: &str, shared: &[&str]) -> Finding {
    let code = &partner.code;
    let (explanation, explanation_ru) = if shared.contains(&"account") {
        (
            format!("payment {payment_id} with {code} came from partner {code}'s own account"),
            format!("платёж {payment_id} с кодом {code} пришёл с собственного аккаунта партнёра {code}"),
        )
    } else {
        let what_ru: Vec<&str> = shared
            .iter()
            .map(|s| match *s {
                "iin" => "ИИН",
                "phone" => "телефон",
                other => other,
            })
            .collect();
        let what: Vec<&str> = shared
            .iter()
            .map(|s| match *s {
                "iin" => "IIN",
                other => other,
            })
            .collect();
        (
            format!(
                "payment {payment_id} with {code} came from client {client_id}, who shares the {} of partner {code}",
                what.join(" and the ")
            ),
            format!(
                "платёж {payment_id} с кодом {code} пришёл от клиента {client_id}, у которого с партнёром {code} \
                 совпадают: {}",
                what_ru.join(", ")
            ),
        )
    };
    Finding {
        partner_id: partner.account_id.clone(),
        kind: CaseKind::SelfReferral,
        key: format!("client:{client_id}"),
        explanation,
        explanation_ru,
        bonus_ids: Vec::new(),
        payment_id: Some(payment_id.to_string()),
    }
}

/// A registration through a partner's code: the client, when (unix ms), and the bonus it earned.
#[derive(Clone, Debug, PartialEq)]
pub struct Registration {
    pub client_id: String,
    pub at: i64,
    pub bonus_id: Option<i64>,
}

/// More than `burst_registrations` registrations through one code within `burst_window_minutes`:
/// the window with the most, the earliest of equals. `registrations` in time order.
pub fn registration_burst(partner: &PartnerRef, registrations: &[Registration], terms: &AbuseTerms) -> Option<Finding> {
    let window = i64::from(terms.burst_window_minutes) * 60_000;
    let limit = terms.burst_registrations as usize;
    let (mut best, mut best_start) = (0usize, 0usize);
    let mut start = 0;
    for end in 0..registrations.len() {
        while registrations[end].at - registrations[start].at >= window {
            start += 1;
        }
        if end + 1 - start > best {
            best = end + 1 - start;
            best_start = start;
        }
    }
    if best <= limit {
        return None;
    }
    let burst = &registrations[best_start..best_start + best];
    let first = burst.first()?;
    Some(Finding {
        partner_id: partner.account_id.clone(),
        kind: CaseKind::RegistrationBurst,
        key: format!("from:{}", first.at),
        explanation: format!(
            "{} clients registered through {} within {} minutes (more than {}), the first {} and the last {}",
            best,
            partner.code,
            terms.burst_window_minutes,
            limit,
            first.client_id,
            burst.last().map(|r| r.client_id.as_str()).unwrap_or_default()
        ),
        explanation_ru: format!(
            "по коду {} за {} мин. зарегистрировано клиентов: {} (больше {}), первый {}, последний {}",
            partner.code,
            terms.burst_window_minutes,
            best,
            limit,
            first.client_id,
            burst.last().map(|r| r.client_id.as_str()).unwrap_or_default()
        ),
        bonus_ids: burst.iter().filter_map(|r| r.bonus_id).collect(),
        payment_id: None,
    })
}

/// A partner's paying clients and those of them refunded (in full or in part), with the bonuses
/// of the refunded ones.
#[derive(Clone, Debug, PartialEq)]
pub struct Refunds {
    pub partner: PartnerRef,
    pub paying_clients: u64,
    pub refunded_clients: u64,
    pub bonus_ids: Vec<i64>,
}

/// More than `refund_rate_threshold` of a partner's paying clients refunded, with at least
/// `refund_rate_min_clients` paying clients.
pub fn refund_rate(r: &Refunds, terms: &AbuseTerms) -> Option<Finding> {
    if r.paying_clients < u64::from(terms.refund_rate_min_clients) || r.paying_clients == 0 {
        return None;
    }
    let rate = Decimal::from(r.refunded_clients) / Decimal::from(r.paying_clients);
    if rate <= terms.refund_rate_threshold {
        return None;
    }
    let percent = (rate * Decimal::from(100)).round_dp(1).normalize();
    let limit = (terms.refund_rate_threshold * Decimal::from(100)).normalize();
    Some(Finding {
        partner_id: r.partner.account_id.clone(),
        kind: CaseKind::RefundRate,
        key: format!("{}/{}", r.refunded_clients, r.paying_clients),
        explanation: format!(
            "{} of {} paying clients of {} were refunded ({percent}%, more than {limit}%)",
            r.refunded_clients, r.paying_clients, r.partner.code
        ),
        explanation_ru: format!(
            "возвраты у {} из {} платящих клиентов {} ({percent}%, больше {limit}%)",
            r.refunded_clients, r.paying_clients, r.partner.code
        ),
        bonus_ids: r.bonus_ids.clone(),
        payment_id: None,
    })
}

/// A payment that earned a bonus.
#[derive(Clone, Debug, PartialEq)]
pub struct EarningPayment {
    pub partner: PartnerRef,
    pub payment_id: String,
    pub list_price: Money,
    pub paid: Money,
    pub bonus_id: i64,
}

/// What a payment with a code pays: the list price less the client discount.
pub fn promo_price(list_price: Money, client_discount: Decimal) -> Option<Money> {
    Some(list_price - list_price.apply_rate(client_discount)?)
}

/// The paid amount is not the list price less the client discount.
pub fn price_mismatch(p: &EarningPayment, client_discount: Decimal) -> Option<Finding> {
    let expected = promo_price(p.list_price, client_discount)?;
    if p.paid == expected {
        return None;
    }
    Some(Finding {
        partner_id: p.partner.account_id.clone(),
        kind: CaseKind::PriceMismatch,
        key: format!("payment:{}", p.payment_id),
        explanation: format!(
            "payment {} through {} paid {} where the list price {} less the client discount is {}",
            p.payment_id,
            p.partner.code,
            p.paid.plain(),
            p.list_price.plain(),
            expected.plain()
        ),
        explanation_ru: format!(
            "платёж {} по коду {}: оплачено {}, а цена {} за вычетом скидки клиента — {}",
            p.payment_id,
            p.partner.code,
            p.paid.plain(),
            p.list_price.plain(),
            expected.plain()
        ),
        bonus_ids: vec![p.bonus_id],
        payment_id: Some(p.payment_id.clone()),
    })
}

/// Partners who brought each other, directly or through others: `brought_by` maps a partner's
/// account to the partner account that brought it (each account has one parent at most). A
/// finding for each member of each cycle.
pub fn referral_ring(brought_by: &BTreeMap<PartnerRef, PartnerRef>) -> Vec<Finding> {
    // Each node has one outgoing edge at most: walking from every node, a cycle is met when the
    // walk comes back to a node of the same walk. Nodes already settled are not walked again.
    let parent: BTreeMap<&PartnerRef, &PartnerRef> = brought_by.iter().collect();
    let mut settled: BTreeSet<&PartnerRef> = BTreeSet::new();
    let mut out = Vec::new();
    for start in parent.keys() {
        let mut path: Vec<&PartnerRef> = Vec::new();
        let mut on_path: BTreeMap<&PartnerRef, usize> = BTreeMap::new();
        let mut at = *start;
        loop {
            if settled.contains(at) {
                break;
            }
            if let Some(&i) = on_path.get(at) {
                let mut ring: Vec<&PartnerRef> = path[i..].to_vec();
                ring.sort();
                let codes: Vec<&str> = ring.iter().map(|p| p.code.as_str()).collect();
                for p in &ring {
                    out.push(Finding {
                        partner_id: p.account_id.clone(),
                        kind: CaseKind::ReferralRing,
                        key: codes.join(">"),
                        explanation: format!("partners {} brought each other, in a ring", codes.join(", ")),
                        explanation_ru: format!("партнёры {} привели друг друга по кругу", codes.join(", ")),
                        bonus_ids: Vec::new(),
                        payment_id: None,
                    });
                }
                break;
            }
            on_path.insert(at, path.len());
            path.push(at);
            match parent.get(at) {
                Some(next) => at = next,
                None => break,
            }
        }
        settled.extend(path);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(code: &str) -> PartnerRef {
        PartnerRef { account_id: format!("A-{code}"), code: code.into() }
    }

    fn terms() -> AbuseTerms {
        AbuseTerms {
            burst_registrations: 20,
            burst_window_minutes: 60,
            refund_rate_threshold: Decimal::new(30, 2),
            refund_rate_min_clients: 10,
        }
    }

    #[test]
    fn a_shared_phone_names_the_others() {
        let g = SharedValue {
            kind: IdentityKind::Phone,
            value: "77058058259".into(),
            partners: vec![p("ASEL25"), p("BOLAT25"), p("ASEL25")],
        };
        let f = shared_identity(&[g]);
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].explanation, "partner ASEL25 shares the phone +77058058259 with partner BOLAT25");
        assert_eq!(f[0].explanation_ru, "телефон +77058058259 партнёра ASEL25 есть и у партнёров: BOLAT25");
        assert_eq!(f[0].key, "phone:77058058259");
        let alone = SharedValue { kind: IdentityKind::Email, value: "a@b.kz".into(), partners: vec![p("ASEL25")] };
        assert!(shared_identity(&[alone]).is_empty());
    }

    #[test]
    fn self_referral_by_own_account_or_shared_identity() {
        let own =
            ClientOfPartner { partner: p("ASEL25"), client_id: "A-ASEL25".into(), shared: vec![], bonus_ids: vec![] };
        let phone = ClientOfPartner {
            partner: p("ASEL25"),
            client_id: "C9".into(),
            shared: vec![(IdentityKind::Phone, "77058058259".into())],
            bonus_ids: vec![4],
        };
        let clean =
            ClientOfPartner { partner: p("ASEL25"), client_id: "C1".into(), shared: vec![], bonus_ids: vec![1] };
        let f = self_referral(&[own, phone, clean]);
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].explanation, "client A-ASEL25 is partner ASEL25's own account");
        assert_eq!(f[1].explanation, "client C9 shares the phone +77058058259 of partner ASEL25");
        assert_eq!(f[1].bonus_ids, vec![4]);
    }

    fn regs(n: usize, every_ms: i64) -> Vec<Registration> {
        (0..n)
            .map(|i| Registration { client_id: format!("C{i}"), at: i as i64 * every_ms, bonus_id: Some(i as i64) })
            .collect()
    }

    #[test]
    fn a_burst_is_more_than_the_limit_within_the_window() {
        // 21 within 59 minutes: a burst; 20: not; 21 spread over 60 minutes and more: not.
        let f = registration_burst(&p("ASEL25"), &regs(21, 59 * 60_000 / 20), &terms()).expect("a burst");
        assert!(
            f.explanation.starts_with("21 clients registered through ASEL25 within 60 minutes (more than 20)"),
            "{}",
            f.explanation
        );
        assert_eq!(f.bonus_ids.len(), 21);
        assert!(registration_burst(&p("ASEL25"), &regs(20, 1_000), &terms()).is_none());
        assert!(registration_burst(&p("ASEL25"), &regs(21, 3 * 60_000), &terms()).is_none());
        assert!(registration_burst(&p("ASEL25"), &[], &terms()).is_none());
    }

    #[test]
    fn a_refund_rate_over_the_threshold_with_enough_clients() {
        let r = |paying, refunded| Refunds {
            partner: p("ASEL25"),
            paying_clients: paying,
            refunded_clients: refunded,
            bonus_ids: vec![],
        };
        let f = refund_rate(&r(10, 4), &terms()).expect("40% of 10");
        assert_eq!(f.explanation, "4 of 10 paying clients of ASEL25 were refunded (40%, more than 30%)");
        assert!(refund_rate(&r(10, 3), &terms()).is_none(), "30% is not more than 30%");
        assert!(refund_rate(&r(9, 9), &terms()).is_none(), "fewer than 10 paying clients");
        assert!(refund_rate(&r(0, 0), &terms()).is_none());
    }

    #[test]
    fn a_price_that_is_not_list_less_discount() {
        let m = |s: &str| Money::parse_kzt(s).expect("money");
        let pay = |paid: &str| EarningPayment {
            partner: p("ASEL25"),
            payment_id: "PAY1".into(),
            list_price: m("100000"),
            paid: m(paid),
            bonus_id: 7,
        };
        let discount = Decimal::new(25, 2);
        assert!(price_mismatch(&pay("75000"), discount).is_none());
        let f = price_mismatch(&pay("60000"), discount).expect("a mismatch");
        assert_eq!(
            f.explanation,
            "payment PAY1 through ASEL25 paid 60000.00 where the list price 100000.00 less the client discount is 75000.00"
        );
        assert_eq!(f.bonus_ids, vec![7]);
    }

    #[test]
    fn rings_of_any_length_and_no_ring_in_a_chain() {
        let mut by = BTreeMap::new();
        by.insert(p("A"), p("B"));
        by.insert(p("B"), p("C"));
        by.insert(p("C"), p("A"));
        by.insert(p("D"), p("A"));
        by.insert(p("E"), p("E"));
        by.insert(p("F"), p("G"));
        let f = referral_ring(&by);
        let keys: BTreeSet<&str> = f.iter().map(|x| x.key.as_str()).collect();
        assert_eq!(keys, BTreeSet::from(["A>B>C", "E"]));
        assert_eq!(f.iter().filter(|x| x.key == "A>B>C").count(), 3);
        assert_eq!(f[0].explanation, "partners A, B, C brought each other, in a ring");
    }
}
