#!/usr/bin/env bash
# measure-aws-signing.sh: what does AWS SigV4 signing plus the standard credential chain cost
# to compile?
#
# Method
# ------
# In a fresh temporary directory this script writes small, standalone binary crates. Each one
# loads credentials from the STANDARD AWS chain (environment variables, shared config and
# credentials files with profiles, SSO, web identity, credential_process, the ECS container
# endpoint and EC2 instance metadata) and signs one Cost Explorer-like POST with SigV4:
#
#   base  reference only: reqwest 0.12 (rustls-tls = rustls + ring + webpki-roots), tokio,
#         http. The generated clients compile this anyway, so it is the floor the other
#         rows are compared with. It signs nothing.
#   A     aws-sigv4 + aws-config + aws-credential-types. aws-config without its default
#         features (default-https-client would pull rustls with aws-lc-rs), with rt-tokio,
#         sso and credentials-process; the HTTP client for IMDS/ECS/STS/SSO comes from
#         aws-smithy-http-client with `rustls-ring` (rustls on ring, hyper 1, system roots
#         through rustls-native-certs).
#   B     reqsign-aws-v4 + reqsign-core (DefaultCredentialProvider + RequestSigner), with
#         reqsign-file-read-tokio and reqsign-command-execute-tokio. The official HTTP
#         sender, reqsign-http-send-reqwest, needs reqwest 0.13 from version 3.0 on, while
#         the project uses reqwest 0.12; so B implements reqsign's `HttpSend` in 20 lines over
#         reqwest 0.12 (rustls-tls, ring), exactly as the runtime crate would.
#   C     B's credential chain + aws-sigv4 for the signature itself. reqsign's RequestSigner
#         always signs at `now` (its `with_time` is `#[cfg(test)]`), so it cannot sign at a
#         caller-given time; aws-sigv4's `sign` takes the time as a parameter and is sync.
#
# For every variant, with its own CARGO_TARGET_DIR:
#   1. `cargo fetch` (downloads are not counted);
#   2. a clean `cargo build --release --frozen` under `/usr/bin/time -v`: wall seconds and
#      the peak RSS of the largest single process (rustc or the linker), as wait4 reports it;
#   3. crates: `cargo tree -e normal --prefix none --no-dedupe | sort -u | wc -l` (normal
#      dependencies incl. the root; --no-dedupe so that "(*)" repeats are not counted
#      twice), and the number of `Compiling` lines of the build (every compiled package,
#      build dependencies and proc macros included);
#   4. the size of the binary after `strip`;
#   5. a smoke run with only AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY set (env -i, an empty
#      HOME, AWS_EC2_METADATA_DISABLED=true, so no network), printing SignedHeaders.
# Release profile defaults (opt-level 3, no LTO, codegen-units 16), jobs = nproc. Top-level
# versions are pinned with `=`; transitive ones resolve to the newest compatible release on
# the day of the run (the markdown output lists the key resolved versions).
#
# Usage: scripts/measure-aws-signing.sh [VARIANT...]   (default: base A B C)
#        CHECK_ONLY=1 scripts/measure-aws-signing.sh   only `cargo check` the generated crates
#        (to validate the programs before a measuring run; measures nothing)
# Needs: cargo, /usr/bin/time (apt-get install -y time), strip (binutils), network to
# crates.io for the fetch. Takes several minutes on a 2-core machine; run nothing else.
set -euo pipefail

