//! Prints Inspector2 usage totals of the last 30 days for every account, all pages.
//!
//! ```sh
//! AWS_REGION=eu-west-1 cargo run -p cloudcost-aws-inspector2-client --example usage_totals -- 123456789012
//! ```

use cloudcost_aws_inspector2_client::StreamExt;
use cloudcost_aws_inspector2_client::{Client, Config, Error, ListUsageTotalsError};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let accounts: Vec<String> = std::env::args().skip(1).collect();
    let mut config = Config::builder();
    if let Ok(url) = std::env::var("CLOUDCOST_ENDPOINT_URL") {
        config = config.endpoint_url(url);
    }
    let client = Client::new(config.build())?;
    let mut call = client.list_usage_totals().max_results(100);
    if !accounts.is_empty() {
        call = call.account_ids(accounts);
    }
    let mut totals = call.items();
    while let Some(total) = totals.next().await {
        let total = match total {
            Ok(total) => total,
            // Typed errors: match the modeled one you can act on.
            Err(cloudcost_aws_inspector2_client::PaginationError::Page(Error::Service {
                error: ListUsageTotalsError::AccessDeniedException(e),
                ..
            })) => {
                eprintln!("no access: {}", e.message);
                std::process::exit(2);
            }
            Err(other) => return Err(other.into()),
        };
        for usage in total.usage.iter().flatten() {
            println!(
                "{}\t{}\t{}\t{} {}",
                total.account_id.as_deref().unwrap_or("-"),
                usage.type_.as_ref().map(|t| t.as_str()).unwrap_or("-"),
                usage.total.map(|t| t.to_string()).unwrap_or_default(),
                usage
                    .estimated_monthly_cost
                    .map(|c| c.to_string())
                    .unwrap_or_default(),
                usage.currency.as_ref().map(|c| c.as_str()).unwrap_or(""),
            );
        }
    }
    Ok(())
}
