"""What the Debug Toolbar's signals panel lists: receivers by name, nothing timed."""

import json
import sys
from pathlib import Path
from unittest import skipUnless

from django.apps import apps
from django.test import TestCase

from .helpers import HAS_DEBUG_TOOLBAR, run_in_a_new_process

SNIPPETS_DIR = Path(__file__).resolve().parent.parent.parent  # the folder the app is in


SIGNALS_PANEL = """
import json, sys
from importlib.util import find_spec

import django
from django.conf import settings
from django.http import HttpResponse
from django.urls import path

snippets_dir, config, receivers = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
sys.path.insert(0, snippets_dir)

# --8<-- [start:panel]
# settings.py: the toolbar, for development only, with its signals panel alone.
settings.configure(
    DEBUG=True,
    INTERNAL_IPS=["127.0.0.1"],  # the toolbar shows for these addresses only
    INSTALLED_APPS=[
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django.contrib.staticfiles",
        "admin_signals",
        "debug_toolbar",
    ],
    MIDDLEWARE=["debug_toolbar.middleware.DebugToolbarMiddleware"],
    ROOT_URLCONF=__name__,  # the urlpatterns below
    STATIC_URL="static/",
    TEMPLATES=[
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "APP_DIRS": True,
        }
    ],
    DEBUG_TOOLBAR_PANELS=["debug_toolbar.panels.signals.SignalsPanel"],
    DEBUG_TOOLBAR_CONFIG=config,  # such as {"EXTRA_SIGNALS": [...]}
)
django.setup()


# views.py: a page that saves and deletes nothing.
def home(request):
    return HttpResponse("<html><body>Nothing saved.</body></html>")


# urls.py
from debug_toolbar.toolbar import debug_toolbar_urls

urlpatterns = [path("", home), *debug_toolbar_urls()]
# --8<-- [end:panel]

exec(receivers)  # more receivers for the test to connect

from django.template import engines
from django.test import Client
from django.test.signals import template_rendered
from debug_toolbar.store import get_store
from debug_toolbar.toolbar import DebugToolbar

# One request from 127.0.0.1, through the toolbar's middleware, then what
# the signals panel stored for it: what the toolbar shows in the browser.
Client(SERVER_NAME="localhost").get("/")  # with DEBUG on, localhost is allowed
(request_id,) = get_store().request_ids()
panel = DebugToolbar.fetch(request_id).get_panel_by_id("SignalsPanel")

# Then a render with each engine: is template_rendered sent?
sent = []

def record(sender, **kwargs):
    sent.append(type(sender).__module__)

template_rendered.connect(record)
engines["django"].from_string("Hello").render({})
if find_spec("jinja2"):
    from django.template.backends.jinja2 import Jinja2

    jinja2 = Jinja2({"NAME": "jinja2", "DIRS": [], "APP_DIRS": False, "OPTIONS": {}})
    jinja2.from_string("Hello").render({})
print(json.dumps({"stats": panel.get_stats(), "template_rendered": sent}))
"""


def signals_panel_in_a_new_process(receivers="", **config):
    """Send one request through the signals panel, in a new Python process.

    Returns the panel's stats, and what template_rendered was sent for when
    each engine rendered a template afterwards. receivers is code to run
    before the request, to connect more receivers.
    """
    return run_in_a_new_process(
        SIGNALS_PANEL, str(SNIPPETS_DIR), json.dumps(config), receivers
    )


SAME_NAME_FOR_USERS = """
from django.contrib.auth.models import User
from django.db.models.signals import post_save


def log_ticket_saved(sender, **kwargs):  # the same name, another sender
    pass


post_save.connect(log_ticket_saved, sender=User)
"""


@skipUnless(HAS_DEBUG_TOOLBAR, "django-debug-toolbar is not installed")
class SignalsPanelTests(TestCase):
    """What the Debug Toolbar's signals panel reports."""

    @classmethod
    def setUpClass(cls):
        # Before super(): if it fails, no class-wide transaction is left open.
        cls.result = signals_panel_in_a_new_process()
        super().setUpClass()

    def test_it_lists_the_receivers_of_each_signal_by_name(self):
        signals = dict(self.result["stats"]["signals"])

        # Listed although the request saved and deleted nothing: the panel
        # lists what is connected, not what ran.
        self.assertIn("log_ticket_saved", signals["post_save"])
        self.assertIn("log_ticket_deleted", signals["post_delete"])
        self.assertNotIn("log_ticket_saved", signals["pre_save"])

    def test_it_records_names_only_with_no_sender_and_no_timing(self):
        stats = signals_panel_in_a_new_process(SAME_NAME_FOR_USERS)["stats"]

        self.assertEqual(list(stats), ["signals"])  # no timings, no calls
        post_save_names = dict(stats["signals"])["post_save"]
        self.assertEqual(post_save_names.count("log_ticket_saved"), 2)
        self.assertTrue(all(isinstance(name, str) for name in post_save_names))

    def test_other_signals_need_extra_signals(self):
        signals = dict(self.result["stats"]["signals"])
        self.assertEqual(len(signals), 15)
        self.assertNotIn("user_logged_in", signals)

        stats = signals_panel_in_a_new_process(
            EXTRA_SIGNALS=["django.contrib.auth.signals.user_logged_in"]
        )["stats"]

        self.assertIn("update_last_login", dict(stats["signals"])["user_logged_in"])

    def test_with_the_signals_panel_only_templates_are_left_alone(self):
        self.assertEqual(self.result["template_rendered"], [])

    def test_this_process_never_installs_the_toolbar(self):
        # Importing debug_toolbar.apps registers the toolbar's system checks
        # for good, and they fail wherever its app is not installed.
        self.assertFalse(apps.is_installed("debug_toolbar"))
        self.assertNotIn("debug_toolbar.apps", sys.modules)
