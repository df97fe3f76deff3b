# Opastin — `make run` sets up and starts the assistant, `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV        := .venv
BIN         := $(VENV)/bin
STAMP       := $(VENV)/.installed
RASA        := $(BIN)/rasa
PY          := $(BIN)/python
ACTION_PORT ?= 5055
RASA_PORT   ?= 5005
# Both servers listen on loopback only; put a TLS proxy in front (RASA_INTERFACE=0.0.0.0 only behind one).
RASA_INTERFACE ?= 127.0.0.1
export SANIC_HOST ?= 127.0.0.1
export PYTHONPATH := $(CURDIR)
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export RASA_TELEMETRY_ENABLED := false

.PHONY: help setup setup-browser setup-nginx run-scaled databases import-services import-events purge report lint train actions run agent agent-disable agent-enable agent-reset agent-unlock agents audit shell interactive interactive-file inbox inbox-accept test test-unit test-validate test-dialogue test-nlu test-e2e bench bench-load constraints clean

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

$(STAMP): requirements.txt constraints.txt
	@PY310="$$(scripts/find-python.sh)" && \
	  { [ -x $(PY) ] && $(PY) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' || $$PY310 -m venv --clear $(VENV); }
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade "pip<25"
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt -c constraints.txt
	@touch $@

# Plain `rasa test` takes test stories (files named test_*.yml) from the whole project folder, .venv
# included, where Rasa keeps its `rasa init` template's test stories: removed, so that it tests tests/stories/.
RASA_TEMPLATE_TESTS = $(VENV)/lib/python3*/site-packages/rasa/cli/initial_project/tests/test_stories.yml

setup: $(STAMP) ## create .venv with Python 3.10 and install the pinned packages
	@rm -f $(RASA_TEMPLATE_TESTS)

BROWSER_STAMP := tests/browser/node_modules/.installed
CHROMIUM ?= $(shell command -v chromium || command -v chromium-browser)

$(BROWSER_STAMP): tests/browser/package.json tests/browser/package-lock.json
	@if [ -z "$(CHROMIUM)" ]; then \
	  echo "installing Debian's chromium and chromium-driver for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get install -y -q chromium chromium-driver || { apt-get update -q && apt-get install -y -q chromium chromium-driver; }; \
	  else echo "error: the browser tests need Chromium: run 'sudo apt-get install chromium chromium-driver' (or set CHROMIUM=/path)" >&2; exit 1; fi; \
	fi
	npm ci --prefix tests/browser --no-audit --no-fund --silent
	@touch $@

setup-nginx: ## Debian's nginx, for the scaled profile (make run-scaled)
	@command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get install -y -q --no-install-recommends nginx || { apt-get update -q && apt-get install -y -q --no-install-recommends nginx; }; \
	  else echo "error: the scaled profile needs nginx: run 'sudo apt-get install nginx'" >&2; exit 1; fi; }

setup-browser: $(BROWSER_STAMP) ## Debian's Chromium and axe-core (npm) for the browser tests

databases: setup ## create the tables and seed the service directory (SQLite in var/, or the *_URL settings)
	$(PY) -m opastin.setup_databases
	$(PY) -m actions.directory.seed

NEED_COUNTY = @test -n "$(COUNTY)" || { echo "usage: make $@ COUNTY=paijat-hame|vantaa-kerava|satakunta [FULL=1]" >&2; exit 2; }

import-services: setup ## replace a county's sample services with its PTV data: make import-services COUNTY=paijat-hame [FULL=1] (PTV_URL)
	$(NEED_COUNTY)
	$(PY) -m actions.directory.importer services --county "$(COUNTY)" $(if $(FULL),--full)

import-events: setup ## replace a county's sample events with Linked Events: make import-events COUNTY=paijat-hame [FULL=1] (LINKED_EVENTS_URL)
	$(NEED_COUNTY)
	$(PY) -m actions.directory.importer events --county "$(COUNTY)" $(if $(FULL),--full)

purge: setup databases ## count the finished days' figures, then erase what has outlived its lifetime (opastin/data/retention.yml); run daily
	$(PY) -m opastin.retention purge

