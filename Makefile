# The two commands that matter: `make run` (serve the demo) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run serve test lint fuzz bench loadtest install install-dev browser fonts pdftools screenshots clean

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.runtime fonts
install-dev: $(VENV)/.dev fonts

## The CJK font travelers embed (TRAVELER_CJK_FONT; Debian's package, nothing downloaded at run time).
CJK_FONT := /usr/share/fonts/truetype/wqy/wqy-microhei.ttc
fonts:
	@test -f $(CJK_FONT) || { if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq fonts-wqy-microhei >/dev/null; \
	  else echo "Travelers need Debian's fonts-wqy-microhei: sudo apt-get install fonts-wqy-microhei" >&2; fi; }

## Serve the demo on http://127.0.0.1:$(PORT): SQLite, tasks in-process, demo data and orders loaded.
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py seed_demo_orders
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

## The production shape: gunicorn + Celery worker and beat, on DATABASE_URL and CELERY_BROKER_URL,
## under supervisord, which restarts any of them that dies (docs/DEPLOY.md).
serve: install
	DJANGO_SETTINGS_MODULE=config.settings.production $(PY) manage.py migrate --noinput
	DJANGO_SETTINGS_MODULE=config.settings.production $(PY) manage.py collectstatic --noinput -v 0
	if [ -n "$$DEMO_PASSWORD" ]; then DJANGO_SETTINGS_MODULE=config.settings.production $(PY) manage.py seed_demo; fi
	DJANGO_SETTINGS_MODULE=config.settings.production exec scripts/serve $(PORT)

## Chromium for the browser tests (Debian's package; nothing is downloaded at run time).
browser:
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

## poppler-utils for the traveler PDF tests: pdffonts and pdftotext read it, pdftoppm renders it for the
## operator's journey, which scans its QR codes (zxing-cpp, requirements-dev.txt).
pdftools:
	command -v pdffonts >/dev/null || (apt-get update -qq && apt-get install -y -qq poppler-utils >/dev/null)

## axe-core for the accessibility checks in the browser tests (npm, pinned by package-lock.json).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

## The whole suite on a throwaway PostgreSQL and Redis (started and removed by scripts/with-services).
test: install-dev browser pdftools node_modules/.installed
	scripts/with-services $(PY) -m pytest -p no:cacheprovider -q

## The API fuzzed harder than make test does: schemathesis, 200 examples per operation and role.
fuzz: install-dev
	FUZZ_EXAMPLES=200 scripts/with-services $(PY) -m pytest -p no:cacheprovider -q tests/fuzz

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .

## Benchmarks: JSON figures on stdout (see docs/BENCHMARKS.md).
bench: install-dev
	@scripts/with-services $(PY) bench/run_all.py

## Customers that browse, configure and order against the production shape (gunicorn, Celery), at 8,
## 32 and 128 at once, beside /healthz and a raw-SQL intake: JSON on stdout (docs/BENCHMARKS.md).
## LOADTEST_SECONDS per level (default 20), LOADTEST_LEVELS (8,32,128), WEB_CONCURRENCY (3).
loadtest: install-dev
	@scripts/with-services $(PY) bench/loadtest.py

## The README's screenshots (docs/screenshots/), taken by the browser tests as they walk the journeys.
screenshots: install-dev browser node_modules/.installed
	SCREENSHOTS=1 scripts/with-services $(PY) -m pytest -p no:cacheprovider -q tests/e2e

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 node_modules
