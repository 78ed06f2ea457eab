"""Fixtures of the assessments tests: the people of each side and a file at each stage."""

from __future__ import annotations

import datetime as dt

import pytest

from pingan.assessments.actions import analysis, register, workflow
from pingan.assessments.models import Dimension

EXPECTED = dt.date(2027, 3, 1)


@pytest.fixture
def people(demo_units, make_user, actor_of):
    """Clerk of 滨城区 (BZ01), assessor and head of the city (BZ), a second head, an analyst, a leader."""
    return {
        "clerk": actor_of(make_user("proposer", unit="BZ01", username="clerk")),
        "assessor": actor_of(make_user("assessor", unit="BZ", username="assessor")),
        "head": actor_of(make_user("department_head", unit="BZ", username="head")),
        "analyst": actor_of(make_user("analyst", username="analyst")),
        "leader": actor_of(make_user("leader", username="leader")),
    }


def registered(people, **changes):
    """Register the relocation project of 滨城区's first township, assessed by the city."""
    fields = {
        "title": "旧城片区改造项目",
        "category": "project",
        "proposing_unit": "BZ01",
        "implementing_unit": "BZ0101",
        "assessing_unit": "BZ",
        "affected_units": ["BZ0101", "BZ0102"],
        "expected_on": EXPECTED,
    }
    fields.update(changes)
    return register.register(actor=people["clerk"], **fields)


def all_findings(legality: str = "satisfied") -> dict[str, tuple[str, str]]:
    """Findings on the five dimensions, legality rated as given."""
    findings = dict.fromkeys(Dimension.values, ("符合有关规定。", "satisfied"))
    findings["legality"] = ("依据充分。", legality)
    return findings


def analysed(people, *, residual=(4, 3)):
    """A registered file under analysis with findings, one risk (residual high) and one measure."""
    assessment = registered(people)
    analysis.start_analysis(actor=people["assessor"], assessment_id=assessment.pk)
    analysis.save_findings(
        actor=people["assessor"], assessment_id=assessment.pk, findings=all_findings()
    )
    risk = analysis.add_risk(
        actor=people["assessor"], assessment_id=assessment.pk, description="补偿标准争议引发集体上访",
        likelihood=4, impact=4, residual_likelihood=residual[0], residual_impact=residual[1],
    )  # fmt: skip
    analysis.add_measure(
        actor=people["assessor"], assessment_id=assessment.pk, risk_id=risk.pk,
        description="公开补偿方案并逐户听取意见", owner_unit="BZ0101", due_on=dt.date(2026, 12, 15),
    )  # fmt: skip
    analysis.add_consultation(
        actor=people["assessor"], assessment_id=assessment.pk, kind="survey",
        held_on=dt.date(2026, 11, 20), method="入户问卷", participants=200, support=150,
        neutral=30, oppose=20,
    )  # fmt: skip
    return assessment


def concluded(people, **kwargs):
    """An analysed file reported and approved (the rule recommends postpone)."""
    assessment = analysed(people, **kwargs)
    workflow.submit_report(actor=people["assessor"], assessment_id=assessment.pk)
    return workflow.approve(
        actor=people["head"], assessment_id=assessment.pk, review_due=dt.date(2027, 6, 30)
    )
