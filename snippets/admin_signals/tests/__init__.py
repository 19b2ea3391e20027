"""The tests of admin_signals: the admin, its history, and debugging receivers."""
