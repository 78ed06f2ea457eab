"""Absolute score: hand-computed cases and properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pingan.engine import Scheme, absolute_scores, score_change, score_from_totals

from .strategies import monthly_counts, schemes

NAN = np.nan
PROPERTY = settings(max_examples=60, deadline=None)


def test_hand_computed_caps_and_veto() -> None:
    # weights 2, 0.5, 10; cap 5 on the first; the third is a veto indicator
    scheme = Scheme.of([2.0, 0.5, 10.0], [5.0, np.inf, np.inf], [False, False, True])
    counts = np.array(
        [
            [[1, 1, 2], [3, 0, 1], [0, 0, 0]],  # 2*4=8 -> cap 5; 0.5*4=2; 0 -> 93
            [[0, 1, 0], [0, 0, 0], [0, 1, 0]],  # 2; 0; 10 -> 88, vetoed
            [[NAN, 0, 0], [10, 10, 10], [0, 0, 0]],  # 0; 15; 0 -> 85, incomplete
        ]
    )
    result = absolute_scores(counts, scheme)
    assert result.score.tolist() == [93.0, 88.0, 85.0]
    assert result.deductions.tolist() == [[5.0, 2.0, 0.0], [2.0, 0.0, 10.0], [0.0, 15.0, 0.0]]
    assert result.complete.tolist() == [True, True, False]
    assert result.vetoed.tolist() == [False, True, False]
    assert result.totals[2].tolist() == [0.0, 30.0, 0.0]
    # months 1..m: unit 0 deducts 2+1.5, then 4+1.5, then 5 (cap)+2
    assert result.quarter_to_date[0].tolist() == [96.5, 94.5, 93.0]
    assert result.quarter_to_date[1].tolist() == [100.0, 88.0, 88.0]
    assert result.missing[2, 0].tolist() == [True, False, False]


def test_zero_is_not_missing() -> None:
    scheme = Scheme.of([1.0], [np.inf], [False])
    result = absolute_scores(np.array([[[0.0, 0.0, 0.0]], [[0.0, NAN, 0.0]]]), scheme)
    assert result.score.tolist() == [100.0, 100.0]
    assert result.complete.tolist() == [True, False]


def test_score_floors_at_zero_and_rounds_ties() -> None:
    scheme = Scheme.of([60.0, 0.1, 0.3], [np.inf, np.inf, np.inf], [False] * 3)
    totals = np.array([[2.0, 0.0, 0.0], [0.0, 3.0, 0.0], [0.0, 0.0, 1.0]])
    scores = score_from_totals(totals, scheme)
    assert scores[0] == 0.0
    assert scores[1] == scores[2] == pytest.approx(99.7, abs=1e-12)


def test_score_change_is_nan_safe() -> None:
    change = score_change([90.0, NAN, 80.0], [85.0, 70.0, NAN])
    assert change[0] == 5.0
    assert np.isnan(change[1:]).all()


def test_rejects_bad_shapes_and_values() -> None:
    scheme = Scheme.of([1.0, 2.0], [np.inf, 3.0], [False, False])
    with pytest.raises(ValueError):
        absolute_scores(np.zeros((2, 3, 3)), scheme)
    with pytest.raises(ValueError):
        absolute_scores(-np.ones((2, 2, 3)), scheme)
    with pytest.raises(ValueError):
        Scheme.of([1.0, -1.0], [1.0, 1.0], [False, False])


@st.composite
def cases(draw: st.DrawFn) -> tuple[np.ndarray, Scheme]:
    counts = draw(monthly_counts())
    return counts, draw(schemes(counts.shape[1]))


@PROPERTY
@given(cases())
def test_scores_within_zero_and_base(case: tuple[np.ndarray, Scheme]) -> None:
    counts, scheme = case
    result = absolute_scores(counts, scheme)
    assert ((result.score >= 0) & (result.score <= scheme.base)).all()
    assert ((result.quarter_to_date >= 0) & (result.quarter_to_date <= scheme.base)).all()
    assert result.quarter_to_date[:, -1] == pytest.approx(result.score, abs=1e-9)


@PROPERTY
@given(cases(), st.data())
def test_adding_an_incident_never_raises_any_score(
    case: tuple[np.ndarray, Scheme], data: st.DataObject
) -> None:
    counts, scheme = case
    u = data.draw(st.integers(0, counts.shape[0] - 1))
    c = data.draw(st.integers(0, counts.shape[1] - 1))
    m = data.draw(st.integers(0, 2))
    more = counts.copy()
    more[u, c, m] = np.nan_to_num(more[u, c, m]) + 1
    before = absolute_scores(counts, scheme).score
    after = absolute_scores(more, scheme).score
    assert (after <= before).all()


@PROPERTY
@given(cases(), st.randoms(use_true_random=False))
def test_permuting_units_permutes_results(case: tuple[np.ndarray, Scheme], rnd) -> None:
    counts, scheme = case
    order = list(range(counts.shape[0]))
    rnd.shuffle(order)
    base = absolute_scores(counts, scheme)
    permuted = absolute_scores(counts[order], scheme)
    assert permuted.score.tolist() == base.score[order].tolist()
    assert permuted.complete.tolist() == base.complete[order].tolist()
    assert permuted.vetoed.tolist() == base.vetoed[order].tolist()
    assert np.array_equal(permuted.quarter_to_date, base.quarter_to_date[order])
