# ckanext-haute_garonne: the two commands of the README, and what they need.
#
#   make demo    install everything, start the services, load demo data and
#                serve CKAN on http://127.0.0.1:5000 (in the background)
#   make serve   the same without the demo content: the production layout
#                (nginx, gunicorn, job workers) on the demo configuration
#   make test    install everything, start the services and run the suite
#   make stop    stop the demo portal, its workers and the services
#   make test-solrcloud   the search and feed tests on a 2-node SolrCloud
#
# CKAN_VERSION=2.11 selects the other pinned dependency set, in its own
# virtualenv. Service ports: HG_PG_PORT, HG_REDIS_PORT, HG_SOLR_PORT.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

CKAN_VERSION ?= 2.12
PYTHON ?= python3
ROOT := $(abspath .)
VENV := $(ROOT)/.venvs/ckan-$(CKAN_VERSION)
BIN := $(VENV)/bin
CONSTRAINTS := constraints/ckan-$(CKAN_VERSION).txt
DATA := $(ROOT)/.data
DEMO_DIR := $(DATA)/demo
DEMO_INI := $(DEMO_DIR)/ckan.ini
LOG_DIR := $(DATA)/log

HG_PG_PORT ?= 5432
HG_REDIS_PORT ?= 6379
HG_SOLR_PORT ?= 8983
HG_DEMO_PORT ?= 5000
export HG_PG_PORT HG_REDIS_PORT HG_SOLR_PORT
export HG_CKAN_PYTHON := $(BIN)/python
# Path to the DCAT-AP SHACL shapes used by the conformance tests.
HG_DCAT_AP_SHAPES ?= $(abspath ../shared/reference/dcat-ap)
# The official SCDL files, to check our schemas' canonical URLs against.
HG_SCDL_REFERENCE ?= $(abspath ../shared/reference/scdl)
# Real files published by collectivités, for the engine's verdict tests.
HG_REAL_DATA ?= $(abspath ../shared/data/real)
export HG_DCAT_AP_SHAPES HG_SCDL_REFERENCE HG_REAL_DATA

PG_URL = postgresql://ckan_default:pass@127.0.0.1:$(HG_PG_PORT)
# DataStore databases of their own per CKAN version (set-permissions differs):
# datastore_test for 2.12, datastore_test_2_11 for 2.11 (same for the demo)
HG_DATASTORE_SUFFIX := $(if $(filter 2.12,$(CKAN_VERSION)),,_$(subst .,_,$(CKAN_VERSION)))
export HG_DATASTORE_SUFFIX
# The DataStore's read-only user (dev/services creates it)
PG_READ_URL = postgresql://datastore_default:pass@127.0.0.1:$(HG_PG_PORT)
SOLR_URL = http://127.0.0.1:$(HG_SOLR_PORT)/solr
REDIS_URL = redis://127.0.0.1:$(HG_REDIS_PORT)

ifeq ($(wildcard $(CONSTRAINTS)),)
$(error No pinned dependency set for CKAN $(CKAN_VERSION): $(CONSTRAINTS) is missing)
endif

.PHONY: help
help:
	@sed -n '2,13p' Makefile | sed 's/^# \{0,1\}//'

## Installation ---------------------------------------------------------------

.PHONY: system-deps
system-deps:
	@dev/system-deps

# The virtualenv is rebuilt when the pinned set or our metadata change.
$(VENV)/.installed: $(CONSTRAINTS) pyproject.toml setup.py
	@dev/system-deps
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c $(CONSTRAINTS) --upgrade setuptools wheel
	$(BIN)/pip install --quiet -c $(CONSTRAINTS) "ckan[requirements]" -e ".[test,serve]"
	@touch $@

.PHONY: venv
venv: $(VENV)/.installed

.PHONY: services
services: venv
	@dev/services up

## Tests ----------------------------------------------------------------------

# PYTEST_ARGS selects tests, e.g. make test PYTEST_ARGS="-k search -x"
PYTEST_ARGS ?=

# nginx, for the production layout and its test (tests/test_serve.py)
.PHONY: serve-deps
serve-deps: venv
	@HG_VENV_BIN=$(BIN) dev/serve install

# The test portal's databases and Redis, on this checkout's services (the
# Solr URL differs between `test` and `test-solrcloud`).
TEST_ENV = CKAN_SQLALCHEMY_URL=$(PG_URL)/ckan_test \
	CKAN_DATASTORE_WRITE_URL=$(PG_URL)/datastore_test$(HG_DATASTORE_SUFFIX) \
	CKAN_DATASTORE_READ_URL=$(PG_READ_URL)/datastore_test$(HG_DATASTORE_SUFFIX) \
	CKAN_REDIS_URL=$(REDIS_URL)/1

.PHONY: test
test: services serve-deps
	@echo "== CKAN $(CKAN_VERSION): preparing the test database"
	@export $(TEST_ENV) CKAN_SOLR_URL=$(SOLR_URL)/ckan_test; \
	  $(BIN)/ckan -c test.ini db clean --yes >/dev/null; \
	  $(BIN)/ckan -c test.ini db init >/dev/null; \
	  echo "== CKAN $(CKAN_VERSION): running the test suite"; \
	  $(BIN)/pytest --ckan-ini=test.ini --durations=15 $(PYTEST_ARGS)

