//! One ListUsages call through the SCP client: the minimal SCP-only program whose clean
//! release build `compile-time.sh` times (variant `ours-scp`). Built, not run, by the script.

use cloudcost_scp_ce_client as scp;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let scp = scp::Client::from_env()?;
    let usages = scp.list_usages().send().await?;
    println!("{:?}", usages.usages);
    Ok(())
}
