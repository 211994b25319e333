//! Judging one event against the program's state at that moment, one function per kind of
//! event. A line changes the batch only once every check of it has passed.
use super::batch::{Batch, Code, Row, blank_account, identity_after};
use crate::domain::Money;
use crate::domain::bonus::{Change, RefundEffect};
use crate::domain::codes::{first_free_code, validate_code};
use crate::domain::event::{Body, Contact, Event, LineError};
use crate::domain::ledger::{Posting, Stamp};
use crate::domain::partner::search_key;
use crate::domain::rules::{self, CodeFacts, Identity, PaymentFacts, Reason};
use crate::domain::signals::{self, PartnerRef};
use crate::domain::terms::Package;
use crate::service::{Ctx, Result, from_ms, ms};
use crate::store::bonuses::to_domain;
use crate::store::entity::{bonus, event as event_row, partner, payment, promo_code, refund};
use chrono::{DateTime, Utc};
use sea_orm::{DatabaseTransaction, Set};

/// Ok(true): accepted; Ok(false): a duplicate; Err: rejected with a reason.
pub(super) type Verdict = std::result::Result<bool, LineError>;

/// What every judgement of a batch shares.
pub(super) struct Judge<'a> {
    pub ctx: &'a Ctx,
    pub txn: &'a DatabaseTransaction,
    pub source: &'a str,
}

