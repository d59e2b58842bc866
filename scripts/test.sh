#!/usr/bin/env bash
# The whole test suite, as `make test` runs it: unit and web tests on SQLite.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

echo "== unit and web tests on SQLite"
$PY -m pytest -n 2 tests/unit tests/web "$@"
