//! A cache of closed periods on disk: one file per (query, month), written whole or not
//! at all. Cost Explorer marks periods that can still change (`Estimated: true`); a month
//! whose results are all closed never changes, so a repeated query reads it here instead
//! of paying for it again.
//!
//! The store is plain files, no database: each entry is written to a temporary file in the
//! same directory (mode 0600; the directory 0700) and renamed over its
//! name, so a reader sees the old entry or the new one, never a torn one, and two writers
//! of one entry each rename a whole file (the last one wins); entries are not synced to
//! disk (what a power cut might tear, the checksum finds). An entry starts with a
//! header line `cloudcost-cache 1 <fnv64 hex> <length>` and holds its own key, so a
//! flipped byte, a truncated file or another key's file is found, reported as a warning,
//! deleted and refetched. Any failure to write (a full or read-only disk) is a warning:
//! the call's answer never depends on the cache. Keys hold no credentials: the caller's
//! identity goes in as the endpoint, region, profile and a one-way hash of what names the
//! account.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// The header's first word and version.
const MAGIC: &str = "cloudcost-cache 1";

/// A directory of cache entries.
#[derive(Clone, Debug)]
pub struct Store {
    dir: PathBuf,
}

/// What [`Store::get`] found.
#[derive(Debug, PartialEq)]
pub enum Lookup {
    /// A whole entry with this key.
    Hit(Value),
    /// No entry.
    Miss,
    /// An entry that failed its check (the reason); it was removed.
    Corrupt(String),
}

/// What the store holds, for `cloudcost cache show`.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Whole entries.
    pub entries: u64,
    /// Their bytes.
    pub bytes: u64,
    /// Temporary files of writes that never finished (a killed process).
    pub unfinished: u64,
}

/// FNV-1a, 64 bits: every single changed byte changes it (each step is a bijection of the
/// state), which is what a checksum against a flipped byte needs; keys are compared whole.
pub fn fnv64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

impl Store {
    /// A store in `dir` (created when first written).
    pub fn new(dir: impl Into<PathBuf>) -> Store {
        Store { dir: dir.into() }
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, key: &str) -> PathBuf {
        self.dir
            .join(format!("{:016x}.entry", fnv64(key.as_bytes())))
    }

    /// The entry of `key`, checked.
    pub fn get(&self, key: &str) -> Lookup {
        let path = self.path(key);
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            Err(_) => return Lookup::Miss,
        };
        match check(&bytes, key) {
            Ok(v) => Lookup::Hit(v),
            Err(why) => {
                let _ = fs::remove_file(&path);
                Lookup::Corrupt(format!("{}: {why}", path.display()))
            }
        }
    }

    /// Writes `value` as the entry of `key`: whole or not at all. An error is for a
    /// warning, never a failed call.
    pub fn put(&self, key: &str, value: &Value) -> Result<(), String> {
        let where_ = || self.dir.display().to_string();
        create_private_dir(&self.dir).map_err(|e| format!("{}: {e}", where_()))?;
        let body = serde_json::json!({"key": key, "value": value}).to_string();
        let text = format!(
            "{MAGIC} {:016x} {}\n{body}",
            fnv64(body.as_bytes()),
            body.len()
        );
        let unique =
            fnv64(format!("{}{:?}", std::process::id(), std::time::SystemTime::now()).as_bytes());
        let tmp = self
            .dir
            .join(format!(".tmp-{}-{unique:016x}", std::process::id()));
        let written = (|| {
            let mut f = open_private(&tmp)?;
            f.write_all(text.as_bytes())?;
            // Not synced: a killed process cannot tear an entry (the rename is atomic), and
            // what a power cut might tear, the checksum finds; a sync per entry cost more
            // than the fetch it saves (ARCHITECTURE.md).
            drop(f);
            fs::rename(&tmp, self.path(key))
        })();
        if let Err(e) = written {
            let _ = fs::remove_file(&tmp);
            return Err(format!("{}: {e}", where_()));
        }
        Ok(())
    }

    /// What the store holds.
    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        for entry in fs::read_dir(&self.dir).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let len = entry.metadata().map_or(0, |m| m.len());
            if name.ends_with(".entry") {
                s.entries += 1;
                s.bytes += len;
            } else if name.starts_with(".tmp-") {
                s.unfinished += 1;
            }
        }
        s
    }

    /// Removes every entry and unfinished write; returns how many files went.
    pub fn clear(&self) -> Result<u64, String> {
        let mut removed = 0;
        let entries = match fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(format!("{}: {e}", self.dir.display())),
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".entry") || name.starts_with(".tmp-") {
                fs::remove_file(entry.path())
                    .map_err(|e| format!("{}: {e}", entry.path().display()))?;
                removed += 1;
            }
        }
        Ok(removed)
    }
}

