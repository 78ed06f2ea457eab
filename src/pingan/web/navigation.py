"""Navigation entry of the shell: the home page."""

from django.utils.translation import gettext_lazy as _

from pingan.core.navigation import NavItem

NAV = [NavItem(_("Home"), "web:home", "home.view", order=0)]
