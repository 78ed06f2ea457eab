"""Approved figures are immutable in the database itself; corrections supersede and keep history."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from pingan.reporting import filling, selectors, submissions
from pingan.reporting.models import Figure, Kind, Status, Submission
from tests.reporting.conftest import MONTH, records

pytestmark = pytest.mark.django_db


def _raw(sql: str, figure_id: int) -> int:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [figure_id])
        return cursor.rowcount


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE reporting_figure SET value = 99 WHERE id = %s",
        "DELETE FROM reporting_figure WHERE id = %s",
    ],
)
def test_raw_sql_cannot_change_an_approved_figure(approved, sql):
    figure = Figure.objects.filter(submission=approved).first()
    with pytest.raises(DatabaseError, match="immutable"):
        _raw(sql, figure.pk)
    assert Figure.objects.get(pk=figure.pk).value == 1


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE reporting_figure SET value = 99 WHERE id = %s",
        "DELETE FROM reporting_figure WHERE id = %s",
    ],
)
def test_raw_sql_may_change_a_draft_figure(staff, draft, sql):
    filling.put_cells(
        actor=staff["clerk"], submission_id=draft.pk, records=records({("A1", "criminal"): 4})
    )
    figure = Figure.objects.get(submission=draft)
    assert _raw(sql, figure.pk) == 1


def test_correction_supersedes_and_the_old_version_stays_readable(staff, approved, city):
    from pingan.units.models import OrgUnit

    correction = submissions.start_correction(
        actor=staff["clerk"], body_id=approved.body_id, month=MONTH, reason="A1 miscounted"
    )
    assert (correction.number, correction.kind, correction.figures.count()) == (
        2,
        Kind.CORRECTION,
        7,
    )
    filling.put_cells(
        actor=staff["clerk"], submission_id=correction.pk, records=records({("A1", "criminal"): 3})
    )
    submissions.submit(actor=staff["clerk"], submission_id=correction.pk)
    submissions.review(actor=staff["reviewer"], submission_id=correction.pk)
    submissions.approve(actor=staff["approver"], submission_id=correction.pk)

    old = Submission.objects.get(pk=approved.pk)
    assert (old.status, old.is_current, old.superseded_at is not None) == (
        Status.APPROVED,
        False,
        True,
    )
    assert Figure.objects.get(submission=old, unit__code="A1", indicator_code="criminal").value == 1
    a1 = OrgUnit.objects.get(code="A1")
    values = selectors.approved_values(
        indicator_codes=["criminal"], unit_ids=[a1.pk], months=[MONTH]
    )
    new_figure = Figure.objects.get(submission=correction, unit=a1, indicator_code="criminal")
    assert values == {(a1.pk, "criminal", MONTH): (3, new_figure.pk)}
    history = selectors.cell_history(a1.pk, "criminal", MONTH)
    assert [(v.number, v.value, v.is_current, v.changed, v.reason) for v in history] == [
        (1, 1, False, False, ""),
        (2, 3, True, True, "A1 miscounted"),
    ]
    assert history[1].approved_by_id == staff["approver"].user.pk


def test_correction_that_changes_nothing_is_refused(staff, approved):
    correction = submissions.start_correction(
        actor=staff["clerk"], body_id=approved.body_id, month=MONTH, reason="recheck"
    )
    from pingan.core.problems import InputRefused

    with pytest.raises(InputRefused, match="changes no cell"):
        submissions.submit(actor=staff["clerk"], submission_id=correction.pk)


def test_approved_values_leaves_missing_cells_out(staff, approved, city):
    from pingan.units.models import OrgUnit

    ids = dict(OrgUnit.objects.values_list("code", "pk"))
    values = selectors.approved_values(
        indicator_codes=["criminal", "public_security"],
        unit_ids=[ids["A1"], ids["A3"], ids["B1"], ids["C1"]],
        months=[MONTH, "2026-08"],
    )
    assert sorted((k[0], k[1], k[2], v[0]) for k, v in values.items()) == sorted(
        [
            (ids["A1"], "criminal", MONTH, 1),
            (ids["A1"], "public_security", MONTH, 1),
            (ids["C1"], "criminal", MONTH, 1),
        ]
    )


def test_approved_values_of_one_body_read_only_its_submissions_and_years(staff, approved, city):
    from django.test.utils import CaptureQueriesContext

    from pingan.units.models import OrgUnit

    ids = dict(OrgUnit.objects.values_list("code", "pk"))
    body_id = approved.body_id
    asked = {
        "indicator_codes": ["criminal", "public_security"],
        "unit_ids": [ids["A1"], ids["A3"], ids["B1"], ids["C1"]],
        "months": [MONTH, "2026-08"],
    }
    everyone = selectors.approved_values(**asked)
    with CaptureQueriesContext(connection) as queries:
        own = selectors.approved_values(body_id=body_id, **asked)
    assert own == everyone and len(own) == 3
    assert selectors.approved_values(body_id=body_id + 1000, **asked) == {}
    figures = queries.captured_queries[1]["sql"]
    assert '"reporting_figure"."year" IN (2026)' in figures
    assert '"reporting_figure"."year" IS NULL' in figures
