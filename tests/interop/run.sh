#!/usr/bin/env bash
# Interoperability with code nobody here wrote, against the real `cloudcost` binary:
#   boto3_interop.py  boto3 (from PyPI, pinned in requirements.txt) against `cloudcost mock`
#                     and the `cloudcost` CLI, for every AWS operation of specs/*.yaml;
#   scp_oracle.py     an independent stdlib-only Python oracle of SCP request signing, written
#                     from the official Go SDK's algorithm: captures what `cloudcost scp
#                     list-usages` sends and compares it byte for byte, and sends requests it
#                     signed itself to `cloudcost mock --strict-auth` (see ARCHITECTURE.md);
#   ledger_check.py   an independent check of the ledger dataset: a ledger file of its own,
#                     served by `cloudcost mock --ledger`, every GetCostAndUsage answer
#                     botocore gets compared with its own Decimal computation of the
#                     documented meaning; and botocore and the CLI against the same
#                     `--dataset ledger --seed 7` mock get the same data.
#
# Usage: tests/interop/run.sh [WORKSPACE_ROOT]   (default: two levels up from here)
# Needs python3 with venv; installs boto3 into <root>/.venv and builds the `cloudcost`
# binary itself. Every script always runs, even when an earlier one fails; the last line
# is one combined `N passed, M failed` over all, and the exit status is non-zero if any
# script failed.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "${1:-$HERE/../..}" && pwd)"

source "$ROOT/tests/python-venv.sh"
venv_install "$ROOT" "$HERE/requirements.txt"

echo "==> cargo build -p cloudcost-cli"
(cd "$ROOT" && cargo build --quiet -p cloudcost-cli --bin cloudcost)
target_dir="$(cd "$ROOT" && cargo metadata --format-version 1 --no-deps | "$VENV/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
BINARY="$target_dir/debug/cloudcost"

total_passed=0
total_failed=0
status=0

# Runs one script, echoing its output, and adds its last `N passed, M failed` line to the
# totals. A script that exits non-zero without such a line counts as one failure.
run_script() {
  local name="$1" out rc=0 summary
  echo "==> $name"
  out="$(mktemp)"
  "$VENV/bin/python" "$HERE/$name" "$ROOT" "$BINARY" | tee "$out" || rc=$?
  summary="$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out" | tail -n 1 || true)"
  rm -f "$out"
  if [ -n "$summary" ]; then
    total_passed=$((total_passed + $(echo "$summary" | cut -d' ' -f1)))
    total_failed=$((total_failed + $(echo "$summary" | cut -d' ' -f3)))
  elif [ "$rc" -ne 0 ]; then
    total_failed=$((total_failed + 1))
  fi
  if [ "$rc" -ne 0 ]; then
    echo "==> $name exited with status $rc"
    status=1
  fi
}

run_script boto3_interop.py
run_script scp_oracle.py
run_script ledger_check.py

echo "$total_passed passed, $total_failed failed"
exit "$status"