/// The value of an entry's bytes, if they are whole and hold `key`.
fn check(bytes: &[u8], key: &str) -> Result<Value, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "not UTF-8".to_string())?;
    let (header, body) = text.split_once('\n').ok_or("no header line")?;
    let rest = header
        .strip_prefix(MAGIC)
        .ok_or("not a cache entry of this version")?;
    let mut words = rest.split_whitespace();
    let sum = words.next().and_then(|w| u64::from_str_radix(w, 16).ok());
    let len = words.next().and_then(|w| w.parse::<usize>().ok());
    let (Some(sum), Some(len)) = (sum, len) else {
        return Err("a bad header".into());
    };
    if body.len() != len {
        return Err(format!(
            "{} bytes where the header says {len} (a torn write)",
            body.len()
        ));
    }
    if fnv64(body.as_bytes()) != sum {
        return Err("the checksum does not match (the entry changed on disk)".into());
    }
    let doc: Value = serde_json::from_str(body).map_err(|e| format!("not JSON: {e}"))?;
    if doc.get("key").and_then(Value::as_str) != Some(key) {
        return Err("another query's entry".into());
    }
    doc.get("value").cloned().ok_or_else(|| "no value".into())
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    match fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
    {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    fs::create_dir_all(dir)
}

#[cfg(unix)]
fn open_private(path: &Path) -> std::io::Result<fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn open_private(path: &Path) -> std::io::Result<fs::File> {
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn tmp() -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "cloudcost-cache-test-{}-{:x}",
            std::process::id(),
            fnv64(format!("{:?}", std::time::SystemTime::now()).as_bytes())
        ));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn entries_round_trip_and_a_flipped_byte_is_found_and_removed() {
        let dir = tmp();
        let store = Store::new(&dir);
        assert_eq!(store.get("k"), Lookup::Miss);
        store.put("k", &json!({"a": [1, 2]})).unwrap();
        assert_eq!(store.get("k"), Lookup::Hit(json!({"a": [1, 2]})));
        assert_eq!(store.get("other"), Lookup::Miss);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(store.path("k")).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
            let mode = fs::metadata(&dir).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o700);
        }
        let path = store.path("k");
        let mut bytes = fs::read(&path).unwrap();
        let last = bytes.len() - 3;
        bytes[last] ^= 0x01;
        fs::write(&path, &bytes).unwrap();
        match store.get("k") {
            Lookup::Corrupt(why) => assert!(why.contains("checksum"), "{why}"),
            other => panic!("{other:?}"),
        }
        assert!(!path.exists(), "a corrupt entry is removed");
        store.put("k", &json!(1)).unwrap();
        fs::write(&path, &fs::read(&path).unwrap()[..20]).unwrap();
        assert!(matches!(store.get("k"), Lookup::Corrupt(_)));
        assert_eq!(store.summary(), Summary::default());
        store.put("k", &json!(1)).unwrap();
        fs::write(dir.join(".tmp-1-dead"), b"half").unwrap();
        let s = store.summary();
        assert_eq!((s.entries, s.unfinished), (1, 1));
        assert_eq!(store.clear().unwrap(), 2);
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn checksums_change_with_any_single_byte() {
        let base = b"{\"key\":\"x\",\"value\":[1,2,3]}".to_vec();
        for i in 0..base.len() {
            for bit in 0..8 {
                let mut b = base.clone();
                b[i] ^= 1 << bit;
                assert_ne!(fnv64(&b), fnv64(&base));
            }
        }
    }
}

