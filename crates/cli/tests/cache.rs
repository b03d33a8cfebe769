//! The cache of closed periods against the ledger mock's request counter: a repeated
//! 12-month DAILY query of closed months makes no request and prints the same bytes; a run
//! over a month still open fetches only that month; and the faults: a flipped byte, two
//! processes writing at once, a directory that cannot be written, and what a writer killed
//! mid-write leaves behind.

use cloudcost_mock::cloudcost_ledger::Size;
use cloudcost_types::chrono::NaiveDate;
use std::path::Path;
use std::process::{Command, Output};

mod support;

/// The README's ledger (seed 7, 2024), closed up to `close`, 500 rows a page.
struct Mock(support::Mock);

impl Mock {
    fn start(close: NaiveDate) -> Mock {
        Mock(support::Mock::start(
            Size {
                close,
                ..Size::default()
            },
            500,
        ))
    }

    fn requests(&self) -> u64 {
        self.0.requests()
    }

    /// The year's query with `extra`, caching in `cache`.
    fn command(&self, cache: &Path, extra: &[&str]) -> Command {
        let mut cmd = self.0.command(&[YEAR.as_slice(), extra].concat());
        cmd.env("CLOUDCOST_CACHE_DIR", cache);
        cmd
    }

    /// Runs the year's query; returns the output and the requests it made.
    fn run(&self, cache: &Path, extra: &[&str]) -> (Output, u64) {
        let before = self.requests();
        let out = self.command(cache, extra).output().expect("run cloudcost");
        (out, self.requests() - before)
    }
}

const YEAR: [&str; 11] = [
    "ce",
    "get-cost-and-usage",
    "--time-period",
    "Start=2024-01-01,End=2025-01-01",
    "--granularity",
    "DAILY",
    "--metrics",
    "UnblendedCost",
    "--group-by",
    "Type=DIMENSION,Key=SERVICE",
    "--all-pages",
];

fn ok(out: &Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    stderr
}

/// The same bytes on stdout (the first differing line when not).
fn same(a: &Output, b: &Output) {
    if a.stdout != b.stdout {
        let (x, y) = (
            String::from_utf8_lossy(&a.stdout),
            String::from_utf8_lossy(&b.stdout),
        );
        let line = x.lines().zip(y.lines()).position(|(p, q)| p != q);
        panic!(
            "outputs differ: {} and {} bytes, {} and {} periods, first differing line {line:?}: {:?} / {:?}",
            x.len(),
            y.len(),
            x.matches("TimePeriod").count(),
            y.matches("TimePeriod").count(),
            line.and_then(|i| x.lines().nth(i)),
            line.and_then(|i| y.lines().nth(i))
        );
    }
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a date")
}

fn entries(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "entry"))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn a_closed_year_is_paid_for_once_and_printed_the_same() {
    let mock = Mock::start(day(2025, 1, 1));
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = dir.path().join("cache");
    let (first, paid) = mock.run(&cache, &[]);
    assert_eq!(ok(&first), "");
    assert!(paid > 0);
    assert_eq!(entries(&cache).len(), 12, "one entry per closed month");
    let (again, repaid) = mock.run(&cache, &[]);
    assert_eq!(ok(&again), "");
    assert_eq!(repaid, 0, "a closed year was paid for twice");
    // The plan knows what the cache holds.
    let (plan, planned) = mock.run(&cache, &["--plan"]);
    let plan = String::from_utf8_lossy(&plan.stdout).into_owned();
    assert_eq!(planned, 0);
    assert!(
        plan.contains("cached: 12 closed months of TimePeriod from 2024-01-01 to 2025-01-01, read from the cache (free)\nrequests: 0\ncost: 0 USD\n"),
        "{plan}"
    );
    same(&again, &first);
    // Tables too, from the same cache.
    let (table, _) = mock.run(&cache, &["--output", "csv"]);
    ok(&table);
    assert!(String::from_utf8_lossy(&table.stdout).lines().count() > 12 * 28);
    // --refresh pays again and rewrites; --no-cache pays and leaves the cache alone.
    let (refreshed, repaid) = mock.run(&cache, &["--refresh"]);
    ok(&refreshed);
    assert!(repaid > 0);
    same(&refreshed, &first);
    let (_, repaid) = mock.run(&cache, &["--no-cache"]);
    assert!(repaid > 0);

    // A flipped byte: found, said, refetched (that month only), the same answer.
    let victim = entries(&cache)[3].clone();
    let mut bytes = std::fs::read(&victim).expect("read");
    let at = bytes.len() / 2;
    bytes[at] ^= 0x04;
    std::fs::write(&victim, bytes).expect("write");
    let (healed, repaid) = mock.run(&cache, &[]);
    let stderr = ok(&healed);
    assert!(
        stderr.contains("cloudcost: cache: ") && stderr.contains("checksum"),
        "{stderr}"
    );
    assert_eq!(repaid, 1, "only the corrupt month is fetched again");
    same(&healed, &first);
    let (_, repaid) = mock.run(&cache, &[]);
    assert_eq!(repaid, 0, "the refetched month was cached again");

    // What a writer killed mid-write leaves: a temporary file, never read, shown, cleared.
    std::fs::write(
        cache.join(".tmp-4242-00000000deadbeef"),
        b"cloudcost-cache 1 0",
    )
    .expect("write");
    let (after_kill, repaid) = mock.run(&cache, &[]);
    assert_eq!(ok(&after_kill), "");
    assert_eq!(repaid, 0);
    same(&after_kill, &first);
    let show = Command::new(support::BIN)
        .args(["cache", "show"])
        .env("CLOUDCOST_CACHE_DIR", &cache)
        .output()
        .expect("run");
    let shown = String::from_utf8_lossy(&show.stdout);
    assert!(
        shown.contains(": 12 entries, ") && shown.contains("1 unfinished write"),
        "{shown}"
    );
    let clear = Command::new(support::BIN)
        .args(["cache", "clear"])
        .env("CLOUDCOST_CACHE_DIR", &cache)
        .output()
        .expect("run");
    assert_eq!(
        String::from_utf8_lossy(&clear.stdout)
            .split(" from ")
            .next(),
        Some("removed 13 files")
    );
    assert!(entries(&cache).is_empty());
}

