# Agora: `make demo` serves the demo forum, `make test` runs the whole suite.
# Needs only Python 3.11 and make; everything else goes into .venv.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# In every command's environment: settings make SITE_URL (links in emails) follow it, unless set.
export PORT

.PHONY: demo serve test test-e2e check lint format messages clean bench

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

venv: $(VENV)/.installed

demo: $(VENV)/.installed
	$(PY) -m config.translations
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Serving on http://127.0.0.1:$(PORT)/ (Ctrl+C to stop)"
	@# Notification emails, response-target checks, invitations to answer, bookmarks' reminders,
	@# webhooks' deliveries and the removal of pictures no post uses run in background loops that
	@# stop with the server.
	$(PY) manage.py send_notification_emails --loop & emails=$$!; \
	$(PY) manage.py check_response_targets --loop & targets=$$!; \
	$(PY) manage.py invite_answerers --loop & invitations=$$!; \
	$(PY) manage.py send_reminders --loop & reminders=$$!; \
	$(PY) manage.py remove_stale_uploads --loop --every 3600 & pictures=$$!; \
	$(PY) manage.py deliver_webhooks --loop --every 5 & webhooks=$$!; \
	trap 'kill $$emails $$targets $$invitations $$reminders $$pictures $$webhooks 2>/dev/null' EXIT INT TERM; \
	$(VENV)/bin/daphne -b 127.0.0.1 -p $(PORT) config.asgi:application

serve: $(VENV)/.installed
	$(VENV)/bin/daphne -b 127.0.0.1 -p $(PORT) config.asgi:application

test: $(VENV)/.installed
	$(PY) -m config.translations
	$(PY) -m pytest $(PYTEST_ARGS)

# axe-core, which the browser tests run over every main page (tests/e2e/test_accessibility.py):
# one npm package, pinned by tests/e2e/package-lock.json; needs Node.js and npm.
AXE := tests/e2e/node_modules/axe-core/axe.min.js
$(AXE): tests/e2e/package.json tests/e2e/package-lock.json
	cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The browser tests talk to their own daphne server (tests/e2e/conftest.py), never to
# pytest-django's test database: the django plugin is off, hence its unknown ini key.
test-e2e: $(VENV)/.installed $(AXE)
	$(PY) -m config.translations
	$(PY) -m pytest tests/e2e -p no:django -p no:cacheprovider -o addopts="-ra --strict-markers" \
		-W "ignore:Unknown config option:pytest.PytestConfigWarning" $(PYTEST_ARGS)

# What CI checks first: the layers (import-linter contracts in pyproject.toml), lint and
# formatting, and that every model change has its migration.
check: $(VENV)/.installed
	$(VENV)/bin/lint-imports
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Extracting strings needs GNU gettext (a developer's machine); compiling does not.
messages: $(VENV)/.installed
	$(PY) manage.py makemessages -l fr --no-obsolete --ignore=.venv --ignore=var --ignore=bench --ignore=tests
	$(PY) manage.py makemessages -d djangojs -l fr --no-obsolete --ignore=.venv --ignore=var
	$(PY) -m config.translations

# SCALE=full (default: ~100,000 posts), small, or tiny. Needs wrk for HTTP load (apt-get install wrk),
# else falls back to a small asyncio client.
bench: $(VENV)/.installed
	$(PY) -m config.translations
	$(PY) -m bench.run --scale $(or $(SCALE),full)

clean:
	rm -rf var/test* .pytest_cache
