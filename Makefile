# gongkai — the two commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# pytest-xdist workers for `make test` (each has its own test database): auto = one per CPU.
TEST_WORKERS ?= auto

.PHONY: run test test-fast lint format bench messages lock clean browser-deps

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "需要 Python 3.11 ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-virtualenv -r requirements.lock
	@touch $(STAMP)

venv: $(STAMP)

## make run: install, migrate, load the demo bureau, serve on 127.0.0.1:8000 with the worker.
run: $(STAMP)
	$(BIN)/python manage.py check_port
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py sync_public_files --missing
	$(BIN)/python manage.py serve

## make test: lint, then the whole suite (browser tests included), one worker per CPU.
test: $(STAMP) browser-deps lint
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Playwright cannot download its own browser here: use Debian's Chromium and CJK fonts.
browser-deps:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
		echo "Installing Debian's chromium and fonts-noto-cjk for the browser tests..."; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi

## make bench: benchmarks, JSON written to var/bench/.
bench: $(STAMP)
	$(BIN)/python manage.py bench

## make messages: refresh and compile the gettext catalogues of every app.
messages: $(STAMP)
	$(BIN)/python scripts/messages.py

## make lock: re-resolve pyproject.toml's dependencies into requirements.lock.
lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet --upgrade pip
	.venv-lock/bin/pip install --quiet -e ".[dev]"
	.venv-lock/bin/pip freeze --exclude-editable | grep -v '^-e' > requirements.lock
	rm -rf .venv-lock

clean:
	rm -rf $(VENV) var/static
