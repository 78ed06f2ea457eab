"""Completeness: a missing month is never read as zero; withhold and impute policies."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from pingan.engine import ClassResult, absolute_scores, assess, compute_class
from pingan.engine.scoring import Scheme

WEIGHTS = [1.0, 2.0]
CAPS = [np.inf, 10.0]
VETO = [False, True]
NAN = np.nan


def _quarter() -> np.ndarray:
    """Four units, two indicators, three months; unit 1 misses month 3 of indicator 0."""
    q = np.array(
        [
            [[1, 0, 2], [0, 0, 0]],
            [[0, 1, NAN], [0, 0, 0]],
            [[3, 1, 1], [0, 0, 0]],
            [[0, 0, 0], [0, 0, 0]],
        ],
        dtype=float,
    )
    return q


def _compute(q: np.ndarray, **kwargs: Any) -> ClassResult:
    units = q.shape[0]
    window = np.concatenate([np.ones((units, 2, 3)), np.nansum(q, axis=2)[:, :, None]], axis=2)
    return compute_class(
        q,
        window,
        np.full((units, 4), 100.0),
        weights=WEIGHTS,
        caps=CAPS,
        veto=VETO,
        draws=50,
        **kwargs,
    )


def test_withhold_leaves_the_incomplete_unit_out_and_ranks_the_others_among_themselves() -> None:
    result = _compute(_quarter())
    assert result.scored.tolist() == [True, False, True, True]
    assert result.completeness.complete.tolist() == [True, False, True, True]
    assert result.absolute.score.tolist() == [97.0, 95.0, 100.0]
    assert result.ranks.rank.tolist() == [2, 3, 1]
    assert result.funnel.observed.tolist() == [3.0, 5.0, 0.0]
    assert result.completeness.missing[1].tolist() == [[False, False, True], [False] * 3]


def test_complete_units_keep_the_score_they_have_alone() -> None:
    q = _quarter()
    scheme = Scheme.of(WEIGHTS, CAPS, VETO)
    alone = absolute_scores(q[[0, 2, 3]], scheme).score
    assert _compute(q).absolute.score.tolist() == alone.tolist()
    assert _compute(q, policy="impute").absolute.score[[0, 2, 3]].tolist() == alone.tolist()


def test_a_unit_reporting_nothing_is_not_scored_100() -> None:
    q = _quarter()
    q[3] = NAN
    for policy in ("withhold", "impute"):
        result = _compute(q, policy=policy)
        assert not result.scored[3]
        assert 100.0 not in result.absolute.score.tolist()


def test_a_reported_zero_is_a_figure() -> None:
    assert assess(np.zeros((1, 2, 3))).complete.tolist() == [True]
    assert assess(np.full((1, 2, 3), NAN)).complete.tolist() == [False]


def test_months_the_unit_was_not_open_are_not_expected() -> None:
    q = _quarter()
    q[1, :, 2] = NAN
    open_months = np.ones((4, 3), dtype=bool)
    open_months[1, 2] = False
    result = assess(q, open_months=open_months)
    assert result.complete.tolist() == [True] * 4
    assert result.counts[1, :, 2].tolist() == [0.0, 0.0]


def test_impute_fills_one_missing_month_with_the_units_own_mean_over_the_window() -> None:
    q = _quarter()
    history = np.concatenate([np.full((4, 2, 3), 2.0), q], axis=2)  # unit 1, ind. 0: 2,2,2,0,1
    result = _compute(q, policy="impute", history_months=history)
    comp = result.completeness
    assert comp.scored.tolist() == [True] * 4
    assert comp.complete.tolist() == [True, False, True, True]
    assert np.argwhere(comp.imputed).tolist() == [[1, 0, 2]]
    assert comp.counts[1, 0, 2] == pytest.approx(7 / 5)
    assert result.absolute.score[1] == pytest.approx(100 - (1 + 7 / 5))


def test_impute_withholds_two_missing_months_or_nothing_to_average() -> None:
    q = _quarter()
    q[1, 0, 1] = NAN
    result = assess(q, policy="impute")
    assert result.scored.tolist() == [True, False, True, True]
    assert not result.imputed.any()
    assert np.isnan(result.counts[1, 0, 1:]).all()
    q = _quarter()
    history = q.copy()
    history[1, 0, :] = NAN
    assert assess(q, policy="impute", history=history).scored.tolist() == [True, False, True, True]


def test_veto_applies_to_a_withheld_unit_from_a_reported_figure_only() -> None:
    q = _quarter()
    q[1, 1, 0] = 1.0
    result = _compute(q)
    assert result.vetoed.tolist() == [False, True, False, False]
    q = _quarter()
    q[1, 1, :] = [NAN, 0, 0]
    q[1, 0, 2] = 0
    history = np.concatenate([np.ones((4, 2, 3)), q], axis=2)
    result = _compute(q, policy="impute", history_months=history)
    assert result.completeness.imputed[1, 1, 0]
    assert result.vetoed.tolist() == [False] * 4
    assert result.tier.tolist() == ["", "", "", ""]


def test_unknown_policy_is_refused() -> None:
    with pytest.raises(ValueError):
        assess(np.zeros((1, 1, 3)), policy="zero")
