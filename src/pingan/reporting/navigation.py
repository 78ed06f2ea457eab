"""Navigation entries of monthly reporting."""

from django.utils.translation import gettext_lazy as _

from pingan.core.navigation import NavItem

NAV = [
    NavItem(_("Monthly figures"), "reporting:my_submissions", "reporting.submissions", order=10),
    NavItem(_("Reporting dashboard"), "reporting:dashboard", "reporting.dashboard", order=11),
]
