import json
import unittest
from pathlib import Path

import django
from django.conf import Settings, UserSettingsHolder, settings
from django.core.signals import setting_changed
from django.test import SimpleTestCase, modify_settings, override_settings

from . import signals
from .services import blocked_domains, is_blocked


class SettingChangedTests(SimpleTestCase):
    def test_override_settings_sends_it_on_enter_and_on_exit(self):
        calls = []

        def record(**kwargs):
            calls.append(kwargs)

        setting_changed.connect(record)
        try:
            with override_settings(BLOCKED_EMAIL_DOMAINS=["spam.example"]):
                pass
        finally:
            setting_changed.disconnect(record)

        enter, leave = calls
        self.assertIs(enter["sender"], UserSettingsHolder)
        self.assertIs(leave["sender"], Settings)
        self.assertEqual(
            (enter["setting"], enter["value"], enter["enter"]),
            ("BLOCKED_EMAIL_DOMAINS", ["spam.example"], True),
        )
        # On exit, `value` is the restored one: None, as the project lacks it.
        self.assertEqual(
            (leave["setting"], leave["value"], leave["enter"]),
            ("BLOCKED_EMAIL_DOMAINS", None, False),
        )

    def test_the_cached_value_follows_the_override(self):
        self.assertFalse(is_blocked("ada@spam.example"))  # fills the cache

        with self.settings(BLOCKED_EMAIL_DOMAINS=["Spam.example"]):
            self.assertTrue(is_blocked("ada@spam.example"))

        self.assertFalse(is_blocked("ada@spam.example"))

    @override_settings(BLOCKED_EMAIL_DOMAINS=["spam.example"])
    def test_modify_settings_sends_it_too(self):
        with modify_settings(BLOCKED_EMAIL_DOMAINS={"append": "junk.example"}):
            self.assertTrue(is_blocked("ada@junk.example"))

        self.assertFalse(is_blocked("ada@junk.example"))

    def test_other_settings_leave_the_cached_value_alone(self):
        self.assertFalse(is_blocked("ada@spam.example"))  # fills the cache

        with self.settings(ALLOWED_HOSTS=["example.com"], DEBUG=True):
            pass

        self.assertEqual(blocked_domains.cache_info().currsize, 1)

    def test_an_override_whose_name_was_read_from_a_file_clears_it_too(self):
        # json.loads() builds a new string: equal to the name, not the same object.
        overrides = json.loads('{"BLOCKED_EMAIL_DOMAINS": ["spam.example"]}')
        self.assertFalse(is_blocked("ada@spam.example"))  # fills the cache

        with self.settings(**overrides):
            self.assertTrue(is_blocked("ada@spam.example"))

    def test_without_the_receiver_the_cache_goes_stale(self):
        uid = "email_blocklist.forget_blocked_domains"
        self.assertFalse(is_blocked("ada@spam.example"))  # fills the cache
        setting_changed.disconnect(dispatch_uid=uid)
        try:
            with self.settings(BLOCKED_EMAIL_DOMAINS=["spam.example"]):
                stale = is_blocked("ada@spam.example")
        finally:
            setting_changed.connect(signals.forget_blocked_domains, dispatch_uid=uid)
            signals.blocked_domains.cache_clear()

        self.assertFalse(stale)

    def test_assigning_a_setting_sends_nothing(self):
        self.assertFalse(is_blocked("ada@spam.example"))  # fills the cache
        try:
            settings.BLOCKED_EMAIL_DOMAINS = ["spam.example"]
            stale = is_blocked("ada@spam.example")
        finally:
            del settings.BLOCKED_EMAIL_DOMAINS
            signals.blocked_domains.cache_clear()

        self.assertFalse(stale)

    # Django's source: Python in a browser tab (the Run the tests button) has
    # Django as bytecode only.
    @unittest.skipUnless(
        Path(django.__file__).suffix == ".py", "needs Django's source files"
    )
    def test_only_the_test_tools_send_it(self):
        root = Path(django.__file__).parent
        senders = [
            path.relative_to(root).as_posix()
            for path in root.rglob("*.py")
            if "setting_changed.send" in path.read_text(encoding="utf-8")
        ]

        # override_settings (test/utils.py) and TransactionTestCase.available_apps
        self.assertEqual({path.split("/")[0] for path in senders}, {"test"})
