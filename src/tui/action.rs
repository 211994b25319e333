//! The console's vocabulary: its screens, what can happen to it ([`Action`]), and the service
//! calls it asks the run loop to make ([`Effect`]), whose answers come back as actions carrying
//! the request id they were asked with. The screens depend on this file, never on the `App`.
use super::i18n::{AuditK, K};
use crate::domain::Money;
use crate::domain::audit::Entry;
use crate::domain::bonus::ShownBonusState;
use crate::domain::fraud::Decision;
use crate::domain::partner::Status;
use crate::domain::payout::LineStatus;
use crate::service::audit::{Query, Verified};
use crate::service::bonuses::{BonusDetail, BonusQuery, BonusRow, Preview};
use crate::service::dashboard::Dashboard;
use crate::service::export::ExportOf;
use crate::service::fraud::{CaseView, Decided};
use crate::service::partners::{Balance, DetailPage, Find, ListQuery, More, Part, PartnerDetail, PartnerRow};
use crate::service::payout_views::{NextRun, RunHead};
use crate::service::payouts::{LineView, MonthRun, RunView, Written};
use crate::service::tree::{Level, Rooted};
use crate::store::fraud::Which;
use chrono::{DateTime, Utc};
use tui_input::InputRequest;

/// The screens, in tab order: the number key of each is its place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    Dashboard,
    Partners,
    Bonuses,
    Payouts,
    Abuse,
    Tree,
    Audit,
}

impl Screen {
    pub const ALL: [Screen; 7] = [
        Screen::Dashboard,
        Screen::Partners,
        Screen::Bonuses,
        Screen::Payouts,
        Screen::Abuse,
        Screen::Tree,
        Screen::Audit,
    ];

    /// Its name on the tab bar and in the help's title.
    pub fn title(self) -> K {
        match self {
            Screen::Dashboard => K::TabDashboard,
            Screen::Partners => K::TabPartners,
            Screen::Bonuses => K::TabBonuses,
            Screen::Payouts => K::TabPayouts,
            Screen::Abuse => K::TabAbuse,
            Screen::Tree => K::TabTree,
            Screen::Audit => K::Audit(AuditK::Tab),
        }
    }

    fn index(self) -> usize {
        Screen::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }

    pub fn next(self) -> Screen {
        Screen::ALL[(self.index() + 1) % Screen::ALL.len()]
    }

    pub fn prev(self) -> Screen {
        Screen::ALL[(self.index() + Screen::ALL.len() - 1) % Screen::ALL.len()]
    }
}

