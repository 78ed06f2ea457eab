"""Scoring reads approved figures from packs: the same arrays as the figures, a pack per version."""

from __future__ import annotations

import numpy as np
import pytest

from pingan.cli import main
from pingan.reporting.arrays import approved_arrays
from pingan.reporting.models import Submission
from pingan.scores.models import FigurePack
from pingan.scores.packs import window_arrays
from pingan.units.models import OrgUnit
from tests.scores.test_compute import MONTHS, approved, write_figures  # noqa: F401 - the fixture


def _arrays(codes, unit_ids):
    return window_arrays(
        indicator_codes=codes, unit_ids=unit_ids, months=MONTHS, figure_months=MONTHS[3:]
    )


def _expected(codes, unit_ids):
    values, ids = approved_arrays(indicator_codes=codes, unit_ids=unit_ids, months=MONTHS)
    ids[:, :, :3] = 0
    return values, ids


@pytest.mark.django_db
def test_packed_arrays_equal_the_figures_whether_packed_now_or_before(approved):  # noqa: F811
    codes = [*sorted({row[1] for row in approved})[::-1], "not_an_indicator"]
    unit_ids = list(OrgUnit.objects.order_by("-code").values_list("pk", flat=True))[:40]
    unit_ids.append(max(unit_ids) + 1000)  # a unit with no figures
    FigurePack.objects.all().delete()
    expected_values, expected_ids = _expected(codes, unit_ids)
    for _read in ("packed now", "read from the packs"):
        values, ids = _arrays(codes, unit_ids)
        np.testing.assert_array_equal(values, expected_values)
        np.testing.assert_array_equal(ids, expected_ids)
        current = Submission.objects.filter(is_current=True).count()
        assert FigurePack.objects.count() == current == 60
    assert int(np.isnan(values[:, -1, :]).sum()) == 41 * 6  # the unknown code
    assert int(np.isnan(values[-1]).sum()) == len(codes) * 6  # the unit with no figures
    assert int((ids[:, :, 3:] > 0).sum()) == int((~np.isnan(values[:, :, 3:])).sum())


@pytest.mark.django_db
def test_a_correction_is_packed_apart_and_the_superseded_pack_dropped(approved, tmp_path):  # noqa: F811
    codes = sorted({row[1] for row in approved})
    unit_ids = list(OrgUnit.objects.order_by("code").values_list("pk", flat=True))
    _arrays(codes, unit_ids)
    row = next(r for r in approved if r[2] == "2026-05" and r[1] == "mass_incident")
    corrected = [r if r is not row else (*r[:3], r[3] + 2) for r in approved if r[2] == "2026-05"]
    path = write_figures(tmp_path / "c.csv", corrected)
    assert main(["figures", "import", str(path), "--approve", "--reason", "correction"]) == 0
    superseded = set(Submission.objects.filter(is_current=False).values_list("pk", flat=True))
    assert superseded
    values, ids = _arrays(codes, unit_ids)
    expected_values, expected_ids = _expected(codes, unit_ids)
    np.testing.assert_array_equal(values, expected_values)
    np.testing.assert_array_equal(ids, expected_ids)
    i, j = unit_ids.index(OrgUnit.objects.get(code=row[0]).pk), codes.index(row[1])
    assert values[i, j, 4] == row[3] + 2
    assert not FigurePack.objects.filter(submission_id__in=superseded).exists()
    assert FigurePack.objects.count() == Submission.objects.filter(is_current=True).count()


@pytest.mark.django_db
def test_packs_holding_every_wanted_unit_in_order_are_copied_through_views(approved):  # noqa: F811
    codes = sorted({row[1] for row in approved})
    unit_ids = list(OrgUnit.objects.order_by("pk").values_list("pk", flat=True))
    FigurePack.objects.all().delete()
    expected_values, expected_ids = _expected(codes, unit_ids)
    values, ids = _arrays(codes, unit_ids)
    np.testing.assert_array_equal(values, expected_values)
    np.testing.assert_array_equal(ids, expected_ids)
    assert int((~np.isnan(values)).sum()) == len(approved)
