//! `cloudcost focus export` end to end against `cloudcost mock --dataset ledger --seed 7`:
//! the plan and its price come before anything is sent and the mock's count of billable
//! requests is the number printed; the directory appears complete, partitioned by billing
//! period, with no `.partial` left; a non-empty output, an empty period and Parquet in a
//! build without it are usage errors that send nothing.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_cloudcost");

struct Mock {
    child: Child,
    url: String,
}

impl Mock {
    fn start() -> Mock {
        let mut child = Command::new(BIN)
            .args(["mock", "--dataset", "ledger", "--seed", "7"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn cloudcost mock");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("piped"))
            .read_line(&mut line)
            .expect("the mock's first line");
        let url = line.trim().trim_start_matches("listening on ").to_string();
        Mock { child, url }
    }

    fn export(&self, args: &[&str]) -> Output {
        let keys = cloudcost_mock::TestKeys::default();
        Command::new(BIN)
            .args(["--endpoint-url", &self.url, "--region", "us-east-1"])
            .args(["focus", "export"])
            .args(args)
            .env("AWS_ACCESS_KEY_ID", &keys.aws_access_key_id)
            .env("AWS_SECRET_ACCESS_KEY", &keys.aws_secret_access_key)
            .env("SCP_ACCESS_KEY", &keys.scp_access_key)
            .env("SCP_SECRET_KEY", &keys.scp_secret_key)
            .env("SCP_ACCOUNT_ID", &keys.scp_account_id)
            .output()
            .expect("run cloudcost")
    }

    /// The mock's count of requests (`GET /__cloudcost/requests`): (all, billable).
    fn counts(&self) -> (u64, u64) {
        let addr = self.url.trim_start_matches("http://");
        let mut s = TcpStream::connect(addr).expect("connect");
        write!(
            s,
            "GET /__cloudcost/requests HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        )
        .expect("send");
        let mut text = String::new();
        s.read_to_string(&mut text).expect("read");
        let body = &text[text.find("\r\n\r\n").expect("a body") + 4..];
        let body = body.get(body.find('{').unwrap_or(0)..).unwrap_or(body);
        let number = |key: &str| -> u64 {
            let at = body.find(key).expect(key) + key.len();
            body[at..]
                .chars()
                .take_while(|c| c.is_ascii_digit())
                .collect::<String>()
                .parse()
                .expect("a count")
        };
        (number("\"requests\":"), number("\"billableRequests\":"))
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn the_plan_comes_first_and_the_count_is_the_mocks() {
    let mock = Mock::start();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("costs");
    let o = mock.export(&[
        "--cloud",
        "aws",
        "--start",
        "2024-08-01",
        "--end",
        "2024-10-01",
        "--out",
        out.to_str().unwrap(),
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let first = err.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("focus export plan: 1 discovery request")
            && first.contains("at least 2 requests (0.02 USD)")
            && first.contains("at most 14 before paging (0.14 USD)"),
        "{err}"
    );
    let (_, billable) = mock.counts();
    assert!(
        err.contains(&format!("; {billable} requests sent (0.{billable:02} USD)")),
        "the mock counted {billable}: {err}"
    );
    for period in ["2024-08", "2024-09"] {
        let part = out.join(format!("billing_period={period}/part-0.csv"));
        assert!(part.exists(), "{}", part.display());
    }
    assert!(!tmp.path().join("costs.partial").exists());
}

#[test]
fn refusals_send_nothing() {
    let mock = Mock::start();
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("keep.txt"), "x").unwrap();
    let dir = tmp.path().to_str().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "--cloud",
                "aws",
                "--start",
                "2024-08-01",
                "--end",
                "2024-09-01",
                "--out",
                dir,
            ],
            "exists and is not empty",
        ),
        (
            &[
                "--cloud",
                "scp",
                "--start",
                "2024-08-01",
                "--end",
                "2024-08-01",
                "--out",
                "x",
            ],
            "--end 2024-08-01 is not after --start 2024-08-01",
        ),
        #[cfg(not(feature = "parquet"))]
        (
            &[
                "--cloud",
                "aws",
                "--start",
                "2024-08-01",
                "--end",
                "2024-09-01",
                "--out",
                "x",
                "--format",
                "parquet",
            ],
            "built without Parquet",
        ),
    ];
    for (args, says) in cases {
        let o = mock.export(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(says), "{args:?}: {}", stderr(&o));
    }
    assert_eq!(mock.counts().0, 0, "nothing was sent");
}
