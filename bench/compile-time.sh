#!/usr/bin/env bash
# compile-time.sh: clean release builds of minimal binaries calling the operations through
# the cloudcost crates, against the same through the official AWS SDK for Rust, in one run on
# one machine.
#
# Method
# ------
# Variants (each a minimal binary in its own workspace under compile-time/; the cloudcost
# ones are path dependencies on this checkout and get the repository's Cargo.lock, so the
# versions are the ones the project is tested with):
#   ours        compile-time/ours: cloudcost-aws-ce-client, cloudcost-aws-inspector2-client,
#               cloudcost-scp-ce-client + tokio; calls all five operations.
#   ours-aws    compile-time/ours-aws: the two AWS client crates + tokio; the four AWS
#               operations, the same calls as the SDK binary.
#   ours-scp    compile-time/ours-scp: the SCP client crate + tokio; one ListUsages call. Its
#               `cargo tree` must hold no AWS crate (reqsign*, aws-*, rust-ini): checked
#               after its build, and the run fails if one is there.
#   ours-model  compile-time/ours-model: the three model crates only; decodes one response
#               with `from_slice`, no client, no HTTP, no tokio.
#   ours-ascii-idna  ours with `idna_adapter` pinned to 1.0, its no-Unicode stub, as
#               idna_adapter's README offers applications (url then needs no ICU4X).
#   sdk-ascii-idna   sdk with the same pin (the SDK's tree has url and idna too), built from
#               a copy of compile-time/sdk so that its committed lock file stays as it is:
#               the pin compared like for like.
#   floor       compile-time/floor: reqwest (the clients' features) + tokio, one HTTPS GET, no
#               cloudcost crate: the HTTP/TLS stack every client is built on, so the part of
#               any ratio that no change to cloudcost's own crates can remove.
#   sdk         compile-time/sdk: aws-sdk-costexplorer and aws-sdk-inspector2 1.138.0 with
#               aws-config (default features: rustls on aws-lc-rs, hyper 1) + tokio; calls
#               the four AWS operations (the SDK has no Samsung Cloud Platform client). Its
#               own, committed Cargo.lock pins the SDK's versions.
#
# For each, with its own fresh CARGO_TARGET_DIR:
#   1. `cargo fetch` first, for every variant of the run, before any timing (downloads are
#      not counted);
#   2. a clean `cargo build --release --frozen` under `/usr/bin/time -v`: wall seconds; CPU
#      seconds (user + system, summed over every process of the build: what the build costs
#      whatever the machine's load, while wall time grows with the other work on a shared
#      machine); and "Maximum resident set size", which is the peak RSS of the largest single
#      process of the build (a rustc or the linker), as wait4 reports it, not the sum over
#      parallel jobs;
#   3. crates: the number of `Compiling` lines of that build (every compiled package, build
#      dependencies and proc macros included);
#   4. the size of the binary, as built and after `strip`;
#   5. the AWS crates in its `cargo tree -e normal,build` (names reqsign*, aws-*, rust-ini).
# Release profile defaults (opt-level 3, no LTO, 16 codegen units), jobs = nproc. The builds
# run one after the other in the order given, on a machine that may be shared: the "load"
# column is the 1-minute load average when each build started and when it ended.
#
# Usage:  bench/compile-time.sh            ours, sdk (from anywhere; prints markdown tables)
#         ROUNDS=2 bench/compile-time.sh   ours, sdk, sdk, ours
#         VARIANTS="ours ours-scp ours-aws ours-model" bench/compile-time.sh
#         VARIANTS="ours sdk ours-ascii-idna sdk-ascii-idna" bench/compile-time.sh
#                                          any of the variants above, in any order, repeats
#                                          allowed (the last build of each is the one compared)
# Needs:  cargo, /usr/bin/time (apt-get install -y time), strip (binutils), crates.io access
#         for the fetch. Several minutes on 2 cores (the SDK alone about 6).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
ROUNDS="${ROUNDS:-1}"
OUT="${COMPILE_TIME_DIR:-$HERE/target/compile-time}"

[ -x /usr/bin/time ] || { echo "error: /usr/bin/time is missing (apt-get install -y time)" >&2; exit 1; }
command -v strip >/dev/null || { echo "error: strip is missing (binutils)" >&2; exit 1; }
unset RUSTC_WRAPPER RUSTFLAGS CARGO_BUILD_RUSTFLAGS CARGO_INCREMENTAL CARGO_TARGET_DIR || true

mkdir -p "$OUT"

