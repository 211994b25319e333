//! Abuse cases (RULES.md "Abuse"): what a case is about, where it stands, and what each decision
//! does. An open case freezes its partner's bonuses (no approval, held back from payout runs);
//! a decision ends it once and for all.

/// The signal that opened a case (INTERFACE.md: `kind` of `fraud list`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseKind {
    SelfReferral,
    SharedIdentity,
    RegistrationBurst,
    RefundRate,
    PriceMismatch,
    ReferralRing,
}

impl CaseKind {
    pub const ALL: [CaseKind; 6] = [
        CaseKind::SelfReferral,
        CaseKind::SharedIdentity,
        CaseKind::RegistrationBurst,
        CaseKind::RefundRate,
        CaseKind::PriceMismatch,
        CaseKind::ReferralRing,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseKind::SelfReferral => "self_referral",
            CaseKind::SharedIdentity => "shared_identity",
            CaseKind::RegistrationBurst => "registration_burst",
            CaseKind::RefundRate => "refund_rate",
            CaseKind::PriceMismatch => "price_mismatch",
            CaseKind::ReferralRing => "referral_ring",
        }
    }

    pub fn parse(s: &str) -> Option<CaseKind> {
        CaseKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Where an open case of this kind stands in the review queue, most serious first (0): a
    /// ring and a shared identity move money between people who are one, a self-referral pays
    /// a partner for himself; the others are signs that need a look at the numbers.
    pub fn severity(self) -> u8 {
        match self {
            CaseKind::ReferralRing => 0,
            CaseKind::SharedIdentity => 1,
            CaseKind::SelfReferral => 2,
            CaseKind::PriceMismatch => 3,
            CaseKind::RegistrationBurst => 4,
            CaseKind::RefundRate => 5,
        }
    }
}

/// Where a case stands: open, or the decision that ended it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    Open,
    Dismissed,
    Voided,
    Deactivated,
    Excluded,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 5] =
        [CaseStatus::Open, CaseStatus::Dismissed, CaseStatus::Voided, CaseStatus::Deactivated, CaseStatus::Excluded];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Open => "open",
            CaseStatus::Dismissed => "dismissed",
            CaseStatus::Voided => "voided",
            CaseStatus::Deactivated => "deactivated",
            CaseStatus::Excluded => "excluded",
        }
    }

    pub fn parse(s: &str) -> Option<CaseStatus> {
        CaseStatus::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// An operator's decision on an open case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Decision {
    /// No abuse: the case ends and the partner's bonuses are no longer frozen by it.
    Dismiss,
    /// Abuse: the bonuses the case names are voided.
    Void,
    /// As `Void`, and the partner's code stops earning.
    Deactivate,
    /// The partner leaves the program: code deactivated, every unpaid bonus voided, its line
    /// taken out of any draft payout run (paid bonuses are left to the clawback rules).
    Exclude,
}

impl Decision {
    pub const ALL: [Decision; 4] = [Decision::Dismiss, Decision::Void, Decision::Deactivate, Decision::Exclude];

    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Dismiss => "dismiss",
            Decision::Void => "void",
            Decision::Deactivate => "deactivate",
            Decision::Exclude => "exclude",
        }
    }

    /// The status a case ends in.
    pub fn status(self) -> CaseStatus {
        match self {
            Decision::Dismiss => CaseStatus::Dismissed,
            Decision::Void => CaseStatus::Voided,
            Decision::Deactivate => CaseStatus::Deactivated,
            Decision::Exclude => CaseStatus::Excluded,
        }
    }

    /// What the decision changes beyond the case itself.
    pub fn effects(self) -> Effects {
        match self {
            Decision::Dismiss => Effects { void: Voids::Nothing, deactivate_code: false, exclude: false },
            Decision::Void => Effects { void: Voids::CaseBonuses, deactivate_code: false, exclude: false },
            Decision::Deactivate => Effects { void: Voids::CaseBonuses, deactivate_code: true, exclude: false },
            Decision::Exclude => Effects { void: Voids::EveryUnpaid, deactivate_code: true, exclude: true },
        }
    }
}

