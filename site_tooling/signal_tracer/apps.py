from django.apps import AppConfig


class SignalTracerConfig(AppConfig):
    """The tracer connects nothing at start-up: only a trace_signals() block does.

    So, unlike an app with receivers, ready() has no module to import.
    """

    name = "signal_tracer"
