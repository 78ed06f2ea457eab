"""Navigation entries of the risk assessments."""

from django.utils.translation import gettext_lazy as _

from pingan.core.navigation import NavItem

NAV = [
    NavItem(_("Risk assessments"), "assessments:list", "assessments.view", order=45),
    NavItem(_("Assessment statistics"), "assessments:stats", "assessments.stats", order=46),
]
