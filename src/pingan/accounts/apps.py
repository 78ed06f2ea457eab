from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Accounts, role assignments and the permission registry."""

    name = "pingan.accounts"
    label = "accounts"
    verbose_name = _("Accounts and roles")