declare -A BIN=([ours]=cloudcost-minimal [ours-ascii-idna]=cloudcost-minimal [floor]=cloudcost-floor
  [sdk-ascii-idna]=aws-sdk-minimal
  [ours-aws]=cloudcost-minimal-aws [ours-scp]=cloudcost-minimal-scp
  [ours-model]=cloudcost-minimal-model [sdk]=aws-sdk-minimal)
declare -A DIR=([ours]=ours [ours-ascii-idna]=ours [ours-aws]=ours-aws [ours-scp]=ours-scp
  [ours-model]=ours-model [sdk]=sdk [sdk-ascii-idna]=sdk [floor]=floor)
declare -A NAME=(
  [ours]="cloudcost clients (5 operations)"
  [ours-ascii-idna]="cloudcost clients, idna_adapter 1.0 (no ICU4X)"
  [ours-aws]="cloudcost AWS clients only (4 operations)"
  [ours-scp]="cloudcost SCP client only (1 operation)"
  [ours-model]="cloudcost model crates only (decode, no HTTP)"
  [floor]="floor: reqwest + tokio, one HTTPS GET (no cloudcost crate)"
  [sdk]="aws-sdk-costexplorer + aws-sdk-inspector2 + aws-config (4 operations)"
  [sdk-ascii-idna]="aws-sdk-costexplorer + aws-sdk-inspector2 + aws-config, idna_adapter 1.0")
ROWS=()
AWS_ROWS=()

if [ -n "${VARIANTS:-}" ]; then
  read -r -a ORDER <<<"$VARIANTS"
else
  ORDER=(ours sdk)
  if [ "$ROUNDS" -ge 2 ]; then ORDER+=(sdk ours); fi
fi
for v in "${ORDER[@]}"; do
  [ -n "${DIR[$v]:-}" ] || { echo "error: unknown variant $v (one of: ${!DIR[*]})" >&2; exit 1; }
done

# The repository's lock file pins every version the cloudcost crates are tested with; cargo
# drops the entries a minimal binary does not use. The SDK side keeps its own, committed one.
echo "fetching dependencies (not timed)..." >&2
declare -A FETCHED=()
for v in "${ORDER[@]}"; do
  d="${DIR[$v]}"
  [ -n "${FETCHED[$d]:-}" ] && continue
  FETCHED[$d]=1
  [ "$d" != sdk ] && cp "$ROOT/Cargo.lock" "$HERE/compile-time/$d/Cargo.lock"
  (cd "$HERE/compile-time/$d" && cargo fetch --quiet)
done

# The AWS crates of a binary's dependency graph, one name@version per line (none: empty).
# A failing `cargo tree` (say, a manifest edited during the run) stops the run: an empty
# answer would read as "no AWS crate".
aws_crates() {
  local tree
  tree="$(cd "$1" && cargo tree --frozen -e normal,build --prefix none)" ||
    { echo "error: cargo tree failed in $1" >&2; return 1; }
  echo "$tree" | awk '{print $1 "@" $2}' | sed 's/@v/@/' | sort -u |
    grep -E '^(reqsign[^@]*|aws-[^@]*|rust-ini)@' || true
}

