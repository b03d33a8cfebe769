#!/usr/bin/env bash
# compile-time.sh: a clean release build of a minimal binary calling every operation through
# the cloudcost client crates, against the same through the official AWS SDK for Rust, in
# one run on one machine.
#
# Method
# ------
#   ours  compile-time/ours: cloudcost-aws-ce-client, cloudcost-aws-inspector2-client,
#         cloudcost-scp-ce-client (path dependencies on this checkout) + tokio; calls all
#         five operations. Its Cargo.lock is the repository's, so the versions are the ones
#         the project is tested with.
#   sdk   compile-time/sdk: aws-sdk-costexplorer and aws-sdk-inspector2 1.138.0 with
#         aws-config (default features: rustls on aws-lc-rs, hyper 1) + tokio; calls the four
#         AWS operations (the SDK has no Samsung Cloud Platform client).
#
# For each, with its own fresh CARGO_TARGET_DIR:
#   1. `cargo fetch` first, for both, before any timing (downloads are not counted);
#   2. a clean `cargo build --release --frozen` under `/usr/bin/time -v`: wall seconds, and
#      "Maximum resident set size", which is the peak RSS of the largest single process of
#      the build (a rustc or the linker), as wait4 reports it, not the sum over parallel jobs;
#   3. crates: the number of `Compiling` lines of that build (every compiled package, build
#      dependencies and proc macros included);
#   4. the size of the binary, as built and after `strip`.
# Release profile defaults (opt-level 3, no LTO, 16 codegen units), jobs = nproc. The builds
# run one after the other (ours first, then the SDK; ROUNDS=2 adds a second pair in the
# reverse order), on a machine that may be shared: the "load" column is the 1-minute load
# average when each build started.
#
# Usage:  bench/compile-time.sh            (from anywhere; prints a markdown table)
#         ROUNDS=2 bench/compile-time.sh   ours, sdk, sdk, ours
#         VARIANTS="ours ours-ascii-idna" bench/compile-time.sh
#                                          any order of: ours, sdk, and ours-ascii-idna (ours
#                                          with `idna_adapter` pinned to 1.0, its no-Unicode
#                                          stub, as idna_adapter's README offers applications;
#                                          url then needs no ICU4X)
# Needs:  cargo, /usr/bin/time (apt-get install -y time), strip (binutils), crates.io access
#         for the fetch. Several minutes on 2 cores.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
ROUNDS="${ROUNDS:-1}"
OUT="${COMPILE_TIME_DIR:-$HERE/target/compile-time}"

[ -x /usr/bin/time ] || { echo "error: /usr/bin/time is missing (apt-get install -y time)" >&2; exit 1; }
command -v strip >/dev/null || { echo "error: strip is missing (binutils)" >&2; exit 1; }
unset RUSTC_WRAPPER RUSTFLAGS CARGO_BUILD_RUSTFLAGS CARGO_INCREMENTAL CARGO_TARGET_DIR || true

mkdir -p "$OUT"
# The repository's lock file pins every version the cloudcost crates are tested with; cargo
# drops the entries the minimal binary does not use.
cp "$ROOT/Cargo.lock" "$HERE/compile-time/ours/Cargo.lock"

echo "fetching dependencies (not timed)..." >&2
for v in ours sdk; do
  (cd "$HERE/compile-time/$v" && cargo fetch --quiet)
done

declare -A BIN=([ours]=cloudcost-minimal [ours-ascii-idna]=cloudcost-minimal [sdk]=aws-sdk-minimal)
declare -A DIR=([ours]=ours [ours-ascii-idna]=ours [sdk]=sdk)
ROWS=()

