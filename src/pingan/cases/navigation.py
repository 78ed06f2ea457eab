"""Navigation entries of the matters app."""

from django.utils.translation import gettext_lazy as _

from pingan.core.navigation import NavItem

NAV = [
    NavItem(_("Matters"), "cases:list", "cases.view", order=40),
    NavItem(_("Matter statistics"), "cases:stats", "cases.stats", order=41),
    NavItem(_("Matters settings"), "cases:settings", "cases.configure", order=80),
]
NAV.append(
    NavItem(
        _("Matter counts for the index"), "cases:index_submission", "cases.index_submit", order=42
    )
)
