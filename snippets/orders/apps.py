from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"
    default_auto_field = "django.db.models.BigAutoField"
    # No ready(): orders defines a signal but connects no receivers. The
    # apps that listen (loyalty) import their own receivers in their ready().
