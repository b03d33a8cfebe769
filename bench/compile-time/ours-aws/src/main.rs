//! Calls the four AWS operations of the cloudcost clients once, the same calls as the SDK
//! binary makes: the minimal AWS-only program whose clean release build `compile-time.sh`
//! times (variant `ours-aws`). It is built, not run, by the script.

use cloudcost_aws_ce_client as ce;
use cloudcost_aws_inspector2_client as inspector2;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let time_period = ce::model::DateInterval::builder()
        .start("2024-01-01".parse::<ce::model::YearMonthDay>()?)
        .end("2024-02-01".parse::<ce::model::YearMonthDay>()?)
        .build()?;

    let ce = ce::Client::from_env()?;
    let costs = ce
        .get_cost_and_usage()
        .time_period(time_period.clone())
        .granularity(ce::model::Granularity::Monthly)
        .metrics(["UnblendedCost"])
        .send()
        .await?;
    println!("{:?}", costs.results_by_time);
    let utilization = ce
        .get_reservation_utilization()
        .time_period(time_period)
        .send()
        .await?;
    println!("{:?}", utilization.total);

    let inspector2 = inspector2::Client::from_env()?;
    let totals = inspector2.list_usage_totals().send().await?;
    println!("{:?}", totals.totals);
    let trial = inspector2
        .batch_get_free_trial_info()
        .account_ids(["123456789012"])
        .send()
        .await?;
    println!("{:?}", trial.accounts);
    Ok(())
}
