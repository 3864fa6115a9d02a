# PRR Workbench: `make run` opens the app on the bundled example, `make test` runs the suite.
# Both create .venv with the pinned versions (constraints.txt) when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The package's bytecode, compiled ahead as pip does for an installed package: with
# PYTHONDONTWRITEBYTECODE set, an editable install would compile every module on each start.
BYTECODE := $(VENV)/.bytecode

.PHONY: run test system-deps bench screenshots clean examples package

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

$(BYTECODE): $(STAMP) $(shell find prr_app -name '*.py')
	$(BIN)/python -m compileall -q prr_app
	touch $(BYTECODE)

system-deps:
	@sh scripts/ensure-system-deps.sh

run: $(BYTECODE) system-deps
	$(BIN)/prr-app resources/examples/webshop.json

test: $(BYTECODE) system-deps
	$(BIN)/lint-imports --no-cache
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

bench: $(BYTECODE)
	for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

screenshots: $(STAMP) system-deps
	$(BIN)/python scripts/screenshots.py

examples: $(STAMP)
	$(BIN)/python scripts/build_examples.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .hypothesis

# The desktop bundle (PyInstaller, one folder) in dist/prr-workbench, built from
# a clean virtual environment, then smoke-tested. See packaging/README.md.
package:
	@sh scripts/ensure-system-deps.sh package
	sh packaging/build.sh
