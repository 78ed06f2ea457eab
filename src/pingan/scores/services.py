"""Computing and storing quarterly results, idempotently, whenever their inputs change.

A quarter's inputs are the approved figures of its window of quarters, the covariates and the
scheme version. Their SHA-256 is the watermark: recomputing with unchanged inputs is a no-op,
and a changed input makes a new current run that records which units' results changed.
"""

from __future__ import annotations

import gc
import hashlib
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pingan.audit.events import Event
from pingan.audit.services import record_event
from pingan.core import events
from pingan.core.access.actor import Actor, job_actor
from pingan.core.access.permissions import require
from pingan.core.periods import (
    period_kind,
    period_of,
    shift_period,
    year_before,
)
from pingan.core.problems import InputRefused, Problem
from pingan.engine import METHOD, linked
from pingan.engine.compute import ClassResult
from pingan.reporting.models import Submission
from pingan.schemes.models import SchemeVersion
from pingan.schemes.selectors import current_version, scheme_period, versions_in_force
from pingan.scores.inputs import ClassInputs, class_inputs, compute
from pingan.scores.models import (
    Explanation,
    KeyManagementMark,
    QuarterResult,
    ScoreChange,
    ScoreRun,
)
from pingan.scores.storing import finite, store_class
from pingan.units.models import OrgUnit

STORE_ATTEMPTS = 10
"""Computations of one quarter before giving up when other workers keep storing runs first."""


def compute_period(
    *, actor: Actor, period: str, reason: str, scheme_code: str | None = None
) -> ScoreRun | None:
    """Compute a quarter under the scheme's current version; reuse the current run if inputs are unchanged.

    Safe when several workers compute the same quarter at once: the run is stored under a lock
    of the quarter, and only if the current run is still the one the inputs were compared with;
    otherwise the computation starts again from what the other one stored.
    """
    require(actor, "scores.compute")
    version = current_version(scheme_code)
    if version is None:
        return None
    if period_kind(period) != scheme_period(version):
        raise InputRefused(
            [
                Problem(
                    None,
                    "period",
                    _("%(period)s is not a %(kind)s: the scheme scores by %(kind)s")
                    % {"period": period, "kind": scheme_period(version)},
                )
            ]
        )
    with collector_paused():
        return _compute_and_store(actor, version, period, reason)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the block (restored after, as it was).

    Storing a quarter builds hundreds of thousands of lists (the explanations' grids), which
    reference counting frees; with the collector on, its passes walked every one of them still
    alive, which took most of the time of building the explanations.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _compute_and_store(
    actor: Actor, version: SchemeVersion, period: str, reason: str
) -> ScoreRun | None:
    """Read, compute and store under the quarter's lock; again if another run was stored first."""
    for _attempt in range(STORE_ATTEMPTS):
        current = ScoreRun.objects.filter(version=version, period=period, is_current=True).first()
        inputs = [class_inputs(version, c, period) for c in version.classes.order_by("position")]
        digest = input_hash(version, period, inputs)
        if current is not None and current.input_hash == digest:
            return current
        results = [(i, compute(version, i)) for i in inputs if i.units]
        with transaction.atomic():
            _lock_quarter(version, period)
            latest = (
                ScoreRun.objects.filter(version=version, period=period, is_current=True)
                .values_list("pk", flat=True)
                .first()
            )
            if latest != (current.pk if current is not None else None):
                continue
            run = _store_run(version, period, digest, reason, current, results)
            record_event(
                actor=actor,
                event=Event.SCORES_RUN_COMPUTE,
                obj=run,
                detail={"period": period, "reason": reason[:100]},
            )
            events.publish(events.SCORES_STORED, period=period, run_id=run.pk)
        return run
    raise RuntimeError("%s: other computations kept storing first" % period)


def _lock_quarter(version: SchemeVersion, period: str) -> None:
    """Serialise storing runs of one quarter: a transaction-scoped advisory lock on PostgreSQL.

    SQLite needs none: its write transactions are IMMEDIATE, so one writer at a time.
    """
    if connection.vendor == "postgresql":
        # Any period form (2026, 2026Q3, 2026-07) keys the lock; a shared key only serialises more.
        key = zlib.crc32(period.encode("ascii")) & 0x7FFFFFFF
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [version.pk, key])


