# Tremplin — the two set-up commands are `make kiosk` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
DATA ?= data
PORT ?= 8866
SEED ?= 42
OFFERS ?= 2000
PIP := $(BIN)/python -m pip --quiet --disable-pip-version-check
CHROMIUM := /usr/bin/chromium

.PHONY: install test-deps chromium node-tools world course kiosk test lint bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installation de Tremplin dans $(VENV) / installing Tremplin into $(VENV)…"
	@$(PIP) install -c constraints.txt -e . > $(VENV)/install.log 2>&1 \
	  || { cat $(VENV)/install.log; echo "Échec de l'installation (voir ci-dessus) / install failed" >&2; exit 1; }
	@# rfc3987-syntax (optional, pulled in by jupyter-events' jsonschema extras) builds a grammar
	@# at import: 2.5 s on every nbgrader, Voilà or nbformat start. Nothing in the kit needs it.
	@$(PIP) uninstall -y rfc3987-syntax >/dev/null 2>&1 || true
	@touch $@

test-deps: $(VENV)/.test-installed chromium node-tools

# Node tools of the tests (axe-core, configurable-http-proxy), locked by tests/node/package-lock.json.
node-tools: tests/node/node_modules/.installed

tests/node/node_modules/.installed: tests/node/package.json tests/node/package-lock.json
	@if ! command -v npm >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installation de Node.js et npm (Debian) pour les tests / installing Debian's nodejs and npm…"; \
	    (apt-get install -y -q nodejs npm >/dev/null 2>&1 || (apt-get update -q >/dev/null && apt-get install -y -q nodejs npm >/dev/null)) \
	      || { echo "Échec de l'installation de npm / could not install npm" >&2; exit 1; }; \
	  else \
	    echo "Les tests ont besoin de npm : lancez « sudo apt-get install nodejs npm » puis relancez « make test ». / The tests need npm." >&2; \
	    exit 1; \
	  fi; \
	fi
	@cd tests/node && npm ci --no-audit --no-fund --loglevel=error > install.log 2>&1 \
	  || { cat tests/node/install.log; echo "Échec de l'installation des outils Node / npm ci failed" >&2; exit 1; }
	@touch $@

$(VENV)/.test-installed: $(VENV)/.installed
	@$(PIP) install -c constraints.txt -e '.[test]' > $(VENV)/install-test.log 2>&1 \
	  || { cat $(VENV)/install-test.log; echo "Échec de l'installation des outils de test / test install failed" >&2; exit 1; }
	@$(PIP) uninstall -y rfc3987-syntax >/dev/null 2>&1 || true
	@touch $@

chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installation de chromium (Debian) pour les tests du navigateur / installing Debian's chromium…"; \
	    (apt-get install -y -q chromium >/dev/null 2>&1 || (apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null)) \
	      || { echo "Échec de l'installation de chromium / could not install chromium" >&2; exit 1; }; \
	  else \
	    echo "Les tests du navigateur ont besoin de chromium : lancez « sudo apt-get install chromium » puis relancez « make test »." >&2; \
	    echo "The browser tests need Debian's chromium: run 'sudo apt-get install chromium', then 'make test' again." >&2; \
	    exit 1; \
	  fi; \
	fi

world: install
	@$(BIN)/tremplin world build --if-outdated --seed $(SEED) --offers $(OFFERS) --out $(DATA)/world

course: world
	@test -f $(DATA)/course/nbgrader_config.py || $(BIN)/tremplin course init $(DATA)/course --data $(DATA)
	@$(BIN)/tremplin course release --data $(DATA)

kiosk: course
	@$(BIN)/tremplin kiosk --data $(DATA) --port $(PORT)

test: test-deps
	@$(BIN)/ruff check .
	@$(BIN)/python -m pytest -q

lint: $(VENV)/.test-installed
	@$(BIN)/ruff check .

bench: test-deps world
	@$(BIN)/tremplin bench --data $(DATA) --out bench.json

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache
