# Gruppechat: `make run` starts everything locally, `make test` runs every check and test.
#
# Lambda runs python3.12 and `chalice package` takes the runtime from the interpreter that runs it,
# so the virtualenv is built with a Python 3.12 that actually runs: pyenv's `python3.12` shim exits
# 127 while 3.12 is not pyenv's global version, so each candidate is tried, not just found.
PY312_CANDIDATES := python3.12 $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3.12) \
	$(wildcard /usr/local/bin/python3.12) $(wildcard /usr/bin/python3.12)
PYTHON ?= $(firstword $(foreach candidate,$(PY312_CANDIDATES),$(shell $(candidate) -c 'import sys; assert sys.version_info[:2] == (3, 12)' >/dev/null 2>&1 && echo $(candidate))) python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAGE ?= dev

.PHONY: run test lint unit functional e2e browser-tests deploy-tests bench package bench-package chromium clean

# axe-core, the accessibility checker the browser tests inject into every page (650 KB, so not in
# git): the npm package, fetched once with npm into .cache and checked against its known digest.
AXE_VERSION := 4.14.1
AXE_SHA256 := e6b0ce02b84d892e2e33e403485e7f3d6c29e2be6df65daf44d89ba564139745


$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

.cache/axe/axe.min.js:
	mkdir -p .cache/axe
	cd .cache/axe && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null \
		&& echo "$(AXE_SHA256)  axe-core-$(AXE_VERSION).tgz" | sha256sum -c --quiet - \
		&& tar -xzf axe-core-$(AXE_VERSION).tgz --strip-components=1 package/axe.min.js \
		&& rm axe-core-$(AXE_VERSION).tgz

# Debian's Chromium for the browser tests (Playwright's own download does not work here).
chromium:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

run: $(BIN)/.installed
	$(BIN)/python -m local.stack --port $(PORT)

# Everything CI runs: the linters first, then every test.
test: lint chromium .cache/axe/axe.min.js
	$(BIN)/python -m pytest -q

# ruff (lint and format), mypy (strict on chalicelib/ and app.py), cfn-lint on the packaged and the infra templates.
lint: $(BIN)/.installed package
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/cfn-lint build/$(STAGE)/sam.json infra/template.yaml

unit: $(BIN)/.installed
	$(BIN)/python -m pytest -q tests/unit

functional: $(BIN)/.installed
	$(BIN)/python -m pytest -q tests/functional

e2e: $(BIN)/.installed
	$(BIN)/python -m pytest -q tests/e2e

browser-tests: $(BIN)/.installed chromium .cache/axe/axe.min.js
	$(BIN)/python -m pytest -q tests/browser

deploy-tests: $(BIN)/.installed
	$(BIN)/python -m pytest -q tests/deploy

bench: $(BIN)/.installed
	$(BIN)/python -m bench.fanout
	$(BIN)/python -m bench.guard
	$(BIN)/python -m bench.heldout
	$(BIN)/python -m bench.passwords

# The Lambda package as deployed (PIP_NO_DEPS=1: botocore comes with the runtime) in build/$(STAGE).
package: $(BIN)/.installed
	$(BIN)/python -m infra.bundle --stage $(STAGE) --out build/$(STAGE)

bench-package: $(BIN)/.installed
	$(BIN)/python -m bench.package

clean:
	rm -rf $(VENV) .local build
