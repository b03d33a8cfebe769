#!/usr/bin/env bash
# Interoperability with a client nobody here wrote: boto3 (from PyPI, pinned in
# requirements.txt) against `cloudcost mock` for the four AWS operations.
#
# Usage: tests/interop/run.sh [WORKSPACE_ROOT]   (default: two levels up from here)
# Needs python3 with venv; installs boto3 into <root>/.venv and builds the `cloudcost`
# binary itself. The last line is `N passed, M failed`.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "${1:-$HERE/../..}" && pwd)"

source "$ROOT/tests/python-venv.sh"
venv_install "$ROOT" "$HERE/requirements.txt"

echo "==> cargo build -p cloudcost-cli"
(cd "$ROOT" && cargo build --quiet -p cloudcost-cli --bin cloudcost)
target_dir="$(cd "$ROOT" && cargo metadata --format-version 1 --no-deps | "$VENV/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"

echo "==> boto3_interop.py"
"$VENV/bin/python" "$HERE/boto3_interop.py" "$ROOT" "$target_dir/debug/cloudcost"
