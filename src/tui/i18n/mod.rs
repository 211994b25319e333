//! Every string the console shows to people, in English and Russian: the catalog of fixed
//! strings (each key's two languages side by side), the words for the program's values, dates
//! and figures, the sentences that carry numbers, the services' errors and the help. Nothing
//! outside this folder spells out words for people: the screens ask for a [`K`] or call a
//! function here.
mod abuse;
mod audit;
mod catalog;
mod errors;
mod formats;
mod help;
mod names;
mod payouts;
mod sentences;
mod tools;
mod tree;

pub use abuse::{
    case_kind, case_status, case_title, cases_count, days, decide_question, decided, deciding, not_open, queue_filter,
};
pub use audit::{
    AuditK, audit_word, broken, entries_shown, filter_parts, instant, intact_details, not_in_log, role_words, verified,
    yes_no,
};
pub use catalog::{K, t};
pub use errors::{load_failed, refused, service_error};
pub use formats::{clock, compact, date, date_ms, datetime_ms, month_short, month_year, percent};
pub use help::{HelpFor, help};
pub use names::{
    bonus_base, happened, ledger_bucket, ledger_kind, payout_method, refund_mark, sort, standing, state, state_filter,
    status, status_filter,
};
pub use payouts::{
    approve_run_question, approved_run, complete_question, completed_run, discard_question, discarded_run,
    export_question, exported_run, hold_back, late_runs, line_filter, line_status, month_has_run, month_words,
    months_count, next_run_state, prepare_question, prepared, run_note, run_state, working,
};
pub use sentences::{
    Found, amounts_in, approve_all_question, approve_one, approve_question, approved, chart_title, found, help_title,
    hold_days, open_cases, page_title, partners_count, search_shown, selected, status_reason, tab_label,
    void_many_question, void_question, voided,
};
pub use tools::{Reloaded, copied, export_failed, exported, reloaded, writing};
pub use tree::{accounts_shown, brought_by, mark, node_kind};
