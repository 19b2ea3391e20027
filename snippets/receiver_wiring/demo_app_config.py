from django.apps import apps
from django.conf import settings

# settings.py names the app, not its AppConfig...
print([app for app in settings.INSTALLED_APPS if app.startswith("receiver_")])
#> ['receiver_wiring']

# ...yet Django found the one AppConfig in receiver_wiring/apps.py.
print(type(apps.get_app_config("receiver_wiring")).__name__)
#> ReceiverWiringConfig
