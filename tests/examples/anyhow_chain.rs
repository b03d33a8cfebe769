//! Using the clients with `anyhow`: `?` keeps the whole cause chain, and `{:#}` prints it
//! on one line (`ListUsageTotals: transport error: error sending request ...: Connection
//! refused ...`), because every cloudcost error's `source()` leads to its cause.
//!
//! Run: `cargo run -p cloudcost-tests --example anyhow_chain` (it calls a closed local
//! port, so it needs no account and fails on purpose).

use anyhow::Context;
use cloudcost_aws_inspector2_client::{model::ListUsageTotalsRequest, Client, Config, RetryConfig};
use cloudcost_runtime::AwsCredentials;

async fn count_accounts(endpoint: &str) -> anyhow::Result<usize> {
    let client = Client::new(
        Config::builder()
            .endpoint_url(endpoint)
            .region("eu-west-1")
            .aws_credentials(AwsCredentials::new("AKIDEXAMPLE", "example-secret", None))
            .retry(RetryConfig::disabled())
            .build(),
    )?;
    let page = client
        .list_usage_totals_with(&ListUsageTotalsRequest::default())
        .await
        .context("listing Inspector2 usage totals")?;
    Ok(page.totals.unwrap_or_default().len())
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    // A port nobody listens on: bind, note it, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(9);
    match count_accounts(&format!("http://127.0.0.1:{port}")).await {
        Ok(n) => println!("{n} accounts"),
        Err(e) => {
            eprintln!("error: {e:#}");
            for cause in e.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
        }
    }
}
