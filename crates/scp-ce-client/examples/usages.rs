//! Prints Samsung Cloud Platform usages for a date range, following markers.
//!
//! ```sh
//! SCP_ACCESS_KEY=... SCP_SECRET_KEY=... SCP_ACCOUNT_ID=... \
//!   cargo run -p cloudcost-scp-ce-client --example usages -- 2024-08-01 2024-08-31
//! ```

use cloudcost_scp_ce_client::model::chrono::NaiveDate;
use cloudcost_scp_ce_client::StreamExt;
use cloudcost_scp_ce_client::{Client, Config};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let start_date: Option<NaiveDate> = args.next().map(|d| d.parse()).transpose()?;
    let end_date: Option<NaiveDate> = args.next().map(|d| d.parse()).transpose()?;
    let mut config = Config::builder().accept_language("en-US");
    if let Ok(url) = std::env::var("CLOUDCOST_ENDPOINT_URL") {
        config = config.endpoint_url(url);
    }
    let client = Client::new(config.build())?;
    // `set_` takes an `Option`: a date given or not.
    let mut usages = client
        .list_usages()
        .limit(100)
        .set_start_date(start_date)
        .set_end_date(end_date)
        .items();
    while let Some(usage) = usages.next().await {
        let usage = usage?;
        let amounts = usage.amounts.unwrap_or_default();
        println!(
            "{}\t{}\t{}\tKRW {}\tUSD {}",
            usage.usage_date.map(|d| d.to_string()).unwrap_or_default(),
            usage.service_category.as_deref().unwrap_or("-"),
            usage.billing_item_id.as_deref().unwrap_or("-"),
            amounts.krw.map(|a| a.to_string()).unwrap_or_default(),
            amounts.usd.map(|a| a.to_string()).unwrap_or_default(),
        );
    }
    Ok(())
}
