"""The daily matter scan: counts of matters per unit × category, and repeated matters at one place.

Run once a day (the first `pingan matters tick` of a day owes it for the day before, the last
complete one). Both reads group in the database — one statement each, whatever the number of
matters — so the scan reads a few thousand groups rather than every matter:

(a) the daily counts of matters received per place unit and category over a window ending on the
    scanned day, run through the scheme's detector for the category; an alarm on the scanned day
    is a signal on the series "category" of that unit;
(b) matters at the same place (unit and address) and of the same category received within the
    scheme's repeat window: at least the scheme's count of them, one of them received on the
    scanned day, is a signal on the series "category|address" of that unit.

Merged duplicates are not counted. Matters without an address are counted in (a) only.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connection
from django.utils import timezone

from pingan.core.access.actor import Actor
from pingan.engine.detection import DETECTORS, detect
from pingan.matters.models import Category, Matter, Status
from pingan.schemes.warning_rules import WarningRules
from pingan.warnings.actions.raising import Signal, raise_signals
from pingan.warnings.config import current_rules
from pingan.warnings.levels import signal_level
from pingan.warnings.models import Source

MIN_WINDOW_DAYS = 14
"""Days of daily counts read, the scanned day included, at least (more when a detector needs them)."""


@dataclass(frozen=True)
class ScanResult:
    """What one scan found: series looked at, signals raised or attached, and new warnings."""

    day: dt.date
    series: int
    signals: int
    new_warnings: int


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()), timezone.get_default_timezone())


def _moment_sql(moment: dt.datetime) -> Any:
    """A moment as the database compares it with stored ones (SQLite stores UTC text)."""
    if connection.vendor == "sqlite":
        return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
    return moment


def daily_counts(first: dt.date, last: dt.date) -> tuple[list[tuple[int, int]], np.ndarray]:
    """(unit id, category id) of every series with a matter in [first, last], and counts per day.

    One grouped statement; the day of a matter is its local day of receipt.
    """
    start, end = _local_midnight(first), _local_midnight(last + dt.timedelta(days=1))
    table = Matter._meta.db_table
    if connection.vendor == "sqlite":
        day = "CAST(julianday(received_at) - julianday(%s) AS INTEGER)"
    else:
        day = "CAST(FLOOR(EXTRACT(EPOCH FROM (received_at - %s)) / 86400) AS INTEGER)"
    sql = (
        f"SELECT place_unit_id, category_id, {day} AS d, COUNT(*) FROM {table} "  # noqa: S608
        "WHERE received_at >= %s AND received_at < %s AND status <> %s "
        "GROUP BY place_unit_id, category_id, d"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [_moment_sql(start), _moment_sql(start), _moment_sql(end), Status.MERGED]
        )
        rows = cursor.fetchall()
    days = (last - first).days + 1
    keys = sorted({(int(u), int(c)) for u, c, _d, _n in rows})
    index = {key: i for i, key in enumerate(keys)}
    counts = np.zeros((len(keys), days))
    for unit_id, category_id, offset, n in rows:
        if 0 <= int(offset) < days:
            counts[index[(int(unit_id), int(category_id))], int(offset)] += int(n)
    return keys, counts


def repeated_places(day: dt.date, window_days: int, count: int) -> list[tuple[int, int, str, int]]:
    """(unit id, category id, address, matters) of places with at least `count` matters of one
    category in the `window_days` days ending on `day`, one of them received on `day`.

    The places of the day's matters are found first (a range of the day), then the window's
    matters of each of those places are counted through the index by place (`matters_repeat_place`):
    the statement reads the day's matters and their places' matters, not the whole window.
    """
    first = day - dt.timedelta(days=window_days - 1)
    start, day_start = _local_midnight(first), _local_midnight(day)
    end = _local_midnight(day + dt.timedelta(days=1))
    table = Matter._meta.db_table
    sql = (
        f"SELECT m.place_unit_id, m.category_id, m.address, COUNT(*) FROM {table} m "  # noqa: S608
        f"JOIN (SELECT DISTINCT place_unit_id, category_id, address FROM {table} "
        "WHERE received_at >= %s AND received_at < %s AND status <> %s AND address <> '') d "
        "ON m.place_unit_id = d.place_unit_id AND m.category_id = d.category_id "
        "AND m.address = d.address "
        "WHERE m.received_at >= %s AND m.received_at < %s AND m.status <> %s "
        "GROUP BY m.place_unit_id, m.category_id, m.address HAVING COUNT(*) >= %s "
        "ORDER BY m.place_unit_id, m.category_id, m.address"
    )
    params = [
        _moment_sql(day_start), _moment_sql(end), Status.MERGED,
        _moment_sql(start), _moment_sql(end), Status.MERGED, count,
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(int(u), int(c), str(a), int(n)) for u, c, a, n in cursor.fetchall()]


def find_signals(day: dt.date, rules: WarningRules) -> tuple[int, list[Signal]]:
    """The signals of the scan of `day` (nothing written): series looked at and their signals."""
    codes = dict(Category.objects.values_list("pk", "code"))
    chosen = {rules.matters.detector, *(c.detector for c in rules.categories.values())}
    window = max(MIN_WINDOW_DAYS, *(DETECTORS[name].history + 1 for name in chosen))
    first = day - dt.timedelta(days=window - 1)
    keys, counts = daily_counts(first, day)
    labels = [(first + dt.timedelta(days=i)).isoformat() for i in range(counts.shape[1])]
    signals: list[Signal] = []
    by_choice: dict[tuple[str, float], list[int]] = defaultdict(list)
    for row, (_unit_id, category_id) in enumerate(keys):
        choice = rules.for_category(codes.get(category_id, ""))
        by_choice[(choice.detector, choice.alpha)].append(row)
    for (name, alpha), rows in sorted(by_choice.items()):
        found = detect(name, counts[rows], alpha=alpha)
        for i in np.flatnonzero(found.alarm[:, -1]):
            row = rows[int(i)]
            unit_id, category_id = keys[row]
            observed, upper = float(counts[row, -1]), float(found.upper[i, -1])
            signals.append(
                Signal(
                    source=Source.MATTERS, unit_id=unit_id, series_key=codes[category_id],
                    period=day.isoformat(), level=signal_level(observed=observed, threshold=upper),
                    observed=observed, expected=_number(found.expected[i, -1]), threshold=upper,
                    detector=name, alpha=alpha,
                    series=_series(labels, counts[row], found.expected[i], found.upper[i]),
                )
            )  # fmt: skip
    for unit_id, category_id, address, n in repeated_places(
        day, rules.repeat_window_days, rules.repeat_count
    ):
        signals.append(
            Signal(
                source=Source.REPEATS, unit_id=unit_id,
                series_key="%s|%s" % (codes[category_id], address), period=day.isoformat(),
                level=signal_level(observed=n, threshold=rules.repeat_count), observed=float(n),
                threshold=float(rules.repeat_count),
            )
        )  # fmt: skip
    return len(keys), signals


def _number(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def _series(labels: list[str], counts: Any, expected: Any, upper: Any) -> dict[str, Any]:
    """The chart data of a series: periods, counts, expected values and thresholds (None = n/a)."""
    return {
        "periods": labels,
        "counts": [float(v) for v in counts],
        "expected": [_number(v) for v in expected],
        "upper": [_number(v) for v in upper],
    }


def scan_matters(*, actor: Actor, day: dt.date, now: dt.datetime | None = None) -> ScanResult:
    """Scan the matters of `day` and raise (or attach) a warning for each signal found."""
    series, signals = find_signals(day, current_rules())
    new = sum(created for _w, created in raise_signals(actor=actor, signals=signals, now=now))
    return ScanResult(day, series, len(signals), new)
