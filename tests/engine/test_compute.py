"""compute_class: one class, one quarter, all figures consistent with the parts."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from pingan.engine import (
    ClassResult,
    Scheme,
    absolute_scores,
    competition_ranks,
    compute_class,
    relative_scores,
    stars,
    tiers,
)

WEIGHTS = np.array([0.5, 1.0, 5.0])
CAPS = np.array([4.0, np.inf, np.inf])
VETO = np.array([False, False, True])


def _class(seed: int = 2, *, missing: bool = True) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    units, periods = 12, 6
    exposure = rng.uniform(10.0, 60.0, size=(units, periods))
    covariates = rng.normal(size=(units, 1))
    rate = np.array([0.2, 0.05, 0.002])[None, :, None]
    window = rng.poisson(exposure[:, None, :] * rate).astype(float)
    quarter = rng.poisson(exposure[:, None, -1:] * rate / 3, size=(units, 3, 3)).astype(float)
    if missing:
        quarter[0, 1, 2] = np.nan
    return {"quarter": quarter, "window": window, "exposure": exposure, "cov": covariates}


def _run(data: dict[str, np.ndarray], **kwargs: Any) -> ClassResult:
    return compute_class(
        data["quarter"],
        data["window"],
        data["exposure"],
        data["cov"],
        weights=WEIGHTS,
        caps=CAPS,
        veto=VETO,
        seed=8,
        draws=200,
        **kwargs,
    )


def test_result_agrees_with_the_parts() -> None:
    data = _class()
    result = _run(data)
    assert result.scored.tolist() == [False] + [True] * 11
    assert result.completeness.complete.tolist() == [False] + [True] * 11
    scheme = Scheme.of(WEIGHTS, CAPS, VETO)
    absolute = absolute_scores(data["quarter"][1:], scheme)
    assert result.absolute.score.tolist() == absolute.score.tolist()
    window = data["window"][1:].copy()
    window[:, :, -1] = absolute.totals
    relative = relative_scores(window, data["exposure"][1:], scheme, data["cov"][1:])
    assert result.relative.score == pytest.approx(relative.score, rel=1e-12)
    assert result.ranks.rank.tolist() == competition_ranks(absolute.score).tolist()
    assert result.relative_rank.tolist() == competition_ranks(relative.score).tolist()
    lines = {"yellow": 85.0, "orange": 75.0, "red": 60.0}
    assert result.tier.tolist() == tiers(absolute.score, lines, absolute.vetoed).tolist()
    assert (
        result.stars.tolist()
        == stars(absolute.score, [0, 60, 75, 85, 95], absolute.vetoed).tolist()
    )
    assert result.funnel.observed == pytest.approx(absolute.totals @ WEIGHTS, rel=1e-12)
    assert result.funnel.expected == pytest.approx(relative.expected @ WEIGHTS, rel=1e-12)
    has_e = relative.expected > 0
    assert result.rates[has_e] == pytest.approx((relative.smoothed * relative.expected)[has_e])
    r = result.ranks
    assert ((r.rank_low <= r.rank) & (r.rank <= r.rank_high)).all()


def test_reproducible_and_permutation_equivariant_with_keys() -> None:
    data = _class(missing=False)
    keys = np.array([f"U{i:03d}" for i in range(12)])
    base = _run(data, unit_keys=keys)
    again = _run(data, unit_keys=keys)
    assert base.ranks.rank_low.tolist() == again.ranks.rank_low.tolist()
    order = np.random.default_rng(1).permutation(12)
    shuffled = {k: v[order] for k, v in data.items()}
    permuted = _run(shuffled, unit_keys=keys[order])
    assert permuted.absolute.score.tolist() == base.absolute.score[order].tolist()
    assert permuted.relative.score == pytest.approx(base.relative.score[order], rel=1e-9)
    assert permuted.ranks.rank_low.tolist() == base.ranks.rank_low[order].tolist()
    assert permuted.ranks.rank_high.tolist() == base.ranks.rank_high[order].tolist()
    assert permuted.tier.tolist() == base.tier[order].tolist()
    assert permuted.funnel.flag.tolist() == base.funnel.flag[order].tolist()


def test_rejects_mismatched_window() -> None:
    data = _class()
    data["window"] = data["window"][:5]
    with pytest.raises(ValueError):
        _run(data)


def test_funnel_flags_do_not_depend_on_the_points_per_incident() -> None:
    data = _class(5)
    data["quarter"] = np.where(np.isnan(data["quarter"]), 0.0, data["quarter"])
    data["quarter"][3, 0] *= 4.0
    results = [
        compute_class(
            data["quarter"],
            data["window"],
            data["exposure"],
            data["cov"],
            weights=k * WEIGHTS,
            caps=k * CAPS,
            veto=VETO,
            draws=50,
        )
        for k in (0.001, 1.0, 1000.0)
    ]
    first = results[0]
    assert "alarm_high" in first.funnel.flag.tolist()
    for other in results[1:]:
        assert other.funnel.flag.tolist() == first.funnel.flag.tolist()
        assert other.funnel.phi == pytest.approx(first.funnel.phi, rel=1e-9)
        assert other.funnel.effective == pytest.approx(first.funnel.effective, rel=1e-12)
        assert other.indicator_funnels.flag.tolist() == first.indicator_funnels.flag.tolist()


def test_rank_bootstrap_draws_rates_from_the_empirical_bayes_posterior() -> None:
    result = _run(_class())
    relative = result.relative
    for c, fit in enumerate(relative.fits):
        has_e = relative.expected[:, c] > 0
        if fit.eb.between_variance > 0:
            prior = fit.eb.mean**2 / fit.eb.between_variance
            want = prior + relative.observed[has_e, c]
            assert result.shapes[has_e, c] == pytest.approx(want, rel=1e-12)
            # prior Gamma(m^2/A, rate m/A); posterior Gamma(m^2/A + O, m/A + E) has mean r~
            rate = fit.eb.mean / fit.eb.between_variance
            posterior_mean = want / (rate + relative.expected[has_e, c])
            assert posterior_mean == pytest.approx(relative.smoothed[has_e, c], rel=1e-9)
        else:
            assert np.isinf(result.shapes[:, c]).all()
        assert np.isinf(result.shapes[~has_e, c]).all()
