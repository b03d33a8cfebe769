//! Calls every operation of the cloudcost clients once: the minimal program whose clean
//! release build `compile-time.sh` times. It is built, not run, by the script.

use cloudcost_aws_ce_client as ce;
use cloudcost_aws_inspector2_client as inspector2;
use cloudcost_scp_ce_client as scp;

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

    let scp = scp::Client::from_env()?;
    let usages = scp.list_usages().send().await?;
    println!("{:?}", usages.usages);
    Ok(())
}
