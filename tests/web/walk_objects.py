"""The objects of the names-not-codes walk that pages need by id, made with the apps' own actions.

An assessment concluded with its stored report and a document, an issued bulletin and the next
draft of the quarter, the published star list of 2026Q2, a warning and a problem report.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from pingan.assessments import uploads
from pingan.assessments.actions import register, workflow
from pingan.bulletins import services
from pingan.core.access.actor import job_actor
from pingan.scores.stars import publish_stars
from pingan.units.models import OrgUnit
from pingan.warnings.actions.problems import open_problem
from pingan.warnings.actions.raising import Signal, raise_signal
from tests.assessments.conftest import analysed

QUARTER = "2026Q2"
# A small PNG as a person uploads it (an assessment's document, a matter's photo).
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 100


def assessment_people(make_user, actor_of) -> dict:
    """The people of an assessment's two sides, named apart from the walk's own users."""
    made = {
        "clerk": ("proposer", "BZ01"),
        "assessor": ("assessor", "BZ"),
        "head": ("department_head", "BZ"),
    }
    return {
        name: actor_of(make_user(role, unit=unit, username="walk-" + name))
        for name, (role, unit) in made.items()
    }


def walk_objects(make_user, actor_of) -> dict:
    """Make every object the walk's pages need; the ids and the uploaded files by name."""
    people = assessment_people(make_user, actor_of)
    assessment = analysed(people)
    document = register.attach(
        actor=people["clerk"],
        assessment_id=assessment.pk,
        uploads_offered=[uploads.Upload("现场照片.png", PNG)],
    )[0]
    workflow.submit_report(actor=people["assessor"], assessment_id=assessment.pk)
    assessment = workflow.approve(
        actor=people["head"], assessment_id=assessment.pk, review_due=dt.date(2027, 6, 30)
    )
    analyst = actor_of(make_user("analyst", username="walk-analyst"))
    head = actor_of(make_user("office_head", username="walk-office-head"))
    first = services.create_draft(actor=analyst, period=QUARTER)
    services.edit_text(
        actor=analyst, bulletin_id=first.pk, analysis="本季度全市总体平稳。",
        requirements="各单位对照排名查找短板。", attachments="",
    )  # fmt: skip
    issued = services.issue(actor=head, bulletin_id=first.pk)
    draft = services.create_draft(actor=analyst, period=QUARTER)
    publish_stars(actor=head, period=QUARTER)
    warning = raise_warning()
    problem = open_problem(
        actor=analyst, kind="mass", title="某小区业主集体维权",
        responsible_unit_id=OrgUnit.objects.get(code="BZ01").pk, leading_office="区信访局",
        deadline=dt.date(2026, 12, 31), people_involved=120,
    )  # fmt: skip
    return {
        "assessment": assessment,
        "document": document,
        "bulletins": [issued.pk, draft.pk],
        "warning": warning,
        "problem": problem,
    }


def raise_warning():
    """A yellow warning on 滨城区's mass incidents of 2026-09, raised as the system's job does."""
    signal = Signal(
        source="figures", unit_id=OrgUnit.objects.get(code="BZ01").pk,
        series_key="mass_incident", period="2026-09", level="yellow", observed=5.0,
        expected=1.0, threshold=3.0, detector="ears_c2", alpha=0.01,
    )  # fmt: skip
    when = timezone.make_aware(dt.datetime(2026, 10, 6, 10))
    return raise_signal(actor=job_actor("warnings"), signal=signal, now=when)[0]
