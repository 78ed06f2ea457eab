"""Figures of a quarter: conclusions by category, department, conclusion and risk level; timeliness.

Counted per concluded version whose conclusion falls in the quarter (local date), so a
re-assessment that changes a conclusion counts in the quarter it was made. "Assessed before the
date" looks at first versions only: concluded on or before the decision's expected date.
"Measures on time" looks at the measures of the current versions due in the quarter: done on
or before their deadline.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from pingan.assessments.models import Category, Conclusion, Level, Measure, Status
from pingan.assessments.selectors import visible_assessments
from pingan.core.access.actor import Actor
from pingan.core.periods import quarter_bounds

COLUMNS = ("quarter", "breakdown", "code", "name", "count")


@dataclass
class QuarterFigures:
    """The figures of one quarter."""

    quarter: str
    concluded: int = 0
    by_category: Counter[str] = field(default_factory=Counter)
    by_department: Counter[str] = field(default_factory=Counter)
    department_names: dict[str, str] = field(default_factory=dict)
    by_conclusion: Counter[str] = field(default_factory=Counter)
    by_level: Counter[str] = field(default_factory=Counter)
    first_versions: int = 0
    before_date: int = 0
    measures_due: int = 0
    measures_on_time: int = 0

    @property
    def before_share(self) -> float | None:
        """Share of first versions concluded by the decision's expected date."""
        return self.before_date / self.first_versions if self.first_versions else None

    @property
    def on_time_share(self) -> float | None:
        """Share of measures due in the quarter that were done by their deadline."""
        return self.measures_on_time / self.measures_due if self.measures_due else None


def _bounds(quarter: str) -> tuple[dt.date, dt.date, dt.datetime, dt.datetime]:
    first, last = quarter_bounds(quarter)
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return first, last, start, end


def quarter_figures(
    *, actor: Actor, quarter: str, language: str = "zh-hans", action: str = "assessments.stats"
) -> QuarterFigures:
    """Count the conclusions and the measures of a quarter ("YYYYQn") the actor may see."""
    first, last, start, end = _bounds(quarter)
    figures = QuarterFigures(quarter)
    visible = visible_assessments(actor=actor, action=action)
    concluded = visible.filter(
        status=Status.CONCLUDED, concluded_at__gte=start, concluded_at__lt=end
    )
    for row in concluded:
        figures.concluded += 1
        figures.by_category[row.category] += 1
        code = row.assessing_unit.code
        figures.by_department[code] += 1
        figures.department_names[code] = row.assessing_unit.display_name(language)
        figures.by_conclusion[row.conclusion] += 1
        figures.by_level[row.overall_level or Level.LOW] += 1
        if row.version == 1:
            figures.first_versions += 1
            if row.concluded_at and timezone.localdate(row.concluded_at) <= row.expected_on:
                figures.before_date += 1
    measures = Measure.objects.filter(
        assessment__in=visible.filter(status=Status.CONCLUDED, next_version__isnull=True),
        due_on__gte=first,
        due_on__lte=last,
    ).select_related("completion")
    for measure in measures:
        figures.measures_due += 1
        done = getattr(measure, "completion", None)
        if done is not None and done.done_on <= measure.due_on:
            figures.measures_on_time += 1
    return figures


def export_rows(figures: QuarterFigures) -> list[dict[str, Any]]:
    """The figures as rows of `COLUMNS`, for CSV and XLSX."""
    q = figures.quarter
    rows: list[dict[str, Any]] = []
    for code, label in Category.choices:
        rows.append(
            {
                "quarter": q,
                "breakdown": "category",
                "code": code,
                "name": str(label),
                "count": figures.by_category[code],
            }
        )
    for code in sorted(figures.by_department):
        rows.append(
            {
                "quarter": q,
                "breakdown": "department",
                "code": code,
                "name": figures.department_names[code],
                "count": figures.by_department[code],
            }
        )
    for code, label in Conclusion.choices:
        rows.append(
            {
                "quarter": q,
                "breakdown": "conclusion",
                "code": code,
                "name": str(label),
                "count": figures.by_conclusion[code],
            }
        )
    for code, label in Level.choices:
        rows.append(
            {
                "quarter": q,
                "breakdown": "risk_level",
                "code": code,
                "name": str(label),
                "count": figures.by_level[code],
            }
        )
    totals: tuple[tuple[str, Any, int], ...] = (
        ("concluded", _("concluded"), figures.concluded),
        ("first_versions", _("first assessments"), figures.first_versions),
        ("before_date", _("first assessments concluded by the expected date"), figures.before_date),
        ("measures_due", _("measures due"), figures.measures_due),
        ("measures_on_time", _("measures done on time"), figures.measures_on_time),
    )
    for code, label, count in totals:
        rows.append(
            {"quarter": q, "breakdown": "total", "code": code, "name": str(label), "count": count}
        )
    return rows
