//! What the benches share: sizes from the environment, and a demo database made once by the real
//! binary and kept where an environment variable says (reused when it exists).
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

pub fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// The demo database of `partners` and `clients` at `now`: the file `keep_var` names, else one in
/// `dir`; made with `refdesk demo` when it does not exist yet.
pub fn demo_db(
    keep_var: &str,
    dir: &Path,
    name: &str,
    partners: usize,
    clients: usize,
    now: &str,
) -> Result<PathBuf, String> {
    let bin = env!("CARGO_BIN_EXE_refdesk");
    let db = std::env::var_os(keep_var).map(PathBuf::from).unwrap_or_else(|| dir.join(name));
    if !db.exists() {
        let t = Instant::now();
        let out = Command::new(bin)
            .args(["--db", &db.display().to_string(), "--operator", "bench", "--now", now, "demo"])
            .args(["--partners", &partners.to_string(), "--clients", &clients.to_string()])
            .output()
            .map_err(|e| e.to_string())?;
        if !out.status.success() {
            return Err(format!("demo: {}", String::from_utf8_lossy(&out.stderr)));
        }
        println!("made a demo of {partners} partners and {clients} clients in {:.0?}", t.elapsed());
    }
    Ok(db)
}
