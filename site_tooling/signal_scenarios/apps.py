from django.apps import AppConfig


class SignalScenariosConfig(AppConfig):
    """Scenarios to record; the app connects no receiver of its own.

    Its operations are traced with signal_tracer, which connects and
    disconnects its recorders inside each trace, so ready() imports nothing.
    """

    name = "signal_scenarios"
    default_auto_field = "django.db.models.BigAutoField"