VARIANTS=("$@")
if [ ${#VARIANTS[@]} -eq 0 ]; then
  VARIANTS=(base A B C)
fi

# Pinned versions (measured on the date recorded in scripts/measure-aws-signing.md).
V_AWS_CONFIG="1.13.0"
V_AWS_SIGV4="1.6.4"
V_AWS_CREDENTIAL_TYPES="1.3.1"
V_AWS_SMITHY_HTTP_CLIENT="1.5.2"
V_REQSIGN_AWS_V4="3.3.1"
V_REQSIGN_CORE="3.3.2"
V_REQSIGN_FILE_READ_TOKIO="3.0.7"
V_REQSIGN_COMMAND_EXECUTE_TOKIO="3.0.7"
V_REQWEST="0.12.28"
V_TOKIO="1.54.1"
V_HTTP="1.4.0"
V_BYTES="1.11.1"

if [ ! -x /usr/bin/time ]; then
  echo "error: /usr/bin/time is missing (apt-get update && apt-get install -y time)" >&2
  exit 1
fi
command -v strip >/dev/null || { echo "error: strip is missing (binutils)" >&2; exit 1; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/measure-aws-signing.XXXXXX")"
echo "work dir: $WORK" >&2
mkdir -p "$WORK/home"
unset RUSTC_WRAPPER RUSTFLAGS CARGO_BUILD_RUSTFLAGS CARGO_INCREMENTAL CARGO_TARGET_DIR || true

SAMPLE_BODY='{"TimePeriod":{"Start":"2024-01-01","End":"2024-02-01"},"Granularity":"MONTHLY","Metrics":["UnblendedCost"]}'

write_manifest() { # dir name deps...
  local dir="$1" name="$2"
  shift 2
  mkdir -p "$dir/src"
  {
    printf '[package]\nname = "%s"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n\n' "$name"
    printf '[workspace]\n\n[dependencies]\n'
    printf '%s\n' "$@"
  } >"$dir/Cargo.toml"
}

# ---------------------------------------------------------------------------------------
# The reqsign HttpSend over reqwest 0.12 (shared by B and C).
REQSIGN_HTTP_SEND='
#[derive(Debug, Default)]
struct Reqwest012(reqwest::Client);

impl reqsign_core::HttpSend for Reqwest012 {
    async fn http_send(
        &self,
        req: http::Request<bytes::Bytes>,
    ) -> reqsign_core::Result<http::Response<bytes::Bytes>> {
        let req = reqwest::Request::try_from(req)
            .map_err(|e| reqsign_core::Error::unexpected("bad request").with_source(e))?;
        let resp = self.0.execute(req).await
            .map_err(|e| reqsign_core::Error::unexpected("send failed").with_source(e))?;
        let (status, headers) = (resp.status(), resp.headers().clone());
        let body = resp.bytes().await
            .map_err(|e| reqsign_core::Error::unexpected("body failed").with_source(e))?;
        let mut out = http::Response::new(body);
        *out.status_mut() = status;
        *out.headers_mut() = headers;
        Ok(out)
    }
}

fn reqsign_context() -> reqsign_core::Context {
    reqsign_core::Context::new()
        .with_file_read(reqsign_file_read_tokio::TokioFileRead)
        .with_command_execute(reqsign_command_execute_tokio::TokioCommandExecute)
        .with_http_send(Reqwest012::default())
        .with_env(reqsign_core::OsEnv)
}
'

PRINT_SIGNED_HEADERS='
fn print_signed_headers(headers: &http::HeaderMap) {
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("");
    let signed = auth.split(", ").find(|p| p.starts_with("SignedHeaders=")).unwrap_or("none");
    println!("signed: {signed}");
}
'

make_base() {
  local d="$WORK/base"
  write_manifest "$d" measure-base \
    "reqwest = { version = \"=$V_REQWEST\", default-features = false, features = [\"rustls-tls\"] }" \
    "tokio = { version = \"=$V_TOKIO\", features = [\"macros\", \"rt\"] }" \
    "http = \"=$V_HTTP\""
  cat >"$d/src/main.rs" <<'EOF'
#[tokio::main(flavor = "current_thread")]
async fn main() {
    // Build a client and a request; nothing is sent.
    let client = reqwest::Client::new();
    let req = client
        .post("https://ce.us-east-1.amazonaws.com/")
        .header(http::header::CONTENT_TYPE, "application/x-amz-json-1.1")
        .body("{}")
        .build()
        .expect("request");
    println!("signed: none (reference build, {} {})", req.method(), req.url());
}
EOF
}

make_a() {
  local d="$WORK/A"
  write_manifest "$d" measure-a \
    "aws-config = { version = \"=$V_AWS_CONFIG\", default-features = false, features = [\"rt-tokio\", \"sso\", \"credentials-process\"] }" \
    "aws-smithy-http-client = { version = \"=$V_AWS_SMITHY_HTTP_CLIENT\", features = [\"rustls-ring\"] }" \
    "aws-sigv4 = \"=$V_AWS_SIGV4\"" \
    "aws-credential-types = \"=$V_AWS_CREDENTIAL_TYPES\"" \
    "tokio = { version = \"=$V_TOKIO\", features = [\"macros\", \"rt\"] }" \
    "http = \"=$V_HTTP\""
  cat >"$d/src/main.rs" <<EOF
use aws_config::BehaviorVersion;
use aws_credential_types::provider::ProvideCredentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};

const BODY: &[u8] = br#"$SAMPLE_BODY"#;
$PRINT_SIGNED_HEADERS
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let http_client = aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
        .build_https();
    let config = aws_config::defaults(BehaviorVersion::latest())
        .http_client(http_client)
        .load()
        .await;
    let provider = config.credentials_provider().ok_or("no credentials provider")?;
    let identity = provider.provide_credentials().await?.into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("ce")
        .time(std::time::SystemTime::now())
        .settings(SigningSettings::default())
        .build()?
        .into();
    let mut req = http::Request::post("https://ce.us-east-1.amazonaws.com/")
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", "AWSInsightsIndexService.GetCostAndUsage")
        .body(BODY)?;
    let signable = SignableRequest::new(
        req.method().as_str(),
        req.uri().to_string(),
        req.headers().iter().map(|(k, v)| (k.as_str(), v.to_str().unwrap())),
        SignableBody::Bytes(BODY),
    )?;
    let (instructions, _signature) = sign(signable, &params)?.into_parts();
    instructions.apply_to_request_http1x(&mut req);
    print_signed_headers(req.headers());
    Ok(())
}
EOF
}

reqsign_deps=(
  "reqsign-aws-v4 = \"=$V_REQSIGN_AWS_V4\""
  "reqsign-core = \"=$V_REQSIGN_CORE\""
  "reqsign-file-read-tokio = \"=$V_REQSIGN_FILE_READ_TOKIO\""
  "reqsign-command-execute-tokio = \"=$V_REQSIGN_COMMAND_EXECUTE_TOKIO\""
  "reqwest = { version = \"=$V_REQWEST\", default-features = false, features = [\"rustls-tls\"] }"
  "tokio = { version = \"=$V_TOKIO\", features = [\"macros\", \"rt\"] }"
  "http = \"=$V_HTTP\""
  "bytes = \"=$V_BYTES\""
)

make_b() {
  local d="$WORK/B"
  write_manifest "$d" measure-b "${reqsign_deps[@]}"
  cat >"$d/src/main.rs" <<EOF
use reqsign_aws_v4::{DefaultCredentialProvider, RequestSigner};
use reqsign_core::Signer;

const BODY: &[u8] = br#"$SAMPLE_BODY"#;
$REQSIGN_HTTP_SEND
$PRINT_SIGNED_HEADERS
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let signer = Signer::new(
        reqsign_context(),
        DefaultCredentialProvider::new(),
        RequestSigner::new("ce", "us-east-1"),
    );
    let (mut parts, _body) = http::Request::post("https://ce.us-east-1.amazonaws.com/")
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", "AWSInsightsIndexService.GetCostAndUsage")
        // Without it reqsign signs UNSIGNED-PAYLOAD, which only S3 accepts.
        .header("x-amz-content-sha256", reqsign_core::hash::hex_sha256(BODY))
        .body(BODY)?
        .into_parts();
    signer.sign(&mut parts, None).await?;
    print_signed_headers(&parts.headers);
    Ok(())
}
EOF
}

