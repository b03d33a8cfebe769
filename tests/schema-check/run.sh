#!/usr/bin/env bash
# Schema checks outside Rust: the generated JSON Schemas (schemas/) against the Draft 7
# metaschema and the documented examples (Python jsonschema), then json-schema-to-typescript
# + tsc over the same schemas and examples.
#
# Usage: tests/schema-check/run.sh [WORKSPACE_ROOT]   (default: two levels up from here)
# Needs python3 (with venv), node 20 and npm; installs everything else itself:
#   <root>/.venv from requirements.txt, tests/schema-check/node_modules from package-lock.json.
# Exits non-zero if either check fails; the last line is the combined `N passed, M failed`.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "${1:-$HERE/../..}" && pwd)"
LOGDIR="$(mktemp -d)"
trap 'rm -rf "$LOGDIR"' EXIT

# ---------------------------------------------------------------- Python: jsonschema
source "$ROOT/tests/python-venv.sh"
venv_install "$ROOT" "$HERE/requirements.txt"

echo "==> validate_examples.py"
py_status=0
"$VENV/bin/python" "$HERE/validate_examples.py" "$ROOT" | tee "$LOGDIR/py.log" || py_status=$?

# ---------------------------------------------------- Node: json-schema-to-typescript + tsc
lock_sum="$(sha256sum "$HERE/package-lock.json" | cut -d' ' -f1)"
stamp="$HERE/node_modules/.schema-check-lock.sha256"
if [ ! -d "$HERE/node_modules" ] || [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_sum" ]; then
  echo "==> npm ci (tests/schema-check)"
  (cd "$HERE" && npm ci --no-audit --no-fund)
  echo "$lock_sum" > "$stamp"
fi

echo "==> gen_ts.mjs"
ts_status=0
(cd "$HERE" && node gen_ts.mjs "$ROOT") | tee "$LOGDIR/ts.log" || ts_status=$?

# ------------------------------------------------------------------------- summary
summary() { grep -E '^[0-9]+ passed, [0-9]+ failed$' "$1" | tail -n 1 || true; }
py_line="$(summary "$LOGDIR/py.log")"
ts_line="$(summary "$LOGDIR/ts.log")"
echo "==> validate_examples.py: ${py_line:-no summary} (exit $py_status)"
echo "==> gen_ts.mjs: ${ts_line:-no summary} (exit $ts_status)"
passed=0
failed=0
for line in "$py_line" "$ts_line"; do
  if [ -z "$line" ]; then
    failed=$((failed + 1)) # a check that did not get as far as its summary
    continue
  fi
  read -r p _ f _ <<<"$line"
  passed=$((passed + p))
  failed=$((failed + ${f%,}))
done
echo "$passed passed, $failed failed"
if [ "$py_status" -ne 0 ] || [ "$ts_status" -ne 0 ]; then
  exit 1
fi
