from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    """Matters."""

    name = "pingan.cases"
    label = "cases"
    verbose_name = _("Disputes and matters")
