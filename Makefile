# pactlab: the course's commands. Needs only Python 3.10+ (3.11 recommended) and make.
#
#   make lab        set up .venv/ with the course and JupyterLab (first time, or when
#                   pyproject.toml/constraints.txt change) and open the course in JupyterLab
#   make test       add the test tools to .venv/, then every check (see "test" below);
#                   non-zero on failure
#   make notebooks  re-execute notebooks/ and solutions/, then regenerate exercises/
#   make handouts   regenerate the printable handouts in docs/handouts/ from the data
#   make bench      the benchmarks (by hand; numbers go in README.md)
#   make lite       build the browser edition (JupyterLite) into _site/; ASSESSMENT=1: no keys
#   make clean      remove caches and test artifacts (make distclean also removes .venv/)
#
# Variables: PYTHON=python3.11 (the Python that creates .venv), LAB_PORT=8890 (else the first
# free port from 8888), LAB_ARGS="--ServerApp.open_browser=False",
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
        test-hub install-hub notebooks handouts bench clean distclean lite test-lite

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
	@port=$${LAB_PORT:-$$($(PY) -c 'import socket as s; print(next(p for p in range(8888, 8988) if s.socket().connect_ex(("127.0.0.1", p))))')}; \
	token=$$($(PY) -c 'import secrets; print(secrets.token_hex(24))'); \
	url="http://127.0.0.1:$$port/lab/tree/notebooks/00_start_here.ipynb?token=$$token"; \
	echo ""; \
	echo "Starting JupyterLab on notebooks/00_start_here.ipynb. It opens in your browser; if not,"; \
	echo "open this address:"; \
	echo ""; \
	echo "    $$url"; \
	echo ""; \
	echo "Stop it with Ctrl+C (twice). Your answers are saved as you give them."; \
	echo ""; \
	$(BIN)/jupyter lab $(ROOT_FLAG) --ServerApp.root_dir="$(CURDIR)" \
	  --ServerApp.ip=127.0.0.1 --ServerApp.port=$$port --ServerApp.port_retries=0 \
	  --IdentityProvider.token=$$token \
	  --LabApp.default_url=/lab/tree/notebooks/00_start_here.ipynb --LabApp.news_url=None \
	  $(LAB_ARGS)

# ---- tests ----------------------------------------------------------------------------------
test: $(STAMP_TEST)
	@$(MAKE) --no-print-directory check test-unit test-notebooks test-browser test-lite test-hub
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
	@echo "== docs/handouts/ in sync with the data (tools/build_handouts.py --check)"
	$(PY) tools/build_handouts.py --check
	@echo "== lessons: core path, checks, objectives graded (tools/lesson_stats.py --check)"
	$(PY) -m tools.lesson_stats --check > /dev/null
	@echo "== lint (ruff, configured in pyproject.toml)"
	$(BIN)/ruff check .

test-unit: $(STAMP_TEST)
	@echo "== unit tests"
	$(PYTEST) -m "not browser and not hub"

# One pytest process for all notebooks (nbformat's import and pytest's start are paid once):
# strict on notebooks/ and solutions/; exercises/ are run lax (every cell must run with nothing
# answered; only cells marked check-output are compared), which conftest.py arranges.
test-notebooks: $(STAMP_TEST)
	@echo "== nbval: strict on notebooks/ solutions/, lax on exercises/ (cell timeout $(CELL_TIMEOUT) s)"
	$(NBVAL) --nbval notebooks $(NBVAL_DIRS)

SKIP_BANNER := !!!!!!!! PACTLAB_SKIP_BROWSER=1: THE BROWSER TEST IS SKIPPED; widgets were NOT checked in a browser !!!!!!!!

# axe-core for the accessibility check, from tests/a11y/package-lock.json (needs npm)
AXE_STAMP := tests/a11y/node_modules/.installed
$(AXE_STAMP): tests/a11y/package.json tests/a11y/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "The browser test's accessibility check needs npm"; \
	  echo "(Node.js). On Debian/Ubuntu: sudo apt-get install -y npm"; exit 1; }
	npm ci --prefix tests/a11y --no-audit --no-fund
	@touch $@

test-browser: $(STAMP_TEST) $(if $(filter 1,$(PACTLAB_SKIP_BROWSER)),,$(AXE_STAMP))
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

# The hub test: a real JupyterHub on loopback, its proxy from npm (hub/package-lock.json), the
# students' environment installed non-editable by hub/install-tljh.sh (as on a TLJH server).
HUB_ENV := $(CURDIR)/.venv-hub
# the students' servers run as other users: their Python must be readable by all (not one
# under /root, like pyenv's); the system's python3 where there is one
HUB_PYTHON ?= $(if $(wildcard /usr/bin/python3),/usr/bin/python3,$(PYTHON))
HUB_STAMP := $(HUB_ENV)/.installed
CHP_STAMP := hub/node_modules/.package-lock.json

$(CHP_STAMP): hub/package.json hub/package-lock.json
	@command -v npm >/dev/null || { echo "The hub test needs Node.js and npm (Debian: apt-get install nodejs npm)."; exit 1; }
	npm ci --prefix hub --no-audit --no-fund --loglevel=error
	@touch $@

$(HUB_STAMP): pyproject.toml $(CONSTRAINTS) hub/install-tljh.sh $(wildcard pactlab/*.py pactlab/*/*.py)
	hub/install-tljh.sh --prefix "$(HUB_ENV)" --python "$(HUB_PYTHON)" --source . --extras lab,hub --no-link
	@touch $@

install-hub: $(CHP_STAMP) $(HUB_STAMP)

test-hub: $(STAMP_TEST) install-hub
	@echo "== hub: JupyterHub on loopback, nbgitpuller, two students in headless Chromium"
	@if [ "$$PACTLAB_SKIP_BROWSER" = 1 ]; then echo "$(SKIP_BANNER)"; \
	  $(PYTEST) -m hub -rs tests/test_hub.py; \
	else browser=$$($(PY) tools/find_browser.py --install) || exit 1; \
	  PACTLAB_BROWSER="$$browser" PACTLAB_HUB_ENV="$(HUB_ENV)" \
	  PACTLAB_CHP="$(CURDIR)/hub/node_modules/.bin/configurable-http-proxy" \
	  $(PYTEST) -m hub -rs tests/test_hub.py; fi

# ---- for maintainers ------------------------------------------------------------------------
handouts: $(STAMP_TEST)
	$(PY) tools/build_handouts.py

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
	rm -rf artifacts .pytest_cache build dist *.egg-info tests/a11y/node_modules _site
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -print | xargs rm -rf
	find . -path ./$(VENV) -prune -o -name .ipynb_checkpoints -type d -print | xargs rm -rf

distclean: clean
	rm -rf $(VENV) $(HUB_ENV) hub/node_modules
