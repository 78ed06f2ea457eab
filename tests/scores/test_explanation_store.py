"""Explanations are stored one binary row per result, kept for current runs only, and migrate
both ways."""

from __future__ import annotations

import dataclasses
import json

import pytest
from django.core.management import call_command
from django.db import connection

from pingan.scores.cells import decode, encode, explanation_cells, pack_rows, totals_of, unpack
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
    totals = totals_of(unpack(cells))
    assert decode(encode(cells, totals)) == (cells, totals)
    assert list(decode(encode(cells, totals))[1]) == ["criminal", "mass", "survey"]


def test_stored_bytes_give_back_the_cells_whatever_the_totals_order():
    rows = [
        ("b", "2026-04", 3, 0.06, 11, "", None),
        ("b", "2026-05", None, -0.0, None, "closed", None),
        ("b", "kind", None, 2.0, None, "", None),
        ("a", "2026-05", 2**40, 1.5, 2**40 + 1, "imputed", 0.75),
        ("a", "cap", None, -1.25, None, "", None),
        ("b", "kind", None, 4.0, None, "", None),
    ]
    cells = pack_rows(rows)
    data = encode(cells, {"a": 0.25, "b": 6.06})
    assert decode(data) == (cells, {"b": 6.06, "a": 0.25})
    assert list(decode(data)[1]) == ["b", "a"]  # in row order
    assert [dataclasses.astuple(c) for c in unpack(decode(data)[0])] == rows
    assert str(unpack(decode(data)[0])[1].deduction) == "-0.0"
    assert list(decode(encode(cells, {"z": 1.0, "b": 2.0}))[1].items()) == [("z", 1.0), ("b", 2.0)]
    empty = pack_rows([])
    assert decode(encode(empty, {})) == (empty, {})


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


def _json_explanations() -> dict[int, tuple[object, object]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT result_id, cells, totals FROM scores_explanation")
        return {
            pk: tuple(json.loads(v) if isinstance(v, str) else v for v in (cells, totals))
            for pk, cells, totals in cursor.fetchall()
        }


@pytest.mark.django_db(transaction=True)
def test_migrations_unpack_and_pack_the_current_runs_explanations(approved):  # noqa: F811
    stored = {pk: decode(data) for pk, data in Explanation.objects.values_list("pk", "data")}
    rows = sum(len(unpack(cells)) for cells, _totals in stored.values())
    assert (len(stored), rows) == (216, 4670)  # 4,668 cells and two caps
    data = dict(Explanation.objects.values_list("pk", "data"))
    call_command("migrate", "scores", "0008", verbosity=0)
    assert _json_explanations() == stored  # the JSON documents of before
    call_command("migrate", "scores", "0006", verbosity=0)
    assert _deduction_rows() == rows
    call_command("migrate", "scores", "0008", verbosity=0)
    for pk, (cells, totals) in _json_explanations().items():
        assert cells == stored[pk][0]
        assert totals == pytest.approx(stored[pk][1], abs=1e-9)
    call_command("migrate", "scores", verbosity=0)
    after = dict(Explanation.objects.values_list("pk", "data"))
    assert after.keys() == data.keys()
    for pk, (cells, totals) in stored.items():
        assert decode(after[pk])[0] == cells
        assert decode(after[pk])[1] == pytest.approx(totals, abs=1e-9)