def recompute_quarters(*, quarters: set[str], reason: str) -> list[str]:
    """Recompute the changed quarters and every later computed one (their windows include them).

    Every scheme in force is recomputed, each office's over its own units, for the periods of
    its kind (quarters, months or years); an unchanged scheme's inputs hash to its current run
    and cost no new run. Run by the job worker (`pingan.scores.tasks.recompute`); returns the
    periods that got a new run under some scheme.
    """
    actor = job_actor("scores")
    changed: dict[str, None] = {}
    for version in versions_in_force():
        kind = scheme_period(version)
        owed = {p for p in quarters if period_kind(p) == kind}
        if not owed:
            continue
        runs = ScoreRun.objects.filter(version__scheme_id=version.scheme_id, is_current=True)
        later = runs.filter(period__gt=min(owed)).values_list("period", flat=True)
        for period in sorted(owed | {p for p in later if period_kind(p) == kind}):
            before = set(runs.filter(period=period).values_list("pk", flat=True))
            run = compute_period(
                actor=actor, period=period, reason=reason, scheme_code=version.scheme.code
            )
            if run is not None and run.pk not in before:
                changed[period] = None
    return list(changed)


def stale_quarters() -> list[str]:
    """Periods whose stored results differ from what their inputs give now (owed, not yet done),
    under any scheme in force: the top office's and each office's over its own units (ADR 0015)."""
    stale: set[str] = set()
    for version in versions_in_force():
        current = dict(
            ScoreRun.objects.filter(version=version, is_current=True).values_list(
                "period", "input_hash"
            )
        )
        owed = set(current) | set(periods_with_figures(scheme_period(version)))
        for period in sorted(owed):
            classes = version.classes.order_by("position")
            inputs = [class_inputs(version, c, period) for c in classes]
            if current.get(period) != input_hash(version, period, inputs):
                stale.add(period)
    return sorted(stale)


def compute_all(*, actor: Actor, periods: list[str], reason: str) -> list[ScoreRun]:
    """Compute several quarters in order (each idempotent)."""
    runs = [compute_period(actor=actor, period=p, reason=reason) for p in sorted(periods)]
    return [r for r in runs if r is not None]


def input_hash(version: SchemeVersion, period: str, inputs: list[ClassInputs]) -> str:
    """SHA-256 of everything a period's results depend on."""
    digest = hashlib.sha256(
        ("%s|%s|%d|%s" % (METHOD, version.content_hash, version.number, period)).encode()
    )
    for item in inputs:
        digest.update(item.scheme_class.code.encode())
        digest.update(np.array([u.pk for u in item.units], dtype=np.int64).tobytes())
        for array in (item.window_counts, item.exposure, item.figure_ids, item.open_months):
            digest.update(np.ascontiguousarray(array).tobytes())
        if item.covariates is not None:
            digest.update(np.ascontiguousarray(item.covariates).tobytes())
        if item.kinds is not None:
            for extra in (item.kinds.previous, item.kinds.positives, item.kinds.samples):
                digest.update(np.ascontiguousarray(extra).tobytes())
            digest.update(np.ascontiguousarray(item.kinds.population).tobytes())
    return digest.hexdigest()


def _store_run(
    version: SchemeVersion,
    period: str,
    digest: str,
    reason: str,
    previous: ScoreRun | None,
    results: list[tuple[ClassInputs, ClassResult]],
) -> ScoreRun:
    if previous is not None:
        ScoreRun.objects.filter(pk=previous.pk).update(is_current=False)
        # Only current runs keep their explanations; the changes keep what the history shows.
        Explanation.objects.filter(result__run=previous).delete()
    run = ScoreRun.objects.create(
        version=version,
        period=period,
        input_hash=digest,
        reason=reason[:200],
        supersedes=previous,
        notes=_notes(results),
    )
    earlier = (
        _scores_of(shift_period(period, -1), version),
        _scores_of(year_before(period), version),
    )
    shared = _linked_flags(version, results)
    for inputs, result in results:
        store_class(run, inputs, result, earlier, shared)
    if previous is not None:
        _record_changes(run, previous, reason)
    return run


def _notes(results: list[tuple[ClassInputs, ClassResult]]) -> dict[str, Any]:
    return {
        inputs.scheme_class.code: {
            "fits": [
                {"indicator": r.indicator.code, "method": f.method, "reason": f.reason}
                for r, f in zip(inputs.rules, result.relative.fits, strict=True)
            ],
            "rank_method": result.ranks.method,
            "draws": result.ranks.draws,
            "funnel_overdispersed": bool(result.funnel.overdispersed),
            "funnel_phi": finite(float(result.funnel.phi)),
        }
        for inputs, result in results
    }


