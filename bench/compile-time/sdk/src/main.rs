//! Calls the four AWS operations once through the official SDK: the minimal program whose
//! clean release build `compile-time.sh` times. It is built, not run, by the script.

use aws_sdk_costexplorer::types::{DateInterval, Granularity};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = aws_config::load_from_env().await;
    let time_period = DateInterval::builder()
        .start("2024-01-01")
        .end("2024-02-01")
        .build()?;

    let ce = aws_sdk_costexplorer::Client::new(&config);
    let costs = ce
        .get_cost_and_usage()
        .time_period(time_period.clone())
        .granularity(Granularity::Monthly)
        .metrics("UnblendedCost")
        .send()
        .await?;
    println!("{:?}", costs.results_by_time());
    let utilization = ce
        .get_reservation_utilization()
        .time_period(time_period)
        .send()
        .await?;
    println!("{:?}", utilization.total());

    let inspector2 = aws_sdk_inspector2::Client::new(&config);
    let totals = inspector2.list_usage_totals().send().await?;
    println!("{:?}", totals.totals());
    let trial = inspector2
        .batch_get_free_trial_info()
        .account_ids("123456789012")
        .send()
        .await?;
    println!("{:?}", trial.accounts());
    Ok(())
}
