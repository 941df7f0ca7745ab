# polartep_lab — `make lab` starts the workspace, `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8888
WORKSPACE ?= workspace
STAMP := $(VENV)/.polartep-installed
# the workspace's state (catalog, jobs, secrets …) lives beside the demo files; demo and lab share it
DEMO_DATA_DIR ?= $(abspath $(WORKSPACE))/.polartep

.PHONY: install test-deps lab test test-python test-server test-browser test-frontend lint system-deps demo clean

## install: create .venv, install the package with its test extras (builds the labextension)
install: $(STAMP)

$(STAMP): pyproject.toml labextension/package.json labextension/yarn.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/jupyter labextension develop --overwrite . >/dev/null
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/jupyter server extension enable --sys-prefix polartep_lab >/dev/null
	touch $(STAMP)

## demo: prepare the demo workspace folder (idempotent)
demo: install
	mkdir -p $(WORKSPACE)
	POLARTEP_DATA_DIR=$(DEMO_DATA_DIR) $(BIN)/python -m polartep_lab.demo $(WORKSPACE)

## lab: the workspace on 127.0.0.1:$(PORT), every panel on its embedded default
lab: install demo
	POLARTEP_DATA_DIR=$(DEMO_DATA_DIR) $(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(PORT) --no-browser --allow-root \
		--ServerApp.root_dir=$(abspath $(WORKSPACE))

## system-deps: apt packages the tests need (only as root, only when missing)
system-deps:
	bash scripts/system-deps.sh

## test-deps: npm packages of the test harness (configurable-http-proxy for the real-hub test)
test-deps: tests/browser/hub/node_modules/.package-lock.json

tests/browser/hub/node_modules/.package-lock.json: tests/browser/hub/package-lock.json
	npm ci --prefix tests/browser/hub --no-audit --no-fund >/dev/null

## test: every test — lint, typecheck, frontend unit, Python unit+server+integration, browser
test: install system-deps test-deps
	bash scripts/test.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	cd labextension && PATH=$(CURDIR)/$(BIN):$$PATH jlpm typecheck

clean:
	rm -rf $(VENV) labextension/node_modules labextension/lib polartep_lab/labextension test-artifacts
