"""Navigation entry of the accounts pages."""

from django.utils.translation import gettext_lazy as _

from pingan.core.navigation import NavItem

NAV = [NavItem(_("Accounts"), "accounts:list", "accounts.view", order=91)]
