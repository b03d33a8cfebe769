//! Prints last-known monthly costs per service, paging through every result.
//!
//! ```sh
//! AWS_PROFILE=billing cargo run -p cloudcost-aws-ce-client --example monthly_costs -- 2024-01-01 2024-04-01
//! ```
//!
//! Credentials come from the standard AWS chain; `CLOUDCOST_ENDPOINT_URL` points the client
//! at a mock instead of AWS.

use cloudcost_aws_ce_client::model::{
    DateInterval, Granularity, GroupDefinition, GroupDefinitionType, YearMonthDay,
};
use cloudcost_aws_ce_client::StreamExt;
use cloudcost_aws_ce_client::{Client, Config};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let start: YearMonthDay = args.next().unwrap_or_else(|| "2024-01-01".into()).parse()?;
    let end: YearMonthDay = args.next().unwrap_or_else(|| "2024-04-01".into()).parse()?;

    let mut config = Config::builder();
    if let Ok(url) = std::env::var("CLOUDCOST_ENDPOINT_URL") {
        config = config.endpoint_url(url);
    }
    let client = Client::new(config.build())?;

    // A fluent call names only what it sets: a member a later API version adds breaks nothing.
    let mut periods = client
        .get_cost_and_usage()
        .time_period(DateInterval::builder().start(start).end(end).build()?)
        .granularity(Granularity::Monthly)
        .metrics(["UnblendedCost"])
        .group_by([GroupDefinition::builder()
            .type_(GroupDefinitionType::Dimension)
            .key("SERVICE")
            .build()?])
        .items();
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