make_c() {
  local d="$WORK/C"
  write_manifest "$d" measure-c "${reqsign_deps[@]}" \
    "aws-sigv4 = \"=$V_AWS_SIGV4\"" \
    "aws-credential-types = \"=$V_AWS_CREDENTIAL_TYPES\""
  cat >"$d/src/main.rs" <<EOF
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use reqsign_aws_v4::DefaultCredentialProvider;
use reqsign_core::ProvideCredential;

const BODY: &[u8] = br#"$SAMPLE_BODY"#;
$REQSIGN_HTTP_SEND
$PRINT_SIGNED_HEADERS
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let ctx = reqsign_context();
    let cred = DefaultCredentialProvider::new()
        .provide_credential(&ctx)
        .await?
        .ok_or("no credentials")?;
    let identity = aws_credential_types::Credentials::new(
        cred.access_key_id,
        cred.secret_access_key,
        cred.session_token,
        None,
        "reqsign",
    )
    .into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("ce")
        .time(std::time::SystemTime::now())
        .settings(SigningSettings::default())
        .build()?
        .into();
    let mut req = http::Request::post("https://ce.us-east-1.amazonaws.com/")
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", "AWSInsightsIndexService.GetCostAndUsage")
        .body(BODY)?;
    let signable = SignableRequest::new(
        req.method().as_str(),
        req.uri().to_string(),
        req.headers().iter().map(|(k, v)| (k.as_str(), v.to_str().unwrap())),
        SignableBody::Bytes(BODY),
    )?;
    let (instructions, _signature) = sign(signable, &params)?.into_parts();
    instructions.apply_to_request_http1x(&mut req);
    print_signed_headers(req.headers());
    Ok(())
}
EOF
}

