//! One batch of an import as it is judged: everything its lines may look at, loaded at once,
//! and what its lines add or change, written at the end in one go.
use super::Line;
use crate::domain::event::{Body, Contact};
use crate::domain::identity::{normalize_email, normalize_iin, normalize_phone};
use crate::domain::ledger::Posting;
use crate::domain::rules::Identity;
use crate::service::Result;
use crate::store::entity::{account, bonus, event as event_row, partner, payment, promo_code, refund};
use crate::store::import::{self as store, CodeRow, CodesBy, Writes};
use sea_orm::DatabaseTransaction;
// The batch's maps hash many short keys: foldhash, seeded per process, instead of SipHash.
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

/// An account as the batch sees it.
pub(super) struct Acc {
    pub m: account::Model,
    /// Inserted by this batch, at this place among its new accounts.
    pub new_at: Option<usize>,
    /// Loaded and changed: updated at the end of the batch.
    pub dirty: bool,
}

impl Acc {
    pub fn identity(&self) -> Identity {
        identity(&self.m)
    }
}

/// A promo code as payments are judged against it.
pub(super) struct Code {
    pub partner_id: String,
    pub active: bool,
    pub excluded: bool,
    /// The owner's identity as stored; the batch's own copy of the account, when it has one,
    /// comes first (a line of the batch may have changed it).
    pub owner: Identity,
}

impl From<CodeRow> for (String, Code) {
    fn from(r: CodeRow) -> (String, Code) {
        (r.code, Code { partner_id: r.partner_id, active: r.active, excluded: r.excluded, owner: r.owner })
    }
}

/// A row the batch either inserts or, once changed, updates.
pub(super) struct Row<M> {
    pub m: M,
    pub new: bool,
    pub dirty: bool,
}

/// The state of one batch: what was loaded, and what the batch adds or changes.
#[derive(Default)]
pub(super) struct Batch {
    pub events: HashMap<String, i64>,
    pub accounts: HashMap<String, Acc>,
    pub codes: HashMap<String, Code>,
    pub payments: HashMap<String, Row<payment::Model>>,
    pub paying: HashSet<String>,
    /// By payment id.
    pub bonuses: HashMap<String, Row<bonus::Model>>,
    /// Those of them in a payout run already exported: a refund claws them back.
    pub sent: HashSet<i64>,

    pub new_events: Vec<event_row::ActiveModel>,
    pub new_accounts: Vec<String>,
    pub new_partners: Vec<partner::Model>,
    pub new_codes: Vec<promo_code::ActiveModel>,
    pub new_payments: Vec<String>,
    pub new_bonuses: Vec<String>,
    pub ledger: Vec<Posting>,
    pub refunds: Vec<refund::ActiveModel>,
    /// Self-referral findings, each with its payment's instant (the case opens then).
    pub findings: Vec<(crate::domain::signals::Finding, i64)>,
    pub next_bonus_id: i64,
}

pub(super) fn identity(a: &account::Model) -> Identity {
    Identity {
        account_id: a.id.clone(),
        email: a.email_norm.clone(),
        phone: a.phone_norm.clone(),
        iin: a.iin_norm.clone(),
    }
}

