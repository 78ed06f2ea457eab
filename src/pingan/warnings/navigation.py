"""Navigation entries of the warnings app."""

from django.utils.translation import gettext_lazy as _

from pingan.core.navigation import NavItem

NAV = [
    NavItem(_("Warnings"), "warnings:list", "warnings.view", order=45),
    NavItem(_("Problem register"), "warnings:problems", "warnings.problems_view", order=46),
]
