from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoresConfig(AppConfig):
    """Quarterly results; its reactions to other apps' events are in `subscribers.py`."""

    name = "pingan.scores"
    label = "scores"
    verbose_name = _("Scores")
