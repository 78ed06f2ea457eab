from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    """Risk assessments of major decisions."""

    name = "pingan.assessments"
    label = "assessments"
    verbose_name = _("Risk assessments of major decisions")
