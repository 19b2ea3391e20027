"""Settings for the playground notebook (docs/playground.ipynb).

The notebook shows the courses app and the signal tracer, so only they are
installed, with a new, empty database in memory for each run: set-up and
`migrate` then take a fraction of a second, and mkdocs-jupyter runs the
notebook at every build.
"""

from .settings import *  # noqa: F403

INSTALLED_APPS = ["django.contrib.contenttypes", "courses", "signal_tracer"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