build() {
  local v="$1" target="$OUT/$1" log="$OUT/$1.log" timing="$OUT/$1.time"
  rm -rf "$target"
  local load
  load="$(cut -d' ' -f1 /proc/loadavg)"
  echo "building $v (clean, release)..." >&2
  local dir="$HERE/compile-time/${DIR[$v]}"
  if [ "$v" = sdk-ascii-idna ]; then
    # A copy, so that the committed lock file of the SDK binary is never edited.
    rm -rf "$OUT/sdk-ascii-idna-src"
    mkdir -p "$OUT/sdk-ascii-idna-src"
    cp -r "$dir/Cargo.toml" "$dir/Cargo.lock" "$dir/src" "$OUT/sdk-ascii-idna-src/"
    dir="$OUT/sdk-ascii-idna-src"
  elif [ "$v" != sdk ]; then
    # Our side takes the repository's lock file afresh (the idna variant edits it).
    cp "$ROOT/Cargo.lock" "$dir/Cargo.lock"
  fi
  case "$v" in
    *-ascii-idna)
      (cd "$dir" && cargo update --quiet -p idna_adapter --precise 1.0.0 && cargo fetch --quiet) ;;
    sdk) ;;
    *) (cd "$dir" && cargo fetch --quiet) ;;
  esac
  (cd "$dir" &&
    CARGO_TARGET_DIR="$target" /usr/bin/time -v -o "$timing" \
      cargo build --release --frozen --color never >"$log" 2>&1) || {
    echo "error: the $v build failed; see $log" >&2
    tail -20 "$log" >&2
    exit 1
  }
  local wall cpu kib crates bin size stripped
  load="$load/$(cut -d' ' -f1 /proc/loadavg)"
  wall="$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$timing")"
  # h:mm:ss or m:ss.ss -> seconds
  wall="$(echo "$wall" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.1f", s }')"
  cpu="$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.1f", s }' "$timing")"
  kib="$(awk -F': ' '/Maximum resident set size/ {print $2}' "$timing")"
  crates="$(grep -c '^ *Compiling ' "$log")"
  bin="$target/release/${BIN[$v]}"
  size="$(stat -c %s "$bin")"
  strip -o "$OUT/$v.stripped" "$bin"
  stripped="$(stat -c %s "$OUT/$v.stripped")"
  ROWS+=("$v|$wall|$cpu|$crates|$kib|$size|$stripped|$load")
  local aws
  aws="$(aws_crates "$dir")" || exit 1
  AWS_ROWS+=("$v|$(echo "$aws" | grep -c . || true)|$(echo "$aws" | paste -sd' ')")
  if [ "$v" = ours-scp ] && [ -n "$aws" ]; then
    echo "error: the SCP-only binary depends on AWS crates: $aws" >&2
    exit 1
  fi
  echo "  $v: ${wall}s (CPU ${cpu}s), $crates crates, peak $((kib / 1024)) MiB, stripped $((stripped / 1024)) KiB" >&2
}

for v in "${ORDER[@]}"; do build "$v"; done

mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }

echo
echo "clean release builds, $(nproc) cores, $(rustc --version | cut -d' ' -f1-2), $(date -u +%Y-%m-%d)"
echo
echo "| binary | wall s | CPU s | crates compiled | peak RSS of one process MiB | binary MiB | stripped MiB | load at start/end |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
declare -A WALL CPU CRATES STRIPPED
for row in "${ROWS[@]}"; do
  IFS='|' read -r v wall cpu crates kib size stripped load <<<"$row"
  echo "| ${NAME[$v]} | $wall | $cpu | $crates | $((kib / 1024)) | $(mib "$size") | $(mib "$stripped") | $load |"
  # The last build of each kind is the one compared.
  WALL[$v]="$wall"; CPU[$v]="$cpu"; CRATES[$v]="$crates"; STRIPPED[$v]="$stripped"
done
echo
# Each of ours against the SDK binary; the pinned variant against the pinned SDK when both ran.
for v in ours ours-aws ours-scp ours-model ours-ascii-idna floor; do
  [ -n "${WALL[$v]:-}" ] || continue
  ref=sdk
  [ "$v" = ours-ascii-idna ] && [ -n "${WALL[sdk-ascii-idna]:-}" ] && ref=sdk-ascii-idna
  [ -n "${WALL[$ref]:-}" ] || continue
  awk -v name="$v" -v ref="$ref" -v o="${WALL[$v]}" -v s="${WALL[$ref]}" -v oc="${CRATES[$v]}" -v sc="${CRATES[$ref]}" \
    -v ou="${CPU[$v]}" -v su="${CPU[$ref]}" -v ob="${STRIPPED[$v]}" -v sb="${STRIPPED[$ref]}" 'BEGIN {
    printf "%s / %s: build time %.2f%s, CPU time %.2f, crates %d vs %d, stripped binary %.2f\n",
      name, ref, o / s, (name ~ /^ours(-ascii-idna)?$/ ? " (goal <= 0.30 with <= 130 crates)" : ""), ou / su, oc, sc, ob / sb
  }'
done
echo
echo "AWS crates in each binary's \`cargo tree -e normal,build\` (reqsign*, aws-*, rust-ini):"
echo
echo "| binary | AWS crates | which |"
echo "|---|---:|---|"
for row in "${AWS_ROWS[@]}"; do
  IFS='|' read -r v n which <<<"$row"
  echo "| $v | $n | ${which:-none} |"
done
echo
echo "resolved versions (sdk side): $(grep -A1 -E '^name = "(aws-config|aws-sdk-costexplorer|aws-sdk-inspector2|aws-smithy-runtime|aws-lc-sys)"' "$HERE/compile-time/sdk/Cargo.lock" | grep -E '^(name|version)' | paste -sd' ' | sed 's/name = //g; s/ version = /@/g; s/"//g')"
