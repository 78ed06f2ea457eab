"""Relative score: expected counts, empirical Bayes and properties."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st

from pingan.engine import Scheme, empirical_bayes, relative_scores

from .strategies import windows

PROPERTY = settings(max_examples=40, deadline=None)


def _scheme(n: int, cap: float = np.inf) -> Scheme:
    return Scheme.of([1.0] * n, [cap] * n, [False] * n)


def test_fallback_expected_counts_by_hand() -> None:
    # window sums: n = 1+3+2+4 = 10, exposure = 10+10+20+30 = 70 -> rate 1/7
    counts = np.array([[[1.0, 3.0]], [[2.0, 4.0]]])
    exposure = np.array([[10.0, 10.0], [20.0, 30.0]])
    result = relative_scores(counts, exposure, _scheme(1), smooth=False)
    fit = result.fits[0]
    assert (fit.method, fit.reason) == ("fallback", "no covariates")
    assert fit.rate == pytest.approx(1 / 7, rel=1e-15)
    assert result.expected[:, 0] == pytest.approx([10 / 7, 30 / 7], rel=1e-15)
    # r = 3/(10/7) = 2.1 and 4/(30/7) = 14/15; mean E = 20/7
    assert result.ratio[:, 0] == pytest.approx([2.1, 14 / 15], rel=1e-15)
    assert result.deductions[:, 0] == pytest.approx([6.0, 8 / 3], rel=1e-14)
    assert result.score == pytest.approx([94.0, 100 - 8 / 3], abs=1e-9)  # rounded to 1e-9


def test_fallback_reasons() -> None:
    rng = np.random.default_rng(3)
    counts = rng.poisson(3.0, size=(4, 2, 3)).astype(float)
    counts[:, 1, :] = 0.0
    exposure = np.full((4, 3), 10.0)
    covariates = rng.normal(size=(4, 1))
    few = relative_scores(counts, exposure, _scheme(2), covariates)
    assert [f.reason for f in few.fits] == ["fewer than 5 units with exposure"] * 2
    more = np.concatenate([counts] * 2)
    result = relative_scores(more, np.full((8, 3), 10.0), _scheme(2), np.tile(covariates, (2, 1)))
    assert result.fits[0].method == "glm"
    assert (result.fits[1].method, result.fits[1].reason) == ("fallback", "all counts zero")
    assert result.score.tolist() == pytest.approx(list(100 - result.deductions[:, 0]), abs=1e-12)


def test_too_few_observations_for_the_parameters() -> None:
    counts = np.arange(1.0, 6.0).reshape(5, 1, 1)
    covariates = np.arange(15.0).reshape(5, 3) ** 0.5
    result = relative_scores(counts, np.ones((5, 1)), _scheme(1), covariates)
    assert result.fits[0].reason == "fewer observations than parameters + 2"


def test_glm_matches_statsmodels_directly() -> None:
    rng = np.random.default_rng(7)
    units, periods = 12, 3
    exposure = rng.uniform(5.0, 50.0, size=(units, periods))
    x = rng.normal(size=(units, 2))
    mean = exposure * np.exp(-2.0 + 0.5 * x[:, [0]] - 0.3 * x[:, [1]])
    counts = rng.poisson(mean).astype(float)[:, None, :]
    result = relative_scores(counts, exposure, _scheme(1), x)
    assert result.fits[0].method == "glm"
    long_x = sm.add_constant(np.repeat(x, periods, axis=0))
    reference = sm.GLM(
        counts[:, 0, :].ravel(),
        long_x,
        family=sm.families.Poisson(),
        offset=np.log(exposure.ravel()),
    ).fit()
    assert result.fits[0].params == pytest.approx(tuple(reference.params), rel=1e-8)
    expected = reference.predict(sm.add_constant(x), offset=np.log(exposure[:, -1]))
    assert result.expected[:, 0] == pytest.approx(expected, rel=1e-8)


def test_time_varying_covariates_match_statsmodels() -> None:
    rng = np.random.default_rng(11)
    units, periods = 9, 4
    exposure = rng.uniform(5.0, 50.0, size=(units, periods))
    x = rng.normal(size=(units, periods, 1))
    counts = rng.poisson(exposure * np.exp(-1.5 + 0.4 * x[:, :, 0])).astype(float)
    result = relative_scores(counts[:, None, :], exposure, _scheme(1), x)
    reference = sm.GLM(
        counts.ravel(),
        sm.add_constant(x.reshape(-1, 1)),
        family=sm.families.Poisson(),
        offset=np.log(exposure.ravel()),
    ).fit()
    assert result.fits[0].params == pytest.approx(tuple(reference.params), rel=1e-8)


def test_empirical_bayes_three_units_by_hand() -> None:
    # O = 2, 4, 9; E = 4, 4, 2 -> m = 15/10 = 1.5, r = 0.5, 1, 4.5
    # s2 = (4*1 + 4*0.25 + 2*9) / 10 = 2.3; m / mean(E) = 1.5 / (10/3) = 0.45
    # A = 2.3 - 0.45 = 1.85; C = A / (A + m/E) = 1.85/2.225 (E=4), 1.85/2.6 (E=2)
    eb = empirical_bayes([2.0, 4.0, 9.0], [4.0, 4.0, 2.0])
    assert eb.mean == pytest.approx(1.5, rel=1e-15)
    assert eb.between_variance == pytest.approx(1.85, rel=1e-14)
    c4, c2 = 1.85 / 2.225, 1.85 / 2.6
    assert eb.shrinkage == pytest.approx([c4, c4, c2], rel=1e-14)
    assert eb.smoothed == pytest.approx([1.5 - c4, 1.5 - 0.5 * c4, 1.5 + 3.0 * c2], rel=1e-14)
    assert eb.smoothed == pytest.approx([0.66853933, 1.08426966, 3.63461538], rel=1e-8)


def test_empirical_bayes_clamps_variance_and_handles_zero_expected() -> None:
    eb = empirical_bayes([1.0, 1.0, 0.0], [1.0, 1.0, 0.0])
    assert eb.between_variance == 0.0
    assert eb.smoothed.tolist() == [1.0, 1.0, 1.0]
    none = empirical_bayes([0.0, 0.0], [0.0, 0.0])
    assert none.mean == 1.0
    assert none.smoothed.tolist() == [1.0, 1.0]


def test_zero_expected_gives_pooled_ratio_without_smoothing() -> None:
    counts = np.array([[[2.0]], [[4.0]], [[3.0]]])
    exposure = np.array([[1.0], [1.0], [0.0]])
    result = relative_scores(counts, exposure, _scheme(1), smooth=False)
    assert result.expected[:, 0].tolist() == [3.0, 3.0, 0.0]
    assert np.isnan(result.ratio[2, 0])
    assert result.used[2, 0] == 1.0
    assert result.no_exposure.tolist() == [False, False, True]


@PROPERTY
@given(windows(), st.booleans(), st.booleans())
def test_relative_scores_within_zero_and_base(
    data: dict[str, np.ndarray], smooth: bool, with_covariates: bool
) -> None:
    scheme = Scheme.of(
        [1.0] * data["counts"].shape[1],
        [5.0] * data["counts"].shape[1],
        [False] * data["counts"].shape[1],
    )
    cov = data["covariates"] if with_covariates else None
    result = relative_scores(data["counts"], data["exposure"], scheme, cov, smooth=smooth)
    assert ((result.score >= 0) & (result.score <= 100)).all()


@PROPERTY
@given(windows(), st.integers(2, 5), st.data())
def test_unsmoothed_relative_is_scale_invariant(
    data: dict[str, np.ndarray], k: int, draw: st.DataObject
) -> None:
    # unit `twin` is unit 0 with k times its exposure and k times its incidents
    counts, exposure, cov = data["counts"], data["exposure"], data["covariates"]
    twin = counts.shape[0]
    counts = np.concatenate([counts, k * counts[:1]])
    exposure = np.concatenate([exposure, k * exposure[:1]])
    cov = np.concatenate([cov, cov[:1]])
    scheme = _scheme(counts.shape[1])
    use_glm = draw.draw(st.booleans())
    result = relative_scores(counts, exposure, scheme, cov if use_glm else None, smooth=False)
    assert result.used[twin] == pytest.approx(result.used[0], rel=1e-7, abs=1e-9)
    assert result.score[twin] == pytest.approx(result.score[0], rel=1e-9, abs=1e-7)


@PROPERTY
@given(windows(), st.booleans())
def test_empirical_bayes_shrinks_toward_the_mean_and_never_past_it(
    data: dict[str, np.ndarray], with_covariates: bool
) -> None:
    cov = data["covariates"] if with_covariates else None
    result = relative_scores(
        data["counts"], data["exposure"], _scheme(data["counts"].shape[1]), cov
    )
    for c, fit in enumerate(result.fits):
        has_e = result.expected[:, c] > 0
        r, smoothed, m = result.ratio[has_e, c], result.smoothed[has_e, c], fit.eb.mean
        assert (np.abs(smoothed - m) <= np.abs(r - m) + 1e-12).all()
        assert ((smoothed - m) * (r - m) >= -1e-12).all()


@PROPERTY
@given(windows(), st.booleans(), st.data())
def test_adding_an_incident_never_raises_the_units_relative_score(
    data: dict[str, np.ndarray], smooth: bool, draw: st.DataObject
) -> None:
    counts, exposure = data["counts"], data["exposure"]
    u = draw.draw(st.integers(0, counts.shape[0] - 1))
    c = draw.draw(st.integers(0, counts.shape[1] - 1))
    more = counts.copy()
    more[u, c, -1] += 1
    scheme = _scheme(counts.shape[1])
    before = relative_scores(counts, exposure, scheme, smooth=smooth).score[u]
    after = relative_scores(more, exposure, scheme, smooth=smooth).score[u]
    assert after <= before + 1e-9


@PROPERTY
@given(windows(), st.booleans(), st.randoms(use_true_random=False))
def test_permuting_units_permutes_relative_results(
    data: dict[str, np.ndarray], smooth: bool, rnd
) -> None:
    order = list(range(data["counts"].shape[0]))
    rnd.shuffle(order)
    scheme = _scheme(data["counts"].shape[1])
    args = (data["counts"], data["exposure"], scheme, data["covariates"])
    base = relative_scores(*args, smooth=smooth)
    permuted = relative_scores(
        data["counts"][order],
        data["exposure"][order],
        scheme,
        data["covariates"][order],
        smooth=smooth,
    )
    assert permuted.score == pytest.approx(base.score[order], rel=1e-7, abs=1e-7)
    assert [f.method for f in permuted.fits] == [f.method for f in base.fits]


def test_separated_data_falls_back() -> None:
    # the covariate splits units into all-zero and all-five counts: the slope runs off to -inf
    counts = np.zeros((8, 1, 2))
    counts[4:, 0, :] = 5.0
    covariates = np.array([[0.0]] * 4 + [[1.0]] * 4)
    result = relative_scores(counts, np.ones((8, 2)), _scheme(1), covariates, smooth=False)
    assert result.fits[0].method == "fallback"
    assert result.fits[0].reason in {
        "degenerate fit (extreme expected counts)",
        "did not converge",
    }
    # pooled rate 2.5 per unit-period: r = 0 or 2, mean E = 2.5
    assert result.score.tolist() == pytest.approx([100.0] * 4 + [95.0] * 4, abs=1e-9)
