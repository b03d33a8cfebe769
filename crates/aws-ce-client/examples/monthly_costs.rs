//! Prints last-known monthly costs per service, paging through every result.
//!
//! ```sh
//! AWS_PROFILE=billing cargo run -p cloudcost-aws-ce-client --example monthly_costs -- 2024-01-01 2024-04-01
//! ```
//!
//! Credentials come from the standard AWS chain; `CLOUDCOST_ENDPOINT_URL` points the client
//! at a mock instead of AWS.

use cloudcost_aws_ce_client::model::{
    DateInterval, GetCostAndUsageRequest, Granularity, GroupDefinition, GroupDefinitionType,
};
use cloudcost_aws_ce_client::StreamExt;
use cloudcost_aws_ce_client::{Client, Config};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let start = args.next().unwrap_or_else(|| "2024-01-01".into()).parse()?;
    let end = args.next().unwrap_or_else(|| "2024-04-01".into()).parse()?;

    let mut config = Config::builder();
    if let Ok(url) = std::env::var("CLOUDCOST_ENDPOINT_URL") {
        config = config.endpoint_url(url);
    }
    let client = Client::new(config.build())?;

    let request = GetCostAndUsageRequest {
        time_period: DateInterval { start, end },
        granularity: Granularity::Monthly,
        metrics: vec!["UnblendedCost".into()],
        group_by: Some(vec![GroupDefinition {
            type_: Some(GroupDefinitionType::Dimension),
            key: Some("SERVICE".into()),
        }]),
        billing_view_arn: None,
        filter: None,
        next_page_token: None,
    };
    let mut periods = client.get_cost_and_usage_items(&request);
    while let Some(period) = periods.next().await {
        let period = period?;
        let label = period
            .time_period
            .as_ref()
            .map(|p| p.start.to_string())
            .unwrap_or_default();
        for group in period.groups.iter().flatten() {
            for (metric, value) in group.metrics.iter().flatten() {
                // Exact decimals: no f64 anywhere between the wire and this line.
                println!(
                    "{label}\t{}\t{metric}\t{}\t{}",
                    group.keys.as_deref().unwrap_or_default().join("/"),
                    value.amount.map(|a| a.to_string()).unwrap_or_default(),
                    value.unit.as_deref().unwrap_or_default(),
                );
            }
        }
    }
    Ok(())
}
