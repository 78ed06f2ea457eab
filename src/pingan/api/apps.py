from django.apps import AppConfig


class ApiConfig(AppConfig):
    """API."""

    name = "pingan.api"
    label = "api"
