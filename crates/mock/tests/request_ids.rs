//! Request ids are unique from one mock to the next, in one process or two, while a replay
//! by seed keeps what depends on the seed: the faults, the data, and the per-request part of
//! each id (`IIIIIIII-IIII-4IIR-8RRR-RRRRRRRRRRRR`: `I` the instance's, `R` the seed's and
//! the request number's).

use std::collections::BTreeSet;
use std::process::Command;

use cloudcost_mock::{Dataset, FaultKind, Faults, MockConfig, MockServer};

/// The characters of an id that belong to the mock instance (`IIIIIIII-IIII-4II`).
const INSTANCE_PREFIX: usize = 17;

/// Set in a child process of this test binary: print the id of request 0 and stop.
const PRINT_FIRST_ID: &str = "CLOUDCOST_TEST_PRINT_FIRST_REQUEST_ID";

fn config() -> MockConfig {
    MockConfig {
        dataset: Dataset::Synthetic {
            pages: 4,
            page_size: 2,
            seed: 5,
        },
        faults: Faults {
            rate: 0.5,
            kinds: vec![FaultKind::Throttle, FaultKind::Http500, FaultKind::Reset],
            seed: 17,
        },
        ..MockConfig::default()
    }
}

/// What one request got: its status and body, or `None` for a connection closed without
/// an answer, and the request id.
type Exchange = (Option<(u16, String)>, Option<String>);

/// The same 24 requests (the first page of Inspector2's ListUsageTotals), one connection
/// each.
async fn run(server: &MockServer) -> Vec<Exchange> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("client");
    let mut out = Vec::new();
    for _ in 0..24 {
        let sent = client
            .post(format!("{}/usage/list", server.url()))
            .header("Content-Type", "application/json")
            .header("X-Amz-Date", "20240101T000000Z")
            .header(
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=AKIDCLOUDCOSTMOCK000/20240101/us-east-1/inspector2/aws4_request, SignedHeaders=host;x-amz-date, Signature=00",
            )
            .body("{}")
            .send()
            .await;
        out.push(match sent {
            Ok(response) => {
                let id = response
                    .headers()
                    .get("x-amzn-requestid")
                    .map(|v| v.to_str().expect("ASCII id").to_string());
                let status = response.status().as_u16();
                let body = response.text().await.expect("a whole body");
                (Some((status, body)), id)
            }
            Err(_) => (None, None),
        });
    }
    out
}

fn is_v4_uuid(id: &str) -> bool {
    let groups: Vec<&str> = id.split('-').collect();
    groups.iter().map(|g| g.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && id.chars().all(|c| c == '-' || c.is_ascii_hexdigit())
        && groups[2].starts_with('4')
        && groups[3].starts_with('8')
}

#[tokio::test]
async fn two_mocks_give_different_ids_and_the_same_faults_and_data_for_a_seed() {
    let a = MockServer::start(config()).await.expect("start");
    let b = MockServer::start(config()).await.expect("start");
    let (first, second) = (run(&a).await, run(&b).await);
    let (stats_a, stats_b) = (a.stats(), b.stats());
    a.shutdown().await;
    b.shutdown().await;

    // The same faults: the same requests fail, in the same way.
    assert_eq!(stats_a, stats_b);
    assert!(
        stats_a.faults.len() == 3,
        "every kind injected: {stats_a:?}"
    );
    let outcome = |run: &[Exchange]| -> Vec<Option<u16>> {
        run.iter()
            .map(|(answer, _)| answer.as_ref().map(|(status, _)| *status))
            .collect()
    };
    assert_eq!(outcome(&first), outcome(&second));

    let ids =
        |run: &[Exchange]| -> Vec<String> { run.iter().filter_map(|(_, id)| id.clone()).collect() };
    let (ids_a, ids_b) = (ids(&first), ids(&second));
    assert_eq!(ids_a.len(), ids_b.len());
    assert!(ids_a.len() >= 6, "{ids_a:?}");
    for id in ids_a.iter().chain(&ids_b) {
        assert!(is_v4_uuid(id), "{id}");
    }
    // Request 0 (and every other) has a different id in each mock...
    assert_ne!(ids_a[0], ids_b[0]);
    assert!(ids_a.iter().all(|id| !ids_b.contains(id)));
    // ...because of each mock's own prefix, shared by all its ids...
    let prefixes = |ids: &[String]| -> BTreeSet<String> {
        ids.iter()
            .map(|id| id[..INSTANCE_PREFIX].to_string())
            .collect()
    };
    assert_eq!(prefixes(&ids_a).len(), 1, "{ids_a:?}");
    assert_ne!(prefixes(&ids_a), prefixes(&ids_b));
    // ...while the rest is the seed's and the request number's: equal request by request,
    // and different for every request.
    let rests = |ids: &[String]| -> Vec<String> {
        ids.iter()
            .map(|id| id[INSTANCE_PREFIX..].to_string())
            .collect()
    };
    assert_eq!(rests(&ids_a), rests(&ids_b));
    assert_eq!(
        rests(&ids_a).into_iter().collect::<BTreeSet<_>>().len(),
        ids_a.len()
    );

    // The data too, once the ids are taken out of the bodies (errors carry theirs).
    let bodies = |run: &[Exchange]| -> Vec<Option<(u16, String)>> {
        run.iter()
            .map(|(answer, id)| {
                answer.as_ref().map(|(status, body)| {
                    let body = match id {
                        Some(id) => body.replace(id.as_str(), "<id>"),
                        None => body.clone(),
                    };
                    (*status, body)
                })
            })
            .collect()
    };
    assert_eq!(bodies(&first), bodies(&second));
}

/// Request 0's id from two processes (this test binary, run again as a child), each with
/// one mock of the same configuration.
#[tokio::test]
async fn request_zero_has_a_different_id_in_each_process() {
    if std::env::var_os(PRINT_FIRST_ID).is_some() {
        let server = MockServer::start(MockConfig::default())
            .await
            .expect("start");
        let response = reqwest::get(format!("{}/nowhere", server.url()))
            .await
            .expect("an answer");
        let id = response.headers()["x-amzn-requestid"]
            .to_str()
            .expect("ASCII id")
            .to_string();
        println!("request-id={id}");
        server.shutdown().await;
        return;
    }
    let first_id = || {
        let out = Command::new(std::env::current_exe().expect("the test binary"))
            .args([
                "--exact",
                "request_zero_has_a_different_id_in_each_process",
                "--nocapture",
            ])
            .env(PRINT_FIRST_ID, "1")
            .output()
            .expect("run the child");
        assert!(out.status.success(), "{out:?}");
        let stdout = String::from_utf8(out.stdout).expect("UTF-8");
        stdout
            .lines()
            .find_map(|l| l.strip_prefix("request-id="))
            .unwrap_or_else(|| panic!("no id in {stdout:?}"))
            .to_string()
    };
    let (one, two) = (first_id(), first_id());
    assert!(is_v4_uuid(&one) && is_v4_uuid(&two), "{one} {two}");
    assert_ne!(one, two, "request 0 repeated its id across processes");
    // The same request number and seed: the same per-request part.
    assert_eq!(one[INSTANCE_PREFIX..], two[INSTANCE_PREFIX..]);
}
