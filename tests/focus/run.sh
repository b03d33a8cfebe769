#!/usr/bin/env bash
# Checks of `cloudcost focus export` by tools no one here wrote (focus_check.py):
# DuckDB reads the exported Parquet back and its sums must equal the API's amounts exactly;
# the FinOps Foundation's focus-validator (FOCUS 1.2) must fail exactly the rules FOCUS.md
# lists as gaps.
#
# Usage: tests/focus/run.sh [WORKSPACE_ROOT]   (default: two levels up from here)
# Installs requirements.txt into <root>/.venv/focus/.venv, its own environment (the
# validator pins NumPy 1.26 and pyarrow<16, which the other checks' packages need not
# share), with PIP_IGNORE_REQUIRES_PYTHON=1: focus-validator 2.0.2 declares Python >=3.12
# and runs on our 3.11 (requirements.txt says why). Builds `cloudcost` and the library's
# `convert` example with the feature `parquet`. The last line is `N passed, M failed`.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "${1:-$HERE/../..}" && pwd)"

source "$ROOT/tests/python-venv.sh"
mkdir -p "$ROOT/.venv/focus"
PIP_IGNORE_REQUIRES_PYTHON=1 venv_install "$ROOT/.venv/focus" "$HERE/requirements.txt"

# Built with the feature, then copied away and probed: another build in the shared target
# directory (without the feature) may replace target/debug/cloudcost at any moment.
bin="$(mktemp -d)"
trap 'rm -rf "$bin"' EXIT
for attempt in 1 2 3; do
  echo "==> cargo build -p cloudcost-cli -p cloudcost-focus --features parquet (attempt $attempt)"
  (cd "$ROOT" && cargo build --quiet -p cloudcost-cli --features parquet --bin cloudcost)
  (cd "$ROOT" && cargo build --quiet -p cloudcost-focus --features parquet --example convert)
  target_dir="$(cd "$ROOT" && cargo metadata --format-version 1 --no-deps | "$VENV/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
  cp "$target_dir/debug/cloudcost" "$target_dir/debug/examples/convert" "$bin/"
  # Refused before anything is sent: "exists and is not empty" with Parquet, else "without".
  if ! "$bin/cloudcost" focus export --cloud aws --start 2024-01-01 --end 2024-01-02 \
      --out / --format parquet 2>&1 | grep -q "built without Parquet"; then
    break
  fi
  [ "$attempt" -lt 3 ] || { echo "the copied cloudcost has no Parquet (a concurrent build?)"; echo "0 passed, 1 failed"; exit 1; }
done

"$VENV/bin/python" "$HERE/focus_check.py" "$ROOT" "$bin/cloudcost" "$bin/convert"