#[test]
fn an_open_month_is_the_only_one_fetched_again() {
    // The ledger's default: closed up to 2024-12-01, December estimated.
    let mock = Mock::start(day(2024, 12, 1));
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = dir.path().join("cache");
    let (first, paid) = mock.run(&cache, &[]);
    ok(&first);
    assert!(paid > 0);
    assert_eq!(entries(&cache).len(), 11, "December is open: not cached");
    let (plan, _) = mock.run(&cache, &["--plan"]);
    let plan = String::from_utf8_lossy(&plan.stdout).into_owned();
    assert!(
        plan.contains("request 1: not in the cache; TimePeriod 2024-12-01 to 2025-01-01 (end exclusive: the last day is 2024-12-31); pages: at least 1,"),
        "{plan}"
    );
    assert!(plan.contains("cached: 11 closed months"), "{plan}");
    let (again, repaid) = mock.run(&cache, &[]);
    ok(&again);
    assert_eq!(repaid, 1, "only December (one page) is fetched again");
    same(&again, &first);
}

#[test]
fn two_writers_at_once_and_an_unwritable_directory_cost_nothing_but_a_warning() {
    let mock = Mock::start(day(2025, 1, 1));
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = dir.path().join("cache");
    let piped = |mut c: Command| {
        c.stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        c.spawn().expect("spawn")
    };
    let a = piped(mock.command(&cache, &[]));
    let b = piped(mock.command(&cache, &[]));
    let (a, b) = (
        a.wait_with_output().expect("a"),
        b.wait_with_output().expect("b"),
    );
    assert_eq!((ok(&a), ok(&b)), (String::new(), String::new()));
    same(&a, &b);
    let (again, repaid) = mock.run(&cache, &[]);
    assert_eq!(
        ok(&again),
        "",
        "an entry two writers wrote at once is whole"
    );
    assert_eq!(repaid, 0);
    same(&again, &a);

    // A cache "directory" under a file cannot be created, for any user: a warning per
    // month, the answer as without a cache.
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"").expect("write");
    let (out, paid) = mock.run(&file.join("cache"), &[]);
    let stderr = ok(&out);
    assert!(paid > 0);
    assert!(
        stderr.contains("cloudcost: cache: could not write"),
        "{stderr}"
    );
    same(&out, &a);

    // A read-only directory (where permissions bind: not for root).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let ro = dir.path().join("read-only");
        std::fs::create_dir(&ro).expect("mkdir");
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o500)).expect("chmod");
        let probe = std::fs::write(ro.join("probe"), b"");
        if probe.is_err() {
            let (out, _) = mock.run(&ro, &[]);
            let stderr = ok(&out);
            assert!(
                stderr.contains("cloudcost: cache: could not write"),
                "{stderr}"
            );
            same(&out, &a);
        }
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o700)).expect("chmod");
    }
}

/// Processes killed (SIGKILL) at moments spread over a whole run, writes included: no
/// entry they leave is ever torn (the next run warns of nothing and prints the reference
/// answer), whatever the moment.
#[cfg(unix)]
#[test]
fn a_writer_killed_at_any_moment_leaves_no_torn_entry() {
    let mock = Mock::start(day(2025, 1, 1));
    let dir = tempfile::tempdir().expect("tempdir");
    let reference = {
        let (out, _) = mock.run(&dir.path().join("reference"), &[]);
        ok(&out);
        out
    };
    // How long a whole run takes here, so the kills spread over it.
    let started = std::time::Instant::now();
    let (_, _) = mock.run(&dir.path().join("timing"), &[]);
    let whole = started.elapsed();
    // Kills land before, during and after the writes (here, some runs leave 1 or 5 of
    // the 12 entries: killed between or inside them).
    for step in 0..20u32 {
        let cache = dir.path().join(format!("killed-{step}"));
        let mut child = mock
            .command(&cache, &[])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(whole * step / 16);
        let _ = child.kill();
        let _ = child.wait();
        let (after, _) = mock.run(&cache, &[]);
        assert_eq!(
            ok(&after),
            "",
            "killed at step {step}: a torn entry was found"
        );
        same(&after, &reference);
    }
}
