from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WarningsConfig(AppConfig):
    """Early warnings (预警) and the register of instability problems."""

    name = "pingan.warnings"
    label = "warnings"
    verbose_name = _("Early warnings")
