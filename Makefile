# Two entry points for people: `make serve` and `make test`.
# Each creates the environment it needs first (scripts/bootstrap.sh).
DJANGO ?= 6.1
# Every Django series with a lock file in requirements/ is in the matrix.
SERIES := $(patsubst requirements/django-%.txt,%,$(wildcard requirements/django-*.txt))
VENV := $(if $(filter 6.1,$(DJANGO)),.venv,.venv-django-$(DJANGO))
export NO_MKDOCS_2_WARNING = 1

.PHONY: env serve test matrix site update-examples lock

env:
	@scripts/bootstrap.sh $(DJANGO)
	@$(VENV)/bin/python scripts/versions.py

serve: env  ## Serve the site with live reload at http://127.0.0.1:8000
	$(VENV)/bin/mkdocs serve --livereload -a 127.0.0.1:8000

test: env  ## Run every check: lint, format, snippets, examples, pages, site build
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/pytest

matrix:  ## Run every check on every supported Django series (what CI runs)
	@for series in $(SERIES); do $(MAKE) --no-print-directory test DJANGO=$$series || exit 1; done

site: env  ## Build the static site into site/
	$(VENV)/bin/mkdocs build --strict

update-examples: env  ## Rewrite the `#>` output lines after a real change in output
	$(VENV)/bin/pytest tests/test_examples.py --update-examples

lock: env  ## Re-resolve requirements/django-*.txt from pyproject.toml
	$(VENV)/bin/uv pip compile pyproject.toml --extra django61 --python-version 3.12 \
		--generate-hashes --no-header --upgrade -o requirements/django-6.1.txt
	$(VENV)/bin/uv pip compile pyproject.toml --extra django52 --python-version 3.11 \
		--generate-hashes --no-header --upgrade -o requirements/django-5.2.txt
