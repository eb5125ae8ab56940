# Observe: `make run` serves the demo on SQLite, `make test` runs the whole suite.
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3
PORT ?= 5000
HOST ?= 127.0.0.1
DEMO_PASSWORD ?= observe-demo-2026
FLASK := $(BIN)/flask --app wsgi

.PHONY: install translations run worker test lint messages bench clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

translations: install
	$(BIN)/pybabel compile -d observe/translations

run: install translations
	$(FLASK) db upgrade
	$(FLASK) seed-demo --password '$(DEMO_PASSWORD)'
	@echo ""
	@echo "Observe is starting at http://$(HOST):$(PORT)/  (sign in with any demo account above;"
	@echo "password: $(DEMO_PASSWORD)). Volunteers apply at http://$(HOST):$(PORT)/join. Stop with Ctrl+C."
	@echo ""
	$(FLASK) run --host $(HOST) --port $(PORT)

# A Celery worker for the background jobs: needs CELERY_BROKER_URL (without one, jobs run inline
# in the web process and no worker is needed).
worker: install translations
	@test -n "$$CELERY_BROKER_URL" || { echo "Set CELERY_BROKER_URL (redis://127.0.0.1:6379/0)"; exit 1; }
	$(BIN)/celery -A observe.jobs.worker worker --loglevel=info -Q observe

lint: install
	$(BIN)/ruff check observe tests bench wsgi.py

test: install translations lint
	$(BIN)/pytest $(PYTEST_ARGS)

# Refresh the catalogs after changing user-facing strings; then translate the new entries.
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 --ignore-dirs '.* __pycache__ .venv' -o observe/translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i observe/translations/messages.pot -d observe/translations --no-fuzzy-matching --ignore-obsolete

bench: install
	@for script in bench/*.py; do [ -e "$$script" ] || continue; echo "== $$script"; $(BIN)/python "$$script"; done

clean:
	rm -rf $(VENV) instance/*.sqlite3* .pytest_cache
