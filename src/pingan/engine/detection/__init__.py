"""Outbreak detectors for monthly count series (EARS C1-C3, Poisson CUSUM, Farrington, Noufaily).

Every detector takes ``counts`` of shape (n_series, n_periods), float, NaN for a missing month (a
missing value is left out of baselines and never alarms, it is never read as 0), and returns a
``Detection`` of the same shape. ``alpha`` is the nominal false-alarm probability of one period;
for the CUSUM it sets the in-control average run length ``1 / alpha``. ``params`` overrides the
documented defaults of each detector (names in ``DetectorSpec.params``).

See the module of each detector for its formulas and references, and docs/methodology.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from .._types import FloatArray
from ._result import Detection
from .cusum import cusum
from .ears import ears
from .farrington import farrington
from .noufaily import noufaily

CHUNK = 4096
"""Series are processed in chunks of this many: the working arrays then stay in the processor's
caches, about twice as fast as whole-array operations on hundreds of thousands of series."""

Runner = Callable[[FloatArray, float, Mapping[str, float], "np.ndarray | None"], Detection]


@dataclass(frozen=True)
class DetectorSpec:
    """A detector: its name, label (en, zh), default parameters, history needed, and runner."""

    name: str
    label_en: str
    label_zh: str
    params: Mapping[str, float]
    history: int
    run: Runner


def _ears(method: str) -> Runner:
    def run(
        counts: FloatArray, alpha: float, p: Mapping[str, float], periods: np.ndarray | None
    ) -> Detection:
        return ears(
            counts,
            method=method,
            alpha=alpha,
            baseline=int(p["baseline"]),
            min_sigma=p["min_sigma"],
        )

    return run


def _cusum(
    counts: FloatArray, alpha: float, p: Mapping[str, float], periods: np.ndarray | None
) -> Detection:
    return cusum(
        counts,
        alpha=alpha,
        shift=p["shift"],
        baseline=int(p["baseline"]),
        lag=int(p["lag"]),
        min_mean=p["min_mean"],
    )


def _farrington(
    counts: FloatArray, alpha: float, p: Mapping[str, float], periods: np.ndarray | None
) -> Detection:
    return farrington(
        counts,
        alpha=alpha,
        years=int(p["years"]),
        window=int(p["window"]),
        power=p["power"],
        reweight_threshold=p["reweight_threshold"],
        limit_cases=p["limit_cases"],
        limit_periods=int(p["limit_periods"]),
        periods=periods,
    )


def _noufaily(
    counts: FloatArray, alpha: float, p: Mapping[str, float], periods: np.ndarray | None
) -> Detection:
    return noufaily(
        counts,
        alpha=alpha,
        years=int(p["years"]),
        window=int(p["window"]),
        exclude_recent=int(p["exclude_recent"]),
        seasons=int(p["seasons"]),
        reweight_threshold=p["reweight_threshold"],
        muan=bool(p["muan"]),
        limit_cases=p["limit_cases"],
        limit_periods=int(p["limit_periods"]),
        periods=periods,
    )


_EARS = {"baseline": 7.0, "min_sigma": 1.0}
_FARRINGTON = {
    "years": 3.0,
    "window": 2.0,
    "power": 2.0 / 3.0,
    "reweight_threshold": 1.0,
    "limit_cases": 5.0,
    "limit_periods": 4.0,
}
_NOUFAILY = {
    "years": 3.0,
    "window": 2.0,
    "exclude_recent": 6.0,
    "seasons": 3.0,
    "reweight_threshold": 2.58,
    "muan": 0.0,
    "limit_cases": 5.0,
    "limit_periods": 4.0,
}
_CUSUM = {"shift": 1.0, "baseline": 12.0, "lag": 2.0, "min_mean": 0.5}


def _spec(
    name: str, en: str, zh: str, params: dict[str, float], history: int, run: Runner
) -> DetectorSpec:
    return DetectorSpec(name, en, zh, MappingProxyType(params), history, run)


DETECTORS: Mapping[str, DetectorSpec] = MappingProxyType(
    {
        "ears_c1": _spec("ears_c1", "EARS C1", "EARS C1", _EARS, 7, _ears("C1")),
        "ears_c2": _spec("ears_c2", "EARS C2", "EARS C2", _EARS, 9, _ears("C2")),
        "ears_c3": _spec("ears_c3", "EARS C3", "EARS C3", _EARS, 11, _ears("C3")),
        "cusum": _spec("cusum", "Poisson CUSUM", "泊松累积和", _CUSUM, 14, _cusum),
        "farrington": _spec(
            "farrington", "Farrington (1996)", "Farrington 法", _FARRINGTON, 38, _farrington
        ),
        "noufaily": _spec(
            "noufaily",
            "Improved Farrington (Noufaily 2013)",
            "改进 Farrington 法",
            _NOUFAILY,
            38,
            _noufaily,
        ),
    }
)
"""The detectors by name. ``history`` is the number of earlier months a detector needs with its
default parameters before its first computable month."""


def detect(
    name: str,
    counts: np.ndarray,
    *,
    alpha: float,
    params: Mapping[str, float] | None = None,
    periods: Sequence[int] | None = None,
) -> Detection:
    """Run the detector ``name`` over ``counts`` (n_series, n_periods) at level ``alpha``.

    ``periods`` limits the work to those months where a detector computes month by month
    (Farrington, Noufaily: the others are cheap and computed throughout); results elsewhere are
    then NaN / no alarm. Every detector is causal: month t uses months up to t only.

    Raises ``KeyError`` for an unknown detector or parameter, ``ValueError`` for ``alpha`` outside
    (0, 0.5) or counts that are not two-dimensional.
    """
    spec = DETECTORS[name]
    if not 0.0 < alpha < 0.5:
        raise ValueError(f"alpha must lie in (0, 0.5), got {alpha}")
    values = np.asarray(counts, dtype=np.float64)
    if values.ndim != 2:
        raise ValueError("counts must have shape (n_series, n_periods)")
    merged = dict(spec.params)
    for key, value in (params or {}).items():
        if key not in merged:
            raise KeyError(f"unknown parameter {key!r} of detector {name!r}")
        merged[key] = float(value)
    wanted = None if periods is None else np.asarray(list(periods), dtype=np.int64)
    if values.shape[0] <= CHUNK:
        return spec.run(values, alpha, merged, wanted)
    shape = values.shape
    out = Detection(np.empty(shape), np.empty(shape), np.empty(shape), np.empty(shape, bool))
    for start in range(0, shape[0], CHUNK):
        rows = slice(start, start + CHUNK)
        part = spec.run(values[rows], alpha, merged, wanted)
        out.expected[rows] = part.expected
        out.upper[rows] = part.upper
        out.statistic[rows] = part.statistic
        out.alarm[rows] = part.alarm
    return out


__all__ = ["DETECTORS", "Detection", "DetectorSpec", "detect"]
