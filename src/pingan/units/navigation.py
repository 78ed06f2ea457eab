"""Navigation entry for units."""

from django.utils.translation import gettext_lazy as _

from pingan.core.navigation import NavItem

NAV = [NavItem(_("Units"), "units:list", "units.view", order=70)]
