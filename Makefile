# Two entry points for people: `make serve` and `make test`.
# Each creates the environment it needs first (scripts/bootstrap.sh).
DJANGO ?= 6.1
PORT ?= 8000
VENV := $(if $(filter 6.1,$(DJANGO)),.venv,.venv-django-$(DJANGO))
# Every Django series with a lock file in requirements/ is in the matrix.
SERIES := $(patsubst requirements/django-%.txt,%,$(wildcard requirements/django-*.txt))
# Lighthouse and axe-core, from npm (tests/audit/package.json).
NODE_TOOLS := tests/audit/node_modules/.package-lock.json
# The site is built, served and published with this series: only its lock
# holds the site's toolchain, and its build, serve and browser checks
# (tests/site/, tests/browser/) run on it only. Every series runs the samples,
# their examples and the fresh-project checks.
SITE_SERIES := 6.1
ON_THE_SITE_SERIES = $(filter $(SITE_SERIES),$(DJANGO))
# The site, built once by `make test` for every check that reads it.
BUILT_SITE := .make/site
# One pytest process per core; the tests of one file stay in one process.
ON_EVERY_CORE := -n auto --dist loadfile
# Run again on PostgreSQL, with Redis, which scripts/services.py starts and stops.
ON_SERVERS := snippets site_tooling tests/test_worker_processes.py -p no:cacheprovider
export NO_MKDOCS_2_WARNING = 1

.PHONY: env browser-runtime system-packages serve test matrix audit bench mutation site update-examples diagrams lock

env:
	@scripts/bootstrap.sh $(DJANGO)
	@$(VENV)/bin/python scripts/versions.py
	$(if $(ON_THE_SITE_SERIES),@$(MAKE) --no-print-directory browser-runtime)

# What the pages' Run buttons load: Pyodide (npm) and Django's wheels (PyPI),
# from the locks, fetched once (browser_runtime/fetch.py; a build fetches them
# too when they are missing).
browser-runtime:
	@scripts/install-system-packages.sh node
	@$(VENV)/bin/python browser_runtime/fetch.py

system-packages:
	@scripts/install-system-packages.sh

# --dirty: a change rebuilds only the pages it touches (hooks/rebuild_what_changed.py).
# No .pyc files: the notebook imports snippets/, and new __pycache__ files
# there would look like edits and trigger another rebuild.
serve: env  ## Serve the site with live reload at http://127.0.0.1:$(PORT)
	PYTHONDONTWRITEBYTECODE=1 \
		$(VENV)/bin/mkdocs serve --livereload --dirty -a 127.0.0.1:$(PORT)

test: env system-packages $(NODE_TOOLS)  ## Every check: lint, snippets (SQLite, then PostgreSQL), examples, pages, site, browser
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(if $(ON_THE_SITE_SERIES),$(VENV)/bin/mkdocs build --strict --quiet -d $(BUILT_SITE))
	env -u DATABASE_URL -u REDIS_URL $(if $(ON_THE_SITE_SERIES),BUILT_SITE=$(BUILT_SITE)) \
		$(VENV)/bin/pytest $(ON_EVERY_CORE) $(if $(ON_THE_SITE_SERIES),,--ignore=tests/site)
	$(VENV)/bin/python scripts/services.py -- $(VENV)/bin/pytest $(ON_EVERY_CORE) $(ON_SERVERS)
	$(if $(ON_THE_SITE_SERIES),BUILT_SITE=$(BUILT_SITE) $(VENV)/bin/pytest -n auto tests/browser,@echo "Build, serve and browser checks: on Django $(SITE_SERIES), which builds the site.")

matrix:  ## Every check on every supported Django series
	@for series in $(SERIES); do $(MAKE) --no-print-directory test DJANGO=$$series || exit 1; done

$(NODE_TOOLS): tests/audit/package-lock.json
	npm ci --prefix tests/audit --no-audit --no-fund --loglevel=error

audit: env system-packages $(NODE_TOOLS)  ## Lighthouse on key pages, held to the budget
	$(VENV)/bin/mkdocs build --strict --quiet -d $(BUILT_SITE)
	$(VENV)/bin/python tests/audit/lighthouse.py $(BUILT_SITE)

bench: env system-packages  ## Measure test time, build time, live reload and page weight
	$(VENV)/bin/python scripts/bench.py

# APPS="payments orders" mutates only those apps.
mutation: env  ## Mutate the shown code; each app's own tests must kill 95%
	$(VENV)/bin/python scripts/mutation.py $(APPS)

site: env  ## Build the static site into site/
	$(VENV)/bin/mkdocs build --strict

update-examples: env  ## Rewrite the `#>` output lines after a real change in output
	$(VENV)/bin/pytest tests/test_examples.py --update-examples

diagrams: env  ## Re-record docs/reference/diagrams/ on this DJANGO series
	$(VENV)/bin/python scripts/record_diagrams.py

lock: env  ## Re-resolve requirements/django-*.txt from pyproject.toml (the site's toolchain: on $(SITE_SERIES) only)
	$(VENV)/bin/uv pip compile pyproject.toml --extra django61 --extra site --python-version 3.12 \
		--generate-hashes --no-header --upgrade -o requirements/django-6.1.txt
	$(VENV)/bin/uv pip compile pyproject.toml --extra django52 --python-version 3.11 \
		--generate-hashes --no-header --upgrade -o requirements/django-5.2.txt
