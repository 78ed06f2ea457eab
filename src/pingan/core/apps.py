from django.apps import AppConfig

from pingan.core import events


class CoreConfig(AppConfig):
    """Shared infrastructure; holds no models of its own."""

    name = "pingan.core"
    label = "core"

    def ready(self) -> None:
        """Subscribe every app's declared reactions to the events of other apps."""
        events.subscribe_discovered()
