from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared infrastructure; holds no models of its own."""

    name = "pingan.core"
    label = "core"