# LANG is also the shell's locale (C.UTF-8, fi_FI.UTF-8…): only fi, sv or en choose the report's language.
report: setup databases ## a county's monthly report (HTML + CSV): make report MONTH=2026-11 COUNTY=paijat-hame [LANG=sv|en] [OUT=dir]
	@test -n "$(MONTH)" -a -n "$(COUNTY)" || { echo "usage: make report MONTH=2026-11 COUNTY=paijat-hame|vantaa-kerava|satakunta [LANG=fi|sv|en] [OUT=dir]" >&2; exit 2; }
	$(PY) -m opastin.report make --month "$(MONTH)" --county "$(COUNTY)" --lang $(or $(filter fi sv en,$(LANG)),fi) $(if $(OUT),--out "$(OUT)")

train: setup ## train the model (Rasa reuses cached parts, so an unchanged project takes seconds)
	$(RASA) train --quiet
	@ls -t models/*.tar.gz | tail -n +2 | xargs -r rm -f --  # keep only the newest model

actions: setup databases ## run the action server in the foreground
	$(PY) -m actions.server --port $(ACTION_PORT)

run: setup databases purge train ## set up, start the servers and print the web chat's address (Ctrl+C stops)
	@mkdir -p var/log
	@$(PY) -m actions.server --port $(ACTION_PORT) --log-file var/log/actions.log > var/log/actions.out 2>&1 & apid=$$!; \
	  $(RASA) run --interface $(RASA_INTERFACE) --endpoints endpoints.yml --credentials credentials.yml --port $(RASA_PORT) \
	    --logging-config-file opastin/data/logging.yml > var/log/rasa.out 2>&1 & rpid=$$!; \
	  trap "kill $$apid $$rpid 2>/dev/null" EXIT HUP INT TERM; \
	  scripts/wait-for.sh http://localhost:$(ACTION_PORT)/health 120 "action server (var/log/actions.log)" && \
	  scripts/wait-for.sh http://localhost:$(RASA_PORT)/ 300 "Rasa server (var/log/rasa.log)" && \
	  echo && echo "Opastin is running. Open the chat in a browser:" && \
	  echo "  http://localhost:$(RASA_PORT)/webhooks/webchat/          (suomeksi)" && \
	  echo "  http://localhost:$(RASA_PORT)/webhooks/webchat/sv.html   (på svenska)" && \
	  echo "  http://localhost:$(RASA_PORT)/webhooks/webchat/en.html   (in English)" && \
	  echo "Embed it on a page with: <script src=\"http://localhost:$(RASA_PORT)/webhooks/webchat/opastin.js\" defer></script>" && \
	  echo "Staff console: http://localhost:$(RASA_PORT)/webhooks/console/  (add an agent: make agent AGENT=anna COUNTY=paijat-hame NAME=Anna)" && \
	  echo "Logs are in var/log/. Stop with Ctrl+C." && wait $$rpid

.PHONY: telegram-webhook
telegram-webhook: setup ## register the Telegram bot's webhook and secret (OPASTIN_TELEGRAM_TOKEN, _SECRET, _WEBHOOK_URL)
	$(PY) -m opastin.channels.telegram_webhook --credentials credentials.yml

run-scaled: setup setup-nginx train ## 2 Rasa processes + 1 action server behind nginx, on PostgreSQL, Redis and RabbitMQ
	$(PY) -m opastin.scaled --port $(RASA_PORT)

agent: setup databases ## add a staff console account: make agent AGENT=anna COUNTY=paijat-hame NAME="Anna A." (asks the password)
	@test -n "$(AGENT)" -a -n "$(COUNTY)" -a -n "$(NAME)" || { echo "usage: make agent AGENT=… COUNTY=paijat-hame|vantaa-kerava|satakunta NAME=…" >&2; exit 2; }
	$(PY) -m opastin.handoff.agents add "$(AGENT)" --county "$(COUNTY)" --name "$(NAME)"

NEED_AGENT = @test -n "$(AGENT)" || { echo "usage: make $@ AGENT=username" >&2; exit 2; }

agent-disable: setup databases ## disable an agent (sessions end, logins refused): make agent-disable AGENT=anna
	$(NEED_AGENT)
	$(PY) -m opastin.handoff.agents disable "$(AGENT)"

agent-enable: setup databases ## enable a disabled agent again: make agent-enable AGENT=anna
	$(NEED_AGENT)
	$(PY) -m opastin.handoff.agents enable "$(AGENT)"

agent-reset: setup databases ## new password (asked twice; sessions end, lock-out lifted): make agent-reset AGENT=anna
	$(NEED_AGENT)
	$(PY) -m opastin.handoff.agents reset-password "$(AGENT)"

agent-unlock: setup databases ## lift a lock-out after too many failed logins: make agent-unlock AGENT=anna
	$(NEED_AGENT)
	$(PY) -m opastin.handoff.agents unlock "$(AGENT)"

agents: setup databases ## list the console's agents: [COUNTY=paijat-hame]
	$(PY) -m opastin.handoff.agents list $(if $(COUNTY),--county "$(COUNTY)")

audit: setup databases ## print the console's audit log (UTC): [COUNTY=…] [SINCE=2026-12-01] [AGENT=anna]
	$(PY) -m opastin.handoff.agents audit $(if $(COUNTY),--county "$(COUNTY)") $(if $(SINCE),--since "$(SINCE)") $(if $(AGENT),--agent "$(AGENT)")

shell: setup databases train ## chat in the terminal instead of the browser
	@mkdir -p var/log
	@$(PY) -m actions.server --port $(ACTION_PORT) --log-file var/log/actions.log > var/log/actions.out 2>&1 & \
	  pid=$$!; trap "kill $$pid 2>/dev/null" EXIT HUP INT TERM; \
	  scripts/wait-for.sh http://localhost:$(ACTION_PORT)/health 120 "action server (var/log/actions.log)" && \
	  $(RASA) shell --endpoints endpoints.yml --port $(RASA_PORT)

interactive: setup databases ## teach by chatting: rasa interactive (action server started); Export & Quit files into data/ [LANG_CODE=fi]
	$(PY) -m opastin.trainer.interactive --port $(RASA_PORT) --action-port $(ACTION_PORT) $(if $(LANG_CODE),--language $(LANG_CODE))

interactive-file: setup ## file an earlier interactive export (var/interactive/) into data/ [LANG_CODE=fi]
	$(PY) -m opastin.trainer.interactive --file-only $(if $(LANG_CODE),--language $(LANG_CODE))

inbox: setup ## misunderstood messages from the conversations, to annotate: var/inbox/<lang>.yml [SINCE=2026-12-01] [MIN_COUNT=2]
	$(PY) -m opastin.trainer.inbox export $(if $(SINCE),--since "$(SINCE)") $(if $(MIN_COUNT),--min-count $(MIN_COUNT))

inbox-accept: setup ## file an annotated inbox file into data/nlu/: make inbox-accept FILE=var/inbox/fi.yml
	@test -n "$(FILE)" || { echo "usage: make inbox-accept FILE=var/inbox/fi.yml" >&2; exit 2; }
	$(PY) -m opastin.trainer.inbox accept "$(FILE)"

test: setup lint test-validate test-unit train test-dialogue test-nlu test-e2e ## everything CI runs

lint: setup ## ruff (lint and format) and mypy over the Python code
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test-validate: setup ## domain and training data consistency
	$(RASA) data validate --fail-on-warnings --max-history 4

test-unit: setup ## actions, directory (SQLite and PostgreSQL), language, safety net, questionnaire (no servers)
	$(BIN)/pytest -q -m "not e2e" tests

test-e2e: setup setup-browser setup-nginx ## the real servers: REST, the web chat in headless Chromium, the scaled profile
	$(BIN)/pytest -q -m e2e tests/e2e tests/browser tests/scaled

test-dialogue: setup ## test stories in fi, sv and en against the trained model
	$(RASA) test core --stories tests/stories --fail-on-prediction-errors --out results/core --no-plot

test-nlu: setup ## held-out NLU accuracy per language on both held-out sets, each with its floor
	$(PY) -m bench.nlu_accuracy --check-floors

bench: setup setup-nginx databases train ## accuracy, training time, and load: stock rasa init vs this project (1 process, scaled)
	$(PY) -m bench.run $(BENCH_ARGS)

bench-load: setup setup-nginx databases train ## only the load benchmark (BENCH_ARGS="--system stock" etc.; --help)
	$(PY) -m bench.load $(BENCH_ARGS)

constraints: ## re-pin constraints.txt from the current .venv
	(echo '# Every package of a working .venv, pinned (pip freeze --all). Regenerate with `make constraints`.'; \
	  $(BIN)/pip freeze --all | grep -v '^pip==') > constraints.txt

clean: ## remove trained models, test results, the local databases and the browser tests' npm packages
	rm -rf models/*.tar.gz results var tests/browser/node_modules
