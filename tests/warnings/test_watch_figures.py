"""The figures watch: approving months owes the scan; an alarm in an approved month warns."""

from __future__ import annotations

import pytest

from pingan.core.access.actor import command_line_actor
from pingan.core.jobs import run_owed_jobs
from pingan.reporting import bulk_load
from pingan.warnings import tasks
from pingan.warnings.models import Warning

pytestmark = pytest.mark.django_db

MONTHS = ["2025-%02d" % m for m in range(1, 13)]
MASS = [0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 7]
CRIMINAL = [40, 42, 38, 41, 39, 40, 43, 37, 40, 41, 39, 90]  # watched by noufaily: too short


def _csv(rows):
    lines = ["unit_code,indicator_code,period,value"]
    lines += ["%s,%s,%s,%d" % row for row in rows]
    return ("\n".join(lines) + "\n").encode()


def test_an_outbreak_in_an_approved_month_warns(units):
    rows = [("BZ01", "mass_incident", m, v) for m, v in zip(MONTHS, MASS, strict=True)]
    rows += [("BZ01", "criminal", m, v) for m, v in zip(MONTHS, CRIMINAL, strict=True)]
    bulk_load.import_figures(
        actor=command_line_actor(), data=_csv(rows), approve=True, reason="history"
    )
    tasks.figures_changed(months=MONTHS)
    run_owed_jobs()
    warnings = list(Warning.objects.filter(source="figures"))
    assert [(w.unit.code, w.series_key, w.period, w.detector, w.alpha) for w in warnings] == [
        ("BZ01", "mass_incident", "2025-12", "ears_c1", 0.02)
    ]
    warning = warnings[0]
    assert warning.observed == 7.0
    assert warning.expected == pytest.approx(2 / 7)
    assert warning.threshold == pytest.approx(2 / 7 + 2.053748910631823)
    assert warning.level == "orange"  # 7 is 2.99 times the threshold; severe anyway
    # The chart keeps 24 months; the months before the first approved one are missing, not 0.
    assert warning.series["periods"] == ["2024-%02d" % m for m in range(1, 13)] + MONTHS
    assert warning.series["counts"] == [None] * 12 + [float(v) for v in MASS]
    assert warning.signals.count() == 1
