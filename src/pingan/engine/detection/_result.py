"""The result type shared by every detector."""

from __future__ import annotations

from dataclasses import dataclass

from .._types import BoolArray, FloatArray


@dataclass(frozen=True)
class Detection:
    """Arrays of shape (n_series, n_periods); NaN where not computable.

    ``expected`` baseline expectation, ``upper`` alarm threshold (a count), ``statistic`` the
    detector's score (EARS C statistic, CUSUM S_t, Farrington score (y - mu0) / (U - mu0)),
    ``alarm`` boolean.
    """

    expected: FloatArray
    upper: FloatArray
    statistic: FloatArray
    alarm: BoolArray
