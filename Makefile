# Shortcuts for MAC Portal. The two commands that matter work without make: ./scripts/run and ./scripts/test.
PY := .venv/bin/python
MANAGE := $(PY) manage.py
MESSAGE_IGNORES := --ignore=.venv --ignore=staticfiles --ignore=node_modules --ignore=benchmarks

.PHONY: help run test lint format messages compilemessages bench venv

help:  ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

venv:  ## create .venv and install requirements.txt (the scripts do it on their own too)
	bash -c 'source scripts/_bootstrap.sh'

run:  ## serve the portal on http://127.0.0.1:8000/ (SQLite, Celery eager, demo data)
	./scripts/run

test:  ## the whole suite on PostgreSQL and Redis, with checks and lint (what CI runs)
	./scripts/test

lint: venv  ## ruff check + ruff format --check + mypy (services, selectors, tasks)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

format: venv  ## fix what ruff can fix, then format
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

messages: venv  ## update every .po file (each app's locale/ and the top-level locale/) from the sources
	$(MANAGE) makemessages -l es --no-obsolete $(MESSAGE_IGNORES)

compilemessages: venv  ## compile the .po files into .mo files (the scripts do it on their own too)
	$(MANAGE) compilemessages $(MESSAGE_IGNORES)

bench: venv  ## every benchmark in benchmarks/ (local PostgreSQL; wrk if installed): see benchmarks/README.md
	$(PY) benchmarks/catalog.py
	if [ -f benchmarks/booking.py ]; then $(PY) benchmarks/booking.py; fi
	$(PY) benchmarks/call_next.py