pub(super) fn blank_account(id: &str) -> account::Model {
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
pub(super) fn identity_after(acc: &account::Model, c: &Contact) -> Identity {
    let pick = |slot: &Option<String>, v: &Option<String>| slot.clone().or_else(|| v.clone());
    Identity {
        account_id: acc.id.clone(),
        email: pick(&acc.email, &c.email).as_deref().and_then(normalize_email),
        phone: pick(&acc.phone, &c.phone).as_deref().and_then(normalize_phone),
        iin: pick(&acc.iin, &c.iin).as_deref().and_then(normalize_iin),
    }
}

impl Batch {
    /// The account in the batch, created if new; identity fields fill gaps but never overwrite.
    /// Then `change` is applied to it.
    pub fn upsert_account(&mut self, id: &str, c: &Contact, change: impl FnOnce(&mut account::Model)) {
        match self.accounts.get_mut(id) {
            Some(acc) => {
                if acc.new_at.is_none() {
                    acc.dirty = true;
                }
                fill_identity(&mut acc.m, c);
                change(&mut acc.m);
            }
            None => {
                let mut acc = Acc { m: blank_account(id), new_at: Some(self.new_accounts.len()), dirty: false };
                fill_identity(&mut acc.m, c);
                change(&mut acc.m);
                self.accounts.insert(id.to_string(), acc);
                self.new_accounts.push(id.to_string());
            }
        }
    }

    /// The partner who holds a code, in this batch or in the database.
    pub async fn code_owner(&mut self, txn: &DatabaseTransaction, code: &str) -> Result<Option<String>> {
        if let Some(c) = self.codes.get(code) {
            return Ok(Some(c.partner_id.clone()));
        }
        let wanted = code.to_string();
        let found = store::codes(txn, CodesBy::Code, [&wanted]).await?;
        let owner = found.first().map(|c| c.partner_id.clone());
        self.codes.extend(found.into_iter().map(<(String, Code)>::from));
        Ok(owner)
    }

    /// Loads, for the whole batch at once, everything its lines may look at.
    pub async fn load(txn: &DatabaseTransaction, lines: &[Line]) -> Result<Batch> {
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
        b.events.extend(store::event_digests(txn, ev_ids).await?);
        b.codes.extend(store::codes(txn, CodesBy::Code, codes).await?.into_iter().map(<(String, Code)>::from));
        for m in store::accounts(txn, acc_ids).await? {
            b.accounts.insert(m.id.clone(), Acc { m, new_at: None, dirty: false });
        }
        // Partner accounts in the batch need their code for the "already a partner" message.
        let code_owners: HashSet<&String> = b.codes.values().map(|c| &c.partner_id).collect();
        let own: Vec<String> = b
            .accounts
            .values()
            .filter(|a| a.m.is_partner && !code_owners.contains(&a.m.id))
            .map(|a| a.m.id.clone())
            .collect();
        b.codes.extend(store::codes(txn, CodesBy::Owner, &own).await?.into_iter().map(<(String, Code)>::from));
        for m in store::payments(txn, pay_ids).await? {
            b.payments.insert(m.id.clone(), Row { m, new: false, dirty: false });
        }
        b.paying.extend(store::paying(txn, paying_ids).await?);
        for m in store::bonuses_of(txn, refund_ids).await? {
            b.bonuses.insert(m.payment_id.clone(), Row { m, new: false, dirty: false });
        }
        let refunded: Vec<i64> = b.bonuses.values().map(|r| r.m.id).collect();
        b.sent.extend(crate::store::payouts::sent(txn, &refunded).await?);
        b.next_bonus_id = crate::store::bonuses::next_id(txn).await?;
        Ok(b)
    }

    /// What the batch writes.
    pub fn into_writes(mut self) -> Writes {
        let new_accounts = self.new_accounts.iter().filter_map(|id| self.accounts.remove(id)).map(|a| a.m).collect();
        let mut changed_accounts: Vec<account::Model> =
            self.accounts.into_values().filter(|a| a.dirty).map(|a| a.m).collect();
        changed_accounts.sort_by(|x, y| x.id.cmp(&y.id));
        let (new_payments, changed_payments) = added_and_changed(self.payments, &self.new_payments);
        let (new_bonuses, changed_bonuses) = added_and_changed(self.bonuses, &self.new_bonuses);
        Writes {
            new_accounts,
            changed_accounts,
            new_partners: self.new_partners,
            new_codes: self.new_codes,
            new_payments,
            changed_payments,
            new_bonuses,
            changed_bonuses,
            ledger: self.ledger,
            refunds: self.refunds,
            events: self.new_events,
        }
    }
}

/// The batch's new rows in the order the lines made them, and its changed stored rows in key
/// order (so that two writers would lock rows alike).
fn added_and_changed<M>(mut rows: HashMap<String, Row<M>>, added: &[String]) -> (Vec<M>, Vec<M>) {
    let added = added.iter().filter_map(|k| rows.remove(k)).map(|r| r.m).collect();
    let mut changed: Vec<(String, M)> = rows.into_iter().filter(|(_, r)| r.dirty).map(|(k, r)| (k, r.m)).collect();
    changed.sort_by(|x, y| x.0.cmp(&y.0));
    (added, changed.into_iter().map(|(_, m)| m).collect())
}
