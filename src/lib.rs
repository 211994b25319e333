//! refdesk: the back-office of the Atlantys referral program. The domain core knows nothing of
//! the terminal; the console, the CLI and the tests are clients of the same services.
pub mod app;
pub mod cli;
pub mod demo;
pub mod domain;
pub mod service;
pub mod store;
pub mod tui;

/// glibc's allocator spends a third of a bulk import consolidating freed chunks; mimalloc does
/// not. Set here so that the binary, the tests and the benchmarks all run on it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
