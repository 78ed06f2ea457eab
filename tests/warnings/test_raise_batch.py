"""Raising a scan's signals in one batch writes what raising them one after the other writes."""

from __future__ import annotations

import itertools

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pingan.audit.chain import record_hash
from pingan.audit.models import AuditRecord
from pingan.core.access.actor import job_actor
from pingan.warnings.actions.raising import Signal, raise_signal, raise_signals
from pingan.warnings.models import Warning, WarningNotice, WarningSignal, WarningStep

from .conftest import at

pytestmark = pytest.mark.django_db

# unit, series, period, level: a new series, a second month on it (attaches, raises the level),
# the same month again (changes nothing), two other series, and a signal on the series opened
# before the batch
PLAN = [
    ("BZ01", "mass_incident", "2026-08", "yellow"),
    ("BZ01", "mass_incident", "2026-09", "red"),
    ("BZ01", "mass_incident", "2026-09", "red"),
    ("BZ02", "petition", "2026-09", "orange"),
    ("BZ01", "petition", "2026-09", "yellow"),
    ("BZ02", "mass_incident", "2026-09", "orange"),
]

WARNINGS = [
    ("BZ02", "mass_incident", "2026-07", "orange", "delivered", 12.0),
    ("BZ01", "mass_incident", "2026-08", "red", "delivered", 48.0),
    ("BZ02", "petition", "2026-09", "orange", "delivered", 12.0),
    ("BZ01", "petition", "2026-09", "yellow", "delivered", 48.0),
]
SIGNALS = [
    (0, "2026-07", "orange"),
    (1, "2026-08", "yellow"),
    (1, "2026-09", "red"),
    (2, "2026-09", "orange"),
    (3, "2026-09", "yellow"),
    (0, "2026-09", "orange"),
]
STEPS = [
    (0, "raise", "", "raised"),
    (0, "deliver", "raised", "delivered"),
    (1, "raise", "", "raised"),
    (1, "deliver", "raised", "delivered"),
    (1, "signal", "delivered", "delivered"),
    (2, "raise", "", "raised"),
    (2, "deliver", "raised", "delivered"),
    (3, "raise", "", "raised"),
    (3, "deliver", "raised", "delivered"),
    (0, "signal", "delivered", "delivered"),
]
NOTICES = [(w, role) for w in range(4) for role in ("unit_viewer", "analyst")]
AUDIT = [
    ("warnings.warning.raise", 1, {"from": "", "to": "raised", "level": "yellow", "period": "2026-08"}),
    ("warnings.warning.deliver", 1, {"from": "raised", "to": "delivered", "acknowledge_due": "2026-10-08T10:00:00+08:00"}),
    ("warnings.warning.signal", 1, {"from": "delivered", "to": "delivered", "level": "red", "period": "2026-09"}),
    ("warnings.warning.raise", 2, {"from": "", "to": "raised", "level": "orange", "period": "2026-09"}),
    ("warnings.warning.deliver", 2, {"from": "raised", "to": "delivered", "acknowledge_due": "2026-10-06T22:00:00+08:00"}),
    ("warnings.warning.raise", 3, {"from": "", "to": "raised", "level": "yellow", "period": "2026-09"}),
    ("warnings.warning.deliver", 3, {"from": "raised", "to": "delivered", "acknowledge_due": "2026-10-08T10:00:00+08:00"}),
    ("warnings.warning.signal", 0, {"from": "delivered", "to": "delivered", "level": "orange", "period": "2026-09"}),
]  # fmt: skip
OFFICE = ["analyst@example.org", "head@example.org"]
MAILS = [  # as delivered: the level of the first signal
    ("Warning: Fairly urgent (orange), 沾化区, mass_incident, 2026-07", [*OFFICE, "other@example.org"]),
    ("Warning: General (yellow), 滨城区, mass_incident, 2026-08", [*OFFICE, "viewer@example.org"]),
    ("Warning: Fairly urgent (orange), 沾化区, petition, 2026-09", [*OFFICE, "other@example.org"]),
    ("Warning: General (yellow), 滨城区, petition, 2026-09", [*OFFICE, "viewer@example.org"]),
]  # fmt: skip


