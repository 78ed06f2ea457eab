"""The rolling-origin backtest on a small constructed dataset, with hand-counted scores."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from pingan.engine.backtest import (
    BacktestInput,
    detector_alarms,
    median_interval,
    poisson_rate,
    replay,
    run_backtest,
    wilson,
)
from pingan.engine.backtest_events import parse_event_rule

MONTHS = 30
ORIGINS = list(range(12, 26))


def _data(correction: bool = False) -> BacktestInput:
    """3 units x 2 indicators (1 = severe); unit 0 has a precursor at 17-18, an event at 20."""
    final = np.zeros((3, 2, MONTHS))
    final[:, 0, :] = 2.0
    final[0, 0, 17:19] = 10.0
    final[0, 1, 20] = 3.0
    cutoffs = np.arange(MONTHS, dtype=np.float64) * 100 + 50
    at = np.broadcast_to(cutoffs - 10, final.shape).copy()
    versions, versions_at = final[None].copy(), at[None].copy()
    if correction:  # unit 1's month 15 corrected to 50, approved only at month 28's cut-off
        second = np.full(final.shape, np.nan)
        second_at = np.full(final.shape, np.nan)
        second[1, 0, 15], second_at[1, 0, 15] = 50.0, cutoffs[28]
        versions = np.stack([versions[0], second])
        versions_at = np.stack([versions_at[0], second_at])
    return BacktestInput(versions, versions_at, cutoffs, np.array([False, True]))


def test_scores_of_a_detector_and_both_baselines() -> None:
    result = run_backtest(
        _data(), rule=parse_event_rule("severe_p95:3"), origins=ORIGINS,
        detectors=["ears_c1"], alpha=0.05, worst_k=1,
    )  # fmt: skip
    ears, persistence, worst = result.results
    assert (ears.alarms, ears.true_alarms, ears.false_alarms) == (3, 2, 1)
    assert (ears.events, ears.detected) == (1, 1)
    assert ears.sensitivity.value == 1.0
    assert ears.ppv.value == pytest.approx(2 / 3)
    # 3 units x 14 origins = 3.5 unit-years
    assert ears.false_per_unit_year.value == pytest.approx(1 / 3.5)
    assert ears.false_per_unit_year.high == pytest.approx(stats.chi2.ppf(0.975, 4) / 2 / 3.5)
    assert (ears.median_lead.value, ears.median_lead.low) == (3.0, None)
    assert (persistence.alarms, persistence.true_alarms, persistence.detected) == (1, 0, 0)
    assert (worst.setting, worst.alarms, worst.true_alarms, worst.detected) == ("k=1", 14, 3, 1)


def test_a_later_correction_is_not_seen_by_earlier_origins() -> None:
    data = _data(correction=True)
    rep = replay(data, ORIGINS)
    assert sorted(rep.diffs) == list(range(15, 26))
    replayed = detector_alarms(data, rep, "ears_c1", 0.05, ORIGINS)
    assert not replayed[1, 15]
    naive = _data(correction=True)
    naive_rep = replay(
        BacktestInput(naive.versions, np.where(np.isnan(naive.versions_at), np.nan, 0.0),
                      naive.cutoffs, naive.scope), ORIGINS)  # fmt: skip
    assert detector_alarms(naive, naive_rep, "ears_c1", 0.05, ORIGINS)[1, 15]


def test_calibration_uses_the_first_half_and_scores_the_second() -> None:
    result = run_backtest(
        _data(), rule=parse_event_rule("severe_p95:3"), origins=ORIGINS,
        detectors=["ears_c1"], target_false_alarms=0.0,
    )  # fmt: skip
    assert result.calibration_origins == tuple(range(12, 19))
    assert result.origins == tuple(range(19, 26))
    ears, _persistence, worst = result.results
    # months 12-18 hold no false alarm at any alpha of the grid: the largest is kept
    assert ears.setting == "alpha=0.1"
    # even k = 1 warns falsely in 12-16: the smallest k is kept
    assert worst.setting == "k=1"


def test_intervals() -> None:
    w = wilson(2, 3)
    assert (w.low, w.high) == pytest.approx((0.2076596, 0.9385081), abs=1e-6)
    assert wilson(0, 0).value is None
    r = poisson_rate(0, 2.0)
    assert (r.value, r.low, r.high) == pytest.approx((0.0, 0.0, 3.6888794 / 2), abs=1e-6)
    m = median_interval([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    # n = 10: j = 2, the interval is (x_(2), x_(9))
    assert (m.value, m.low, m.high) == (5.5, 2.0, 9.0)


def test_event_rules_parse_and_refuse() -> None:
    assert parse_event_rule("any_p90").text == "any_p90:3"
    assert parse_event_rule("severe_p97.5:6").horizon == 6
    for bad in ("severe_p101", "most_p95", "severe_p95:0", "p95"):
        with pytest.raises(ValueError):
            parse_event_rule(bad)
