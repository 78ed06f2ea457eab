"""Cell-by-cell entry: normalised text, refused text kept, one audit record per save, withdraw, comments."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from pingan.core.problems import Conflict, InputRefused
from pingan.reporting import drafts, filling, submissions
from pingan.reporting.cells import normalise, parse_value
from pingan.reporting.models import DraftEntry, Figure, Status, Step, Submission
from tests.reporting.conftest import full

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("２３", 23),
        (" 7 ", 7),
        ("1 200", 1200),
        ("１\u3000０", 10),
        ("\u3000", None),
        ("", None),
        ("0", 0),
        ("-1", "the value must be a whole number ≥ 0"),
        ("a", "the value must be a whole number ≥ 0"),
        ("３.５", "the value must be a whole number ≥ 0"),
    ],
)
def test_typed_text_is_normalised_before_checking(typed, expected):
    assert parse_value(typed) == expected


def test_normalise_folds_full_width_and_drops_spaces():
    assert normalise(" １２ ３\u3000") == "123"


def _save(actor, draft, cells):
    return drafts.save_draft_cells(actor=actor, submission_id=draft.pk, entries=cells)


def _values(draft):
    return {
        (u, c): v
        for u, c, v in Figure.objects.filter(submission=draft).values_list(
            "unit__code", "indicator_code", "value"
        )
    }


def _kept(draft):
    return {
        (u, c): t
        for u, c, t in DraftEntry.objects.filter(submission=draft).values_list(
            "unit__code", "indicator_code", "text"
        )
    }


def test_a_refused_cell_keeps_its_text_and_the_others_save(staff, draft):
    saved = _save(
        staff["clerk"],
        draft,
        [("A1", "criminal", "２"), ("A2", "criminal", "x"), ("A4", "criminal", "-1")],
    )
    assert [(c.unit, c.status, c.text, c.reason) for c in saved.cells] == [
        ("A1", "saved", "2", ""),
        ("A2", "refused", "x", "the value must be a whole number ≥ 0"),
        ("A4", "refused", "-1", "the value must be a whole number ≥ 0"),
    ]
    assert (
        saved.cells[1].message
        == "乙区 · Criminal cases: “x” refused, the value must be a whole number ≥ 0"
    )
    assert saved.counts.as_dict() == {"expected": 7, "filled": 1, "refused": 2, "missing": 4}
    assert _values(draft) == {("A1", "criminal"): 2}
    assert _kept(draft) == {("A2", "criminal"): "x", ("A4", "criminal"): "-1"}


def test_a_refused_text_replaces_the_figure_and_a_valid_value_replaces_the_text(staff, draft):
    _save(staff["clerk"], draft, [("A1", "criminal", "5")])
    _save(staff["clerk"], draft, [("A1", "criminal", "5a")])
    assert (_values(draft), _kept(draft)) == ({}, {("A1", "criminal"): "5a"})
    _save(staff["clerk"], draft, [("A1", "criminal", "51")])
    assert (_values(draft), _kept(draft)) == ({("A1", "criminal"): 51}, {})
    _save(staff["clerk"], draft, [("A1", "criminal", "")])
    assert (_values(draft), _kept(draft)) == ({}, {})


def test_an_upload_that_writes_a_cell_drops_its_refused_text(staff, draft):
    _save(staff["clerk"], draft, [("A1", "criminal", "x"), ("A2", "criminal", "y")])
    filling.put_cells(
        actor=staff["clerk"],
        submission_id=draft.pk,
        records=[(1, "A1", "criminal", draft.month, "4")],
    )
    assert (_values(draft), _kept(draft)) == ({("A1", "criminal"): 4}, {("A2", "criminal"): "y"})


def test_a_cell_outside_the_form_refuses_the_whole_save(staff, draft):
    with pytest.raises(InputRefused) as refused:
        _save(staff["clerk"], draft, [("A1", "criminal", "1"), ("B1", "criminal", "1")])
    assert [p.reason for p in refused.value.problems] == ["B1/criminal is not a cell of this form"]
    assert (_values(draft), _kept(draft)) == ({}, {})


def test_one_audit_record_per_save(staff, draft):
    from pingan.audit.models import AuditRecord

    before = AuditRecord.objects.count()
    _save(
        staff["clerk"],
        draft,
        [("A1", "criminal", "1"), ("A2", "criminal", "2"), ("C1", "criminal", "z")],
    )
    records = list(AuditRecord.objects.order_by("pk")[before:])
    assert [r.event for r in records] == ["reporting.submission.save_cells"]
    detail = records[0].detail
    assert (detail["created"], detail["refused"], detail["channel"]) == (2, 1, "grid")


def test_submit_names_refused_and_missing_cells_and_zeros_leave_refused_text(staff, draft):
    _save(staff["clerk"], draft, [("A1", "criminal", "1"), ("A2", "criminal", "abc")])
    filling.fill_zeros(actor=staff["clerk"], submission_id=draft.pk)
    assert _kept(draft) == {("A2", "criminal"): "abc"}
    assert len(_values(draft)) == 6
    with pytest.raises(InputRefused) as refused:
        submissions.submit(actor=staff["clerk"], submission_id=draft.pk)
    assert [p.reason for p in refused.value.problems] == [
        "乙区 · Criminal cases: “abc” is not a whole number ≥ 0"
    ]


def test_saving_a_submitted_batch_is_a_conflict(staff, draft):
    filling.put_cells(actor=staff["clerk"], submission_id=draft.pk, records=full(1))
    submissions.submit(actor=staff["clerk"], submission_id=draft.pk)
    with pytest.raises(Conflict):
        _save(staff["clerk"], draft, [("A1", "criminal", "2")])


def test_withdraw_until_review_starts(staff, draft):
    filling.put_cells(actor=staff["clerk"], submission_id=draft.pk, records=full(1))
    submissions.submit(actor=staff["clerk"], submission_id=draft.pk)
    back = submissions.withdraw(
        actor=staff["clerk"], submission_id=draft.pk, reason="one more look"
    )
    assert (back.status, back.submitted_at, back.returned_reason) == (Status.DRAFT, None, "")
    steps = list(back.events.values_list("step", "from_status", "to_status", "reason"))
    assert steps[-1] == (Step.WITHDRAW, "submitted", "draft", "one more look")
    submissions.submit(actor=staff["clerk"], submission_id=draft.pk)
    submissions.review(actor=staff["reviewer"], submission_id=draft.pk)
    with pytest.raises(Conflict):
        submissions.withdraw(actor=staff["clerk"], submission_id=draft.pk)
    assert Submission.objects.get(pk=draft.pk).status == Status.REVIEWED
    with pytest.raises(Exception) as refused:
        submissions.withdraw(actor=staff["reviewer"], submission_id=draft.pk)
    assert type(refused.value).__name__ == "PermissionDenied"


def test_return_needs_a_comment_and_the_comment_is_in_the_history(staff, draft):
    filling.put_cells(actor=staff["clerk"], submission_id=draft.pk, records=full(1))
    submissions.submit(actor=staff["clerk"], submission_id=draft.pk)
    with pytest.raises(InputRefused):
        submissions.return_submission(actor=staff["reviewer"], submission_id=draft.pk, reason="  ")
    submissions.return_submission(
        actor=staff["reviewer"], submission_id=draft.pk, reason="治安 84 against 168?"
    )
    client = Client()
    client.force_login(staff["clerk"].user)
    page = client.get(reverse("reporting:submission", args=[draft.pk]))
    history = page.content.decode().split('data-testid="history"')[1]
    assert "治安 84 against 168?" in history
    assert "Returned" in history


def _json_client(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def _csrf(client, path):
    page = client.get(path).content.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def test_json_endpoint_saves_cells_and_needs_the_csrf_token(staff, draft):
    client = _json_client(staff["clerk"].user)
    url = reverse("reporting:save_cells_json", args=[draft.pk])
    body = json.dumps(
        {
            "cells": [
                {"unit": "A1", "indicator": "criminal", "value": "８"},
                {"unit": "C1", "indicator": "criminal", "value": "q"},
            ]
        }
    )
    assert client.post(url, body, content_type="application/json").status_code == 403
    token = _csrf(client, reverse("reporting:submission", args=[draft.pk]))
    response = client.post(url, body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200
    data = response.json()
    assert [(c["unit"], c["status"], c["text"]) for c in data["cells"]] == [
        ("A1", "saved", "8"),
        ("C1", "refused", "q"),
    ]
    assert data["counts"] == {"expected": 7, "filled": 1, "refused": 1, "missing": 5}
    bad = client.post(url, "[1]", content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert (bad.status_code, bad.json()) == (
        400,
        {"problems": ["The request is not a list of cells."]},
    )
    page = client.get(reverse("reporting:submission", args=[draft.pk])).content.decode()
    assert 'name="v:C1:criminal" value="q"' in page
    assert 'name="v:A1:criminal" value="8"' in page


def test_json_endpoint_refuses_other_bodies_and_submitted_batches(staff, draft):
    other = _json_client(staff["other_clerk"].user)
    url = reverse("reporting:save_cells_json", args=[draft.pk])
    body = json.dumps({"cells": [{"unit": "A1", "indicator": "criminal", "value": "1"}]})
    other_token = _csrf(other, reverse("reporting:my_submissions"))
    assert (
        other.post(
            url, body, content_type="application/json", HTTP_X_CSRFTOKEN=other_token
        ).status_code
        == 403
    )
    filling.put_cells(actor=staff["clerk"], submission_id=draft.pk, records=full(1))
    submissions.submit(actor=staff["clerk"], submission_id=draft.pk)
    clerk = _json_client(staff["clerk"].user)
    token = _csrf(clerk, reverse("reporting:submission", args=[draft.pk]))
    conflict = clerk.post(url, body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert conflict.status_code == 409


def test_the_template_has_names_beside_codes_validation_and_instructions(staff, draft):
    import io

    from openpyxl import load_workbook

    from pingan.reporting.workbook import template_bytes

    workbook = load_workbook(io.BytesIO(template_bytes(draft, "en")))
    assert workbook.sheetnames == ["figures", "Instructions", "meta"]
    sheet = workbook["figures"]
    assert [c.value for c in sheet[2]] == ["unit_code", "unit", "criminal", "public_security"]
    assert [c.value for c in sheet[3]] == [
        "Unit code",
        "Unit name",
        "Criminal cases",
        "Public-security (administrative) cases",
    ]
    (validation,) = sheet.data_validations.dataValidation
    assert (validation.type, validation.operator, validation.formula1) == (
        "whole",
        "greaterThanOrEqual",
        "0",
    )
    # the seven cells of the form (C1 has no public-security cell)
    assert sorted(str(validation.sqref).split()) == ["C4", "C5", "C6", "C7", "D4", "D5", "D6"]
    assert workbook["Instructions"]["A1"].value == "How to fill this template"
    assert workbook["Instructions"]["A8"].value == "Month: 2026-09"