/// Everything that can happen to the console: keys (already read as intents by `keys`), the
/// terminal, the clock, the services' answers, and a dialog's yes.
#[derive(Clone, Debug)]
pub enum Action {
    Quit,
    /// The terminal's size (also sent when a reattach asks for a redraw at the same size).
    Resize(u16, u16),
    Tick(DateTime<Utc>),
    GoTo(Screen),
    NextScreen,
    PrevScreen,
    Help,
    /// Esc: close what is open (help, dialog, search, detail).
    Back,
    /// q: back from a detail or help, else quit.
    QuitOrBack,
    Up,
    Down,
    PageUp,
    PageDown,
    Home,
    /// G or End: the last page.
    End,
    Left,
    Right,
    Enter,
    Reload,
    /// Idle long enough: the screen read again, quietly and keeping the highlighted row.
    Refresh,
    /// e: the list shown, every row of its filter and search, to a CSV file.
    Export,
    /// y: the highlighted row's code or id to the clipboard.
    Copy,
    Search,
    Sort,
    /// S: the sort the other way round.
    SortDirection,
    Filter,
    /// The bonuses filtered by this state (`None`: all), in one step (the palette's).
    BonusFilter(Option<ShownBonusState>),
    /// The partners filtered by this standing (`None`: all), in one step (the palette's).
    PartnerFilter(Option<Status>),
    /// `:` the command palette.
    Palette,
    /// A click on the `n`th row a list shows (0 is the first shown).
    Pick(usize),
    /// A click at this column of the line above a list's first row: a detail's section tabs.
    PickSection(u16),
    /// The mouse wheel: three rows down (true) or up.
    Wheel(bool),
    ToggleChart,
    Select,
    Approve,
    ApproveAll,
    Void,
    /// p: prepare the highlighted month's payout run.
    Prepare,
    /// C: complete the exported payout run (its lines paid, those marked failed not).
    Complete,
    /// d: dismiss the abuse case (no abuse).
    Dismiss,
    /// x: the abuse case's bonuses voided and the partner's code deactivated.
    Deactivate,
    /// X: the partner excluded on the abuse case.
    Exclude,
    /// t: the referral tree of the partner highlighted or open.
    Tree,
    Yes,
    No,
    /// A key typed into the focused text field.
    Edit(InputRequest),
    Submit,
    CancelInput,
    /// Tab or ↓ in a form of several fields: the next field (a single field ignores it).
    NextField,
    /// Shift-Tab or ↑ in a form: the field before.
    PrevField,
    /// A pause in typing on `screen`'s search line: the timer of edit `req`, with the text it
    /// was started for.
    SearchDue {
        screen: Screen,
        req: u64,
        text: String,
    },
    DashboardLoaded(u64, Result<Box<Dashboard>, String>),
    PartnersLoaded(u64, Result<Vec<PartnerRow>, String>),
    /// How many partners the list's filter and search find.
    PartnersCounted(u64, Result<i64, String>),
    DetailLoaded(u64, Result<Box<PartnerDetail>, String>),
    DetailPageLoaded(u64, Result<DetailPage, String>),
    /// A detail section's first page for a search (or with none), and how many rows match.
    DetailFound(u64, Result<(DetailPage, i64), String>),
    BonusesLoaded(u64, Result<Vec<BonusRow>, String>),
    /// How many bonuses the list's filter finds, and their value.
    BonusesCounted(u64, Result<(i64, Money), String>),
    BonusDetailLoaded(u64, Result<Box<BonusDetail>, String>),
    Previewed(u64, Result<Preview, String>),
    Approved(u64, Result<Preview, String>),
    Voided(u64, Vec<i64>, Result<Money, String>),
    /// The payout runs by month.
    RunsLoaded(u64, Result<Vec<MonthRun>, String>),
    /// A payout run's head (for its detail, or for the dialog of a step on it).
    RunLoaded(u64, Result<Box<RunHead>, String>),
    /// A page of a payout run's lines.
    RunLinesLoaded(u64, Result<Vec<LineView>, String>),
    /// The next payout run and its expected total (the dashboard's).
    NextRunLoaded(u64, Result<Box<NextRun>, String>),
    /// A payout step still running after this many seconds.
    PayoutWorking(u64, u64),
    /// A payout step done, or why not.
    PayoutStepped(u64, Result<StepDone, String>),
    /// The abuse cases of the queue's filter, with the instant they were read at.
    CasesLoaded(u64, Result<Vec<CaseView>, String>),
    /// One abuse case with its partner's standing and balance.
    CaseLoaded(u64, Result<Box<CaseRead>, String>),
    /// A decision on an abuse case done, or why not (the service's sentence).
    CaseDecided(u64, Result<Box<Decided>, String>),
    /// A referral tree's top: the partner, its first level, who brought it.
    TreeLoaded(u64, Result<Box<Rooted>, String>),
    /// One account of the tree and the accounts it brought.
    LevelLoaded(u64, Result<Box<Level>, String>),
    /// A page of the audit log's entries, or why not.
    AuditLoaded(u64, Result<Vec<Entry>, AuditFailed>),
    /// One audit entry by its number (`None`: the log does not hold it).
    AuditEntry(u64, Result<Option<Box<Entry>>, String>),
    /// The audit chain recomputed: its entries and head, or its first break.
    AuditVerified(u64, Result<Verified, String>),
    /// A change still being written after this many seconds (perhaps waiting for another).
    Writing(u64),
    /// The export's file name and rows, or why there is none (one sentence).
    Exported(Result<(String, usize), String>),
    /// The operator said yes to a dialog; `reason` is what they typed where one was asked.
    Confirmed {
        ask: Ask,
        reason: Option<String>,
    },
}

