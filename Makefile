# The two commands of the README: `make map` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
MAP ?= zoneplan-map.html
PYTEST_ARGS ?=
LINT_PATHS := src benchmarks tests tools

.PHONY: map test notebook lint typecheck clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstall only when the project's metadata changes.
$(VENV)/.installed-base: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	# GDAL's validate_gpkg.py for the export tests; it runs with GDAL's own bindings
	# (Debian's python3-gdal), so the wheel's dependency on building GDAL is skipped
	$(PY) -m pip install --quiet --no-deps gdal-utils
	touch $@ $(VENV)/.installed-base

$(VENV)/.installed-notebook: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test,notebook]'
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed-base

# npm packages of the browser tests (axe-core), pinned by tests/browser/package-lock.json
NODE_MODULES := tests/browser/node_modules
$(NODE_MODULES)/.installed: tests/browser/package.json tests/browser/package-lock.json
	npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error
	touch $@

map: $(VENV)/.installed-base
	$(VENV)/bin/zoneplan build --out $(MAP)

test: $(VENV)/.installed-test $(NODE_MODULES)/.installed
	$(PY) -m pytest $(PYTEST_ARGS)

notebook: $(VENV)/.installed-notebook
	$(VENV)/bin/jupyter lab notebooks/

# with the test extra: mypy, the stubs, and the optional packages (figure, dask) it checks against
typecheck: $(VENV)/.installed-test
	$(VENV)/bin/mypy

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check $(LINT_PATHS)
	$(VENV)/bin/ruff format --check $(LINT_PATHS)

clean:
	rm -rf $(VENV) $(NODE_MODULES) build dist test-artifacts .pytest_cache $(MAP)
