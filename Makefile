# The first two targets are the README's first two commands.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# make run and its helpers are for development: the stand-ins (fake VIES, eID simulator) are on.
FLASK := PORTAL_ENV=development $(VENV)/bin/flask --app wsgi
PYTEST_ARGS ?=
LOCK := requirements/test.txt
# The lock tool (uv, pinned with hashes in requirements/tools.txt) lives in its own venv.
TOOLS := .venv-tools
UV := $(TOOLS)/bin/uv
COMPILE := $(UV) pip compile --quiet --universal --python-version 3.11 --generate-hashes --custom-compile-command 'make upgrade'

.PHONY: run test install lock upgrade translations compile-translations migrate seed bench-tools soak-tools bench soak clean

run: install
	$(FLASK) portal migrate
	$(FLASK) portal seed-demo
	$(FLASK) run --host 127.0.0.1 --port 5000

test: install
	./scripts/test.sh $(PYTEST_ARGS)

# Versions come from the lock (requirements/test.txt: the run-time dependencies of
# requirements/main.txt plus the test extra), every file checked against its hash, wheels only;
# then the project itself, without dependencies. pip check fails here if a run-time dependency
# of pyproject.toml is missing from the lock: run `make lock`.
$(VENV)/.installed: pyproject.toml $(LOCK)
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes --only-binary :all: -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps -e .
	$(PY) -m pip check
	touch $@

install: $(VENV)/.installed compile-translations

$(UV): requirements/tools.txt
	test -x $(TOOLS)/bin/python || python3 -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --require-hashes --only-binary :all: -r requirements/tools.txt
	touch $@

# Re-resolve the lock files from pyproject.toml, keeping every pin that still fits (after adding or
# changing a dependency). One package to its newest: make lock LOCK_ARGS='--upgrade-package NAME'
# main.txt (what a server installs) takes the versions of test.txt (what the tests ran).
lock: $(UV)
	$(COMPILE) $(LOCK_ARGS) --extra test -o requirements/test.txt pyproject.toml
	$(COMPILE) -c requirements/test.txt -o requirements/main.txt pyproject.toml

# Every package to its newest version within the ranges of pyproject.toml.
upgrade: LOCK_ARGS := --upgrade
upgrade: lock

compile-translations: $(VENV)/.installed
	$(VENV)/bin/pybabel -q compile -d translations

# Extract every string from the code and merge it into the three catalogs.
translations: $(VENV)/.installed
	$(VENV)/bin/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext --add-comments=Translators: --no-location --sort-output -o translations/messages.pot .
	$(VENV)/bin/pybabel -q update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete -w 100

migrate: install
	$(FLASK) portal migrate

seed: migrate
	$(FLASK) portal seed-demo

# wrk drives the benches; nginx stands in front of gunicorn in the soak, as the README's proxy does
# (started by the soak on loopback; the service the package may start is stopped and disabled).
bench-tools:
	@command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk)

soak-tools: bench-tools
	@test -x /usr/sbin/nginx || command -v nginx >/dev/null || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light && \
		 (systemctl disable --now nginx 2>/dev/null || service nginx stop 2>/dev/null || true))

bench: install bench-tools
	$(PY) bench/public_list.py
	$(PY) bench/register_numbers.py
	$(PY) bench/load.py
	$(PY) bench/load.py --postgres
	$(PY) bench/name_search.py
	$(PY) bench/open_data_stream.py
	$(PY) bench/kbo_import.py --enterprises 190000

# Ten minutes at 32 connections (people reading 40 ms between pages) over public and logged-in
# pages, through nginx: errors, p95, workers' memory. On PostgreSQL: make soak SOAK_ARGS=--postgres
soak: install soak-tools
	$(PY) bench/soak.py --minutes 10 $(SOAK_ARGS)

clean:
	rm -rf $(VENV) $(TOOLS) instance .pytest_cache
