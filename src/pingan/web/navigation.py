"""Navigation entries of the shell: the home page, the audit log and the accounts pages."""

from django.utils.translation import gettext_lazy as _

from pingan.core.navigation import NavItem

NAV = [
    NavItem(_("Home"), "web:home", "home.view", order=0),
    NavItem(_("Audit log"), "web:audit_log", "audit.read", order=90),
    NavItem(_("Accounts"), "web:accounts", "accounts.view", order=91),
]
