"""What the test modules share: settings for the tests, and recording each send."""

from contextlib import contextmanager

from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.test import override_settings
from django.urls import include, path

from ..passwords import password_changed

LOGGER = "login_audit.signals"
PASSWORD = "correct-horse-battery"


# Django's auth views at /accounts/. The tests make this module their URLconf,
# so they pass in any project, wherever it mounts those views.
urlpatterns = [path("accounts/", include("django.contrib.auth.urls"))]

# Fast hashing for tests; and the project has no login template, so the login
# view gets a one-line one (it renders it again when a login fails).
FAST_AND_TEMPLATED = override_settings(
    ROOT_URLCONF=__name__,
    PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    TEMPLATES=[
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {
                "loaders": [
                    (
                        "django.template.loaders.locmem.Loader",
                        {"registration/login.html": "{{ form.errors }}"},
                    )
                ]
            },
        }
    ],
)


@contextmanager
def recorded(signal, sender=None):
    """Collect the keyword arguments of every send of `signal` in the block.

    Each item is a dict of everything the receivers got, `signal` and
    `sender` included, so a test can compare it whole.
    """
    sent = []

    def record(**kwargs):
        sent.append(kwargs)

    # weak=False: nothing else holds this local function.
    signal.connect(record, sender=sender, weak=False)
    try:
        yield sent
    finally:
        signal.disconnect(record, sender=sender)


# Password changes ----------------------------------------------------------


class FastPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """Django's default hasher at 2 iterations, so the tests stay fast.

    A hash stored with 1 iteration is then out of date, as a Django 5.2 hash
    (1,000,000 iterations) is on Django 6.1 (1,500,000).
    """

    iterations = 2


# --8<-- [start:setting]
AUTH_PASSWORD_VALIDATORS = [
    # ...the validators you already have, then:
    {"NAME": "login_audit.passwords.PasswordChangeNotifier"},
]
# --8<-- [end:setting]

PASSWORDS = override_settings(
    ROOT_URLCONF=__name__,
    AUTH_PASSWORD_VALIDATORS=AUTH_PASSWORD_VALIDATORS,
    PASSWORD_HASHERS=[
        "login_audit.tests.helpers.FastPBKDF2PasswordHasher",  # preferred: new hashes
        "django.contrib.auth.hashers.MD5PasswordHasher",  # accepted, then upgraded
    ],
)
NEW_PASSWORD = "a-brand-new-one"
CHANGED = "changed password"


def changes(logs):
    return [line for line in logs.output if CHANGED in line]


@contextmanager
def committed_logs(test):
    """What the app logs, on_commit callbacks included (as if committed)."""
    with test.assertLogs(LOGGER) as logs, test.captureOnCommitCallbacks(execute=True):
        yield logs


@contextmanager
def nothing_reported(test):
    """Neither the signal nor a log line, even once the transaction commits."""
    with (
        recorded(password_changed) as calls,
        test.assertNoLogs(LOGGER),
        test.captureOnCommitCallbacks(execute=True),
    ):
        yield
    test.assertEqual(calls, [])
