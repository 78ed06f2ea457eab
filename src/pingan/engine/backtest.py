"""Backtest of the warning detectors by rolling origin, with no look-ahead.

Data: every approved version of each unit × indicator × month cell with the instant it was
approved, ``versions`` / ``versions_at`` (V, U, I, M), and the instant ``cutoffs[t]`` at which
month t is judged (its reporting deadline). At the origin t a method sees only the versions
approved by ``cutoffs[t]`` and months up to t; every detector is causal, so one run over the
final figures gives the replayed decision wherever the visible figures of a series equal the final
ones, and the series that differ (late approvals, later corrections) are rerun on what was visible.

Events (``backtest_events``): E(u, s) when some indicator of the rule's scope exceeds the given
percentile of its own final values before s (at least 12 observed months). A unit alarms at t
when any of its watched series alarms. Scoring over the origins T:

- an alarm at (u, t) is true when E(u, s) for some s in t+1 .. t+h, false otherwise;
- events counted for sensitivity are those at s with s-h .. s-1 inside T; an event is detected
  when the unit alarmed at one of those origins; its lead time is s minus the earliest of them;
- sensitivity and PPV with Wilson 95% intervals; false alarms per unit-year with the exact
  (Garwood) Poisson interval over the unit-months judged; the median lead time with the
  distribution-free order-statistic interval (ranks j and n-j+1, j the 2.5% binomial(n, 1/2)
  quantile; none below 6 detected events).

Baselines: "persistence" alarms when a unit's total of the scope's indicators in month t is above
its median over the earlier visible months (at least 6); "worst_k" always warns the k units with
the largest total over the last 12 visible months.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from ._types import BoolArray, FloatArray
from .backtest_events import EventRule
from .detection import DETECTORS, detect

MIN_HISTORY = 12
MIN_MEDIAN_HISTORY = 6
ALPHA_GRID = (0.001, 0.005, 0.01, 0.02, 0.05, 0.1)
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Interval:
    """An estimate with its 95% interval (None where undefined)."""

    value: float | None
    low: float | None
    high: float | None


@dataclass(frozen=True)
class MethodResult:
    """The scores of one method (a detector at its alpha, or a baseline) over the origins."""

    method: str
    setting: str
    origins: int
    alarms: int
    true_alarms: int
    false_alarms: int
    events: int
    detected: int
    sensitivity: Interval
    ppv: Interval
    false_per_unit_year: Interval
    median_lead: Interval


@dataclass(frozen=True)
class BacktestInput:
    """Versions (V, U, I, M), their approval instants, cut-off per month, scope mask (I,)."""

    versions: FloatArray
    versions_at: FloatArray
    cutoffs: FloatArray
    scope: BoolArray
    final: FloatArray = field(init=False)

    def __post_init__(self) -> None:
        final = np.full(self.versions.shape[1:], np.nan)
        for layer, at in zip(self.versions, self.versions_at, strict=True):
            final = np.where(np.isfinite(at), layer, final)
        object.__setattr__(self, "final", final)


def wilson(successes: int, trials: int) -> Interval:
    """Wilson score 95% interval of a proportion."""
    if trials == 0:
        return Interval(None, None, None)
    z = float(stats.norm.ppf(0.975))
    p = successes / trials
    centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z * np.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / (1 + z * z / trials)
    return Interval(p, float(max(0.0, centre - half)), float(min(1.0, centre + half)))


def poisson_rate(count: int, exposure: float) -> Interval:
    """Exact (Garwood) 95% interval of a Poisson rate ``count / exposure``."""
    if exposure <= 0:
        return Interval(None, None, None)
    low = 0.0 if count == 0 else float(stats.chi2.ppf(0.025, 2 * count)) / 2
    high = float(stats.chi2.ppf(0.975, 2 * count + 2)) / 2
    return Interval(count / exposure, low / exposure, high / exposure)


def median_interval(values: Sequence[float]) -> Interval:
    """Median with its distribution-free 95% order-statistic interval."""
    if not values:
        return Interval(None, None, None)
    ordered = np.sort(np.asarray(values, dtype=np.float64))
    n = ordered.size
    median = float(np.median(ordered))
    j = int(stats.binom.ppf(0.025, n, 0.5))
    if j < 1:
        return Interval(median, None, None)
    return Interval(median, float(ordered[j - 1]), float(ordered[n - j]))


def events(final: FloatArray, scope: BoolArray, rule: EventRule) -> BoolArray:
    """E (U, M): some in-scope series of the unit exceeds its own earlier percentile."""
    data = final[:, scope, :]
    out = np.zeros((final.shape[0], final.shape[2]), dtype=bool)
    q = np.true_divide(rule.percentile, 100.0)
    for s in range(MIN_HISTORY, final.shape[2]):
        past = data[:, :, :s]
        count = np.isfinite(past).sum(axis=2)
        enough = count >= MIN_HISTORY
        if not enough.any():
            continue
        level = _percentile_of_finite(past, np.maximum(count, MIN_HISTORY), q)
        above = enough & np.isfinite(data[:, :, s]) & (data[:, :, s] > level)
        out[:, s] = above.any(axis=1)
    return out


def _percentile_of_finite(values: FloatArray, count: np.ndarray, q: float) -> FloatArray:
    """The q-quantile of each row's finite values along the last axis, as `np.nanpercentile` gives
    it (linear method, the same arithmetic), for rows with `count` ≥ 2 finite values; one sort
    of the whole block instead of one call per row."""
    ordered = np.sort(values, axis=-1)  # NaN last
    virtual = (count - 1) * q
    previous = np.floor(virtual)
    gamma = virtual - previous
    below = previous.astype(np.intp)[..., None]
    a = np.take_along_axis(ordered, below, axis=-1)[..., 0]
    b = np.take_along_axis(ordered, below + 1, axis=-1)[..., 0]
    diff = b - a
    return np.asarray(np.where(gamma >= 0.5, b - diff * (1 - gamma), a + diff * gamma))


def score(
    method: str, setting: str, alarms: BoolArray, event: BoolArray, origins: Sequence[int],
    horizon: int, judged: BoolArray,
) -> MethodResult:  # fmt: skip
    """Score unit alarms (U, M) against events (U, M) over ``origins``; an alarm counts only at
    an origin and in a unit-month that could be judged."""
    origin_list = list(origins)
    at_origins = np.zeros(event.shape[1], dtype=bool)
    at_origins[origin_list] = True
    alarms = alarms & judged & at_origins[None, :]
    n_months = event.shape[1]
    true = false = 0
    for t in origin_list:
        ahead = event[:, t + 1 : min(t + horizon, n_months - 1) + 1].any(axis=1)
        fired = alarms[:, t]
        true += int((fired & ahead).sum())
        false += int((fired & ~ahead).sum())
    first, last = origin_list[0], origin_list[-1]
    leads: list[float] = []
    total = 0
    for s in range(first + horizon, min(last + 1, n_months - 1) + 1):
        window = alarms[:, s - horizon : s]
        for u in np.flatnonzero(event[:, s]):
            total += 1
            hits = np.flatnonzero(window[u])
            if hits.size:
                leads.append(float(horizon - hits[0]))
    exposure = float(judged[:, origin_list].sum()) / 12.0
    return MethodResult(
        method, setting, len(origin_list), true + false, true, false, total, len(leads),
        wilson(len(leads), total), wilson(true, true + false), poisson_rate(false, exposure),
        median_interval(leads),
    )  # fmt: skip


@dataclass(frozen=True)
class Replay:
    """What each origin saw: series whose visible figures differ from the final ones (rerun),
    the baselines' inputs, and which unit-months could be judged (some watched figure seen)."""

    origins: tuple[int, ...]
    diffs: dict[int, tuple[np.ndarray, FloatArray]]
    persistence: BoolArray
    recent_total: FloatArray
    judged: BoolArray


