#!/usr/bin/env bash
# The cache of closed periods, measured: an 11-month DAILY GetCostAndUsage query of closed
# months (2024-01-01 to 2024-12-01, the ledger's close; by SERVICE, every page) run three ways against `cloudcost mock --dataset ledger --seed 7` answering
# every request 200 ms late (`--fault-rate 1 --faults slow`, the latency of a distant
# service; every answer is still correct):
#   first   the cache empty (a miss: fetch each month, write it),
#   nocache the same with --no-cache (the cost of the cache on a miss is first - nocache),
#   rerun   the cache full (the 11 closed months read back: 0 requests).
# Each kind runs N times (default 5) in turns, the cache emptied before every `first`;
# the figures are the medians of wall time (`date +%s%N` around the command). The goal:
# rerun at least 10 times faster than first. Prints the rows for bench/history.csv.
#
# Usage: bench/cache-rerun.sh [N]   (builds the CLI first, in release: cargo build --release
# -p cloudcost-cli; PROFILE=debug uses the debug build). MACHINE=<label> names the machine
# in the printed rows.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-5}"
PROFILE="${PROFILE:-release}"
if [ "$PROFILE" = release ]; then
  cargo build --quiet --release -p cloudcost-cli --bin cloudcost
else
  cargo build --quiet -p cloudcost-cli --bin cloudcost
fi
BIN="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/$PROFILE/cloudcost"
work="$(mktemp -d)"
trap 'kill "$mock" 2>/dev/null || true; rm -rf "$work"' EXIT
"$BIN" mock --dataset ledger --seed 7 --fault-rate 1 --faults slow > "$work/mock.out" 2> "$work/mock.err" &
mock=$!
for _ in $(seq 50); do grep -q listening "$work/mock.out" 2>/dev/null && break; sleep 0.1; done
url="$(sed -n 's/^listening on //p' "$work/mock.out")"
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1
export CLOUDCOST_CACHE_DIR="$work/cache"
query=(--endpoint-url "$url" ce get-cost-and-usage
  --time-period Start=2024-01-01,End=2024-12-01 --granularity DAILY --metrics UnblendedCost
  --group-by Type=DIMENSION,Key=SERVICE --all-pages --output json)
ms() { local t0 t1; t0=$(date +%s%N); "$@" > "$work/out" 2> "$work/err"; t1=$(date +%s%N); echo $(( (t1 - t0) / 1000000 )); }
first=(); nocache=(); rerun=()
for i in $(seq "$N"); do
  rm -rf "$CLOUDCOST_CACHE_DIR"
  first+=("$(ms "$BIN" "${query[@]}")"); cp "$work/out" "$work/first.json"
  rerun+=("$(ms "$BIN" "${query[@]}")")
  cmp -s "$work/out" "$work/first.json" || { echo "the rerun's output differs from the first run's" >&2; exit 1; }
  nocache+=("$(ms "$BIN" "${query[@]}" --no-cache)")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
f=$(median "${first[@]}"); r=$(median "${rerun[@]}"); n=$(median "${nocache[@]}")
echo "first (miss): ${first[*]} ms; median $f"
echo "rerun (hit):  ${rerun[*]} ms; median $r"
echo "--no-cache:   ${nocache[*]} ms; median $n"
PROFILE="$PROFILE" python3 - "$f" "$r" "$n" "$N" <<'EOF'
import subprocess, sys
f, r, n, runs = (float(x) for x in sys.argv[1:])
commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
import datetime, os
when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%MZ")
machine = os.environ.get("MACHINE", "")
print(f"speedup {f / r:.1f}x; cache overhead on a miss {f - n:.0f} ms")
print("rows for bench/history.csv:")
note = f"cache-rerun.sh; median of {int(runs)} runs; mock 200 ms a request; {os.environ['PROFILE']} build"
print(f"{when},{commit},{machine},cache/GetCostAndUsage-11mo-closed,rerun_ms,{r:.0f},{f:.0f},{f / r:.1f},{note}; anchor: the first run (cache empty)")
print(f"{when},{commit},{machine},cache/GetCostAndUsage-11mo-closed,miss_overhead_ms,{f - n:.0f},{n:.0f},{(f - n) / n:.2f},{note}; anchor: --no-cache")
EOF