build() {
  local v="$1" target="$OUT/$1" log="$OUT/$1.log" timing="$OUT/$1.time"
  rm -rf "$target"
  local load
  load="$(cut -d' ' -f1 /proc/loadavg)"
  echo "building $v (clean, release)..." >&2
  local dir="$HERE/compile-time/${DIR[$v]}"
  # Our side takes the repository's lock file afresh (the idna variant edits it); the SDK
  # side keeps its own, committed one, which pins the SDK's versions.
  if [ "$v" != sdk ]; then
    cp "$ROOT/Cargo.lock" "$dir/Cargo.lock"
  fi
  if [ "$v" = ours-ascii-idna ]; then
    (cd "$dir" && cargo update --quiet -p idna_adapter --precise 1.0.0 && cargo fetch --quiet)
  elif [ "$v" != sdk ]; then
    (cd "$dir" && cargo fetch --quiet)
  fi
  (cd "$dir" &&
    CARGO_TARGET_DIR="$target" /usr/bin/time -v -o "$timing" \
      cargo build --release --frozen --color never >"$log" 2>&1) || {
    echo "error: the $v build failed; see $log" >&2
    tail -20 "$log" >&2
    exit 1
  }
  local wall kib crates bin size stripped
  wall="$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$timing")"
  # h:mm:ss or m:ss.ss -> seconds
  wall="$(echo "$wall" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.1f", s }')"
  kib="$(awk -F': ' '/Maximum resident set size/ {print $2}' "$timing")"
  crates="$(grep -c '^ *Compiling ' "$log")"
  bin="$target/release/${BIN[$v]}"
  size="$(stat -c %s "$bin")"
  strip -o "$OUT/$v.stripped" "$bin"
  stripped="$(stat -c %s "$OUT/$v.stripped")"
  ROWS+=("$v|$wall|$crates|$kib|$size|$stripped|$load")
  echo "  $v: ${wall}s, $crates crates, peak $((kib / 1024)) MiB, stripped $((stripped / 1024)) KiB" >&2
}

if [ -n "${VARIANTS:-}" ]; then
  read -r -a ORDER <<<"$VARIANTS"
else
  ORDER=(ours sdk)
  if [ "$ROUNDS" -ge 2 ]; then ORDER+=(sdk ours); fi
fi
for v in "${ORDER[@]}"; do build "$v"; done

mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }

echo
echo "clean release builds, $(nproc) cores, $(rustc --version | cut -d' ' -f1-2), $(date -u +%Y-%m-%d)"
echo
echo "| binary | wall s | crates compiled | peak RSS of one process MiB | binary MiB | stripped MiB | load at start |"
echo "|---|---:|---:|---:|---:|---:|---:|"
declare -A WALL CRATES STRIPPED
for row in "${ROWS[@]}"; do
  IFS='|' read -r v wall crates kib size stripped load <<<"$row"
  name="cloudcost clients (5 operations)"
  [ "$v" = ours-ascii-idna ] && name="cloudcost clients, idna_adapter 1.0 (no ICU4X)"
  [ "$v" = sdk ] && name="aws-sdk-costexplorer + aws-sdk-inspector2 + aws-config (4 operations)"
  echo "| $name | $wall | $crates | $((kib / 1024)) | $(mib "$size") | $(mib "$stripped") | $load |"
  # The last build of each kind is the one compared.
  WALL[$v]="$wall"; CRATES[$v]="$crates"; STRIPPED[$v]="$stripped"
done
echo
[ -n "${WALL[ours]:-}" ] && [ -n "${WALL[sdk]:-}" ] && awk -v o="${WALL[ours]}" -v s="${WALL[sdk]}" -v oc="${CRATES[ours]}" -v sc="${CRATES[sdk]}" \
  -v ob="${STRIPPED[ours]}" -v sb="${STRIPPED[sdk]}" 'BEGIN {
  printf "cloudcost / sdk: build time %.2f (goal <= 0.33), crates %d vs %d, stripped binary %.2f\n", o / s, oc, sc, ob / sb
}'
echo
echo "resolved versions (sdk side): $(grep -A1 -E '^name = "(aws-config|aws-sdk-costexplorer|aws-sdk-inspector2|aws-smithy-runtime|aws-lc-sys)"' "$HERE/compile-time/sdk/Cargo.lock" | grep -E '^(name|version)' | paste -sd' ' | sed 's/name = //g; s/ version = /@/g; s/"//g')"
