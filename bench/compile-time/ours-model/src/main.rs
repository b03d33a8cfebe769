//! Decodes one response body, read from a file, with the model crates' `from_slice`: the
//! minimal model-only program (no client, no HTTP) whose clean release build
//! `compile-time.sh` times (variant `ours-model`). Built, not run, by the script.
//!
//! Usage: cloudcost-minimal-model <GetCostAndUsage|ListUsageTotals|ListUsages> <file.json>

use cloudcost_aws_ce_model as ce;
use cloudcost_aws_inspector2_model as inspector2;
use cloudcost_scp_ce_model as scp;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(operation), Some(path)) = (args.next(), args.next()) else {
        return Err("usage: cloudcost-minimal-model <operation> <file.json>".into());
    };
    let body = std::fs::read(path)?;
    match operation.as_str() {
        "GetCostAndUsage" => {
            let response: ce::GetCostAndUsageResponse = ce::from_slice(&body)?;
            println!("{:?}", response.results_by_time);
        }
        "ListUsageTotals" => {
            let response: inspector2::ListUsageTotalsResponse = inspector2::from_slice(&body)?;
            println!("{:?}", response.totals);
        }
        "ListUsages" => {
            let response: scp::UsageListResponse = scp::from_slice(&body)?;
            println!("{:?}", response.usages);
        }
        other => return Err(format!("unknown operation {other}").into()),
    }
    Ok(())
}
