# Gruppechat: `make run` starts everything locally, `make test` runs every test.
PY312 := /root/.pyenv/versions/3.12.1/bin/python3.12
# Lambda runs python3.12 and `chalice package` takes the runtime from this interpreter.
PYTHON ?= $(shell if [ -x $(PY312) ]; then echo $(PY312); elif command -v python3.12 >/dev/null; then command -v python3.12; else echo python3; fi)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test unit e2e bench browser clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

# Debian's Chromium for the browser tests (Playwright's own download does not work here).
browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

run: $(BIN)/.installed
	$(BIN)/python -m local.stack --port $(PORT)

test: $(BIN)/.installed browser
	$(BIN)/python -m pytest -q

unit: $(BIN)/.installed
	$(BIN)/python -m pytest tests/unit

bench: $(BIN)/.installed
	$(BIN)/python -m bench.fanout

clean:
	rm -rf $(VENV) .local .pytest_cache

# --- packaging and deploy checks (docs/deploy.md) -------------------------------------------------
STAGE ?= dev
.PHONY: package lint bench-package

# The Lambda package as deployed (PIP_NO_DEPS=1: botocore comes with the runtime) in build/$(STAGE).
package: $(BIN)/.installed
	$(BIN)/python infra/bundle.py --stage $(STAGE) --out build/$(STAGE)

# cfn-lint on the packaged SAM template and on infra/.
lint: package
	$(BIN)/cfn-lint build/$(STAGE)/sam.json infra/template.yaml

bench-package: $(BIN)/.installed
	$(BIN)/python bench/package.py