impl Judge<'_> {
    /// Judges one event; an accepted one is recorded under its event id.
    pub async fn event(&self, b: &mut Batch, ev: &Event, line: usize) -> Result<Verdict> {
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
        let verdict = match &ev.body {
            Body::PartnerRegistered { account_id, name, promo_code, contact } => {
                self.partner_registered(b, ev.at, account_id, name, promo_code.as_deref(), contact).await?
            }
            Body::ClientRegistered { account_id, promo_code, contact } => {
                client_registered(b, ev.at, account_id, promo_code.as_ref(), contact)
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
                let p = Payment {
                    id: payment_id,
                    account_id,
                    package,
                    list_price: *list_price,
                    paid: *paid_amount,
                    promo_code: promo_code.as_ref(),
                    promotion: promotion.as_ref(),
                };
                self.payment_confirmed(b, ev, &p)?
            }
            Body::PaymentRefunded { payment_id, amount } => self.payment_refunded(b, ev, payment_id, *amount)?,
        };
        if verdict.is_ok() {
            b.events.insert(ev.event_id.clone(), ev.digest);
            b.new_events.push(event_row::ActiveModel {
                event_id: Set(ev.event_id.clone()),
                kind: Set(ev.body.kind().into()),
                at: Set(ms(ev.at)),
                digest: Set(ev.digest),
                imported_at: Set(ms(self.ctx.now())),
                source: Set(Some(self.source.to_string())),
                line: Set(i64::try_from(line).unwrap_or(i64::MAX)),
            });
        }
        Ok(verdict)
    }

    fn stamp(&self, at: DateTime<Utc>) -> Stamp {
        Stamp { at, recorded_at: self.ctx.now(), operator: self.ctx.operator.clone() }
    }

    async fn partner_registered(
        &self,
        b: &mut Batch,
        at: DateTime<Utc>,
        account_id: &String,
        name: &str,
        promo_code: Option<&str>,
        contact: &Contact,
    ) -> Result<Verdict> {
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
                    Err(e) => return Ok(Err(LineError::field("promo_code", e.to_string()))),
                };
                if let Some(other) = b.code_owner(self.txn, &c).await? {
                    return Ok(Err(LineError::field(
                        "promo_code",
                        format!("{c} is already the code of partner {other}"),
                    )));
                }
                c
            }
            None => match first_free_code(name, async |c: &str| b.code_owner(self.txn, c).await.map(|o| o.is_some()))
                .await?
            {
                Some(c) => c,
                None => return Ok(Err(LineError::field("name", "no free promo code can be made from it"))),
            },
        };
        let terms = &self.ctx.terms;
        let at_ms = ms(at);
        let mut search = String::new();
        b.upsert_account(account_id, contact, |acc| {
            acc.is_partner = true;
            if acc.name.is_none() {
                acc.name = Some(name.to_string());
            }
            acc.registered_at = Some(acc.registered_at.map_or(at_ms, |r| r.min(at_ms)));
            search = search_key(name, &code, acc.phone.as_deref());
        });
        b.new_partners.push(partner::Model {
            account_id: account_id.clone(),
            name: name.to_string(),
            registered_at: at_ms,
            trial_ends_at: ms(terms.add_days(at, terms.partner_trial_days)),
            status: "active".into(),
            status_reason: None,
            status_at: None,
            status_by: None,
            search,
        });
        b.new_codes.push(promo_code::ActiveModel::new_active(code.clone(), account_id.clone(), at_ms));
        b.codes.insert(
            code,
            Code { partner_id: account_id.clone(), active: true, excluded: false, owner: Identity::default() },
        );
        Ok(Ok(true))
    }

    fn payment_confirmed(&self, b: &mut Batch, ev: &Event, p: &Payment<'_>) -> Result<Verdict> {
        let terms = &self.ctx.terms;
        if b.payments.contains_key(p.id) {
            return Ok(Err(LineError::field("payment_id", format!("{} is already recorded", p.id))));
        }
        let Some(pkg) = terms.package(p.package) else {
            return Ok(Err(LineError::field("package", format!("unknown package {:?}", p.package))));
        };
        if p.list_price != pkg.list_price {
            return Ok(Err(LineError::field(
                "list_price",
                format!("{} is not the list price of {} ({})", p.list_price.plain(), pkg.code, pkg.list_price.plain()),
            )));
        }
        let earlier = b.paying.contains(p.account_id);
        let code = p.promo_code.and_then(|c| b.codes.get(c));
        let partner_id = code.map(|c| c.partner_id.clone());
        let (mut reason, mut booked, mut case) = (None, None, None);
        if let Some(code_text) = p.promo_code {
            let judged = rules::judge(&payment_facts(b, p, code, ev.at).facts(), terms);
            match judged {
                Ok(()) => {
                    booked = rules::book(terms, code_text, p.list_price, p.paid, ev.at);
                    if booked.is_none() {
                        return Ok(Err(LineError::field("list_price", "the bonus on it does not fit in 64 bits")));
                    }
                }
                Err((r, shared)) => {
                    reason = Some(r);
                    if r == Reason::SelfReferral
                        && let Some(pid) = &partner_id
                    {
                        let partner = PartnerRef { account_id: pid.clone(), code: code_text.to_uppercase() };
                        case = Some((signals::self_referral_payment(&partner, p.id, p.account_id, &shared), ms(ev.at)));
                    }
                }
            }
        }
        // Every check has passed: from here on the line changes the batch.
        record_payment(b, ev, p, pkg, partner_id.clone(), reason, earlier);
        b.findings.extend(case);
        if let (Some(bt), Some(pid)) = (booked, partner_id) {
            let id = b.next_bonus_id;
            b.next_bonus_id += 1;
            // A price that is not the list price less the client discount: judged here as the
            // scan judges it, so the case opens with the payment.
            if signals::promo_price(p.list_price, terms.client_discount) != Some(p.paid) {
                let earning = signals::EarningPayment {
                    partner: PartnerRef {
                        account_id: pid.clone(),
                        code: p.promo_code.map(|c| c.to_uppercase()).unwrap_or_default(),
                    },
                    payment_id: p.id.to_string(),
                    list_price: p.list_price,
                    paid: p.paid,
                    bonus_id: id,
                };
                b.findings.extend(signals::price_mismatch(&earning, terms.client_discount).map(|f| (f, ms(ev.at))));
            }
            b.ledger.push(Posting::accrual(&pid, id, bt.amount, self.stamp(ev.at), p.id));
            b.bonuses.insert(
                p.id.clone(),
                Row {
                    m: bonus::Model {
                        id,
                        payment_id: p.id.clone(),
                        partner_id: pid,
                        booked: bt.amount.tiyn(),
                        reduced: 0,
                        clawed: 0,
                        rate: bt.rate.normalize().to_string(),
                        base_kind: bt.base_kind.as_str().into(),
                        base_amount: bt.base_amount.tiyn(),
                        campaign: bt.campaign,
                        hold_days: i32::try_from(bt.hold_days).unwrap_or(i32::MAX),
                        booked_at: ms(ev.at),
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
            b.new_bonuses.push(p.id.clone());
        }
        Ok(Ok(true))
    }

    fn payment_refunded(
        &self,
        b: &mut Batch,
        ev: &Event,
        payment_id: &String,
        amount: Option<Money>,
    ) -> Result<Verdict> {
        let Some(Row { m: p, .. }) = b.payments.get(payment_id) else {
            return Ok(Err(LineError::field("payment_id", format!("no payment {payment_id} to refund"))));
        };
        let paid = Money::from_tiyn(p.paid_amount);
        let refunded = Money::from_tiyn(p.refunded);
        let remaining = paid - refunded;
        if remaining.is_zero() {
            return Ok(Err(LineError::field("payment_id", format!("{payment_id} is already refunded in full"))));
        }
        let amount = amount.unwrap_or(remaining);
        if amount > remaining {
            return Ok(Err(LineError::field(
                "amount",
                format!("refunds would add up to {}, more than the {} paid", (refunded + amount).plain(), paid.plain()),
            )));
        }
        let at = ms(ev.at);
        if at < p.paid_at {
            return Ok(Err(LineError::field("at", format!("the refund is dated before payment {payment_id}"))));
        }
        let total = refunded + amount;
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
        if let Some(Row { m, new, dirty }) = b.bonuses.get_mut(payment_id) {
            let mut bonus = to_domain(m)?;
            let effect = bonus.refund(total, paid, b.sent.contains(&m.id));
            let why = format!("refund of payment {payment_id}");
            let stamp = self.stamp(ev.at);
            let (partner, reference) = (&m.partner_id, Some(ev.event_id.as_str()));
            b.ledger.extend(match effect {
                RefundEffect::Nothing => None,
                RefundEffect::Void { bucket, amount } | RefundEffect::Reduce { bucket, amount } => {
                    Some(Posting::void(partner, m.id, bucket, amount, stamp, &why, reference))
                }
                RefundEffect::Clawback { amount } => {
                    Some(Posting::clawback(partner, m.id, amount, stamp, &why, &ev.event_id))
                }
            });
            bonus.apply(effect, Change { by: self.ctx.operator.clone(), at: ev.at }, &why);
            m.state = bonus.state.as_str().to_string();
            m.reduced = bonus.reduced.tiyn();
            m.clawed = bonus.clawed.tiyn();
            if let Some((c, reason)) = bonus.voided {
                m.voided_at = Some(ms(c.at));
                m.voided_by = Some(c.by);
                m.void_reason = Some(reason);
            }
            *dirty = !*new;
        }
        Ok(Ok(true))
    }
}

/// A `payment_confirmed` event's fields.
struct Payment<'e> {
    id: &'e String,
    account_id: &'e String,
    package: &'e str,
    list_price: Money,
    paid: Money,
    promo_code: Option<&'e String>,
    promotion: Option<&'e String>,
}

fn client_registered(
    b: &mut Batch,
    at: DateTime<Utc>,
    account_id: &String,
    promo_code: Option<&String>,
    contact: &Contact,
) -> Verdict {
    if b.accounts.get(account_id).is_some_and(|a| a.m.is_client) {
        return Err(LineError::field("account_id", format!("{account_id} is already registered as a client")));
    }
    let parent = promo_code.and_then(|c| b.codes.get(c)).map(|c| c.partner_id.clone()).filter(|p| p != account_id);
    let at = ms(at);
    b.upsert_account(account_id, contact, |acc| {
        acc.is_client = true;
        acc.registered_at = Some(acc.registered_at.map_or(at, |r| r.min(at)));
        if acc.parent_id.is_none() && parent.is_some() {
            acc.parent_id = parent;
            acc.via_code = promo_code.cloned();
        }
    });
    Ok(true)
}

/// The facts a payment with a code is judged on, with the client's account as the payment will
/// leave it: a payment from an account the platform never announced creates it, as a client.
fn payment_facts<'b>(b: &'b Batch, p: &Payment<'_>, code: Option<&'b Code>, at: DateTime<Utc>) -> OwnedFacts<'b> {
    let client = match b.accounts.get(p.account_id) {
        Some(a) if a.m.is_client => a.identity(),
        Some(a) => identity_after(&a.m, &Contact::default()),
        None => identity_after(&blank_account(p.account_id), &Contact::default()),
    };
    let partner = code.map(|c| match b.accounts.get(&c.partner_id) {
        _ if &c.partner_id == p.account_id => client.clone(),
        Some(a) => a.identity(),
        None => c.owner.clone(),
    });
    OwnedFacts {
        code,
        client,
        partner,
        promotion: p.promotion.is_some(),
        earlier: b.paying.contains(p.account_id),
        registered_at: b.accounts.get(p.account_id).and_then(|a| a.m.registered_at).map(from_ms),
        at,
    }
}