def _scores_of(period: str, version: SchemeVersion) -> dict[int, float | None]:
    rows = QuarterResult.objects.filter(
        run__period=period, run__is_current=True, run__version__scheme=version.scheme
    )
    return dict(rows.values_list("unit_id", "absolute_score"))


def _linked_flags(
    version: SchemeVersion, results: list[tuple[ClassInputs, ClassResult]]
) -> dict[int, tuple[bool, bool, int | None]]:
    """Unit id → (veto, key management, linked unit id), a pair sharing veto and key management."""
    ids: list[int] = []
    veto: list[bool] = []
    key: list[bool] = []
    for inputs, result in results:
        ids.extend(u.pk for u in inputs.units)
        veto.extend(bool(v) for v in result.vetoed)
        marks = result.key_management
        key.extend(bool(v) for v in (marks if marks is not None else [False] * len(inputs.units)))
    pairs = (version.content.get("links") or {}).get("pairs", [])
    codes = dict(OrgUnit.objects.filter(pk__in=ids).values_list("code", "pk")) if pairs else {}
    index = {pk: n for n, pk in enumerate(ids)}
    linked_pairs = [
        (index[codes[a]], index[codes[b]])
        for a, b in pairs
        if codes.get(a) in index and codes.get(b) in index
    ]
    partner = {ids[a]: ids[b] for a, b in linked_pairs} | {ids[b]: ids[a] for a, b in linked_pairs}
    shared_veto = linked(veto, linked_pairs)
    shared_key = linked(key, linked_pairs)
    return {
        pk: (bool(shared_veto[n]), bool(shared_key[n]), partner.get(pk)) for n, pk in enumerate(ids)
    }


SCORE_FIELDS = ("unit_id", "absolute_score", "relative_score", "rank")
"""What a score change compares between two runs (read as tuples, not model objects)."""


def _record_changes(run: ScoreRun, previous: ScoreRun, reason: str) -> None:
    old = {unit: scores for unit, *scores in previous.results.values_list(*SCORE_FIELDS)}
    changes = []
    for unit, *scores in run.results.values_list(*SCORE_FIELDS):
        before = old.get(unit)
        if before is None or before == scores:
            continue
        changes.append(
            ScoreChange(
                run=run,
                previous_run=previous,
                unit_id=unit,
                old_absolute=before[0],
                new_absolute=scores[0],
                old_relative=before[1],
                new_relative=scores[1],
                old_rank=before[2],
                new_rank=scores[2],
                reason=reason[:200],
            )
        )
    ScoreChange.objects.bulk_create(changes)


def mark_key_management(*, actor: Actor, unit: OrgUnit, reason: str) -> KeyManagementMark:
    """Mark a unit for key management (重点管理), with a reason; audited."""
    require(actor, "scores.mark")
    if not reason.strip():
        raise InputRefused([Problem(None, "reason", _("a reason is required"))])
    with transaction.atomic():
        if KeyManagementMark.objects.filter(unit=unit, ended_at__isnull=True).exists():
            raise InputRefused(
                [Problem(None, "unit", _("the unit is already marked for key management"))]
            )
        mark = KeyManagementMark.objects.create(
            unit=unit, reason=reason.strip()[:500], marked_by=actor.user
        )
        record_event(
            actor=actor, event=Event.SCORES_KEY_MANAGEMENT_MARK, obj=mark, detail={"unit": unit.pk}
        )
    return mark


def end_key_management(*, actor: Actor, unit: OrgUnit) -> None:
    """End a unit's key-management mark; audited."""
    require(actor, "scores.mark")
    with transaction.atomic():
        mark = KeyManagementMark.objects.filter(unit=unit, ended_at__isnull=True).first()
        if mark is None:
            return
        KeyManagementMark.objects.filter(pk=mark.pk).update(ended_at=timezone.now())
        record_event(
            actor=actor, event=Event.SCORES_KEY_MANAGEMENT_END, obj=mark, detail={"unit": unit.pk}
        )


def periods_with_figures(kind: str | None = None) -> list[str]:
    """Periods (of `kind`, by default the current scheme's) that have any approved figure, oldest first."""
    months = Submission.objects.filter(is_current=True).values_list("month", flat=True).distinct()
    if kind is None:
        kind = scheme_period(version) if (version := current_version(None)) else "quarter"
    return sorted({period_of(m, kind) for m in months})