def _signal(units, unit: str, series: str, period: str, level: str) -> Signal:
    return Signal(
        source="figures", unit_id=units[unit].pk, series_key=series, period=period, level=level,
        observed=7.0, expected=2.0, threshold=4.0, detector="noufaily", alpha=0.01,
        series={"periods": [period], "counts": [7.0]},
    )  # fmt: skip


def _written(start_seq: int) -> dict[str, list]:
    order = {
        pk: i for i, pk in enumerate(Warning.objects.order_by("pk").values_list("pk", flat=True))
    }
    return {
        "warnings": [
            (w.unit.code, w.series_key, w.period, w.level, w.status,
             (w.acknowledge_due - w.delivered_at).total_seconds() / 3600)
            for w in Warning.objects.select_related("unit").order_by("pk")
        ],
        "signals": [(order[w], p, lv) for w, p, lv in
                    WarningSignal.objects.order_by("pk").values_list("warning_id", "period", "level")],
        "steps": [(order[w], *rest) for w, *rest in WarningStep.objects.order_by("pk")
                  .values_list("warning_id", "kind", "from_status", "to_status")],
        "notices": [(order[w], r) for w, r in
                    WarningNotice.objects.order_by("pk").values_list("warning_id", "recipient_role")],
        "audit": [(e, order[int(o)], d) for e, o, d in AuditRecord.objects.filter(seq__gt=start_seq)
                  .order_by("seq").values_list("event", "object_id", "detail")],
        "mails": [(m.subject, sorted(m.to)) for m in mail.outbox],
    }  # fmt: skip


@pytest.mark.parametrize("batch", [True, False], ids=["one batch", "one at a time"])
def test_a_batch_writes_what_one_signal_at_a_time_writes(
    batch, units, people, django_capture_on_commit_callbacks
):
    actor = job_actor("warnings")
    with django_capture_on_commit_callbacks(execute=True):
        raise_signal(
            actor=actor,
            signal=_signal(units, "BZ02", "mass_incident", "2026-07", "orange"),
            now=at("2026-10-05"),
        )
    start = AuditRecord.objects.order_by("-seq").values_list("seq", flat=True)[0]
    signals = [_signal(units, *row) for row in PLAN]
    with django_capture_on_commit_callbacks(execute=True):
        if batch:
            results = raise_signals(actor=actor, signals=signals, now=at("2026-10-06"))
        else:
            results = [raise_signal(actor=actor, signal=s, now=at("2026-10-06")) for s in signals]
    assert [created for _w, created in results] == [True, False, False, True, True, False]
    written = _written(start)
    assert written == {
        "warnings": WARNINGS, "signals": SIGNALS, "steps": STEPS, "notices": NOTICES,
        "audit": AUDIT, "mails": MAILS,
    }  # fmt: skip
    chain = list(AuditRecord.objects.order_by("seq"))
    assert all(r.hash == record_hash(r) for r in chain)
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(chain))


def test_a_batch_reads_and_writes_in_a_fixed_number_of_statements(units, people):
    """As many statements for 20 new warnings as for 2 (SQLite splits inserts of over 999 values)."""
    actor = job_actor("warnings")
    few = [_signal(units, "BZ01", "s%d" % i, "2026-09", "yellow") for i in range(2)]
    many = [_signal(units, "BZ02", "s%d" % i, "2026-09", "yellow") for i in range(20)]
    counts = []
    for signals in (few, many):
        with CaptureQueriesContext(connection) as queries:
            raise_signals(actor=actor, signals=signals, now=at("2026-10-06"))
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert Warning.objects.count() == 22
