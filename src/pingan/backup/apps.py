from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackupConfig(AppConfig):
    """Backup and restore (no models)."""

    name = "pingan.backup"
    label = "backup"
    verbose_name = _("Backup and restore")