impl Action {
    /// The screen an answer (or a confirmed dialog) is for, whichever screen is shown; `None` for
    /// the keys, which go to the screen shown.
    pub fn owner(&self) -> Option<Screen> {
        match self {
            Action::DashboardLoaded(..) | Action::NextRunLoaded(..) => Some(Screen::Dashboard),
            Action::RunsLoaded(..)
            | Action::RunLoaded(..)
            | Action::RunLinesLoaded(..)
            | Action::PayoutWorking(..)
            | Action::PayoutStepped(..) => Some(Screen::Payouts),
            Action::PartnersLoaded(..)
            | Action::PartnersCounted(..)
            | Action::DetailLoaded(..)
            | Action::DetailPageLoaded(..)
            | Action::DetailFound(..) => Some(Screen::Partners),
            Action::BonusesLoaded(..)
            | Action::BonusesCounted(..)
            | Action::BonusDetailLoaded(..)
            | Action::Previewed(..)
            | Action::Approved(..)
            | Action::Voided(..) => Some(Screen::Bonuses),
            Action::CasesLoaded(..) | Action::CaseLoaded(..) | Action::CaseDecided(..) => Some(Screen::Abuse),
            Action::TreeLoaded(..) | Action::LevelLoaded(..) => Some(Screen::Tree),
            Action::AuditLoaded(..) | Action::AuditEntry(..) | Action::AuditVerified(..) => Some(Screen::Audit),
            Action::Confirmed { ask, .. } => Some(ask.owner()),
            Action::SearchDue { screen, .. } => Some(*screen),
            _ => None,
        }
    }

    /// Whether this key acts on the rows shown (moves over them, opens or changes one), so that
    /// it must wait while the rows of a new query are on their way. Keys that only start a
    /// query, switch screens, type, or answer a dialog never wait.
    pub fn needs_rows(&self) -> bool {
        !matches!(
            self,
            Action::Quit
                | Action::GoTo(_)
                | Action::NextScreen
                | Action::PrevScreen
                | Action::Help
                | Action::Back
                | Action::QuitOrBack
                | Action::Reload
                | Action::Search
                | Action::Sort
                | Action::Filter
                | Action::ToggleChart
                | Action::Yes
                | Action::No
                | Action::Edit(_)
                | Action::Submit
                | Action::CancelInput
                | Action::NextField
                | Action::PrevField
        ) && self.is_user()
    }

    /// An operator's own doing (as opposed to the terminal, the clock, or an answer).
    pub fn is_user(&self) -> bool {
        !matches!(
            self,
            Action::Resize(..) | Action::Tick(_) | Action::Refresh | Action::Exported(_) | Action::Writing(_)
        ) && self.owner().is_none()
    }
}

/// Why the audit log's entries were not read: a filter it cannot take (a date it cannot read),
/// said as is, or a read that failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuditFailed {
    Filter(String),
    Read(String),
}

/// What the audit screen asks of the audit log; each answers with its action.
#[derive(Clone, Debug)]
pub enum AuditCall {
    /// Up to `limit` entries of the filter: newest first before the entry `bound`, or (not
    /// `newest_first`) oldest first after it; from either end without a bound.
    List { req: u64, query: Query, newest_first: bool, bound: Option<i64>, limit: u64 },
    /// One entry by its number: the one a break names.
    One { req: u64, id: i64 },
    /// The whole chain recomputed.
    Verify { req: u64 },
}

/// What one screen asks another to show (the other screen is then switched to): a partner's
/// referral tree, or a partner's detail; each by the partner's code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Open {
    Tree(String),
    Partner(String),
}

impl Open {
    /// The screen that shows it.
    pub fn screen(&self) -> Screen {
        match self {
            Open::Tree(_) => Screen::Tree,
            Open::Partner(_) => Screen::Partners,
        }
    }
}

/// Work on money that waits for the operator's yes in a dialog (gitui's confirm → confirmed
/// pair): the dialog holds it, and its yes sends it back to its screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ask {
    /// Approve exactly these bonuses: the ones the preview showed.
    Approve(Vec<i64>),
    /// Void these bonuses, for the reason typed.
    Void(Vec<i64>),
    /// A step of a payout run.
    Payout(RunStep),
    /// A decision on an abuse case, for the reason typed.
    Decide { case: i64, decision: Decision },
}