/// [`PaymentFacts`] with the identities it borrows.
struct OwnedFacts<'b> {
    code: Option<&'b Code>,
    client: Identity,
    partner: Option<Identity>,
    promotion: bool,
    earlier: bool,
    registered_at: Option<DateTime<Utc>>,
    at: DateTime<Utc>,
}

impl OwnedFacts<'_> {
    fn facts(&self) -> PaymentFacts<'_> {
        PaymentFacts {
            code: self.code.zip(self.partner.as_ref()).map(|(c, partner)| CodeFacts {
                active: c.active,
                partner_excluded: c.excluded,
                partner,
            }),
            client: &self.client,
            promotion: self.promotion,
            earlier_payment: self.earlier,
            registered_at: self.registered_at,
            paid_at: self.at,
        }
    }
}

/// Records an accepted payment: the client's account (created if the platform never announced
/// it), its parent when this first payment's code makes one, and the payment row.
fn record_payment(
    b: &mut Batch,
    ev: &Event,
    p: &Payment<'_>,
    pkg: &Package,
    partner_id: Option<String>,
    reason: Option<Reason>,
    earlier: bool,
) {
    if !b.accounts.get(p.account_id).is_some_and(|a| a.m.is_client) {
        b.upsert_account(p.account_id, &Contact::default(), |acc| acc.is_client = true);
    }
    // The first payment's code makes the parent of an account that registered without one.
    if !earlier
        && let Some(pid) = &partner_id
        && pid != p.account_id
        && let Some(acc) = b.accounts.get_mut(p.account_id)
        && acc.m.parent_id.is_none()
    {
        acc.m.parent_id = Some(pid.clone());
        if acc.new_at.is_none() {
            acc.dirty = true;
        }
    }
    b.paying.insert(p.account_id.clone());
    b.payments.insert(
        p.id.clone(),
        Row {
            m: payment::Model {
                id: p.id.clone(),
                account_id: p.account_id.clone(),
                package: pkg.code.clone(),
                list_price: p.list_price.tiyn(),
                paid_amount: p.paid.tiyn(),
                refunded: 0,
                promo_code: p.promo_code.cloned(),
                promotion: p.promotion.cloned(),
                partner_id,
                paid_at: ms(ev.at),
                reason: reason.map(|r| r.as_str().to_string()),
                event_id: ev.event_id.clone(),
            },
            new: true,
            dirty: false,
        },
    );
    b.new_payments.push(p.id.clone());
}
