"""Explanations are stored one row per result, kept for current runs only, and migrate both ways."""

from __future__ import annotations

import dataclasses

import pytest
from django.core.management import call_command
from django.db import connection

from pingan.scores.cells import explanation_cells, pack_rows, unpack
from pingan.scores.models import Explanation, ScoreChange, ScoreRun
from pingan.scores.services import compute_period
from tests.scores.test_compute import approved  # noqa: F401 - the fixture


def test_packing_rows_gives_them_back_in_order():
    rows = [
        ("criminal", "2026-04", 3, 0.06, 11, "", None),
        ("criminal", "2026-05", None, 0.0, None, "missing", None),
        ("criminal", "cap", None, -0.01, None, "", None),
        ("mass", "2026-05", None, 1.5, None, "imputed", 0.75),
        ("mass", "kind", None, 2.0, None, "", None),
        ("survey", "kind", None, 4.0, None, "", None),
    ]
    cells = pack_rows(rows)
    assert cells["codes"] == ["criminal", "mass"]
    assert cells["months"] == ["2026-04", "2026-05"]
    assert cells["status"] == [["", "missing"], [None, "imputed"]]
    assert cells["rest"] == [["survey", "kind", 4.0]]
    assert [dataclasses.astuple(c) for c in unpack(cells)] == rows


@pytest.mark.django_db
def test_a_new_run_drops_the_explanations_of_the_run_it_supersedes(approved, binzhou, system_actor):  # noqa: F811
    first = ScoreRun.objects.get(period="2026Q2", is_current=True)
    results = first.results.count()
    before = {r.unit_id: explanation_cells(r) for r in first.results.all()}
    assert Explanation.objects.filter(result__run=first).count() == results == 108
    binzhou.content_hash = "changed"
    binzhou.save(update_fields=["content_hash"])
    second = compute_period(actor=system_actor, period="2026Q2", reason="test")
    assert second.pk != first.pk
    assert Explanation.objects.filter(result__run=first).count() == 0
    assert Explanation.objects.filter(result__run=second).count() == results
    assert {r.unit_id: explanation_cells(r) for r in second.results.all()} == before
    assert first.results.count() == results  # the results and changes of old runs stay
    assert ScoreChange.objects.filter(run=second).count() == 0


def _deduction_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM scores_deduction")
        return int(cursor.fetchone()[0])


@pytest.mark.django_db(transaction=True)
def test_migrations_unpack_and_pack_the_current_runs_explanations(approved):  # noqa: F811
    stored = dict(Explanation.objects.values_list("result_id", "cells"))
    totals = dict(Explanation.objects.values_list("result_id", "totals"))
    rows = sum(len(unpack(cells)) for cells in stored.values())
    assert (len(stored), rows) == (216, 4670)  # 4,668 cells and two caps
    call_command("migrate", "scores", "0006", verbosity=0)
    assert _deduction_rows() == rows
    call_command("migrate", "scores", verbosity=0)
    assert dict(Explanation.objects.values_list("result_id", "cells")) == stored
    after = dict(Explanation.objects.values_list("result_id", "totals"))
    assert after.keys() == totals.keys()
    for pk, values in totals.items():
        assert after[pk] == pytest.approx(values, abs=1e-9)
