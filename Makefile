# pactlab: the course's commands. Needs only Python 3.10+ (3.11 recommended) and make.
#
#   make lab        set up .venv/ with the course and JupyterLab (first time, or when
#                   pyproject.toml/constraints.txt change) and open the course in JupyterLab
#   make test       add the test tools to .venv/, then every check (see "test" below);
#                   non-zero on failure
#   make notebooks  re-execute notebooks/ and solutions/, then regenerate exercises/
#   make bench      the benchmarks (by hand; numbers go in README.md)
#   make lite       build the browser edition (JupyterLite) into _site/; ASSESSMENT=1: no keys
#   make clean      remove caches and test artifacts (make distclean also removes .venv/)
#
# Variables: PYTHON=python3.11 (the Python that creates .venv), LAB_ARGS="--port 8890",
# NBVAL_ARGS="-x" (replaces the default "-n 2 --dist loadfile"), CELL_TIMEOUT=120,
# PACTLAB_BROWSER=/path/to/chromium (else tools/find_browser.py finds or installs one).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
# one stamp per extra: `make lab` installs [lab] (the course and JupyterLab), `make test` [test]
STAMP_LAB := $(VENV)/.installed-lab
STAMP_TEST := $(VENV)/.installed-test
CONSTRAINTS := constraints.txt
CELL_TIMEOUT ?= 120
# two workers, each taking whole notebooks: about 25% faster than one on 2 cores (benchmarks/)
NBVAL_ARGS ?= -n 2 --dist loadfile
LAB_ARGS ?=
PYTEST := $(PY) -m pytest
NBVAL := $(PYTEST) --nbval-current-env --nbval-cell-timeout=$(CELL_TIMEOUT) $(NBVAL_ARGS)
ROOT_FLAG := $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root,)