def _visible(data: BacktestInput, t: int) -> FloatArray:
    out = np.full((*data.final.shape[:2], t + 1), np.nan)
    instant = data.cutoffs[t]
    for layer, at in zip(data.versions[..., : t + 1], data.versions_at[..., : t + 1], strict=True):
        out = np.where(at <= instant, layer, out)
    return out


def replay(data: BacktestInput, origins: Sequence[int], progress: Progress | None = None) -> Replay:
    """Walk the origins once, recording what each saw."""
    n_units, n_ind, n_months = data.final.shape
    diffs: dict[int, tuple[np.ndarray, FloatArray]] = {}
    persistence = np.zeros((n_units, n_months), dtype=bool)
    recent = np.full((n_units, n_months), np.nan)
    judged = np.zeros((n_units, n_months), dtype=bool)
    for step, t in enumerate(origins):
        seen = _visible(data, t)
        same = (seen == data.final[..., : t + 1]) | (
            np.isnan(seen) & np.isnan(data.final[..., : t + 1])
        )
        rows = np.flatnonzero(~same.reshape(n_units * n_ind, t + 1).all(axis=1))
        if rows.size:
            diffs[t] = (rows, seen.reshape(n_units * n_ind, t + 1)[rows])
        judged[:, t] = np.isfinite(seen[:, :, t]).any(axis=1)
        totals = _scope_totals(seen[:, data.scope, :])
        history = totals[:, :t]
        enough = np.isfinite(history).sum(axis=1) >= MIN_MEDIAN_HISTORY
        with np.errstate(all="ignore"):
            median = np.nanmedian(np.where(enough[:, None], history, 0.0), axis=1)
        persistence[:, t] = enough & np.isfinite(totals[:, t]) & (totals[:, t] > median)
        window = totals[:, max(0, t - 11) : t + 1]
        recent[:, t] = np.where(np.isfinite(window).any(axis=1), np.nansum(window, axis=1), np.nan)
        if progress is not None:
            progress(step + 1, len(origins))
    return Replay(tuple(origins), diffs, persistence, recent, judged)


