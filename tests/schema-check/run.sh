#!/usr/bin/env bash
# Checks of the exported schemas and documents outside Rust:
#   validate_examples.py    schemas/ against the Draft 7 metaschema and the documented
#                           examples (Python jsonschema);
#   openapi_check.py        specs/*.yaml and the bundles openapi/*.json with
#                           openapi-spec-validator, the bundles self-contained, examples exact;
#   gen_python.py --check   python/cloudcost_models/ is what datamodel-code-generator makes
#                           of schemas/ (run gen_python.sh to regenerate);
#   python_models_check.py  the pydantic models load the documented examples and pages of
#                           `cloudcost mock --dataset synthetic`, exact decimals, open enums;
#   gen_ts.mjs              json-schema-to-typescript + tsc over the schemas and examples.
#
# Usage: tests/schema-check/run.sh [WORKSPACE_ROOT]   (default: two levels up from here)
# Needs python3 (with venv), node 20, npm and cargo; installs everything else itself:
#   <root>/.venv from requirements.txt, tests/schema-check/node_modules from package-lock.json,
#   and builds the `cloudcost` binary. Every checker runs even when one before it failed.
# Exits non-zero if any check fails; the last line is the combined `N passed, M failed`.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "${1:-$HERE/../..}" && pwd)"
LOGDIR="$(mktemp -d)"
trap 'rm -rf "$LOGDIR"' EXIT

# ---------------------------------------------------------------- Python: jsonschema
source "$ROOT/tests/python-venv.sh"
venv_install "$ROOT" "$HERE/requirements.txt"

names=()
statuses=()
# Runs one checker, echoing its output into $LOGDIR/<n>.log, and records its exit status.
run_checker() {
  local name="$1" status=0
  shift
  echo "==> $name"
  "$@" | tee "$LOGDIR/${#names[@]}.log" || status=$?
  names+=("$name")
  statuses+=("$status")
}

run_checker validate_examples.py "$VENV/bin/python" "$HERE/validate_examples.py" "$ROOT"
run_checker openapi_check.py "$VENV/bin/python" "$HERE/openapi_check.py" "$ROOT"
run_checker "gen_python.py --check" "$VENV/bin/python" "$HERE/gen_python.py" "$ROOT" --check

echo "==> cargo build -p cloudcost-cli"
(cd "$ROOT" && cargo build --quiet -p cloudcost-cli --bin cloudcost)
target_dir="$(cd "$ROOT" && cargo metadata --format-version 1 --no-deps | "$VENV/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
run_checker python_models_check.py "$VENV/bin/python" "$HERE/python_models_check.py" "$ROOT" "$target_dir/debug/cloudcost"

# ---------------------------------------------------- Node: json-schema-to-typescript + tsc
lock_sum="$(sha256sum "$HERE/package-lock.json" | cut -d' ' -f1)"
stamp="$HERE/node_modules/.schema-check-lock.sha256"
if [ ! -d "$HERE/node_modules" ] || [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_sum" ]; then
  echo "==> npm ci (tests/schema-check)"
  (cd "$HERE" && npm ci --no-audit --no-fund)
  echo "$lock_sum" > "$stamp"
fi

run_checker gen_ts.mjs bash -c 'cd "$1" && node gen_ts.mjs "$2"' _ "$HERE" "$ROOT"

# ------------------------------------------------------------------------- summary
# Sub-totals first, without the `N passed, M failed` form: only the last such line counts
# (cargo xtask test reads the last one).
summary() { grep -E '^[0-9]+ passed, [0-9]+ failed$' "$1" | tail -n 1 || true; }
passed=0
failed=0
status=0
for i in "${!names[@]}"; do
  line="$(summary "$LOGDIR/$i.log")"
  echo "==> ${names[$i]}: ${line:-no summary} (exit ${statuses[$i]})"
  if [ "${statuses[$i]}" -ne 0 ]; then
    status=1
  fi
  if [ -z "$line" ]; then
    failed=$((failed + 1)) # a check that did not get as far as its summary
    continue
  fi
  read -r p _ f _ <<<"$line"
  passed=$((passed + p))
  failed=$((failed + f))
done
echo "$passed passed, $failed failed"
exit "$status"
