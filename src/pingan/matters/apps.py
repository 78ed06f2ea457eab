from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MattersConfig(AppConfig):
    """Matters."""

    name = "pingan.matters"
    label = "matters"
    verbose_name = _("Disputes and matters")
