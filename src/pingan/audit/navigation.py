"""Navigation entry of the audit log."""

from django.utils.translation import gettext_lazy as _

from pingan.core.navigation import NavItem

NAV = [NavItem(_("Audit log"), "audit:log", "audit.read", order=90)]