/// A month-aligned piece of a period: whole months are cached, partial ones (at the
/// period's edges) only fetched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Piece {
    /// The first day.
    pub start: cloudcost_types::chrono::NaiveDate,
    /// The day after the last.
    pub end: cloudcost_types::chrono::NaiveDate,
    /// Whether it is a whole calendar month.
    pub whole: bool,
}

/// The month-aligned pieces of a period, in order.
pub fn pieces(period: crate::Period) -> Vec<Piece> {
    use cloudcost_types::chrono::{Datelike, Months};
    let mut out = Vec::new();
    let mut at = period.start;
    while at < period.end {
        let first = at.with_day(1).unwrap_or(at);
        let next = first
            .checked_add_months(Months::new(1))
            .unwrap_or(period.end);
        let end = next.min(period.end);
        out.push(Piece {
            start: at,
            end,
            whole: at == first && end == next,
        });
        at = end;
    }
    out
}

/// Which piece a result belongs to: the one holding its `TimePeriod.Start` day.
pub fn piece_of(pieces: &[Piece], result: &Value) -> Option<usize> {
    let start = result.pointer("/TimePeriod/Start")?.as_str()?;
    let day =
        cloudcost_types::chrono::NaiveDate::parse_from_str(start.get(..10)?, "%Y-%m-%d").ok()?;
    pieces.iter().position(|p| p.start <= day && day < p.end)
}

/// Whether results are closed: none says `Estimated: true`.
pub fn closed(results: &[Value]) -> bool {
    !results
        .iter()
        .any(|r| r.get("Estimated").and_then(Value::as_bool) == Some(true))
}

#[cfg(test)]
mod piece_tests {
    use super::*;
    use cloudcost_types::chrono::NaiveDate;

    #[test]
    fn periods_split_into_months_and_results_find_theirs() {
        let d = |t: &str| NaiveDate::parse_from_str(t, "%Y-%m-%d").unwrap();
        let ps = pieces(crate::Period {
            start: d("2024-01-15"),
            end: d("2024-04-01"),
        });
        let got: Vec<(String, String, bool)> = ps
            .iter()
            .map(|p| (p.start.to_string(), p.end.to_string(), p.whole))
            .collect();
        assert_eq!(
            got,
            [
                ("2024-01-15".into(), "2024-02-01".into(), false),
                ("2024-02-01".into(), "2024-03-01".into(), true),
                ("2024-03-01".into(), "2024-04-01".into(), true),
            ]
        );
        let r = serde_json::json!({"TimePeriod": {"Start": "2024-02-29", "End": "2024-03-01"}, "Estimated": false});
        assert_eq!(piece_of(&ps, &r), Some(1));
        assert!(closed(&[r]));
        assert!(!closed(&[serde_json::json!({"Estimated": true})]));
    }
}

/// Joins the fragments of one period that page boundaries cut apart (a period's groups
/// continued on the next page) into one result, so an answer reads the same whichever
/// requests and pages it came in.
pub fn coalesce(results: Vec<Value>) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::with_capacity(results.len());
    for r in results {
        let same = out.last().is_some_and(|last| {
            last.get("TimePeriod").is_some() && last.get("TimePeriod") == r.get("TimePeriod")
        });
        let Some(last) = out.last_mut().filter(|_| same) else {
            out.push(r);
            continue;
        };
        if let (Some(Value::Array(into)), Some(Value::Array(more))) =
            (last.get_mut("Groups"), r.get("Groups"))
        {
            into.extend(more.iter().cloned());
        }
        let empty = |v: Option<&Value>| v.and_then(Value::as_object).is_none_or(|o| o.is_empty());
        if empty(last.get("Total")) && !empty(r.get("Total")) {
            last["Total"] = r["Total"].clone();
        }
    }
    out
}

#[cfg(test)]
mod coalesce_tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fragments_of_a_period_become_one() {
        let p = |s: &str, g: Value| json!({"TimePeriod": {"Start": s}, "Groups": g, "Total": {}});
        let got = coalesce(vec![
            p("a", json!([1])),
            p("b", json!([2])),
            p("b", json!([3])),
            p("c", json!([])),
        ]);
        assert_eq!(
            got,
            vec![p("a", json!([1])), p("b", json!([2, 3])), p("c", json!([]))]
        );
    }
}
