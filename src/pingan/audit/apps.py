from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """Audit records and their chain head."""

    name = "pingan.audit"
    label = "audit"
    verbose_name = _("Audit log")
