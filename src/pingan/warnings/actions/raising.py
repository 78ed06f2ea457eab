"""Raising warnings: a signal opens a warning on its series, or attaches to the open one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction

from pingan.core.access.actor import Actor
from pingan.core.access.permissions import require
from pingan.warnings.actions.common import current, log_step
from pingan.warnings.actions.delivery import deliver
from pingan.warnings.levels import higher
from pingan.warnings.models import Status, Warning, WarningSignal


@dataclass(frozen=True)
class Signal:
    """What a watcher found on one series in one period."""

    source: str
    unit_id: int
    series_key: str
    period: str
    level: str
    observed: float
    expected: float | None = None
    threshold: float | None = None
    detector: str = ""
    alpha: float | None = None
    series: dict[str, Any] = field(default_factory=dict)


def raise_signal(
    *, actor: Actor, signal: Signal, now: dt.datetime | None = None
) -> tuple[Warning, bool]:
    """Open a warning for the signal's series and deliver it, or attach the signal to the open one.

    Returns the warning and whether it is new. A signal for a period the open warning already
    holds changes nothing. Run by the watchers' jobs (the system acts).
    """
    require(actor, "warnings.raise")
    now = current(now)
    for _attempt in range(2):
        try:
            with transaction.atomic():
                return _raise_or_attach(actor, signal, now)
        except IntegrityError:
            continue  # another job opened the same series first: attach to its warning
    raise RuntimeError("could not raise or attach a signal on %s" % signal.series_key)


def _raise_or_attach(actor: Actor, signal: Signal, now: dt.datetime) -> tuple[Warning, bool]:
    open_warning = (
        Warning.objects.select_for_update()
        .filter(
            source=signal.source,
            unit_id=signal.unit_id,
            series_key=signal.series_key,
            closed=False,
        )
        .first()
    )
    if open_warning is None:
        warning = Warning.objects.create(
            source=signal.source,
            unit_id=signal.unit_id,
            series_key=signal.series_key,
            period=signal.period,
            level=signal.level,
            detector=signal.detector,
            alpha=signal.alpha,
            observed=signal.observed,
            expected=signal.expected,
            threshold=signal.threshold,
            series=signal.series,
            raised_at=now,
        )
        _signal_row(warning, signal, now)
        log_step(
            actor,
            warning,
            "raise",
            "",
            Status.RAISED,
            now=now,
            detail={"level": signal.level, "period": signal.period},
        )
        deliver(actor=actor, warning_id=warning.pk, now=now)
        warning.refresh_from_db()
        return warning, True
    if open_warning.signals.filter(period=signal.period).exists():
        return open_warning, False
    _signal_row(open_warning, signal, now)
    level = higher(open_warning.level, signal.level)
    Warning.objects.filter(pk=open_warning.pk).update(
        level=level, series=signal.series or open_warning.series
    )
    log_step(
        actor,
        open_warning,
        "signal",
        open_warning.status,
        open_warning.status,
        now=now,
        detail={"level": signal.level, "period": signal.period},
    )
    open_warning.refresh_from_db()
    return open_warning, False


def _signal_row(warning: Warning, signal: Signal, now: dt.datetime) -> None:
    WarningSignal.objects.create(
        warning=warning,
        period=signal.period,
        level=signal.level,
        observed=signal.observed,
        expected=signal.expected,
        threshold=signal.threshold,
        detected_at=now,
    )
