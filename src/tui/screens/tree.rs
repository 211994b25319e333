//! Screen 6: the referral tree. A partner (asked with `/` and its code, or with `t` on a partner
//! or an abuse case elsewhere) and the accounts it brought, read a level at a time: `→` opens a
//! node (its children read on first opening), `←` closes it or goes up to its parent, Enter opens
//! a partner's page. The line under the rows is the path from the root to the highlighted node;
//! the title says who brought the root. Marks (an open case freezing bonuses, an exclusion, a
//! code off) are words in their own column. Data that loops (an account brought, through others,
//! by an account it brought) shows where the loop closes and is not followed.
use crate::domain::tree::Node;
use crate::service::tree::{Level, Rooted};
use crate::tui::action::{Action, Effect, Open};
use crate::tui::columns::{self, Cell, Column, money};
use crate::tui::component::{Component, Cx, MsgKind, copy};
use crate::tui::i18n::{self, HelpFor, K, t};
use crate::tui::paging;
use crate::tui::widgets::{Scroll, View, clean, fit_left, wrap};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use std::collections::{HashMap, HashSet};
use tui_input::Input;

/// A row shown: a node at its depth under the root, and whether it closes a loop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub id: String,
    pub depth: usize,
    /// The node is already above this place (the data loops): shown, never opened here.
    pub loops: bool,
}

#[derive(Debug, Default)]
pub struct TreeState {
    /// The code asked for last, and its read while on its way.
    pub asked: Option<String>,
    pub root_pending: Option<u64>,
    /// Why the last read of the root failed.
    pub error: Option<String>,
    /// The root's account id, once read.
    pub root: Option<String>,
    /// Who brought the root, nearest first: (account id, code).
    pub upline: Vec<(String, Option<String>)>,
    /// Every node read, by account id (their children kept apart, in `kids`).
    pub nodes: HashMap<String, Node>,
    /// The children read of each node, in order.
    pub kids: HashMap<String, Vec<String>>,
    /// The nodes opened.
    pub open: HashSet<String>,
    /// The rows shown, from the root down through the opened nodes.
    pub rows: Vec<Row>,
    pub scroll: Scroll,
    /// Levels on their way: request → account.
    pub levels: HashMap<u64, String>,
    /// The code being typed after `/`.
    pub input: Option<Input>,
    /// A change elsewhere since the tree was read.
    pub stale: bool,
}

/// Rows a page has: a list's, less the path line under it.
fn visible_rows(height: u16) -> usize {
    paging::page_rows(height).saturating_sub(1).max(1)
}

impl TreeState {
    /// Reads the tree of `code` from its top; what was open of another tree is forgotten.
    fn ask(&mut self, code: &str, cx: &mut Cx) -> Vec<Effect> {
        let code = code.trim().to_uppercase();
        let req = cx.req();
        self.root_pending = Some(req);
        self.levels.clear();
        self.asked = Some(code.clone());
        vec![Effect::LoadTree { req, code }]
    }

    /// The tree read again: its top, then every level open, keeping the highlight on its node.
    fn reload(&mut self, cx: &mut Cx) -> Vec<Effect> {
        self.stale = false;
        let Some(code) = self.asked.clone() else { return vec![] };
        let mut fx = self.ask(&code, cx);
        let open: Vec<String> = self.open.iter().filter(|id| Some(*id) != self.root.as_ref()).cloned().collect();
        for id in open {
            fx.extend(self.level(id, cx));
        }
        fx
    }

    fn level(&mut self, account_id: String, cx: &mut Cx) -> Vec<Effect> {
        let req = cx.req();
        self.levels.insert(req, account_id.clone());
        vec![Effect::LoadLevel { req, account_id }]
    }

    /// Takes a level read: the node as it is now and its children.
    fn take_level(&mut self, level: Level) {
        let id = level.node.account_id.clone();
        let ids: Vec<String> = level.children.iter().map(|c| c.account_id.clone()).collect();
        for c in level.children {
            self.nodes.insert(c.account_id.clone(), c);
        }
        self.nodes.insert(id.clone(), level.node);
        self.kids.insert(id, ids);
    }

