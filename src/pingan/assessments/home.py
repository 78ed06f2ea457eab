"""Home-page panel of the risk assessments: files by stage, this quarter's conclusions, overdue measures."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from pingan.assessments import selectors
from pingan.core.panels import Panel

PANELS = [
    Panel(
        "assessments.overview",
        _("Risk assessments of major decisions"),
        "assessments.view",
        "assessments/home/overview.html",
        selectors.home_overview,
        order=45,
    )
]
