//! A cost job tested offline: a year of daily cost, summed by service, exactly.
//!
//! ```sh
//! cargo run -p cloudcost-cli -- mock --dataset ledger --seed 7     # prints: listening on http://127.0.0.1:PORT
//! AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 \
//!   CLOUDCOST_ENDPOINT_URL=http://127.0.0.1:PORT \
//!   cargo run -p cloudcost-aws-ce-client --example cost_by_service -- 2024-01-01 2025-01-01
//! ```
//!
//! Against `cloudcost mock --dataset ledger` the numbers add up: the days sum to the
//! months and the services to the total, so the job's output can be asserted in a test
//! (README.md shows the expected total; `tests/tests/cost_job.rs` checks it).

use std::collections::BTreeMap;

use cloudcost_aws_ce_client::model::{
    DateInterval, Decimal, Granularity, GroupDefinition, GroupDefinitionType, YearMonthDay,
};
use cloudcost_aws_ce_client::StreamExt;
use cloudcost_aws_ce_client::{Client, Config};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let start: YearMonthDay = args.next().unwrap_or_else(|| "2024-01-01".into()).parse()?;
    let end: YearMonthDay = args.next().unwrap_or_else(|| "2025-01-01".into()).parse()?;
    let mut config = Config::builder();
    if let Ok(url) = std::env::var("CLOUDCOST_ENDPOINT_URL") {
        config = config.endpoint_url(url);
    }
    let client = Client::new(config.build())?;

    let mut by_service: BTreeMap<String, Decimal> = BTreeMap::new();
    let mut pages = client
        .get_cost_and_usage()
        .time_period(DateInterval::builder().start(start).end(end).build()?)
        .granularity(Granularity::Daily)
        .metrics(["UnblendedCost"])
        .group_by([GroupDefinition::builder()
            .type_(GroupDefinitionType::Dimension)
            .key("SERVICE")
            .build()?])
        .pages();
    let mut requests = 0;
    while let Some(page) = pages.next().await {
        requests += 1;
        for period in page?.results_by_time.into_iter().flatten() {
            for group in period.groups.into_iter().flatten() {
                let service = group.keys.unwrap_or_default().join("/");
                let amount = group
                    .metrics
                    .as_ref()
                    .and_then(|m| m.get("UnblendedCost"))
                    .and_then(|v| v.amount)
                    .unwrap_or_default();
                *by_service.entry(service).or_default() += amount;
            }
        }
    }
    let total: Decimal = by_service.values().sum();
    for (service, amount) in &by_service {
        println!("{amount:>16} USD  {service}");
    }
    println!("{total:>16} USD  total ({requests} requests)");
    Ok(())
}