/// Which bonuses a decision voids (only unpaid ones: a paid bonus is left to the clawback rules).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Voids {
    Nothing,
    /// Those the case's evidence names.
    CaseBonuses,
    /// Every unpaid bonus of the partner.
    EveryUnpaid,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Effects {
    pub void: Voids,
    pub deactivate_code: bool,
    /// The partner is excluded and taken out of draft payout runs.
    pub exclude: bool,
}

/// Whether a case in `status` can be decided: only an open one, once.
pub fn decidable(status: CaseStatus) -> bool {
    status == CaseStatus::Open
}

/// Where a case stands in the review queue (lower first): open cases before decided ones, the
/// open ones by the severity of their kind.
pub fn review_rank(status: CaseStatus, kind: CaseKind) -> (u8, u8) {
    if status == CaseStatus::Open { (0, kind.severity()) } else { (1, 0) }
}

/// Whole days a case has been open (unix ms): to its decision, or to `now` while it is open.
pub fn days_open(opened: i64, decided: Option<i64>, now: i64) -> i64 {
    (decided.unwrap_or(now) - opened).max(0) / 86_400_000
}

/// The explanations of the findings a case's evidence holds, in the order they were found, in
/// `lang` (in English where a finding has no Russian words: one written before they were kept).
pub fn explanations(evidence: &serde_json::Value, lang: super::Lang) -> Vec<String> {
    let list = evidence.get("findings").and_then(|f| f.as_array());
    let key = if lang == super::Lang::Ru { "explanation_ru" } else { "explanation" };
    let text = |f: &serde_json::Value| f.get(key).or(f.get("explanation")).and_then(|e| e.as_str()).map(str::to_string);
    list.map(|l| l.iter().filter_map(text).collect()).unwrap_or_default()
}

