"""After the conclusion the assessment and every row of it are immutable, whatever SQL is sent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction

from pingan.assessments.actions import workflow
from pingan.assessments.models import Assessment
from tests.assessments.conftest import analysed, concluded

pytestmark = pytest.mark.django_db


def raw(sql: str, *params: object) -> int:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.rowcount


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE assessments_assessment SET conclusion = 'implement' WHERE id = %s",
        "UPDATE assessments_assessment SET concluded = FALSE WHERE id = %s",
        "DELETE FROM assessments_assessment WHERE id = %s",
        "UPDATE assessments_risk SET residual_level = 'low' WHERE assessment_id = %s",
        "DELETE FROM assessments_risk WHERE assessment_id = %s",
        "UPDATE assessments_finding SET rating = 'satisfied' WHERE assessment_id = %s",
        "DELETE FROM assessments_finding WHERE assessment_id = %s",
        "UPDATE assessments_measure SET due_on = '2030-01-01' WHERE assessment_id = %s",
        "DELETE FROM assessments_consultation WHERE assessment_id = %s",
        "DELETE FROM assessments_affectedunit WHERE assessment_id = %s",
    ],
)
def test_raw_sql_cannot_change_a_concluded_assessment(people, sql):
    done = concluded(people)
    with pytest.raises(DatabaseError, match=r"immutable|locked"):
        raw(sql, done.pk)
    again = Assessment.objects.get(pk=done.pk)
    assert (again.conclusion, again.concluded, again.report_sha256) == (
        "postpone",
        True,
        done.report_sha256,
    )
    assert (again.risks.count(), again.findings.count(), again.consultations.count()) == (1, 5, 1)


def test_no_row_can_be_added_to_a_concluded_assessment(people):
    done = concluded(people)
    with pytest.raises(DatabaseError, match="locked"):
        raw(
            "INSERT INTO assessments_risk (assessment_id, description, likelihood, impact, level, "
            "residual_likelihood, residual_impact, residual_level) VALUES (%s, 'x', 1, 1, 'low', 1, 1, 'low')",
            done.pk,
        )


def test_completions_are_append_only(people):
    done = concluded(people)
    measure = done.measures.get()
    completion = workflow.complete_measure(
        actor=people["assessor"], measure_id=measure.pk, done_on=dt.date(2026, 11, 1)
    )
    with pytest.raises(DatabaseError, match="immutable"):
        raw("UPDATE assessments_completion SET done_on = '2020-01-01' WHERE id = %s", completion.pk)


def test_a_draft_under_analysis_may_change(people):
    open_ = analysed(people)
    assert (
        raw("UPDATE assessments_risk SET description = 'x' WHERE assessment_id = %s", open_.pk) == 1
    )
    assert raw("UPDATE assessments_assessment SET title = 'x' WHERE id = %s", open_.pk) == 1
