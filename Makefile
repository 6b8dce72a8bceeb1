# The two commands of the README: `make map` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
MAP ?= zoneplan-map.html
PYTEST_ARGS ?=
LINT_PATHS := src benchmarks tests tools

.PHONY: map test notebook lint clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstall only when the project's metadata changes.
$(VENV)/.installed-base: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed-base

$(VENV)/.installed-notebook: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test,notebook]'
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed-base

map: $(VENV)/.installed-base
	$(VENV)/bin/zoneplan build --out $(MAP)

test: $(VENV)/.installed-test
	$(PY) -m pytest $(PYTEST_ARGS)

notebook: $(VENV)/.installed-notebook
	$(VENV)/bin/jupyter lab notebooks/

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check $(LINT_PATHS)
	$(VENV)/bin/ruff format --check $(LINT_PATHS)

clean:
	rm -rf $(VENV) build dist test-artifacts .pytest_cache $(MAP)
