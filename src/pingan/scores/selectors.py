"""Reads of materialised results."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from pingan.scores.models import KeyManagementMark, QuarterResult, ScoreChange, ScoreRun
from pingan.schemes.selectors import current_version


def current_run(period: str, scheme_code: str | None = None) -> ScoreRun | None:
    """The current run of a quarter ("YYYYQn") under the scheme's latest version."""
    version = current_version(scheme_code)
    if version is None:
        return None
    return ScoreRun.objects.filter(version=version, period=period, is_current=True).first()


def results_for(run: ScoreRun, class_code: str | None = None) -> QuerySet[QuarterResult]:
    """A run's results ordered by class and rank, units loaded."""
    results = run.results.select_related("unit").order_by("class_code", "rank", "unit__code")
    return results.filter(class_code=class_code) if class_code else results


def computed_periods(scheme_code: str | None = None) -> list[str]:
    """Quarters with a current run, newest first."""
    version = current_version(scheme_code)
    if version is None:
        return []
    periods = ScoreRun.objects.filter(version=version, is_current=True).values_list("period", flat=True)
    return sorted(set(periods), reverse=True)


def changes_since(period: str, since: dt.datetime | None) -> QuerySet[ScoreChange]:
    """Recorded changes of a quarter's results (after corrections) made after `since`."""
    changes = ScoreChange.objects.filter(run__period=period).select_related("unit", "run")
    if since is not None:
        changes = changes.filter(run__computed_at__gt=since)
    return changes.order_by("run__computed_at", "unit__code")


def key_managed_unit_ids() -> set[int]:
    """Units currently marked for key management."""
    return set(KeyManagementMark.objects.filter(ended_at__isnull=True).values_list("unit_id", flat=True))