    fn rooted(&mut self, r: Rooted) {
        let root = r.level.node.account_id.clone();
        if self.root.as_ref() != Some(&root) {
            // Another tree: nothing of the one before stays.
            self.nodes.clear();
            self.kids.clear();
            self.open.clear();
            self.scroll = Scroll::default();
        }
        self.open.insert(root.clone());
        self.root = Some(root);
        self.upline = r.upline;
        self.take_level(r.level);
    }

    /// The rows from the root down through the opened nodes whose children are read. A node met
    /// again below itself is where the data loops: shown once more, not followed.
    fn flatten(&mut self, cx: &Cx) {
        let keep = self.highlighted().map(|r| r.id.clone());
        let mut rows = Vec::new();
        if let Some(root) = &self.root {
            let mut path: Vec<&str> = Vec::new();
            self.walk(root, 0, &mut path, &mut rows);
        }
        self.rows = rows;
        // The highlight stays on its node when it is still shown.
        let sel = keep.and_then(|k| self.rows.iter().position(|r| r.id == k)).unwrap_or(self.scroll.sel);
        let n = self.rows.len();
        self.scroll = Scroll { sel, ..self.scroll }.moved(0, n, visible_rows(cx.height));
    }

    fn walk<'a>(&'a self, id: &'a str, depth: usize, path: &mut Vec<&'a str>, rows: &mut Vec<Row>) {
        let loops = path.contains(&id);
        rows.push(Row { id: id.to_string(), depth, loops });
        if loops || !self.open.contains(id) {
            return;
        }
        let Some(kids) = self.kids.get(id) else { return };
        path.push(id);
        for k in kids {
            self.walk(k, depth + 1, path, rows);
        }
        path.pop();
    }

    /// The highlighted row, when no read that changes the rows is on its way.
    fn highlighted(&self) -> Option<&Row> {
        if self.root_pending.is_some() { None } else { self.rows.get(self.scroll.sel) }
    }

    fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.get(id)
    }

    /// → : opens the highlighted node (reading its children the first time), or, open already,
    /// goes to its first child.
    fn expand(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let Some(row) = self.highlighted().cloned() else { return vec![] };
        let Some(n) = self.node(&row.id) else { return vec![] };
        if row.loops {
            cx.info(K::TreeLoopSay);
            return vec![];
        }
        if n.brought == 0 {
            cx.say(MsgKind::Info, format!("{} {}", label(n), t(cx.view.lang, K::NoChildren)));
            return vec![];
        }
        if self.open.contains(&row.id) && self.kids.contains_key(&row.id) {
            self.scroll = self.scroll.moved(1, self.rows.len(), visible_rows(cx.height));
            return vec![];
        }
        self.open.insert(row.id.clone());
        if self.kids.contains_key(&row.id) {
            self.flatten(cx);
            return vec![];
        }
        if self.levels.values().any(|a| *a == row.id) {
            return vec![];
        }
        self.level(row.id, cx)
    }

    /// ← : closes the highlighted node, or, closed, goes to its parent.
    fn collapse(&mut self, cx: &mut Cx) {
        let Some(row) = self.highlighted().cloned() else { return };
        if !row.loops && self.open.remove(&row.id) {
            self.flatten(cx);
            return;
        }
        let parent = self.rows[..self.scroll.sel].iter().rposition(|r| r.depth + 1 == row.depth);
        if let Some(p) = parent {
            self.scroll =
                self.scroll.moved(p as isize - self.scroll.sel as isize, self.rows.len(), visible_rows(cx.height));
        }
    }

    /// The path from the root to the highlighted row, by each node's label.
    fn path(&self) -> Vec<String> {
        let Some(row) = self.rows.get(self.scroll.sel) else { return vec![] };
        let mut out = Vec::new();
        let mut depth = row.depth + 1;
        for r in self.rows[..=self.scroll.sel].iter().rev() {
            if r.depth < depth {
                depth = r.depth;
                out.push(self.node(&r.id).map(label).unwrap_or_else(|| r.id.clone()));
            }
        }
        out.reverse();
        out
    }

    fn key(&mut self, action: Action, cx: &mut Cx) -> Vec<Effect> {
        if let Some(to) = paging::moved(self.scroll, &action, self.rows.len(), visible_rows(cx.height)) {
            self.scroll = to;
            return vec![];
        }
        match action {
            Action::Right => return self.expand(cx),
            Action::Left => self.collapse(cx),
            Action::Select => {
                let open = self.highlighted().is_some_and(|r| !r.loops && self.open.contains(&r.id));
                if open {
                    self.collapse(cx);
                } else {
                    return self.expand(cx);
                }
            }
            Action::Enter => match self.highlighted().and_then(|r| self.node(&r.id)) {
                Some(Node { code: Some(code), .. }) => cx.open = Some(Open::Partner(code.clone())),
                Some(_) => cx.info(K::TreeClientNoDetail),
                None => cx.info(K::TreeNoRow),
            },
            Action::Copy => {
                let what = self.highlighted().and_then(|r| self.node(&r.id)).map(label);
                return copy(cx, what);
            }
            Action::Search => self.input = Some(Input::default()),
            Action::Reload => return self.reload(cx),
            _ => {}
        }
        vec![]
    }

    /// The title: whose tree, who brought it, how many rows are shown.
    fn title(&self, view: &View) -> Vec<Span<'static>> {
        let lang = view.lang;
        let mut spans = vec![Span::styled(t(lang, K::TabTree), view.theme.title())];
        if let Some(root) = self.root.as_ref().and_then(|r| self.node(r)) {
            spans.push(Span::raw(format!(" · {}", label(root))));
            if let Some((id, code)) = self.upline.first() {
                let by = code.clone().unwrap_or_else(|| id.clone());
                spans.push(Span::raw(format!(" · {}", i18n::brought_by(lang, &by, self.upline.len()))));
            }
            spans.push(Span::raw(format!(" · {}", i18n::accounts_shown(lang, self.rows.len()))));
        }
        if self.root_pending.is_some() || !self.levels.is_empty() {
            spans.push(Span::raw(format!(" · {}", t(lang, K::Loading))));
        }
        spans
    }
}