/// The bonus ids a case's evidence names (`bonus_ids`, or a single `bonus_id`), in order, once
/// each. Evidence that names none (a self-referral's payment earned nothing) gives none.
pub fn named_bonuses(evidence: &serde_json::Value) -> Vec<i64> {
    let mut ids: Vec<i64> = Vec::new();
    if let Some(list) = evidence.get("bonus_ids").and_then(|v| v.as_array()) {
        ids.extend(list.iter().filter_map(|v| v.as_i64()));
    }
    if let Some(id) = evidence.get("bonus_id").and_then(|v| v.as_i64()) {
        ids.push(id);
    }
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// The keys of the findings a case's evidence holds (see [`super::signals::Finding`]); a case
/// the import opened on a self-referral payment holds the client's (`account_id`).
pub fn evidence_keys(evidence: &serde_json::Value) -> std::collections::BTreeSet<String> {
    let mut keys: std::collections::BTreeSet<String> = evidence
        .get("findings")
        .and_then(|f| f.as_array())
        .map(|f| f.iter().filter_map(|x| x.get("key").and_then(|k| k.as_str()).map(str::to_string)).collect())
        .unwrap_or_default();
    if let Some(client) = evidence.get("account_id").and_then(|v| v.as_str()) {
        keys.insert(format!("client:{client}"));
    }
    keys
}

/// `evidence` with `findings` added (each with its key and explanation) and the bonuses they
/// name added to those it names.
pub fn with_findings(evidence: serde_json::Value, findings: &[&super::signals::Finding]) -> serde_json::Value {
    let mut e = match evidence {
        serde_json::Value::Object(m) => m,
        _ => serde_json::Map::new(),
    };
    let mut list: Vec<serde_json::Value> = e.get("findings").and_then(|f| f.as_array()).cloned().unwrap_or_default();
    let mut bonuses = named_bonuses(&serde_json::Value::Object(e.clone()));
    for f in findings {
        let mut one =
            serde_json::json!({"key": f.key, "explanation": f.explanation, "explanation_ru": f.explanation_ru});
        if let Some(p) = &f.payment_id {
            one["payment_id"] = serde_json::json!(p);
        }
        list.push(one);
        bonuses.extend(&f.bonus_ids);
    }
    bonuses.sort_unstable();
    bonuses.dedup();
    e.insert("findings".into(), serde_json::Value::Array(list));
    e.insert("bonus_ids".into(), serde_json::json!(bonuses));
    e.remove("bonus_id");
    serde_json::Value::Object(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_read_back() {
        for k in CaseKind::ALL {
            assert_eq!(CaseKind::parse(k.as_str()), Some(k));
        }
        for s in CaseStatus::ALL {
            assert_eq!(CaseStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(CaseKind::parse("spam"), None);
        assert_eq!(CaseStatus::parse("closed"), None);
    }

    #[test]
    fn the_queue_puts_a_ring_first_and_a_refund_rate_last() {
        let mut kinds = CaseKind::ALL.to_vec();
        kinds.sort_by_key(|k| k.severity());
        let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
        assert_eq!(
            names,
            [
                "referral_ring",
                "shared_identity",
                "self_referral",
                "price_mismatch",
                "registration_burst",
                "refund_rate"
            ]
        );
    }

    #[test]
    fn each_decision_ends_the_case_in_its_own_status_with_its_effects() {
        let statuses: Vec<CaseStatus> = Decision::ALL.iter().map(|d| d.status()).collect();
        assert_eq!(
            statuses,
            [CaseStatus::Dismissed, CaseStatus::Voided, CaseStatus::Deactivated, CaseStatus::Excluded]
        );
        assert_eq!(Decision::Dismiss.effects().void, Voids::Nothing);
        assert!(!Decision::Void.effects().deactivate_code);
        assert!(Decision::Deactivate.effects().deactivate_code && !Decision::Deactivate.effects().exclude);
        let e = Decision::Exclude.effects();
        assert!(e.exclude && e.deactivate_code && e.void == Voids::EveryUnpaid);
    }

    #[test]
    fn days_open_count_to_the_decision_or_the_clock() {
        let day = 86_400_000;
        assert_eq!(days_open(0, None, 3 * day - 1), 2);
        assert_eq!(days_open(0, Some(day), 9 * day), 1);
        assert_eq!(days_open(5 * day, None, day), 0, "a clock before the opening counts none");
        let open = review_rank(CaseStatus::Open, CaseKind::RefundRate);
        assert!(review_rank(CaseStatus::Open, CaseKind::ReferralRing) < open);
        assert!(open < review_rank(CaseStatus::Dismissed, CaseKind::ReferralRing));
    }

    #[test]
    fn only_an_open_case_is_decided() {
        for s in CaseStatus::ALL {
            assert_eq!(decidable(s), s == CaseStatus::Open, "{s:?}");
        }
    }

    #[test]
    fn findings_are_added_once_by_key() {
        use crate::domain::signals::Finding;
        let f = |key: &str, ids: Vec<i64>| Finding {
            partner_id: "A1".into(),
            kind: CaseKind::RefundRate,
            key: key.into(),
            explanation: format!("finding {key}"),
            explanation_ru: format!("признак {key}"),
            bonus_ids: ids,
            payment_id: None,
        };
        let (a, b) = (f("4/10", vec![3, 1]), f("5/10", vec![3, 9]));
        let e = with_findings(serde_json::json!({"payment_id": "P", "account_id": "C9"}), &[&a]);
        let e = with_findings(e, &[&b]);
        assert_eq!(named_bonuses(&e), vec![1, 3, 9]);
        let keys: Vec<String> = evidence_keys(&e).into_iter().collect();
        assert_eq!(keys, ["4/10", "5/10", "client:C9"]);
        assert_eq!(e["payment_id"], "P");
        assert_eq!(e["findings"][1]["explanation"], "finding 5/10");
    }

    #[test]
    fn the_bonuses_a_case_names() {
        let e = serde_json::json!({"bonus_ids": [7, 3, 7], "bonus_id": 5, "payment_id": "P1"});
        assert_eq!(named_bonuses(&e), vec![3, 5, 7]);
        let said =
            serde_json::json!({"findings": [{"key": "a", "explanation": "one"}, {"key": "b"}, {"explanation": "two"}]});
        assert_eq!(explanations(&said, crate::domain::Lang::En), ["one", "two"]);
        let both =
            serde_json::json!({"findings": [{"explanation": "one", "explanation_ru": "один"}, {"explanation": "two"}]});
        assert_eq!(explanations(&both, crate::domain::Lang::Ru), ["один", "two"]);
        assert!(named_bonuses(&serde_json::json!({"payment_id": "P1", "shared": ["phone"]})).is_empty());
        assert!(named_bonuses(&serde_json::json!("not an object")).is_empty());
    }
}
