#!/usr/bin/env bash
# callgrind.sh: instructions per decode, for every body and decoder of decode_profile.
#
# Wall time on a shared 2-core machine wanders by tens of percent; instruction counts under
# `valgrind --tool=callgrind` repeat to a few parts per million. One decode costs
# Ir(N = 2) - Ir(N = 1): the difference cancels process start and body generation.
# Instructions are not time (cache misses and allocator behaviour weigh differently), so
# BENCHMARKS.md reports both.
#
# Usage: bench/callgrind.sh [body...]   (bodies: cau totals ru scp; default all)
#        BIN=/path/to/decode_profile bench/callgrind.sh   profile another build (a baseline)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BIN="${BIN:-$HERE/target/release/decode_profile}"
DECODERS="${DECODERS:-typed serde value ignored}"
if [ "${BIN}" = "$HERE/target/release/decode_profile" ]; then
  (cd "$HERE" && cargo build --release --quiet --bin decode_profile)
fi
command -v valgrind >/dev/null || { echo "error: valgrind is missing" >&2; exit 1; }
BODIES=("$@")
[ ${#BODIES[@]} -eq 0 ] && BODIES=(cau totals ru scp)
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
ir() {
  valgrind --tool=callgrind --callgrind-out-file="$TMP/out" "$BIN" "$1" "$2" "$3" >/dev/null 2>"$TMP/err"
  awk '/Collected :/ {print $NF}' "$TMP/err"
}
echo "| body | decoder | instructions per decode (millions) | vs IgnoredAny |"
echo "|---|---|---:|---:|"
for body in "${BODIES[@]}"; do
  declare -A PER=()
  for d in $DECODERS; do
    one="$(ir "$body" "$d" 1)"
    two="$(ir "$body" "$d" 2)"
    PER[$d]=$((two - one))
  done
  for d in $DECODERS; do
    awk -v b="$body" -v d="$d" -v n="${PER[$d]}" -v ig="${PER[ignored]:-0}" 'BEGIN {
      r = ig > 0 ? sprintf("%.1fx", n / ig) : "-"
      printf "| %s | %s | %.1f | %s |\n", b, d, n / 1e6, r }'
  done
  unset PER
done