/// A node's name: a partner's code, a client's account id (an imported id, so cleaned: the
/// title draws it as it is).
fn label(n: &Node) -> String {
    clean(n.code.as_deref().unwrap_or(&n.account_id))
}

impl Component for TreeState {
    fn update(&mut self, action: Action, cx: &mut Cx) -> Vec<Effect> {
        match action {
            Action::TreeLoaded(req, res) => {
                if !cx.awaited(&mut self.root_pending, req) {
                    return vec![];
                }
                match res {
                    Ok(r) => {
                        self.error = None;
                        self.rooted(*r);
                    }
                    Err(e) => {
                        cx.load_failed(&e);
                        self.error = Some(e);
                        // The tree shown stays, and `r` reads it, not the code that failed.
                        self.asked = self.root.as_ref().and_then(|r| self.node(r)).map(label);
                    }
                }
                self.flatten(cx);
                vec![]
            }
            Action::LevelLoaded(req, res) => {
                let Some(id) = self.levels.remove(&req) else {
                    cx.stale();
                    return vec![];
                };
                match res {
                    Ok(level) => self.take_level(*level),
                    Err(e) => {
                        self.open.remove(&id);
                        cx.load_failed(&e);
                    }
                }
                self.flatten(cx);
                vec![]
            }
            Action::Edit(r) => {
                if let Some(i) = self.input.as_mut() {
                    i.handle(r);
                }
                vec![]
            }
            Action::Submit => match self.input.take().map(|i| i.value().trim().to_string()) {
                Some(code) if !code.is_empty() => self.ask(&code, cx),
                _ => vec![],
            },
            Action::CancelInput => {
                self.input = None;
                vec![]
            }
            Action::Refresh if self.root_pending.is_none() && self.levels.is_empty() => self.reload(cx),
            other => self.key(other, cx),
        }
    }

