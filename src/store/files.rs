//! The database's files and who may read them. The file holds the partners' phones, emails and
//! IINs, so refdesk creates it for its owner only (the binary sets its umask; SQLite gives the
//! -wal and -shm the database file's mode) and says so once when an existing one is open to
//! other users. It does not change the mode itself: a group may share a database on purpose.
use std::path::Path;

/// Whether refdesk may not write `path` (or, for SQLite's journal, its directory): no write bit
/// at all (so that `chmod 444` means read-only even to root), or the OS refuses this user.
pub fn not_writable(path: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(path) else { return false };
    if meta.permissions().readonly() || !access_w(path) {
        return true;
    }
    // The WAL and shared-memory files are created beside the database: a directory nobody may
    // write makes the database read-only too, unless they exist already.
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let wal = std::path::PathBuf::from(format!("{}-wal", path.display()));
    let dir_ro = std::fs::metadata(dir).is_ok_and(|m| m.permissions().readonly()) || !access_w(dir);
    dir_ro && !wal.exists()
}

/// Whether `path`'s directory may not be written and it has neither -wal nor -shm beside it.
pub fn no_room_for_shm(path: &Path) -> bool {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let beside = |suffix: &str| std::path::PathBuf::from(format!("{}{suffix}", path.display())).exists();
    let dir_ro = std::fs::metadata(dir).is_ok_and(|m| m.permissions().readonly()) || !access_w(dir);
    dir_ro && !beside("-wal") && !beside("-shm")
}

#[cfg(unix)]
fn access_w(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(path.as_os_str().as_bytes()) else { return true };
    // SAFETY: access reads the NUL-terminated path and nothing else.
    unsafe { libc::access(c.as_ptr(), libc::W_OK) == 0 }
}

#[cfg(not(unix))]
fn access_w(_path: &Path) -> bool {
    true
}

/// Warns on stderr, once, when the database or its -wal/-shm may be read by users
/// other than its owner. SQLite gives the -wal and -shm the database's mode, so they are named
/// only when the database itself is not (one line for one fix).
pub fn warn_if_shared(db: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let file = std::path::PathBuf::from(format!("{}{suffix}", db.display()));
        if let Some(line) = shared_warning(&file, "600") {
            eprintln!("{line}");
            return;
        }
    }
}

/// The warning for `file` if others may read it (`fix`: the mode to give it), else `None`.
#[cfg(unix)]
pub fn shared_warning(file: &Path, fix: &str) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(file).ok()?.permissions().mode();
    let f = file.display();
    (mode & 0o044 != 0).then(|| format!("warning: {f} can be read by other users; run chmod {fix} {f}"))
}

#[cfg(not(unix))]
pub fn shared_warning(_file: &Path, _fix: &str) -> Option<String> {
    None
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_file_without_write_bits_is_read_only_and_one_open_to_others_is_named() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let f = dir.path().join("r.db");
        assert!(std::fs::write(&f, b"x").is_ok());
        let set = |m| assert!(std::fs::set_permissions(&f, std::fs::Permissions::from_mode(m)).is_ok());
        set(0o600);
        assert!(!not_writable(&f));
        assert_eq!(shared_warning(&f, "600"), None);
        set(0o444);
        assert!(not_writable(&f));
        let said = shared_warning(&f, "600").unwrap_or_default();
        assert_eq!(said, format!("warning: {0} can be read by other users; run chmod 600 {0}", f.display()));
        assert!(!not_writable(&dir.path().join("missing.db")));
    }
}
