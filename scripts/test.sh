#!/usr/bin/env bash
# Every test of the project. Fails on any failure, and when a pytest run collects no test.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export PATH="$PWD/$BIN:$PATH"
status=0
step() {
  local name=$1
  shift
  echo "=== $name"
  local start=$SECONDS
  "$@"
  local rc=$?
  echo "=== $name: exit $rc in $((SECONDS - start)) s"
  if [ "$rc" -ne 0 ]; then
    status=1
  fi
}
step "ruff" ruff check .
step "ruff format" ruff format --check .
step "tsc --noEmit (strict)" bash -c "cd labextension && jlpm typecheck"
step "frontend unit tests" bash -c "cd labextension && jlpm build:lib && node --experimental-detect-module --test test/"
# pytest exit 5 (no tests collected) is a failure here, like any other non-zero exit
step "python unit + server + integration" python -m pytest -q -p no:cacheprovider tests/unit tests/server tests/integration
step "browser (Playwright + chromium)" python -m pytest -q -p no:cacheprovider tests/browser
exit $status