    fn render(&self, view: &View, frame: &mut Frame, area: Rect) {
        let lang = view.lang;
        let [title, body, foot] =
            Layout::vertical([Constraint::Length(1), Constraint::Fill(1), Constraint::Length(1)]).areas(area);
        frame.render_widget(Line::from(self.title(view)), title);
        if self.root.is_none() {
            let text = match (&self.error, self.root_pending) {
                (Some(e), _) => i18n::load_failed(lang, e),
                (None, Some(_)) => t(lang, K::Loading).to_string(),
                (None, None) => t(lang, K::TreeNone).to_string(),
            };
            let r = Rect { y: body.y + 1, height: body.height.saturating_sub(1), ..body };
            frame.render_widget(ratatui::widgets::Paragraph::new(wrap(&text, r.width as usize).join("\n")), r);
            return;
        }
        let cur = |k: K| format!("{}, {}", t(lang, k), t(lang, K::Currency));
        let columns = [
            Column::text(t(lang, K::Account), 12, 28, 9),
            Column::whole(t(lang, K::TreeKind), 4),
            Column::number(t(lang, K::Brought), 6),
            Column::number(cur(K::PaidLessRefunds), 5),
            Column::number(cur(K::EarnedParent), 5),
            Column::text(t(lang, K::Marks), 8, 30, 8),
        ];
        // Only the rows on screen are drawn: a level may hold ten thousand.
        let window = (body.height as usize).saturating_sub(1);
        let first = self.scroll.offset.min(self.rows.len());
        let shown = &self.rows[first..(first + window).min(self.rows.len())];
        let cells: Vec<Vec<Cell>> = shown
            .iter()
            .filter_map(|r| self.node(&r.id).map(|n| (r, n)))
            .map(|(r, n)| {
                let sign = if r.loops {
                    "↺"
                } else if n.brought == 0 {
                    "·"
                } else if self.levels.values().any(|a| *a == r.id) {
                    "…"
                } else if self.open.contains(&r.id) && self.kids.contains_key(&r.id) {
                    "▾"
                } else {
                    "▸"
                };
                // Deep trees indent up to a point; the path line says where a row is.
                let indent = "  ".repeat(r.depth.min(12));
                let mut marks: Vec<&str> = n.marks.iter().map(|m| i18n::mark(lang, *m)).collect();
                if r.loops {
                    marks.insert(0, t(lang, K::TreeLoop));
                }
                let marked = if marks.is_empty() { view.theme.dim() } else { view.theme.error() };
                vec![
                    Cell::new(format!("{indent}{sign} {}", label(n))),
                    Cell::new(i18n::node_kind(lang, n.kind)),
                    Cell::new(n.brought.to_string()),
                    money(view, n.purchases),
                    money(view, n.bonus),
                    Cell::styled(marks.join("; "), marked),
                ]
            })
            .collect();
        let scroll = Scroll { sel: self.scroll.sel.saturating_sub(first), offset: 0 };
        columns::table(view, frame, body, &columns, &cells, scroll);
        let path = self.path().join(" › ");
        let head = format!("{}: ", t(lang, K::Path));
        let room = (foot.width as usize).saturating_sub(head.chars().count());
        let line = Line::from(vec![Span::styled(head, view.theme.dim()), Span::raw(fit_left(&path, room))]);
        frame.render_widget(line, foot);
    }

    fn hint(&self) -> K {
        K::HintTree
    }

    fn help(&self) -> HelpFor {
        HelpFor::Tree
    }

    fn enter(&mut self, _again: bool, cx: &mut Cx) -> Vec<Effect> {
        if self.stale && self.root_pending.is_none() { self.reload(cx) } else { vec![] }
    }

    fn open(&mut self, what: &Open, cx: &mut Cx) -> Vec<Effect> {
        match what {
            Open::Tree(code) => self.ask(code, cx),
            Open::Partner(_) => vec![],
        }
    }

    fn ledger_changed(&mut self) {
        self.stale = self.root.is_some();
    }

    fn resized(&mut self, _before: u16, cx: &mut Cx) -> Vec<Effect> {
        self.scroll = self.scroll.moved(0, self.rows.len(), visible_rows(cx.height));
        vec![]
    }

    fn waiting(&self) -> bool {
        self.root_pending.is_some() || !self.levels.is_empty()
    }

    fn field(&self) -> Option<(K, &Input)> {
        self.input.as_ref().map(|i| (K::TreeCodePrompt, i))
    }
}
