#!/usr/bin/env bash
# Regenerates python/cloudcost_models/ from schemas/ with the pinned datamodel-code-generator
# (installed into <root>/.venv from requirements.txt). Run it after `cargo xtask regenerate`
# and commit the result; `--check` changes nothing and fails if the committed models are
# stale (tests/schema-check/run.sh runs it).
#
# Usage: tests/schema-check/gen_python.sh [--check] [WORKSPACE_ROOT]
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
check=()
if [ "${1:-}" = "--check" ]; then
  check=(--check)
  shift
fi
ROOT="$(cd "${1:-$HERE/../..}" && pwd)"

source "$ROOT/tests/python-venv.sh"
venv_install "$ROOT" "$HERE/requirements.txt"
"$VENV/bin/python" "$HERE/gen_python.py" "$ROOT" "${check[@]}"
