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
export PYTHONPATH := $(CURDIR)
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export RASA_TELEMETRY_ENABLED := false

.PHONY: help setup directory train actions run test test-unit test-validate test-dialogue test-nlu test-e2e bench constraints clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): requirements.txt constraints.txt
	@PY310="$$(scripts/find-python.sh)" && \
	  { [ -x $(PY) ] && $(PY) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' || $$PY310 -m venv --clear $(VENV); }
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade "pip<25"
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt -c constraints.txt
	@touch $@

setup: $(STAMP) ## create .venv with Python 3.10 and install the pinned packages

directory: setup ## create and seed the service directory (SQLite, or DIRECTORY_URL)
	$(PY) -m actions.directory.seed

train: setup ## train the model (Rasa reuses cached parts, so an unchanged project takes seconds)
	$(RASA) train --domain domain --quiet
	@ls -t models/*.tar.gz | tail -n +2 | xargs -r rm -f --  # keep only the newest model

actions: setup directory ## run the action server in the foreground
	$(RASA) run actions --port $(ACTION_PORT) --actions actions

run: setup directory train ## set up, start the action server and the Rasa server, open a chat
	@mkdir -p var/log
	@$(RASA) run actions --port $(ACTION_PORT) --actions actions > var/log/actions.log 2>&1 & \
	  pid=$$!; trap "kill $$pid 2>/dev/null" EXIT HUP INT TERM; \
	  scripts/wait-for.sh http://localhost:$(ACTION_PORT)/health 120 "action server (var/log/actions.log)" && \
	  $(RASA) shell --endpoints endpoints.yml --port $(RASA_PORT)

test: setup test-validate test-unit train test-dialogue test-nlu test-e2e ## everything CI runs

test-validate: setup ## domain and training data consistency
	$(RASA) data validate --domain domain --fail-on-warnings --max-history 4

test-unit: setup ## actions, directory (SQLite and PostgreSQL), language, safety net, questionnaire (no servers)
	$(BIN)/pytest -q -m "not e2e" tests

test-e2e: setup ## conversations through the real Rasa server and action server (needs a trained model)
	$(BIN)/pytest -q -m e2e tests/e2e

test-dialogue: setup ## test stories in fi, sv and en against the trained model
	$(RASA) test core --stories tests/stories --fail-on-prediction-errors --out results/core --no-plot

test-nlu: setup ## held-out NLU accuracy per language, with a floor
	$(PY) -m bench.nlu_accuracy --floor-file tests/nlu_heldout/floor.yml

bench: setup directory train ## accuracy, training time, REST latency and throughput
	$(PY) -m bench.run

constraints: ## re-pin constraints.txt from the current .venv
	(echo '# Every package of a working .venv, pinned (pip freeze --all). Regenerate with `make constraints`.'; \
	  $(BIN)/pip freeze --all | grep -v '^pip==') > constraints.txt

clean: ## remove trained models, test results and the local databases
	rm -rf models/*.tar.gz results var
