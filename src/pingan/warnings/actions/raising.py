"""Raising warnings: a signal opens a warning on its series, or attaches to the open one.

A scan raises all its signals in one transaction with a fixed number of statements whatever the
number of signals: one read of the open warnings of the signals' series (locked) and of the
periods they hold, one insert each of the new warnings, signals, steps, notices and audit
records, one update of the warnings that took further signals. The rows are those raising the
signals one after the other would write, in the same order (a signal on a series opened earlier
in the same batch attaches to that warning).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction

from pingan.audit.services import AuditEntry, record_events
from pingan.core.access.actor import Actor
from pingan.core.access.permissions import require
from pingan.warnings.actions.common import STEP_EVENTS, current
from pingan.warnings.actions.delivery import delivery_plan, mail_after_commit
from pingan.warnings.levels import higher
from pingan.warnings.models import Status, Warning, WarningNotice, WarningSignal, WarningStep

SeriesKey = tuple[str, int, str]


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
    return raise_signals(actor=actor, signals=[signal], now=now)[0]


def raise_signals(
    *, actor: Actor, signals: list[Signal], now: dt.datetime | None = None
) -> list[tuple[Warning, bool]]:
    """`raise_signal` for each signal in order, in one transaction: (warning, new) per signal.

    Each new warning is delivered with its notices, steps and audit records; nothing is written
    when any part fails.
    """
    require(actor, "warnings.raise")
    now = current(now)
    if not signals:
        return []
    for _attempt in range(2):
        try:
            with transaction.atomic():
                return _raise_all(actor, signals, now)
        except IntegrityError:
            continue  # another job opened one of the series first: attach to its warning
    raise RuntimeError("could not raise or attach %d signals" % len(signals))


def _key(signal: Signal) -> SeriesKey:
    return (signal.source, signal.unit_id, signal.series_key)


def _open_warnings(signals: list[Signal]) -> tuple[dict[SeriesKey, Warning], set[tuple[int, str]]]:
    """The open warnings of the signals' series (locked) and the (warning, period) they hold."""
    keys = {_key(s) for s in signals}
    found = Warning.objects.select_for_update().filter(
        closed=False,
        source__in={k[0] for k in keys},
        unit_id__in={k[1] for k in keys},
        series_key__in={k[2] for k in keys},
    )
    open_by_key = {
        (w.source, w.unit_id, w.series_key): w
        for w in found
        if (w.source, w.unit_id, w.series_key) in keys
    }
    held = set(
        WarningSignal.objects.filter(
            warning_id__in=[w.pk for w in open_by_key.values()]
        ).values_list("warning_id", "period")
    )
    return open_by_key, held


def _new_warning(signal: Signal, now: dt.datetime) -> Warning:
    return Warning(
        source=signal.source, unit_id=signal.unit_id, series_key=signal.series_key,
        period=signal.period, level=signal.level, detector=signal.detector, alpha=signal.alpha,
        observed=signal.observed, expected=signal.expected, threshold=signal.threshold,
        series=signal.series, raised_at=now,
    )  # fmt: skip


def _raise_all(actor: Actor, signals: list[Signal], now: dt.datetime) -> list[tuple[Warning, bool]]:
    open_by_key, held = _open_warnings(signals)
    fresh: list[Warning] = []
    for signal in signals:
        if _key(signal) not in open_by_key:
            warning = _new_warning(signal, now)
            open_by_key[_key(signal)] = warning
            fresh.append(warning)
    plan = delivery_plan(fresh, now)
    Warning.objects.bulk_create(fresh)
    held |= {(w.pk, w.period) for w in fresh}
    fresh_ids = {w.pk for w in fresh}
    mail_after_commit(fresh)
    rows: list[WarningSignal] = []
    steps: list[WarningStep] = []
    audit: list[AuditEntry] = []
    changed: dict[int, Warning] = {}
    results: list[tuple[Warning, bool]] = []
    for signal in signals:
        warning = open_by_key[_key(signal)]
        detail = {"level": signal.level, "period": signal.period}
        if warning.pk in fresh_ids:
            fresh_ids.discard(warning.pk)
            rows.append(_signal_row(warning, signal, now))
            _step(steps, audit, actor, warning, "raise", "", Status.RAISED, now, detail)
            step_detail = plan[id(warning)][1]
            _step(steps, audit, actor, warning, "deliver", Status.RAISED, Status.DELIVERED, now,
                  step_detail)  # fmt: skip
            results.append((warning, True))
            continue
        if (warning.pk, signal.period) in held:
            results.append((warning, False))
            continue
        held.add((warning.pk, signal.period))
        rows.append(_signal_row(warning, signal, now))
        warning.level = higher(warning.level, signal.level)
        warning.series = signal.series or warning.series
        changed[warning.pk] = warning
        _step(steps, audit, actor, warning, "signal", warning.status, warning.status, now, detail)
        results.append((warning, False))
    _write(rows, steps, audit, actor, changed, plan)
    stored = Warning.objects.in_bulk({w.pk for w, _new in results})
    return [(stored[w.pk], new) for w, new in results]


def _step(
    steps: list[WarningStep], audit: list[AuditEntry], actor: Actor, warning: Warning, kind: str,
    from_status: str, to_status: str, now: dt.datetime, detail: dict[str, Any],
) -> None:  # fmt: skip
    """A step of the warning's history and its audit entry, as `common.log_step` writes them."""
    steps.append(
        WarningStep(warning=warning, at=now, kind=kind, actor=actor.user,
                    from_status=from_status, to_status=to_status)
    )  # fmt: skip
    audit.append((STEP_EVENTS[kind], warning, {"from": from_status, "to": to_status, **detail}))


def _write(
    rows: list[WarningSignal], steps: list[WarningStep], audit: list[AuditEntry], actor: Actor,
    changed: dict[int, Warning], plan: dict[int, Any],
) -> None:  # fmt: skip
    WarningSignal.objects.bulk_create(rows)
    WarningStep.objects.bulk_create(steps)
    WarningNotice.objects.bulk_create([n for notices, _detail in plan.values() for n in notices])
    if changed:
        Warning.objects.bulk_update(list(changed.values()), ["level", "series"])
    record_events(actor=actor, entries=audit)


def _signal_row(warning: Warning, signal: Signal, now: dt.datetime) -> WarningSignal:
    return WarningSignal(
        warning=warning,
        period=signal.period,
        level=signal.level,
        observed=signal.observed,
        expected=signal.expected,
        threshold=signal.threshold,
        detected_at=now,
    )
