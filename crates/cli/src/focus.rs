//! `cloudcost focus export`: a period of one cloud's cost as a FOCUS 1.2 directory
//! (FOCUS.md). The queries, the rows and the files are the library's (`cloudcost_focus`);
//! this room parses the options, prints the request plan and its price before sending,
//! follows the pages, and hands each page's rows to the partitioned writer as it arrives.

use clap::{Arg, ArgAction, ArgMatches, Command};
use cloudcost_focus::{aws, scp, Dataset, Format, OnGap};
use cloudcost_types::rust_decimal::Decimal;
use cloudcost_types::YearMonthDay;
use futures_util::StreamExt;

use crate::exit::{fail, EXIT_API_ERROR, EXIT_FAILURE, EXIT_OK, EXIT_USAGE};

/// The `focus` command and its `export` subcommand.
pub fn command() -> Command {
    let export = Command::new("export")
        .about("Export a period of AWS or SCP cost as FOCUS 1.2 rows, partitioned by billing period.")
        .long_about(
            "Export a period of AWS or SCP cost as FOCUS 1.2 rows into a directory partitioned \
             by billing period (billing_period=2024-08/part-0.parquet), written under \
             <out>.partial and renamed when complete. Prints the request plan and its price \
             before sending. The mapping, column by column, is in FOCUS.md.",
        )
        .arg(
            Arg::new("cloud")
                .long("cloud")
                .required(true)
                .value_parser(["aws", "scp"])
                .help("Which cloud's cost API to read."),
        )
        .arg(date_arg("start", "First day (YYYY-MM-DD, UTC for AWS, local for SCP)."))
        .arg(date_arg("end", "Day after the last (YYYY-MM-DD, exclusive)."))
        .arg(
            Arg::new("out")
                .long("out")
                .required(true)
                .value_name("DIR")
                .help("The output directory; must not exist, or be empty."),
        )
        .arg(
            Arg::new("format")
                .long("format")
                .value_parser(["csv", "parquet"])
                .default_value("csv")
                .help("csv, or parquet (in builds with the feature `parquet`)."),
        )
        .arg(
            Arg::new("mark-gaps")
                .long("mark-gaps")
                .action(ArgAction::SetTrue)
                .help("Write a row the mapping cannot fill with the reason in x_Gap, and count them, instead of stopping."),
        )
        .arg(
            Arg::new("billing-account-id")
                .long("billing-account-id")
                .value_name("ID")
                .help("AWS: the payer account, for BillingAccountId (not a dimension of the API)."),
        )
        .arg(
            Arg::new("scp-currency")
                .long("scp-currency")
                .value_parser(["KRW", "USD"])
                .default_value("KRW")
                .help("SCP: which of a usage's amounts is billed."),
        )
        .arg(
            Arg::new("row-group-rows")
                .long("row-group-rows")
                .value_name("N")
                .value_parser(clap::value_parser!(u32).range(1..))
                .default_value("10000")
                .help("Rows per Parquet row group (memory is one row group)."),
        )
        .args(["endpoint-url", "region", "profile"].map(|id| {
            Arg::new(id)
                .long(id)
                .value_name("VALUE")
                .help("As the calls' option of the same name.")
        }));
    Command::new("focus")
        .about("FOCUS 1.2 exports of cost (FOCUS.md).")
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(export)
}

fn date_arg(id: &'static str, help: &'static str) -> Arg {
    Arg::new(id)
        .long(id)
        .required(true)
        .value_name("YYYY-MM-DD")
        .value_parser(clap::value_parser!(YearMonthDay))
        .help(help)
}

/// What an export failed with: its exit status and message.
struct Failed(i32, String);

fn usage(message: impl Into<String>) -> Failed {
    Failed(EXIT_USAGE, message.into())
}

/// Runs `cloudcost focus <sub>`; `root` holds the options given before `focus`.
pub async fn run(root: &ArgMatches, sub: &ArgMatches) -> i32 {
    let Some(("export", m)) = sub.subcommand() else {
        return fail(
            EXIT_USAGE,
            "unknown focus command; see `cloudcost focus --help`",
        );
    };
    match export(root, m).await {
        Ok(()) => EXIT_OK,
        Err(Failed(code, message)) => fail(code, &message),
    }
}