# The search and feed tests again, on a 2-node SolrCloud collection (replication
# factor 2) behind nginx (dev/solrcloud), with the loss of one node
# (tests/solrcloud). Not part of `make test`: the cluster costs three more JVMs.
# The cluster is started, then stopped at the end; the run prints its duration.
SOLRCLOUD_TESTS ?= tests/test_search.py tests/dcat tests/solrcloud

.PHONY: test-solrcloud
test-solrcloud: services
	@start=$$(date +%s); \
	  trap 'rc=$$?; dev/solrcloud down; echo "== test-solrcloud: $$(( $$(date +%s) - start )) s (exit $$rc)"; exit $$rc' EXIT; \
	  echo "== CKAN $(CKAN_VERSION): starting the SolrCloud (2 nodes, 1 shard, 2 replicas)"; \
	  dev/solrcloud up; \
	  export $(TEST_ENV) CKAN_SOLR_URL="$$(dev/solrcloud url)" \
	         HG_SOLRCLOUD=$(ROOT)/dev/solrcloud; \
	  $(BIN)/ckan -c test.ini db clean --yes >/dev/null; \
	  $(BIN)/ckan -c test.ini db init >/dev/null; \
	  echo "== CKAN $(CKAN_VERSION): search and feed tests on $$CKAN_SOLR_URL"; \
	  $(BIN)/pytest --ckan-ini=test.ini $(SOLRCLOUD_TESTS) $(PYTEST_ARGS)

# ruff (style, bugbear, bandit), the import contracts of the code map
# (import-linter, [tool.importlinter] in pyproject.toml) and mypy.
.PHONY: lint
lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

.PHONY: format
format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Demo -----------------------------------------------------------------------

DEMO_ENV = CKAN_INI=$(DEMO_INI) CKAN_SQLALCHEMY_URL=$(PG_URL)/ckan_demo \
	CKAN_DATASTORE_WRITE_URL=$(PG_URL)/datastore_demo$(HG_DATASTORE_SUFFIX) \
	CKAN_DATASTORE_READ_URL=$(PG_READ_URL)/datastore_demo$(HG_DATASTORE_SUFFIX) \
	CKAN_SOLR_URL=$(SOLR_URL)/ckan CKAN_REDIS_URL=$(REDIS_URL)/0 \
	CKAN_SITE_URL=http://127.0.0.1:$(HG_DEMO_PORT)

# The demo configuration is generated once, with fresh secrets, then our
# settings are merged in; a second run keeps it.
$(DEMO_INI): dev/demo/settings.ini | venv
	@mkdir -p $(DEMO_DIR)/storage $(LOG_DIR)
	@test -f $@ || $(BIN)/ckan generate config $@ >/dev/null
	@$(BIN)/ckan config-tool $@ -f dev/demo/settings.ini
	@$(BIN)/ckan config-tool $@ "ckan.storage_path=$(DEMO_DIR)/storage"
	@$(BIN)/ckan config-tool $@ -s logger_root "level=WARNING"
	@# `ckan generate config` writes an empty SESSION_COOKIE_DOMAIN, which
	@# gives the session cookie an empty "Domain=": browsers ignore it, but
	@# Python's cookie jar (scripts, bench/pages.py) drops the whole cookie.
	@sed -i '/^SESSION_COOKIE_DOMAIN *= *$$/d' $@

# HG_SERVE=dev make demo: `ckan run` and one worker instead of the layout.
.PHONY: demo
demo: services $(DEMO_INI)
	@$(DEMO_ENV) HG_VENV_BIN=$(BIN) HG_DEMO_PORT=$(HG_DEMO_PORT) dev/demo/serve start

# The production layout (dev/serve) on the demo configuration and database.
# HG_WEB_WORKERS, HG_JOB_WORKERS, HG_FEED_CACHE_SECONDS… are read by dev/serve.
.PHONY: serve
serve: services $(DEMO_INI)
	@$(DEMO_ENV) HG_VENV_BIN=$(BIN) $(BIN)/ckan db init >/dev/null
	@$(DEMO_ENV) HG_VENV_BIN=$(BIN) HG_DEMO_PORT=$(HG_DEMO_PORT) dev/serve start

# The load benchmark (bench/load.py) against the layout serving the demo.
BENCH_ARGS ?=
.PHONY: bench-load
bench-load: demo
	@$(DEMO_ENV) HG_VENV_BIN=$(BIN) HG_DEMO_PORT=$(HG_DEMO_PORT) \
	  $(BIN)/python bench/load.py $(BENCH_ARGS)

.PHONY: stop
stop:
	@HG_VENV_BIN=$(BIN) dev/demo/serve stop
	@dev/services down

## Translations ---------------------------------------------------------------

I18N := ckanext/haute_garonne/i18n

.PHONY: i18n
i18n: venv
	$(BIN)/python setup.py -q extract_messages
	$(BIN)/python setup.py -q update_catalog -l fr
	$(BIN)/python setup.py -q compile_catalog -l fr

.PHONY: clean
clean: stop
	rm -rf $(DATA) build dist *.egg-info