def _scope_totals(seen: FloatArray) -> FloatArray:
    observed = np.isfinite(seen).any(axis=1)
    return np.where(observed, np.nansum(seen, axis=1), np.nan)


def detector_alarms(
    data: BacktestInput, rep: Replay, name: str, alpha: float, origins: Sequence[int]
) -> BoolArray:
    """Unit alarms (U, M) of detector ``name`` at the ``origins``, replayed without look-ahead."""
    n_units, n_ind, n_months = data.final.shape
    flat = data.final.reshape(n_units * n_ind, n_months)
    alarm = detect(name, flat, alpha=alpha, periods=list(origins)).alarm.copy()
    for t in origins:
        if t in rep.diffs:
            rows, seen = rep.diffs[t]
            alarm[rows, t] = detect(name, seen, alpha=alpha, periods=[t]).alarm[:, t]
    units = alarm.reshape(n_units, n_ind, n_months).any(axis=1)
    at_origins = np.zeros(n_months, dtype=bool)
    at_origins[list(origins)] = True
    return np.asarray(units & at_origins[None, :], dtype=np.bool_)


def worst_k_alarms(rep: Replay, k: int) -> BoolArray:
    """The k units with the largest recent totals at each origin (ties: the earlier unit)."""
    alarms = np.zeros(rep.recent_total.shape, dtype=bool)
    for t in rep.origins:
        score_t = rep.recent_total[:, t]
        ranked = [u for u in np.argsort(-np.nan_to_num(score_t, nan=-1.0), kind="stable")
                  if np.isfinite(score_t[u])][:k]  # fmt: skip
        alarms[ranked, t] = True
    return alarms


@dataclass(frozen=True)
class BacktestResult:
    """Scores of every method; with calibration, the origins used for each half."""

    results: list[MethodResult]
    origins: tuple[int, ...]
    calibration_origins: tuple[int, ...]


def run_backtest(
    data: BacktestInput,
    *,
    rule: EventRule,
    origins: Sequence[int],
    detectors: Sequence[str] | None = None,
    alpha: float = 0.01,
    worst_k: int = 5,
    target_false_alarms: float | None = None,
    progress: Progress | None = None,
) -> BacktestResult:
    """Score every detector and both baselines over ``origins`` (consecutive months).

    With ``target_false_alarms`` (per unit-year) the first half of the origins calibrates each
    detector's alpha (the largest of ``ALPHA_GRID`` whose false-alarm rate stays within the
    target, else the smallest) and the worst-k baseline's k (likewise, k from 1 up); the second
    half is scored. Persistence has nothing to calibrate.
    """
    names = list(detectors) if detectors is not None else list(DETECTORS)
    event = events(data.final, data.scope, rule)
    rep = replay(data, origins, progress)
    scored = list(origins)
    calibration: list[int] = []
    if target_false_alarms is not None:
        half = len(scored) // 2
        calibration, scored = scored[:half], scored[half:]
    results = []
    for name in names:
        chosen = alpha
        if calibration and target_false_alarms is not None:
            chosen = _calibrate_alpha(
                data, rep, name, calibration, event, rule, target_false_alarms
            )
        alarms = detector_alarms(data, rep, name, chosen, scored)
        results.append(
            score(name, "alpha=%g" % chosen, alarms, event, scored, rule.horizon, rep.judged)
        )
    results.append(
        score("persistence", "median", rep.persistence, event, scored, rule.horizon, rep.judged)
    )
    k = worst_k
    if calibration and target_false_alarms is not None:
        k = _calibrate_k(rep, calibration, event, rule, target_false_alarms)
    results.append(
        score(
            "worst_k", "k=%d" % k, worst_k_alarms(rep, k), event, scored, rule.horizon, rep.judged
        )
    )
    return BacktestResult(results, tuple(scored), tuple(calibration))


def _rate(result: MethodResult) -> float:
    return result.false_per_unit_year.value or 0.0


def _calibrate_alpha(
    data: BacktestInput, rep: Replay, name: str, origins: list[int], event: BoolArray,
    rule: EventRule, target: float,
) -> float:  # fmt: skip
    chosen = ALPHA_GRID[0]
    for candidate in ALPHA_GRID:
        alarms = detector_alarms(data, rep, name, candidate, origins)
        result = score(name, "", alarms, event, origins, rule.horizon, rep.judged)
        if _rate(result) > target:
            break
        chosen = candidate
    return chosen


def _calibrate_k(
    rep: Replay, origins: list[int], event: BoolArray, rule: EventRule, target: float
) -> int:
    chosen = 1
    for k in range(1, rep.recent_total.shape[0] + 1):
        result = score(
            "worst_k", "", worst_k_alarms(rep, k), event, origins, rule.horizon, rep.judged
        )
        if _rate(result) > target:
            break
        chosen = k
    return chosen
