//! The command line of INTERFACE.md.
use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(name = "refdesk", version, about = "Back-office of the Atlantys referral program", long_about = None)]
pub struct Cli {
    /// Database: a SQLite file (PATH or sqlite://PATH?mode=rwc) or postgres://… (default: refdesk.db in the data dir)
    #[arg(long, env = "REFDESK_DB", global = true)]
    pub db: Option<String>,
    /// Program terms (default: refdesk.toml in the config dir, else the built-in terms)
    #[arg(long, env = "REFDESK_CONFIG", global = true)]
    pub config: Option<String>,
    /// Who is acting (default: the operating-system user)
    #[arg(long, env = "REFDESK_OPERATOR", global = true)]
    pub operator: Option<String>,
    /// The clock, RFC 3339 (default: the real time)
    #[arg(long, env = "REFDESK_NOW", global = true)]
    pub now: Option<String>,
    /// Interface language: ru or en (default from LANG)
    #[arg(long, env = "REFDESK_LANG", global = true)]
    pub lang: Option<String>,
    /// Open the console over a fresh demonstration database (a temporary file)
    #[arg(long)]
    pub demo: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create or migrate the database and fix its mode; the invoking operator becomes admin if there is none
    Init {
        /// A sandbox (demo, tests, training): --operator and --now are taken as given
        #[arg(long)]
        sandbox: bool,
    },
    /// Fill the database with realistic synthetic data (deterministic for a seed)
    Demo(DemoArgs),
    /// Ingest platform events (NDJSON or CSV); '-' reads stdin
    Import(ImportArgs),
    /// Partners: list, show, add, contract, deactivate-code, exclude
    #[command(subcommand)]
    Partner(PartnerCmd),
    /// Payments: list, show
    #[command(subcommand)]
    Payment(PaymentCmd),
    /// Bonuses: list, show, approve, void
    #[command(subcommand)]
    Bonus(BonusCmd),
    /// Payout runs: prepare, show, approve, discard
    #[command(subcommand)]
    Payout(PayoutCmd),
    /// Abuse cases: scan, list, decide
    #[command(subcommand)]
    Fraud(FraudCmd),
    /// Operators and their roles: add, list, set-role, disable (admin)
    #[command(subcommand)]
    Operator(OperatorCmd),
    /// The audit log: list, verify
    #[command(subcommand)]
    Audit(AuditCmd),
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum RoleArg {
    Viewer,
    Operator,
    Approver,
    Admin,
}

impl RoleArg {
    pub fn role(self) -> crate::domain::access::Role {
        use crate::domain::access::Role;
        match self {
            RoleArg::Viewer => Role::Viewer,
            RoleArg::Operator => Role::Operator,
            RoleArg::Approver => Role::Approver,
            RoleArg::Admin => Role::Admin,
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum OperatorCmd {
    /// Register an operator (or register a disabled one again)
    Add {
        name: String,
        #[arg(long, value_enum)]
        role: RoleArg,
    },
    /// Every operator with role and standing
    List {
        #[arg(long)]
        json: bool,
    },
    /// Change an operator's role
    SetRole {
        name: String,
        #[arg(value_enum)]
        role: RoleArg,
    },
    /// Disable an operator: from then on they may only read
    Disable { name: String },
}

#[derive(Subcommand, Debug)]
pub enum AuditCmd {
    /// Entries, oldest first
    List {
        /// Whose entries (after `audit list`; before it, --operator is who is acting)
        #[arg(skip)]
        operator: Option<String>,
        /// An action (bonus.approve) or its family (bonus)
        #[arg(long)]
        action: Option<String>,
        /// Part of the subject (a code, "bonus 12", "run 3")
        #[arg(long)]
        subject: Option<String>,
        /// From this day (YYYY-MM-DD, local) or instant (RFC 3339)
        #[arg(long)]
        from: Option<String>,
        /// To this day, inclusive, or instant
        #[arg(long)]
        to: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Recompute the hash chain: exit 0 with the entries and head hash, exit 1 naming the first break
    Verify {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args, Debug)]
pub struct DemoArgs {
    #[arg(long, default_value_t = 200)]
    pub partners: usize,
    #[arg(long, default_value_t = 3000)]
    pub clients: usize,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum FormatArg {
    Ndjson,
    Csv,
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    #[arg(required = true)]
    pub files: Vec<String>,
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand, Debug)]
pub enum PartnerCmd {
    /// Partners by name
    List {
        /// active, code_deactivated or excluded
        #[arg(long)]
        status: Option<String>,
        /// Part of a name, code or phone
        #[arg(long)]
        search: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Profile, contract, balance, statistics
    Show {
        code: String,
        #[arg(long)]
        json: bool,
    },
    /// Register a partner by hand
    Add {
        #[arg(long)]
        name: String,
        #[arg(long)]
        code: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        iin: Option<String>,
    },
    /// Record the partner's contract
    Contract {
        code: String,
        #[arg(long)]
        number: String,
        /// YYYY-MM-DD
        #[arg(long)]
        signed: String,
        #[arg(long)]
        iban: String,
        /// The IIN or BIN, 12 digits
        #[arg(long)]
        iin: String,
    },
    /// Deactivate the partner's code
    DeactivateCode {
        code: String,
        #[arg(long)]
        reason: String,
    },
    /// Exclude the partner: code deactivated, every unpaid bonus voided
    Exclude {
        code: String,
        #[arg(long)]
        reason: String,
    },
    /// Who brought whom, from this partner down
    Tree {
        code: String,
        /// Levels below the partner (default 64)
        #[arg(long)]
        depth: Option<u32>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum PaymentCmd {
    List {
        #[arg(long)]
        partner: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The payment, its refunds, and its bonus or the reason it earned none
    Show {
        payment_id: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum BonusCmd {
    List {
        #[arg(long)]
        partner: Option<String>,
        /// held, due, available, paid, voided or frozen
        #[arg(long)]
        status: Option<String>,
        /// Part of the partner's code or the payment id, or the bonus id
        #[arg(long)]
        search: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// One bonus in full: payment, client, partner, terms, value and its history
    Show {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Approve due bonuses: by id, or every due one
    Approve {
        #[arg(required_unless_present = "all_due", conflicts_with = "all_due")]
        ids: Vec<i64>,
        #[arg(long)]
        all_due: bool,
    },
    /// Void an unpaid bonus
    Void {
        id: i64,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum PayoutCmd {
    /// Prepare the run of a month (local time): a line per partner, payable or held back
    Prepare {
        /// The month, YYYY-MM
        #[arg(long)]
        month: String,
        #[arg(long)]
        json: bool,
    },
    /// Every run by month, newest first, with months that have none, and which are late
    List {
        #[arg(long)]
        json: bool,
    },
    /// One run with its lines
    Show {
        run: i64,
        #[arg(long)]
        json: bool,
    },
    /// Approve a draft run (not its preparer)
    Approve { run: i64 },
    /// Discard a run not yet exported; its month can be prepared again
    Discard { run: i64 },
    /// Write a bank file of an approved run (the same bytes every time); marks nothing paid
    Export {
        run: i64,
        #[arg(long, value_enum)]
        format: BankFormat,
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Complete an exported run: every payable line paid but the failed ones
    Complete {
        run: i64,
        /// The code of a partner whose transfer failed (again for each)
        #[arg(long, num_args = 1..)]
        failed: Vec<String>,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum BankFormat {
    Csv,
    Pain001,
}

#[derive(Subcommand, Debug)]
pub enum FraudCmd {
    /// Run every abuse signal over the whole database: cases opened, or evidence added to open ones
    Scan {
        #[arg(long)]
        json: bool,
    },
    /// The abuse cases, oldest first
    List {
        #[arg(long, value_enum)]
        status: Option<CaseFilter>,
        #[arg(long)]
        json: bool,
    },
    /// Decide an open case, once: dismiss, void its bonuses, deactivate the code, exclude the partner
    Decide {
        case: i64,
        #[arg(long, value_enum)]
        action: DecisionArg,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum CaseFilter {
    Open,
    Decided,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum DecisionArg {
    Dismiss,
    Void,
    Deactivate,
    Exclude,
}

/// The global options that take a value, which `parse` steps over to find the command.
const VALUED: [&str; 5] = ["--db", "--config", "--operator", "--now", "--lang"];

/// Parses the command line. `--operator` is global (who is acting) everywhere but after
/// `audit list`, where INTERFACE.md makes it the filter of whose entries to list: there it is
/// taken out before clap sees it, so that `refdesk --operator anna audit list --operator bolat`
/// is anna reading bolat's entries.
pub fn parse() -> Cli {
    let (argv, filter) = audit_filter(std::env::args_os().collect());
    let mut cli = Cli::parse_from(argv);
    if let Some(Command::Audit(AuditCmd::List { operator, .. })) = &mut cli.command {
        *operator = filter;
    }
    cli
}

/// Splits `--operator X` (or `--operator=X`) after `audit list` off the arguments.
fn audit_filter(argv: Vec<std::ffi::OsString>) -> (Vec<std::ffi::OsString>, Option<String>) {
    let text: Vec<String> = argv.iter().map(|a| a.to_string_lossy().into_owned()).collect();
    // The first two words that are neither an option nor an option's value.
    let mut words = Vec::new();
    let mut i = 1;
    while i < text.len() && words.len() < 2 {
        let a = &text[i];
        if VALUED.contains(&a.as_str()) {
            i += 2;
            continue;
        }
        if !a.starts_with('-') {
            words.push(i);
        }
        i += 1;
    }
    let [audit, list] = words[..] else { return (argv, None) };
    if text[audit] != "audit" || text[list] != "list" {
        return (argv, None);
    }
    let mut kept = argv[..=list].to_vec();
    let mut filter = None;
    let mut j = list + 1;
    while j < argv.len() {
        if text[j] == "--operator" && j + 1 < argv.len() {
            filter = Some(text[j + 1].clone());
            j += 2;
            continue;
        }
        if let Some(v) = text[j].strip_prefix("--operator=") {
            filter = Some(v.to_string());
        } else {
            kept.push(argv[j].clone());
        }
        j += 1;
    }
    (kept, filter)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(args: &[&str]) -> (Vec<String>, Option<String>) {
        let (kept, filter) = audit_filter(args.iter().map(std::ffi::OsString::from).collect());
        (kept.iter().map(|a| a.to_string_lossy().into_owned()).collect(), filter)
    }

    #[test]
    fn operator_after_audit_list_is_the_filter_and_before_it_who_acts() {
        let (kept, filter) =
            split(&["refdesk", "--operator", "anna", "audit", "list", "--operator", "bolat", "--json"]);
        assert_eq!(kept, ["refdesk", "--operator", "anna", "audit", "list", "--json"]);
        assert_eq!(filter.as_deref(), Some("bolat"));
        let (kept, filter) = split(&["refdesk", "audit", "list", "--operator=carl"]);
        assert_eq!((kept.len(), filter.as_deref()), (3, Some("carl")));
        // Elsewhere --operator stays who is acting, before or after the command.
        let (kept, filter) = split(&["refdesk", "bonus", "approve", "3", "--operator", "bolat"]);
        assert_eq!((kept.len(), filter), (6, None));
        let (kept, filter) = split(&["refdesk", "--operator", "audit", "partner", "list"]);
        assert_eq!((kept.len(), filter), (5, None));
        let cli = Cli::parse_from(["refdesk", "--operator", "anna", "audit", "list", "--json"]);
        assert_eq!(cli.operator.as_deref(), Some("anna"));
    }
}
