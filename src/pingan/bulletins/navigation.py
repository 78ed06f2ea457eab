"""Navigation entry of the bulletins."""

from django.utils.translation import gettext_lazy as _

from pingan.core.navigation import NavItem

NAV = [NavItem(_("Bulletins"), "bulletins:list", "bulletins.view", order=31)]
