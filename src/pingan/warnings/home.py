"""Home-page panel of warnings for the leaders and the office: open warnings by level, those
awaiting acknowledgement and overdue, problems identified and resolved, the effective rate."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from pingan.core.access.actor import Actor
from pingan.core.panels import Panel
from pingan.warnings import selectors


def warnings_summary(actor: Actor) -> dict[str, Any]:
    """The counts the panel shows, read through the scoped selectors."""
    return {
        "counts": selectors.open_counts(actor=actor),
        "problems": selectors.problem_counts(actor=actor),
        "rate": selectors.effective_rates(actor=actor)["overall"],
    }


PANELS = [
    Panel(
        "warnings.summary",
        _("Early warnings"),
        "warnings.rate",
        "warnings/home/summary.html",
        warnings_summary,
        order=25,
    )
]