/// The options of one export.
struct Options {
    start: YearMonthDay,
    end: YearMonthDay,
    on_gap: OnGap,
    ds: Dataset,
}

async fn export(root: &ArgMatches, m: &ArgMatches) -> Result<(), Failed> {
    let text = |id: &str| {
        m.get_one::<String>(id)
            .or_else(|| root.try_get_one::<String>(id).ok().flatten())
            .cloned()
    };
    if root.get_flag("mock") {
        return Err(usage(
            "--mock serves documented examples, not a ledger: run `cloudcost mock --dataset ledger` and pass --endpoint-url",
        ));
    }
    let (Some(start), Some(end)) = (
        m.get_one::<YearMonthDay>("start").copied(),
        m.get_one::<YearMonthDay>("end").copied(),
    ) else {
        return Err(usage("--start and --end are required"));
    };
    if end.date() <= start.date() {
        return Err(usage(format!("--end {end} is not after --start {start}")));
    }
    let format = match text("format").as_deref() {
        #[cfg(feature = "parquet")]
        Some("parquet") => Format::Parquet,
        #[cfg(not(feature = "parquet"))]
        Some("parquet") => {
            return Err(usage(
                "this cloudcost was built without Parquet: build with `--features parquet`, or use --format csv",
            ))
        }
        _ => Format::Csv,
    };
    let out = text("out").unwrap_or_default();
    let rows = m
        .get_one::<u32>("row-group-rows")
        .copied()
        .unwrap_or(10_000);
    let on_gap = if m.get_flag("mark-gaps") {
        OnGap::Mark
    } else {
        OnGap::Stop
    };
    let mut b = cloudcost_runtime::Config::builder();
    if let Some(url) = text("endpoint-url") {
        b = b.endpoint_url(url);
    }
    if let Some(region) = text("region") {
        b = b.region(region);
    }
    if let Some(profile) = text("profile") {
        b = b.profile(profile);
    }
    let config = b.build();
    let cloud = text("cloud").unwrap_or_default();
    let family = if cloud == "aws" {
        aws::FAMILY
    } else {
        scp::FAMILY
    };
    let price = price_of(family);
    let open = |ds| Options {
        start,
        end,
        on_gap,
        ds,
    };
    let ds = Dataset::create(std::path::Path::new(&out), format, rows as usize)
        .map_err(|e| usage(e.to_string()))?;
    let staging = ds.staging().display().to_string();
    let result = if cloud == "aws" {
        let billing = text("billing-account-id");
        export_aws(open(ds), config, price, billing).await
    } else {
        let currency = match text("scp-currency").as_deref() {
            Some("USD") => scp::ScpCurrency::Usd,
            _ => scp::ScpCurrency::Krw,
        };
        export_scp(open(ds), config, price, currency).await
    };
    result.map_err(|Failed(code, message)| {
        Failed(
            code,
            format!(
                "{message}\n(nothing was written to {out}; the partial export is in {staging})"
            ),
        )
    })
}

/// The price of one request of `family` and its currency, from the spec.
fn price_of(family: &str) -> Option<(Decimal, &'static str)> {
    let f = cloudcost_families::FAMILIES
        .iter()
        .find(|f| f.name == family)?;
    let (amount, currency) = f.billing?;
    Some((amount.parse().ok()?, currency))
}

