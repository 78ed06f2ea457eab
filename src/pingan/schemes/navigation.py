"""Navigation entry for schemes."""

from django.utils.translation import gettext_lazy as _

from pingan.core.navigation import NavItem

NAV = [NavItem(_("Schemes"), "schemes:list", "schemes.view", order=75)]
