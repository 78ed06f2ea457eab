from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchemesConfig(AppConfig):
    """Schemes, their versions and the reporting bodies that own indicators."""

    name = "pingan.schemes"
    label = "schemes"
    verbose_name = _("Evaluation schemes")