fn cost(price: Option<(Decimal, &'static str)>, requests: u64) -> String {
    match price {
        Some((p, currency)) => format!("{} {currency}", p * Decimal::from(requests)),
        None => "free".into(),
    }
}

/// Prints what was written, and closes the directory.
fn finish(
    o: Options,
    sent: u64,
    gaps: usize,
    price: Option<(Decimal, &'static str)>,
) -> Result<(), Failed> {
    let (rows, files) =
        o.ds.finish()
            .map_err(|e| Failed(EXIT_FAILURE, e.to_string()))?;
    eprintln!(
        "focus export: {rows} rows in {files} files; {sent} requests sent ({})",
        cost(price, sent)
    );
    if o.on_gap == OnGap::Mark {
        eprintln!("focus export: {gaps} rows with a gap marked in x_Gap");
    }
    Ok(())
}

async fn export_aws(
    mut o: Options,
    config: cloudcost_runtime::Config,
    price: Option<(Decimal, &'static str)>,
    billing_account_id: Option<String>,
) -> Result<(), Failed> {
    let most = aws::MAX_RECORD_TYPES as u64 + 1;
    eprintln!(
        "focus export plan: 1 discovery request (grouped by RECORD_TYPE), then one query per record type found \
         (grouped by LINKED_ACCOUNT and SERVICE), each followed through its pages: at least 2 requests ({}), \
         at most {most} before paging ({}); each further page {}",
        cost(price, 2),
        cost(price, most),
        cost(price, 1)
    );
    let client = cloudcost_families::aws_ce_client::Client::new(config)
        .map_err(|e| Failed(EXIT_FAILURE, format!("{e}")))?;
    let discovery = aws::discovery_request(o.start, o.end).map_err(usage)?;
    let (mut sent, mut page_no, mut gaps) = (0u64, 0usize, 0usize);
    let mut found = Vec::new();
    let mut pages = client.get_cost_and_usage_pages(&discovery);
    while let Some(page) = pages.next().await {
        sent += 1;
        let page = page.map_err(|e| Failed(EXIT_API_ERROR, format!("request {sent}: {e:#}")))?;
        aws::record_types_of(page_no, &page, &mut found)
            .map_err(|e| Failed(EXIT_FAILURE, e.to_string()))?;
        page_no += 1;
    }
    let names: Vec<&str> = found.iter().map(|s| s.as_str()).collect();
    eprintln!(
        "focus export: record types {}: {} queries, at least {} more requests ({})",
        names.join(", "),
        found.len(),
        found.len(),
        cost(price, found.len() as u64)
    );
    for record_type in &found {
        let request = aws::record_type_request(o.start, o.end, record_type).map_err(usage)?;
        let ctx = aws::AwsContext {
            record_type: Some(record_type.clone()),
            billing_account_id: billing_account_id.as_deref().map(Into::into),
        };
        let mut pages = client.get_cost_and_usage_pages(&request);
        while let Some(page) = pages.next().await {
            sent += 1;
            let page =
                page.map_err(|e| Failed(EXIT_API_ERROR, format!("request {sent}: {e:#}")))?;
            let converted = aws::convert_page(page_no, &page, &ctx, o.on_gap)
                .map_err(|e| Failed(EXIT_FAILURE, e.to_string()))?;
            page_no += 1;
            gaps += converted.gaps;
            // A page's rows by billing period (stable), so a period's file is opened once a page.
            for row in converted.rows {
                o.ds.write(row)
                    .map_err(|e| Failed(EXIT_FAILURE, e.to_string()))?;
            }
        }
    }
    finish(o, sent, gaps, price)
}

async fn export_scp(
    mut o: Options,
    config: cloudcost_runtime::Config,
    price: Option<(Decimal, &'static str)>,
    currency: scp::ScpCurrency,
) -> Result<(), Failed> {
    const LIMIT: i32 = 1000;
    eprintln!(
        "focus export plan: one listing of usages, {LIMIT} a page, followed through its pages; price per request: {}",
        cost(price, 1)
    );
    let request = scp::request(o.start.date(), o.end.date(), LIMIT).map_err(usage)?;
    let client = cloudcost_families::scp_ce_client::Client::new(config)
        .map_err(|e| Failed(EXIT_FAILURE, format!("{e}")))?;
    let (mut sent, mut gaps) = (0u64, 0usize);
    let mut pages = client.list_usages_pages(&request);
    while let Some(page) = pages.next().await {
        let page_no = sent as usize;
        sent += 1;
        let page = page.map_err(|e| Failed(EXIT_API_ERROR, format!("request {sent}: {e:#}")))?;
        let converted = scp::convert_page(page_no, &page, currency, o.on_gap)
            .map_err(|e| Failed(EXIT_FAILURE, e.to_string()))?;
        gaps += converted.gaps;
        for row in converted.rows {
            o.ds.write(row)
                .map_err(|e| Failed(EXIT_FAILURE, e.to_string()))?;
        }
    }
    finish(o, sent, gaps, price)
}
