//! The audit log's hash chain: the canonical form an entry is hashed in, and the check that
//! finds the first entry changed, removed, inserted or moved.
//!
//! Entries are numbered 1, 2, 3… with no gap (each is written under the writers' lock as the
//! last one plus one), and the number is part of what is hashed: an entry moved to another place
//! no longer matches its hash, and a missing number is a removed entry. The last entry's number
//! and hash are also kept beside the log (the head), so that removing the last entry is caught
//! too; printing the head on paper and in bank reports anchors it outside the database.
use sha2::{Digest, Sha256};

/// An entry as it is hashed and stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub id: i64,
    /// Unix milliseconds.
    pub at: i64,
    pub operator: String,
    /// The operator's role when they acted (`system` for the program's own changes).
    pub role: String,
    /// Written in a sandbox database, where `--operator` and `--now` are taken as given.
    pub sandbox: bool,
    pub action: String,
    pub subject: String,
    /// JSON: before → after.
    pub detail: String,
    pub reason: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// SHA-256 of the previous entry's hash and this entry's canonical form: its fields in a fixed
/// order, each followed by a unit separator (0x1f). A reason is written `+` and its text, an
/// absent one `-`, so that no text stands for none.
pub fn hash(e: &Entry) -> String {
    let mut h = Sha256::new();
    let id = e.id.to_string();
    let at = e.at.to_string();
    let sandbox = if e.sandbox { "sandbox" } else { "production" };
    let reason = e.reason.as_deref().map(|r| format!("+{r}")).unwrap_or_else(|| "-".to_string());
    for part in
        [e.prev_hash.as_str(), &id, &at, &e.operator, &e.role, sandbox, &e.action, &e.subject, &e.detail, &reason]
    {
        h.update(part.as_bytes());
        h.update([0x1f]);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Where the chain breaks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Break {
    /// The entry's fields (or its number) no longer give its hash, or no longer read as an
    /// entry's (a time that is not a whole number).
    Changed { entry: i64 },
    /// The entry is missing: the chain goes on past it (`next`), or ends before the kept head.
    Removed { entry: i64, next: Option<i64> },
    /// The entry matches its own hash but is not where the chain has it: it does not follow the
    /// entry before it (`after`, 0 at the start), or it lies past the kept head.
    Inserted { entry: i64, after: i64 },
}

impl Break {
    pub fn entry(&self) -> i64 {
        match self {
            Break::Changed { entry } | Break::Removed { entry, .. } | Break::Inserted { entry, .. } => *entry,
        }
    }

    pub fn text(&self, ru: bool) -> String {
        match *self {
            Break::Changed { entry } => {
                if ru {
                    format!("запись {entry} изменена: её поля не дают её хеш")
                } else {
                    format!("entry {entry} was changed: its fields do not give its hash")
                }
            }
            Break::Removed { entry, next: Some(n) } if entry <= 1 => {
                if ru {
                    format!("запись {entry} удалена: журнал начинается с записи {n}")
                } else {
                    format!("entry {entry} was removed: the log starts at entry {n}")
                }
            }
            Break::Removed { entry, next: Some(n) } => {
                if ru {
                    format!("запись {entry} удалена: цепочка идёт от записи {} к записи {n}", entry - 1)
                } else {
                    format!("entry {entry} was removed: the chain goes from entry {} to entry {n}", entry - 1)
                }
            }
            Break::Removed { entry, next: None } => {
                if ru {
                    format!("запись {entry} удалена: журнал кончается раньше, а его вершина — запись {entry} или позже")
                } else {
                    format!("entry {entry} was removed: the log ends before it, but its head is entry {entry} or later")
                }
            }
            Break::Inserted { entry, after: 0 } => {
                if ru {
                    format!("запись {entry} вставлена: журнал начинается не с неё")
                } else {
                    format!("entry {entry} was inserted: the log does not start with it")
                }
            }
            Break::Inserted { entry, after } => {
                if ru {
                    format!("запись {entry} вставлена или перемещена: она не продолжает запись {after}")
                } else {
                    format!("entry {entry} was inserted or moved: it does not follow entry {after}")
                }
            }
        }
    }
}

/// The state of a check part-way: made with the head kept beside the log, fed the entries in
/// order of their number, then finished.
#[derive(Clone, Debug, Default)]
pub struct Verifier {
    /// Entries checked.
    pub count: i64,
    /// The hash of the last entry checked.
    pub head: String,
    last_id: i64,
    /// The last entry's id and hash as kept beside the log (0 and empty: never written).
    kept: (i64, String),
}

impl Verifier {
    pub fn new(kept: Option<(i64, String)>) -> Verifier {
        Verifier { kept: kept.unwrap_or((0, String::new())), ..Default::default() }
    }

    /// An entry whose fields do not read as an entry's.
    pub fn unreadable(&self, id: i64) -> Break {
        Break::Changed { entry: id }
    }

    pub fn next(&mut self, e: &Entry) -> Result<(), Break> {
        let expected = self.last_id + 1;
        if hash(e) != e.hash {
            return Err(Break::Changed { entry: e.id });
        }
        // Past the head: written outside refdesk, whatever it links to.
        if e.id > self.kept.0 && e.id >= expected {
            return Err(if expected <= self.kept.0 {
                Break::Removed { entry: expected, next: None }
            } else {
                Break::Inserted { entry: e.id, after: self.last_id }
            });
        }
        if e.id != expected {
            // A gap: the entry after it still names the missing one's hash.
            return Err(if e.id > expected && e.prev_hash != self.head {
                Break::Removed { entry: expected, next: Some(e.id) }
            } else {
                Break::Inserted { entry: e.id, after: self.last_id }
            });
        }
        if e.prev_hash != self.head {
            return Err(Break::Inserted { entry: e.id, after: self.last_id });
        }
        self.head = e.hash.clone();
        self.last_id = e.id;
        self.count += 1;
        Ok(())
    }

    /// Compares the end of the log with the head kept beside it.
    pub fn finish(self) -> Result<(i64, String), Break> {
        let (last, hash) = &self.kept;
        if *last > self.last_id {
            return Err(Break::Removed { entry: self.last_id + 1, next: None });
        }
        if *hash != self.head {
            return Err(Break::Changed { entry: *last });
        }
        Ok((self.count, self.head))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<Entry> {
        let mut out: Vec<Entry> = Vec::new();
        for id in 1..=n {
            let mut e = Entry {
                id,
                at: 1_700_000_000_000 + id,
                operator: "anna".into(),
                role: "operator".into(),
                sandbox: false,
                action: "bonus.approve".into(),
                subject: format!("bonus {id}"),
                detail: "{}".into(),
                reason: None,
                prev_hash: out.last().map(|p| p.hash.clone()).unwrap_or_default(),
                hash: String::new(),
            };
            e.hash = hash(&e);
            out.push(e);
        }
        out
    }

    fn check(entries: &[Entry], head: Option<(i64, String)>) -> Result<(i64, String), Break> {
        let mut v = Verifier::new(head);
        for e in entries {
            v.next(e)?;
        }
        v.finish()
    }

    fn head(entries: &[Entry]) -> Option<(i64, String)> {
        entries.last().map(|e| (e.id, e.hash.clone()))
    }

    #[test]
    fn an_untouched_chain_verifies() {
        let c = chain(5);
        assert_eq!(check(&c, head(&c)), Ok((5, c[4].hash.clone())));
        assert_eq!(check(&[], None), Ok((0, String::new())));
    }

    #[test]
    fn each_kind_of_tampering_names_its_entry() {
        let c = chain(6);
        let kept = head(&c);
        let mut changed = c.clone();
        changed[2].subject = "bonus 99".into();
        assert_eq!(check(&changed, kept.clone()), Err(Break::Changed { entry: 3 }));

        let mut removed = c.clone();
        removed.remove(3);
        assert_eq!(check(&removed, kept.clone()), Err(Break::Removed { entry: 4, next: Some(5) }));

        let mut last_removed = c.clone();
        last_removed.pop();
        assert_eq!(check(&last_removed, kept.clone()), Err(Break::Removed { entry: 6, next: None }));

        // Two entries swap places, numbers and all: the first out of place no longer hashes.
        let mut swapped = c.clone();
        swapped.swap(1, 2);
        (swapped[1].id, swapped[2].id) = (2, 3);
        assert_eq!(check(&swapped, kept.clone()), Err(Break::Changed { entry: 2 }));

        // An entry hashed correctly but written after the head.
        let mut appended = c.clone();
        let mut extra = chain(7).pop().unwrap_or_else(|| unreachable!());
        extra.prev_hash = c[5].hash.clone();
        extra.hash = hash(&extra);
        appended.push(extra);
        assert_eq!(check(&appended, kept.clone()), Err(Break::Inserted { entry: 7, after: 6 }));

        // A reason of one NUL where there was none is a change.
        let mut nul = c.clone();
        nul[1].reason = Some("\u{0}".into());
        assert_eq!(check(&nul, kept.clone()), Err(Break::Changed { entry: 2 }));

        // Hashed correctly, past a gap, linked to an earlier entry: inserted, nothing removed.
        let mut forged = c.clone();
        let mut f = chain(9).pop().unwrap_or_else(|| unreachable!());
        f.prev_hash = c[2].hash.clone();
        f.hash = hash(&f);
        forged.push(f);
        assert_eq!(check(&forged, kept.clone()), Err(Break::Inserted { entry: 9, after: 6 }));

        let mut first_removed = c.clone();
        first_removed.remove(0);
        let b = check(&first_removed, kept);
        assert_eq!(b, Err(Break::Removed { entry: 1, next: Some(2) }));
        assert_eq!(b.err().map(|b| b.text(false)).as_deref(), Some("entry 1 was removed: the log starts at entry 2"));
    }
}
