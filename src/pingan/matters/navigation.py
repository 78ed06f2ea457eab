"""Navigation entries of the matters app."""

from django.utils.translation import gettext_lazy as _

from pingan.core.navigation import NavItem

NAV = [
    NavItem(_("Matters"), "matters:list", "matters.view", order=40),
    NavItem(_("My to-do"), "matters:todo", "matters.view", order=39),
    NavItem(_("Matter statistics"), "matters:stats", "matters.stats", order=41),
    NavItem(_("Matters settings"), "matters:settings", "matters.configure", order=80),
]
NAV.append(
    NavItem(
        _("Matter counts for the index"),
        "matters:index_submission",
        "matters.index_submit",
        order=42,
    )
)
