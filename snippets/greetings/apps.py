from django.apps import AppConfig


class GreetingsConfig(AppConfig):
    # No receivers to connect: this app's tests listen to template_rendered
    # only while they run.
    name = "greetings"
