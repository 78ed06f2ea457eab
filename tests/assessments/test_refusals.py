"""Bad input is refused with a clear message naming the place, and nothing is written."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest

from pingan.assessments import uploads
from pingan.assessments.actions import analysis, register, workflow
from pingan.assessments.models import Assessment, Attachment, Risk
from pingan.audit.models import AuditRecord
from pingan.core.problems import InputRefused
from tests.assessments.conftest import all_findings, analysed, registered

pytestmark = pytest.mark.django_db


def refusal(call, **kwargs):
    with pytest.raises(InputRefused) as caught:
        call(**kwargs)
    return [(p.column, p.reason) for p in caught.value.problems]


def nothing_written():
    return (
        Assessment.objects.count(),
        Attachment.objects.count(),
        AuditRecord.objects.filter(event__startswith="assessments.").count(),
    )


def test_unknown_category_and_units(people):
    found = refusal(registered, people=people, category="bridge", implementing_unit="XX9")
    assert found == [
        ("category", "unknown category bridge"),
        ("implementing_unit", "unknown unit XX9"),
    ]
    assert nothing_written() == (0, 0, 0)


def test_the_assessing_department_must_stand_above_the_implementing_body(people):
    found = refusal(registered, people=people, assessing_unit="BZ02")
    assert found == [
        (
            "assessing_unit",
            "the assessing department must be a competent department above the implementing body",
        )
    ]
    found = refusal(registered, people=people, proposing_unit="BZ", assessing_unit="BZ")
    assert ("assessing_unit", "the proposing body may not assess its own decision") in found
    assert nothing_written() == (0, 0, 0)


def test_a_missing_dimension_is_named(people):
    assessment = analysed(people)
    findings = all_findings()
    del findings["acceptance"]
    findings["beauty"] = ("?", "satisfied")
    before = AuditRecord.objects.count()
    found = refusal(
        analysis.save_findings,
        actor=people["assessor"],
        assessment_id=assessment.pk,
        findings=findings,
    )
    assert found == [
        ("beauty", "unknown dimension"),
        ("acceptance", "the findings on Social acceptance are missing"),
    ]
    assert AuditRecord.objects.count() == before


@pytest.mark.parametrize("likelihood", [0, 6])
def test_likelihood_outside_one_to_five(people, likelihood):
    assessment = analysed(people)
    found = refusal(
        analysis.add_risk, actor=people["assessor"], assessment_id=assessment.pk, description="风险",
        likelihood=likelihood, impact=3, residual_likelihood=2, residual_impact=2,
    )  # fmt: skip
    assert found == [
        ("likelihood", "a whole number from 1 to 5 is required (%d given)" % likelihood)
    ]
    assert Risk.objects.count() == 1


def test_an_oversized_attachment(people, settings):
    settings.PINGAN_MAX_UPLOAD_MB = 1
    big = uploads.Upload("方案.pdf", b"%PDF-1.7\n" + b"0" * (1024 * 1024 + 1))
    found = refusal(registered, people=people, uploads_offered=[big])
    assert found == [("方案.pdf", "the file is 1.0 MB, more than the limit of 1 MB")]
    assert nothing_written() == (0, 0, 0)


@pytest.mark.parametrize(
    "name, data",
    [
        ("方案.pdf", b"MZ\x90\x00" + b"\x00" * 60),
        ("说明.docx", b"\x7fELF\x02\x01\x01" + b"\x00" * 60),
        ("run.pdf", b"#!/bin/sh\nrm -rf /\n"),
    ],
)
def test_an_executable_is_refused_whatever_its_name(people, name, data):
    before = set(uploads.folder().iterdir()) if uploads.folder().exists() else set()
    found = refusal(registered, people=people, uploads_offered=[uploads.Upload(name, data)])
    assert found == [(name, "programs and scripts are refused, whatever their name")]
    assert nothing_written() == (0, 0, 0)
    assert (set(uploads.folder().iterdir()) if uploads.folder().exists() else set()) == before


def test_an_office_file_hiding_a_program(people):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/embeddings/setup.exe", b"MZ")
    found = refusal(
        registered, people=people, uploads_offered=[uploads.Upload("方案.docx", buffer.getvalue())]
    )
    assert found == [("方案.docx", "programs and scripts are refused, whatever their name")]


def test_a_pdf_named_as_a_picture(people):
    found = refusal(
        registered, people=people, uploads_offered=[uploads.Upload("photo.png", b"%PDF-1.4\n")]
    )
    assert found == [("photo.png", "the file name's extension does not match its content")]


def test_an_accepted_attachment_is_stored_under_pingan_home(people, settings):
    assessment = registered(
        people, uploads_offered=[uploads.Upload("方案.pdf", b"%PDF-1.4\nhello")]
    )
    attachment = assessment.attachments.get()
    path = uploads.folder() / attachment.stored_name
    assert str(path).startswith(str(settings.PINGAN_HOME))
    assert (attachment.content_type, attachment.size, path.read_bytes()) == (
        "application/pdf",
        14,
        b"%PDF-1.4\nhello",
    )
    assert path.stat().st_mode & 0o777 == 0o600


def test_a_conclusion_against_the_rule_needs_a_reason(people):
    assessment = analysed(people)
    found = refusal(
        workflow.submit_report,
        actor=people["assessor"],
        assessment_id=assessment.pk,
        proposed="implement",
    )
    assert found == [
        (
            "override_reason",
            "the rule recommends “postpone”; proposing “implement” needs a written reason of at least 10 characters",
        )
    ]
    stored = Assessment.objects.get(pk=assessment.pk)
    assert (stored.status, stored.proposed, stored.report_by_id) == ("analysis", "", None)


def test_a_survey_whose_counts_do_not_add_up(people):
    assessment = analysed(people)
    found = refusal(
        analysis.add_consultation, actor=people["assessor"], assessment_id=assessment.pk, kind="survey",
        held_on=dt.date(2026, 11, 1), method="问卷", participants=100, support=50, neutral=10, oppose=10,
    )  # fmt: skip
    assert found == [
        ("participants", "support, neutral and oppose (70) must add up to the sample size (100)")
    ]


def test_personal_data_in_a_consultation(people):
    assessment = analysed(people)
    found = refusal(
        analysis.add_consultation, actor=people["assessor"], assessment_id=assessment.pk, kind="hearing",
        held_on=dt.date(2026, 11, 1), participants=12, summary="张某（13812345678）反对",
    )  # fmt: skip
    assert found == [
        ("summary", "a phone or identity number was found; record opinions in aggregate only")
    ]


def test_report_without_all_dimensions(people):
    assessment = registered(people)
    analysis.start_analysis(actor=people["assessor"], assessment_id=assessment.pk)
    found = refusal(workflow.submit_report, actor=people["assessor"], assessment_id=assessment.pk)
    assert [column for column, _reason in found] == [
        "legality",
        "rationality",
        "feasibility",
        "controllability",
        "acceptance",
    ]


def test_register_with_nothing(people):
    found = refusal(
        register.register, actor=people["clerk"], title="", category="", proposing_unit="",
        implementing_unit="", assessing_unit="", affected_units=[], expected_on=None,
    )  # fmt: skip
    assert [c for c, _r in found] == [
        "title",
        "category",
        "proposing_unit",
        "implementing_unit",
        "assessing_unit",
        "affected_units",
        "expected_on",
    ]