# folders besides notebooks/ that have notebooks (pytest exits 5 on an empty folder)
NBVAL_DIRS := $(if $(wildcard solutions/*.ipynb),solutions) $(if $(wildcard exercises/*.ipynb),exercises)

.DEFAULT_GOAL := help
.NOTPARALLEL:
.PHONY: help install install-lab lab test check test-unit test-notebooks test-browser \
        notebooks bench clean distclean lite test-lite

help:
	@echo "make lab        open the course in JupyterLab (sets up .venv/ the first time)"
	@echo "make test       run every test: data, banks, unit tests, notebooks, browser"
	@echo "make notebooks  re-execute notebooks/ and solutions/, regenerate exercises/"
	@echo "make bench      run the benchmarks"
	@echo "make lite       build the browser edition into _site/ (ASSESSMENT=1: without keys)"
	@echo "make clean      remove caches and artifacts (distclean: also .venv/)"

# ---- set-up ---------------------------------------------------------------------------------
install: $(STAMP_TEST)
install-lab: $(STAMP_LAB)

# $(call venv_with,EXTRA): make .venv/ if needed, then install the course with that extra
define venv_with
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null || { \
	  echo "pactlab needs Python 3.10 or newer, but '$(PYTHON)' is: $$($(PYTHON) --version 2>&1)."; \
	  echo "Install Python 3.11 and run: make $(MAKECMDGOALS) PYTHON=python3.11"; exit 1; }
	@if ! $(PY) -c 'import sys' 2>/dev/null; then \
	  echo "Creating $(VENV)/ with $$($(PYTHON) --version 2>&1) ..."; \
	  $(PYTHON) -m venv --clear $(VENV) || { \
	    echo "Could not create $(VENV)/. On Debian/Ubuntu: sudo apt-get install python3-venv"; \
	    exit 1; }; \
	fi
	@echo "Installing the course [$(1)] and its pinned dependencies into $(VENV)/ ..."
	$(PY) -m pip install --quiet -e ".[$(1)]" -c $(CONSTRAINTS)
	@touch $@
endef

$(STAMP_LAB): pyproject.toml $(CONSTRAINTS)
	$(call venv_with,lab)

$(STAMP_TEST): pyproject.toml $(CONSTRAINTS)
	$(call venv_with,test)

# ---- for students ---------------------------------------------------------------------------
lab: $(STAMP_LAB)
	@echo ""
	@echo "Starting JupyterLab on notebooks/00_start_here.ipynb."
	@echo "It opens in your browser; if not, open the address that starts with"
	@echo "http://127.0.0.1:8888/lab/tree/notebooks/00_start_here.ipynb?token=... printed below."
	@echo "Stop it with Ctrl+C (twice). Your answers are saved as you give them."
	@echo ""
	$(BIN)/jupyter lab $(ROOT_FLAG) --ServerApp.root_dir="$(CURDIR)" \
	  --LabApp.default_url=/lab/tree/notebooks/00_start_here.ipynb --LabApp.news_url=None \
	  $(LAB_ARGS)

# ---- tests ----------------------------------------------------------------------------------
test: $(STAMP_TEST)
	@$(MAKE) --no-print-directory check test-unit test-notebooks test-browser test-lite
	@echo ""
	@if [ "$$PACTLAB_SKIP_BROWSER" = 1 ]; then echo "$(SKIP_BANNER)"; fi
	@echo "make test: every stage passed."

check: $(STAMP_TEST)
	@echo "== questions/ and exercises/ in sync with solutions/ (pactlab assign --check)"
	$(BIN)/pactlab assign --check
	@echo "== data tables (pactlab check-data)"
	$(BIN)/pactlab check-data
	@echo "== docs/answer_key.md in sync with the master banks"
	$(BIN)/pactlab answer-key --check
	@echo "== lint (ruff, configured in pyproject.toml)"
	$(BIN)/ruff check .

test-unit: $(STAMP_TEST)
	@echo "== unit tests"
	$(PYTEST) -m "not browser"

# One pytest process for all notebooks (nbformat's import and pytest's start are paid once):
# strict on notebooks/ and solutions/; exercises/ are run lax (every cell must run with nothing
# answered; only cells marked check-output are compared), which conftest.py arranges.
test-notebooks: $(STAMP_TEST)
	@echo "== nbval: strict on notebooks/ solutions/, lax on exercises/ (cell timeout $(CELL_TIMEOUT) s)"
	$(NBVAL) --nbval notebooks $(NBVAL_DIRS)

SKIP_BANNER := !!!!!!!! PACTLAB_SKIP_BROWSER=1: THE BROWSER TEST IS SKIPPED; widgets were NOT checked in a browser !!!!!!!!

test-browser: $(STAMP_TEST)
	@echo "== browser: JupyterLab in headless Chromium (screenshots in artifacts/browser/)"
	@if [ "$$PACTLAB_SKIP_BROWSER" = 1 ]; then echo "$(SKIP_BANNER)"; \
	  $(PYTEST) -m browser -rs tests/test_browser.py; \
	else browser=$$($(PY) tools/find_browser.py --install) || exit 1; \
	  echo "   browser: $$browser"; \
	  PACTLAB_BROWSER="$$browser" $(PYTEST) -m browser -rs tests/test_browser.py; fi

# The browser edition, built in a temporary folder and driven offline in headless Chromium
test-lite: $(STAMP_TEST)
	@echo "== browser edition: JupyterLite site, offline, in headless Chromium (artifacts/lite/)"
	@if [ "$$PACTLAB_SKIP_BROWSER" = 1 ]; then echo "$(SKIP_BANNER)"; \
	  $(PYTEST) -m browser -rs tests/test_lite.py; \
	else browser=$$($(PY) tools/find_browser.py --install) || exit 1; \
	  PACTLAB_BROWSER="$$browser" $(PYTEST) -m browser -rs tests/test_lite.py; fi

# ---- for maintainers ------------------------------------------------------------------------
notebooks: $(STAMP_TEST)
	$(BIN)/pactlab assign
	$(PY) tools/execute_notebooks.py
	$(BIN)/pactlab assign
	$(BIN)/pactlab answer-key

# The browser edition (JupyterLite) in _site/: publish that folder on any static web host.
# Downloads are cached in ~/.cache/pactlab-lite ($$PACTLAB_LITE_CACHE); versions: lite/pins.toml
ASSESSMENT ?=
lite: $(STAMP_TEST)
	$(PY) tools/build_lite.py --out _site $(if $(filter 1 yes true,$(ASSESSMENT)),--assessment)
	@echo "Try it: $(PY) tools/build_lite.py --serve   (then open http://127.0.0.1:8000/)"

bench: $(STAMP_TEST)
	@for script in benchmarks/bench_*.py; do \
	  echo "== $$script"; $(PY) $$script || exit 1; echo; done

clean:
	rm -rf artifacts .pytest_cache build dist *.egg-info _site
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -print | xargs rm -rf
	find . -path ./$(VENV) -prune -o -name .ipynb_checkpoints -type d -print | xargs rm -rf

distclean: clean
	rm -rf $(VENV)
