//! One HTTPS GET with reqwest over rustls: the floor under every cloudcost client's build,
//! timed by `compile-time.sh` (variant `floor`). Built, not run, by the script.

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let response = reqwest::get("https://ce.us-east-1.amazonaws.com/").await?;
    println!("{}", response.status());
    Ok(())
}
