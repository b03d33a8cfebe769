//! Peak memory while paging through 1,000 pages with the item stream.
//!
//! ```sh
//! cd bench && cargo run --release --bin paging_memory            # 1,000 pages
//! cd bench && cargo run --release --bin paging_memory -- 300     # fewer
//! ```
//!
//! A local server answers ListUsageTotals with 1,000 pages linked by `nextToken` (each page
//! 100 accounts x 5 usages, about 70 KB, generated when asked for, so the server holds one
//! page at a time). The Inspector2 client's `list_usage_totals_items` stream walks them.
//! Every 50 pages the process's `VmRSS` and `VmHWM` (peak resident set) are read from
//! `/proc/self/status`.
//!
//! Two runs, each in a fresh child process so that one's peak cannot hide the other's:
//!
//! - `stream`: every item is looked at and dropped, as a cost job that aggregates would do;
//!   the peak must stay flat — the stream keeps no old page;
//! - `keep`: the same walk, but every item is kept in a `Vec`. This is the control: it shows
//!   that the measurement sees retained pages when there are any.

use std::process::Command;
use std::sync::Arc;

use cloudcost_aws_inspector2_client::model::ListUsageTotalsRequest;
use cloudcost_aws_inspector2_client::{Client, Config, StreamExt};
use cloudcost_bench::gen;
use cloudcost_bench::server::{response, rss_kib, Server};
use cloudcost_runtime::AwsCredentials;

const TOTALS_PER_PAGE: usize = 100;
const EVERY: usize = 50;

fn serve_pages(pages: usize) -> Server {
    Server::start(Arc::new(move |request: &[u8]| {
        // The request body is `{}` for the first page and `{"nextToken":"page-N"}` after.
        let request: serde_json::Value = serde_json::from_slice(request).expect("request JSON");
        let page: usize = request["nextToken"]
            .as_str()
            .map_or(0, |t| t.trim_start_matches("page-").parse().expect("token"));
        let next = (page + 1 < pages).then(|| format!("page-{}", page + 1));
        let body = gen::usage_totals(page as u64, TOTALS_PER_PAGE, next.as_deref());
        response("application/json", body.as_bytes())
    }))
}

async fn walk(pages: usize, keep: bool) {
    let server = serve_pages(pages);
    let client = Client::new(
        Config::builder()
            .endpoint_url(server.url())
            .region("us-east-1")
            .aws_credentials(AwsCredentials::new("AKIDEXAMPLE", "bench-secret", None))
            .build(),
    )
    .expect("client");
    let request = ListUsageTotalsRequest::default();
    let mut items = client.list_usage_totals_items(&request);
    let mut kept = Vec::new();
    let mut seen = 0usize;
    let mut usages = 0usize;
    while let Some(item) = items.next().await {
        let total = item.expect("page");
        usages += total.usage.as_ref().map_or(0, Vec::len);
        if keep {
            kept.push(total);
        }
        seen += 1;
        if seen.is_multiple_of(TOTALS_PER_PAGE * EVERY) || seen == TOTALS_PER_PAGE {
            let (rss, hwm) = rss_kib();
            println!("{} {} {}", seen / TOTALS_PER_PAGE, rss, hwm);
        }
    }
    assert_eq!(seen, pages * TOTALS_PER_PAGE, "every item of every page");
    assert_eq!(usages, seen * 5);
    std::hint::black_box(&kept);
}

fn child(mode: &str, pages: usize) -> Vec<(usize, u64, u64)> {
    let out = Command::new(std::env::current_exe().expect("own path"))
        .args([mode, &pages.to_string()])
        .output()
        .expect("child run");
    assert!(
        out.status.success(),
        "{mode}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let v: Vec<u64> = l.split(' ').map(|x| x.parse().unwrap()).collect();
            (v[0] as usize, v[1], v[2])
        })
        .collect()
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (mode, pages) = match args.as_slice() {
        [mode, pages] => (mode.as_str(), pages.parse().expect("pages")),
        [pages] => ("both", pages.parse().expect("pages")),
        [] => ("both", 1000),
        _ => panic!("usage: paging_memory [stream|keep] [pages]"),
    };
    if mode != "both" {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(walk(pages, mode == "keep"));
        return;
    }
    let stream = child("stream", pages);
    let keep = child("keep", pages);
    println!(
        "ListUsageTotals items stream, {pages} pages x {TOTALS_PER_PAGE} totals x 5 usages; MiB"
    );
    println!();
    println!("| pages walked | stream: VmRSS | stream: VmHWM (peak) | keep-all control: VmRSS | keep-all control: VmHWM |");
    println!("|---:|---:|---:|---:|---:|");
    for ((p, rss, hwm), (_, krss, khwm)) in stream.iter().zip(&keep) {
        println!(
            "| {p} | {:.1} | {:.1} | {:.1} | {:.1} |",
            mib(*rss),
            mib(*hwm),
            mib(*krss),
            mib(*khwm)
        );
    }
    let first = stream.first().unwrap().2;
    let at_last = stream.last().unwrap().2;
    println!();
    println!(
        "stream peak after page {}: {:.1} MiB; after page {pages}: {:.1} MiB (growth {:.1} MiB)",
        stream.first().unwrap().0,
        mib(first),
        mib(at_last),
        mib(at_last.saturating_sub(first))
    );
}
