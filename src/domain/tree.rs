//! The referral tree (issue 8): a partner, the clients it brought, those of them who became
//! partners, their clients, and so on. Each account has one parent at most, so the accounts under
//! a root form a tree; data that loops (an account brought, through others, by itself) is cut
//! where the loop closes, never followed.
use super::Money;
use serde::Serialize;
use std::collections::HashMap;

/// One account under the root, as the store reads it.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeRow {
    pub account_id: String,
    pub parent_id: Option<String>,
    pub depth: u32,
    pub is_partner: bool,
    pub code: Option<String>,
    /// The partner's standing: active, code_deactivated or excluded.
    pub status: Option<String>,
    pub open_cases: i64,
    /// What the account paid, less refunds.
    pub purchases: Money,
    /// What its payments earned its parent, voided bonuses aside.
    pub bonus: Money,
    /// Accounts it brought (counted whether or not they are read).
    pub brought: i64,
}

/// A node as `partner tree --json` gives it (INTERFACE.md): `account_id`, `kind`, `code`,
/// `depth`, `children`, and the node's numbers and abuse marks.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Node {
    pub account_id: String,
    pub kind: &'static str,
    pub code: Option<String>,
    pub depth: u32,
    /// Accounts it brought, all of them (the children shown may stop at the depth asked).
    pub brought: i64,
    pub purchases: Money,
    pub bonus: Money,
    /// In words: "open abuse case: bonuses frozen", "excluded", "code deactivated".
    pub marks: Vec<Mark>,
    pub children: Vec<Node>,
}

/// What an operator must know of an account at a glance: its bonuses are frozen by an open
/// abuse case, or it no longer earns. Always shown in words (the JSON and the console alike).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Mark {
    #[serde(rename = "open abuse case: bonuses frozen")]
    Frozen,
    #[serde(rename = "excluded")]
    Excluded,
    #[serde(rename = "code deactivated")]
    CodeDeactivated,
}

impl Mark {
    /// Its words, as the JSON and the CLI give them.
    pub fn as_str(self) -> &'static str {
        match self {
            Mark::Frozen => "open abuse case: bonuses frozen",
            Mark::Excluded => "excluded",
            Mark::CodeDeactivated => "code deactivated",
        }
    }
}

fn marks(r: &NodeRow) -> Vec<Mark> {
    let mut m = Vec::new();
    if r.open_cases > 0 {
        m.push(Mark::Frozen);
    }
    match r.status.as_deref() {
        Some("excluded") => m.push(Mark::Excluded),
        Some("code_deactivated") => m.push(Mark::CodeDeactivated),
        _ => {}
    }
    m
}

/// One account as a node without its children (a level read at a time fills them in).
pub fn node(r: &NodeRow) -> Node {
    Node {
        account_id: r.account_id.clone(),
        kind: if r.is_partner { "partner" } else { "client" },
        code: r.code.clone(),
        depth: r.depth,
        brought: r.brought,
        purchases: r.purchases,
        bonus: r.bonus,
        marks: marks(r),
        children: Vec::new(),
    }
}

/// The tree from rows read top-down (the root first, each row after its parent). A row whose
/// account was met already, or whose parent was not, is left out: a loop in the data ends there.
pub fn build(rows: Vec<NodeRow>) -> Option<Node> {
    let mut rows = rows.into_iter();
    let root = rows.next()?;
    // Nodes by id, and each one's children's ids in order; assembled bottom-up at the end.
    let mut nodes: HashMap<String, Node> = HashMap::new();
    let mut kids: HashMap<String, Vec<String>> = HashMap::new();
    let root_id = root.account_id.clone();
    nodes.insert(root_id.clone(), node(&root));
    let mut order: Vec<String> = vec![root_id.clone()];
    for r in rows {
        let Some(parent) = r.parent_id.as_deref() else { continue };
        if nodes.contains_key(&r.account_id) || !nodes.contains_key(parent) {
            continue;
        }
        kids.entry(parent.to_string()).or_default().push(r.account_id.clone());
        nodes.insert(r.account_id.clone(), node(&r));
        order.push(r.account_id.clone());
    }
    // Deepest first: each node takes its children before its own parent takes it.
    for id in order.iter().rev() {
        let children: Vec<Node> = kids.remove(id).unwrap_or_default().iter().filter_map(|k| nodes.remove(k)).collect();
        if let Some(n) = nodes.get_mut(id) {
            n.children = children;
        }
    }
    nodes.remove(&root_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// How many nodes a tree holds, itself included.
    fn size(n: &Node) -> usize {
        1 + n.children.iter().map(size).sum::<usize>()
    }

    fn row(id: &str, parent: Option<&str>, depth: u32) -> NodeRow {
        NodeRow {
            account_id: id.into(),
            parent_id: parent.map(str::to_string),
            depth,
            is_partner: id.starts_with('P'),
            code: id.starts_with('P').then(|| format!("{id}25")),
            status: None,
            open_cases: 0,
            purchases: Money::ZERO,
            bonus: Money::ZERO,
            brought: 0,
        }
    }

    #[test]
    fn rows_make_a_tree_in_their_order() {
        let t = build(vec![
            row("P1", None, 0),
            row("C1", Some("P1"), 1),
            row("P2", Some("P1"), 1),
            row("C2", Some("P2"), 2),
        ])
        .expect("a tree");
        assert_eq!(size(&t), 4);
        let ids: Vec<&str> = t.children.iter().map(|c| c.account_id.as_str()).collect();
        assert_eq!(ids, ["C1", "P2"]);
        assert_eq!(t.children[1].children[0].account_id, "C2");
        assert_eq!((t.kind, t.children[0].kind), ("partner", "client"));
    }

    #[test]
    fn a_loop_or_a_stray_row_is_left_out() {
        // P1 → P2 → P1 again, and a row whose parent was never read.
        let t = build(vec![
            row("P1", Some("P2"), 0),
            row("P2", Some("P1"), 1),
            row("P1", Some("P2"), 2),
            row("C9", Some("X"), 1),
        ])
        .expect("a tree");
        assert_eq!(size(&t), 2);
        assert!(build(Vec::new()).is_none());
    }

    #[test]
    fn marks_are_words() {
        let mut r = row("P1", None, 0);
        r.open_cases = 1;
        r.status = Some("excluded".into());
        assert_eq!(marks(&r), [Mark::Frozen, Mark::Excluded]);
        let json = serde_json::to_value(marks(&r)).expect("json");
        assert_eq!(json, serde_json::json!(["open abuse case: bonuses frozen", "excluded"]));
    }
}