to_seconds() { # "h:mm:ss" or "m:ss.xx" -> seconds
  awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }' <<<"$1"
}

describe() {
  case "$1" in
    base) echo "reference: reqwest 0.12 rustls-tls + tokio + http (no signing)" ;;
    A) echo "aws-sigv4 + aws-config (rustls/ring via aws-smithy-http-client)" ;;
    B) echo "reqsign-aws-v4 + reqsign-core (+ tokio file/command, HttpSend over reqwest 0.12)" ;;
    C) echo "B's reqsign chain + aws-sigv4 signer" ;;
  esac
}

ROWS=()
VERSIONS=()
for v in "${VARIANTS[@]}"; do
  case "$v" in
    base) make_base ;;
    A) make_a ;;
    B) make_b ;;
    C) make_c ;;
    *) echo "unknown variant $v" >&2; exit 2 ;;
  esac
  dir="$WORK/$v"
  target="$WORK/target-$v"
  echo "== $v: fetch" >&2
  (cd "$dir" && cargo fetch --quiet)
  if [ "${CHECK_ONLY:-0}" = 1 ]; then
    echo "== $v: cargo check" >&2
    (cd "$dir" && CARGO_TARGET_DIR="$WORK/check-target" cargo check --frozen --quiet)
    continue
  fi
  echo "== $v: clean release build" >&2
  rm -rf "$target"
  (cd "$dir" && CARGO_TARGET_DIR="$target" /usr/bin/time -v -o "$WORK/time-$v.txt" \
    cargo build --release --frozen 2>"$WORK/build-$v.log")
  wall_raw="$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$WORK/time-$v.txt")"
  wall="$(to_seconds "$wall_raw")"
  rss_kb="$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$WORK/time-$v.txt")"
  compiled="$(grep -c '^ *Compiling ' "$WORK/build-$v.log" || true)"
  tree_count="$(cd "$dir" && CARGO_TARGET_DIR="$target" cargo tree --frozen -e normal --prefix none --no-dedupe | sort -u | wc -l)"
  bin="$(find "$target/release" -maxdepth 1 -type f -name 'measure-*' -perm -u+x | head -1)"
  cp "$bin" "$WORK/stripped-$v"
  strip "$WORK/stripped-$v"
  size="$(stat -c %s "$WORK/stripped-$v")"
  tls="$(cd "$dir" && cargo tree --frozen -e normal --prefix none --no-dedupe \
    | grep -E '^(ring|aws-lc-rs|aws-lc-sys|rustls|rustls-native-certs|webpki-roots|openssl|openssl-probe|native-tls|hyper|reqwest|hmac|sha2) ' | sort -u | tr '\n' ' ' || true)"
  smoke="$(env -i PATH="$PATH" HOME="$WORK/home" AWS_EC2_METADATA_DISABLED=true AWS_REGION=us-east-1 \
    AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY \
    timeout 60 "$bin" 2>&1 | tail -1 || echo "smoke run failed")"
  echo "   wall ${wall}s, rss ${rss_kb} KiB, tree $tree_count, compiled $compiled, stripped $size B; $smoke" >&2
  ROWS+=("| $v | $(describe "$v") | $wall | $tree_count | $compiled | $((rss_kb / 1024)) | $(awk -v s="$size" 'BEGIN { printf "%.1f", s / 1048576 }') | \`$smoke\` |")
  VERSIONS+=("- $v: $tls")
done

if [ "${CHECK_ONLY:-0}" = 1 ]; then
  echo "check only: all variants compile (work dir $WORK)"
  exit 0
fi

echo "| variant | what | clean release build, wall s | crates (cargo tree -e normal, unique) | packages compiled | peak RSS MiB | stripped binary MiB | smoke run (env credentials) |"
echo "|---|---|---:|---:|---:|---:|---:|---|"
printf '%s\n' "${ROWS[@]}"
echo
echo "TLS / HTTP stack resolved per variant:"
printf '%s\n' "${VERSIONS[@]}"
echo
echo "(work dir kept for inspection: $WORK)"