impl Ask {
    fn owner(&self) -> Screen {
        match self {
            Ask::Approve(_) | Ask::Void(_) => Screen::Bonuses,
            Ask::Payout(_) => Screen::Payouts,
            Ask::Decide { .. } => Screen::Abuse,
        }
    }
}

/// A step of a payout run's life, as the console asks for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunStep {
    /// The month's run (`YYYY-MM`).
    Prepare(String),
    Approve(i64),
    /// The bank files, under these names in the directory refdesk was started from (no
    /// pain.001 file for a run that pays nothing).
    Export {
        run: i64,
        csv: String,
        pain001: Option<String>,
    },
    /// Every payable line paid but those of these partners' codes.
    Complete {
        run: i64,
        failed: Vec<String>,
    },
    Discard(i64),
}

/// An abuse case with what its detail shows of its partner.
#[derive(Clone, Debug)]
pub struct CaseRead {
    pub case: CaseView,
    pub status: Status,
    pub balance: Balance,
}

/// What a payout step did.
#[derive(Clone, Debug)]
pub enum StepDone {
    /// The run as it is after the step (prepared, approved, completed, discarded).
    Run(Box<RunView>),
    /// The bank files written.
    Exported { run: i64, files: Vec<Written> },
}

/// Service calls for the run loop to make; each answers with the matching action.
#[derive(Clone, Debug)]
pub enum Effect {
    LoadDashboard {
        req: u64,
    },
    /// A timer: `Action::SearchDue` with this text after `ms` milliseconds.
    Debounce {
        req: u64,
        screen: Screen,
        text: String,
        ms: u64,
    },
    LoadPartners {
        req: u64,
        query: ListQuery,
    },
    LoadDetail {
        req: u64,
        code: String,
    },
    /// The next page of the open detail's ledger or clients.
    LoadDetailPage {
        req: u64,
        account_id: String,
        more: More,
        /// The search the section shows, if any.
        find: Option<Find>,
    },
    /// A detail section read again from its first row, for a search (or with none).
    FindInDetail {
        req: u64,
        account_id: String,
        part: Part,
        find: Option<Find>,
    },
    /// The count of the partners a list's query finds (its cursor and limit aside).
    CountPartners {
        req: u64,
        query: ListQuery,
    },
    LoadBonuses {
        req: u64,
        query: BonusQuery,
    },
    /// The count and value of the bonuses a list's query finds (its cursor and limit aside).
    CountBonuses {
        req: u64,
        query: BonusQuery,
    },
    /// One bonus in full, for its detail.
    LoadBonusDetail {
        req: u64,
        id: i64,
    },
    PreviewApprove {
        req: u64,
        ids: Option<Vec<i64>>,
    },
    Approve {
        req: u64,
        ids: Vec<i64>,
    },
    Void {
        req: u64,
        ids: Vec<i64>,
        reason: String,
    },
    LoadRuns {
        req: u64,
    },
    LoadRun {
        req: u64,
        id: i64,
    },
    /// A page of a run's lines of one status (or all), after the partner's code `after`.
    LoadRunLines {
        req: u64,
        id: i64,
        status: Option<LineStatus>,
        after: Option<String>,
        limit: u64,
    },
    LoadNextRun {
        req: u64,
    },
    /// A payout step; `Action::PayoutWorking` every second while it runs.
    PayoutStep {
        req: u64,
        step: RunStep,
    },
    /// The abuse cases: open, decided or all.
    LoadCases {
        req: u64,
        which: Which,
    },
    /// One abuse case and its partner's standing and balance.
    LoadCase {
        req: u64,
        id: i64,
    },
    DecideCase {
        req: u64,
        id: i64,
        decision: Decision,
        reason: String,
    },
    /// The referral tree of the partner with this code: the partner and its first level.
    LoadTree {
        req: u64,
        code: String,
    },
    /// An account of a tree and the accounts it brought.
    LoadLevel {
        req: u64,
        account_id: String,
    },
    /// A read of the audit log (`audit_io` makes it).
    Audit(AuditCall),
    /// Writes a list to a CSV file in the directory refdesk was started from.
    Export(ExportOf),
    /// Puts the text on the clipboard (OSC 52): written to the terminal by the run loop.
    Copy(String),
}
