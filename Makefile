# Two commands on a fresh machine: `make run` serves the demo site, `make test` tests it.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
PORT   ?= 5000

.PHONY: run test lint bench bench-http soak author install dev tools clean secret-key

# A local development server: debug mode, plain HTTP, the request's host for absolute URLs.
run: export FLASK_DEBUG := 1
run: $(VENV)/.installed secret-key
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	$(FLASK) run --port $(PORT)

# A local author account: make author NAME=ada [EDITOR=1] (asks for the password).
author: export FLASK_DEBUG := 1
author: $(VENV)/.installed secret-key
	@test -n "$(NAME)" || { echo "usage: make author NAME=username [EDITOR=1]"; exit 2; }
	$(FLASK) db upgrade
	$(FLASK) create-author "$(NAME)" $(if $(EDITOR),--editor)

# Timings and query plans at 100,000 articles; see bench/README.md.
bench: $(VENV)/.dev-installed
	$(BIN)/python -m bench $(BENCH_ARGS)

# Requests per second under gunicorn and nginx, beside a bare Flask app (needs wrk).
# Quick: make bench-http BENCH_ARGS="--articles 1000 --duration 3"
bench-http: $(VENV)/.dev-installed
	$(BIN)/python -m bench.http $(BENCH_ARGS)

# 60 s of mixed traffic at gunicorn on loopback, by hand (not in CI): make soak SOAK_ARGS=...
soak: $(VENV)/.dev-installed
	$(BIN)/python -m bench.soak $(SOAK_ARGS)

test: $(VENV)/.dev-installed tools
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

install: $(VENV)/.installed
dev: $(VENV)/.dev-installed

# The page checkers tests/test_quality.py runs (axe-core, the Nu HTML checker, Lighthouse),
# at the versions tools/node/package-lock.json pins. Without npm they are left out and those
# tests skip, saying so; .ci/run installs Node.js and Java first. No install scripts: vnu-jar's
# would download a Java runtime, and the Nu checker runs on the system's Java instead.
NODE_TOOLS := tools/node
tools: $(NODE_TOOLS)/node_modules/.installed

$(NODE_TOOLS)/node_modules/.installed: $(NODE_TOOLS)/package.json $(NODE_TOOLS)/package-lock.json
	@if command -v npm >/dev/null; then \
		cd $(NODE_TOOLS) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error \
			&& touch node_modules/.installed; \
	else \
		echo "npm is missing: the page-quality checkers are not installed; their tests will skip."; \
	fi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

# A secret key for local use only, made once and kept in the git-ignored instance folder.
secret-key: | $(BIN)/python
	@mkdir -p instance
	@grep -qs '^SECRET_KEY' instance/config.py || { \
		$(BIN)/python -c 'import secrets; print(f"SECRET_KEY = {secrets.token_hex(32)!r}")' \
			>> instance/config.py && echo "Generated a local SECRET_KEY in instance/config.py."; }

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache $(NODE_TOOLS)/node_modules
