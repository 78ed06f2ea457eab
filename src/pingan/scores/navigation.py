"""Navigation entries of the stability index."""

from django.utils.translation import gettext_lazy as _

from pingan.core.navigation import NavItem

NAV = [
    NavItem(_("Stability index"), "scores:overview", "scores.view", order=20),
]
