#!/usr/bin/env bash
# The whole test suite, as `make test` runs it, after ruff:
#   1. unit, web and browser tests on SQLite (Chromium headless, axe-core);
#   2. web and security tests again on a throwaway PostgreSQL server, and two app servers sharing it
#      (tests/scaleout). Not the unit tests: they open no database (tests/unit/conftest.py), so a second
#      pass would run the same code again.
# Installs what is missing: Debian's chromium, postgresql and clamav-daemon (the tests run a clamd of
# their own, on a test signature: tests/harness.py), the npm package axe-core.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

need_debian=()
[ -x /usr/bin/chromium ] || need_debian+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_debian+=(postgresql)
[ -x /usr/sbin/clamd ] || need_debian+=(clamav-daemon)
if [ ${#need_debian[@]} -gt 0 ]; then
  echo "== installing Debian packages: ${need_debian[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_debian[@]}" fonts-dejavu-core >/dev/null
  if [[ " ${need_debian[*]} " == *" clamav-daemon "* ]]; then  # the system's clamd and freshclam are not the tests'
    systemctl disable --now clamav-daemon.socket clamav-daemon clamav-freshclam 2>/dev/null || true
  fi
fi
if [ ! -f tests/browser/node_modules/axe-core/axe.min.js ]; then
  echo "== installing axe-core (tests/browser/package-lock.json)"
  npm ci --prefix tests/browser --no-audit --no-fund --silent
fi

echo "== ruff (lint and import order: pyproject.toml's [tool.ruff])"
.venv/bin/ruff check .

echo "== unit, web and browser tests on SQLite"
$PY -m pytest -n 2 -p no:cacheprovider tests "$@"

echo "== web and security tests on PostgreSQL"
read -r pg_dir pg_port < <(scripts/pg-throwaway.sh start)
trap 'scripts/pg-throwaway.sh stop "$pg_dir"' EXIT
PORTAL_TEST_DATABASE_URL="postgresql://postgres@127.0.0.1:$pg_port/postgres" \
  $PY -m pytest -n 2 -p no:cacheprovider tests/web tests/security tests/scaleout "$@"
