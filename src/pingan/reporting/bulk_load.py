"""`figures import`: a whole figures file as drafts, or as approved historical figures, in one transaction.

Every line is checked before anything is written. An approved load makes each body × month an
approved version signed by the actor (or a correction of the approved one when values differ) and
inserts its rows with the fast database-specific path of `bulk_insert`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pingan.audit.events import Event
from pingan.audit.services import record_event
from pingan.core import events
from pingan.core.access.actor import Actor
from pingan.core.access.permissions import require
from pingan.core.problems import InputRefused, Problem
from pingan.reporting import copy_load, deadlines
from pingan.reporting.bulk_insert import insert_locked_figures, large_cache
from pingan.reporting.cells import Catalogue, Cell, PeriodCheck, check_lines
from pingan.reporting.figures_file import figure_lines
from pingan.reporting.filling import CellsSummary, refuse_problems, write_cells
from pingan.reporting.models import OPEN_STATUSES, Kind, Status, Step, Submission
from pingan.reporting.submissions import audit_submission, catalogue_for, log_step, next_number
from pingan.reporting.surveys import rate_codes, store_sizes, survey_sizes


@dataclass
class FiguresImportSummary:
    """What `figures import` did (or would do) per body × month."""

    rows: int = 0
    drafts: int = 0
    approved: int = 0
    corrections: int = 0
    unchanged: int = 0
    dry_run: bool = False
    submission_ids: list[int] = field(default_factory=list)
    superseded_ids: list[int] = field(default_factory=list)


def import_figures(
    *,
    actor: Actor,
    data: bytes,
    dry_run: bool = False,
    approve: bool = False,
    reason: str = "",
    now: dt.datetime | None = None,
) -> FiguresImportSummary:
    """Import a figures file in one audited transaction.

    Without `approve`: create or update the draft of each body × month in the file. With
    `approve` (historical load): each body × month becomes an approved version signed by the
    actor, or a correction superseding the approved version when its values differ.
    """
    require(actor, "figures.import")
    reason = reason.strip()
    if approve and not reason:
        raise InputRefused(
            [Problem(None, "reason", _("an approved historical load needs --reason"))]
        )
    now = now or timezone.now()
    catalogue = catalogue_for()
    state = _period_states()
    check = _approved_load_check(state, now) if approve else _draft_load_check(state, now)
    if approve and copy_load.eligible(data):
        loaded = _copy_load(actor, data, catalogue, check, reason, now, dry_run)
        if loaded is not None:
            return loaded
    checked = check_lines(figure_lines(data), catalogue=catalogue, now=now, period_check=check)
    sample_problems, samples = survey_sizes(data)
    checked.problems.extend(sample_problems)
    if checked.rows == 0:
        checked.problems.append(Problem(None, None, _("the file has no data rows")))
    refuse_problems(checked)
    summary = FiguresImportSummary(rows=checked.rows, dry_run=dry_run)
    with large_cache(), transaction.atomic():
        versions = _versions_of(checked.groups)
        for (body_id, month), cells in sorted(
            checked.groups.items(), key=lambda item: (item[0][1], catalogue.body_codes[item[0][0]])
        ):
            if approve:
                _load_approved(
                    actor,
                    catalogue,
                    versions.get((body_id, month)),
                    body_id,
                    month,
                    cells,
                    reason,
                    now,
                    summary,
                )
            else:
                _load_draft(actor, catalogue, body_id, month, cells, summary)
        store_sizes(samples)
        months = sorted({month for _body, month in checked.groups})
        _finish(actor, summary, approve=approve, reason=reason, months=months)
    return summary


def _copy_load(
    actor: Actor,
    data: bytes,
    catalogue: Catalogue,
    check: PeriodCheck,
    reason: str,
    now: dt.datetime,
    dry_run: bool,
) -> FiguresImportSummary | None:
    """The set-based PostgreSQL load of a CSV (`copy_load`), audited; None when the file needs the line check."""
    with transaction.atomic():
        # Survey-rate lines need their sample sizes: the set-based path leaves them to the line check.
        loaded = copy_load.load_approved(
            actor=actor,
            data=data,
            catalogue=catalogue,
            check=check,
            reason=reason,
            now=now,
            rates=rate_codes(),
        )
        if loaded is None:
            return None
        summary = FiguresImportSummary(
            rows=loaded.rows,
            approved=len(loaded.submission_ids),
            dry_run=dry_run,
            submission_ids=loaded.submission_ids,
        )
        _finish(actor, summary, approve=True, reason=reason, months=loaded.months)
    return summary


def _finish(
    actor: Actor, summary: FiguresImportSummary, *, approve: bool, reason: str, months: list[str]
) -> None:
    """Announce changed figures and write the load's audit record; roll a dry run back."""
    if approve and (summary.approved or summary.corrections):
        events.publish(events.FIGURES_CHANGED, months=months, reason="figures.import")
    record_event(
        actor=actor,
        event=Event.REPORTING_FIGURES_IMPORT,
        object_type="reporting.submission",
        outcome="dry_run" if summary.dry_run else "success",
        detail={
            "rows": summary.rows,
            "approve": approve,
            "reason": reason,
            "drafts": summary.drafts,
            "approved": summary.approved,
            "corrections": summary.corrections,
            "unchanged": summary.unchanged,
            "submissions": summary.submission_ids,
            "superseded": summary.superseded_ids,
        },
    )
    if summary.dry_run:
        transaction.set_rollback(True)


def _period_states() -> dict[tuple[int, str], str]:
    """(body_id, month) → "approved" or the open status, for every body × month with a submission."""
    states: dict[tuple[int, str], str] = {}
    for body_id, month, status, current in Submission.objects.filter(
        models_open_or_current()
    ).values_list("body_id", "month", "status", "is_current"):
        key = (body_id, month)
        if status in OPEN_STATUSES:
            states[key] = status
        elif current and key not in states:
            states[key] = "approved"
    return states


def models_open_or_current() -> Q:
    """The filter of submissions that are open or current."""

    return Q(status__in=OPEN_STATUSES) | Q(is_current=True)


def _draft_load_check(state: dict[tuple[int, str], str], now: dt.datetime):  # type: ignore[no-untyped-def]
    def check(body_id: int, month: str) -> str | None:
        if not deadlines.has_ended(month, now):
            return _("%(month)s has not ended yet") % {"month": month}
        status = state.get((body_id, month))
        if status == "approved":
            return _(
                "the figures of this body for %(month)s are approved; change them by a correction"
            ) % {"month": month}
        if status in (Status.SUBMITTED, Status.REVIEWED):
            return _("the submission of this body for %(month)s is being signed off") % {
                "month": month
            }
        return None

    return check


def _approved_load_check(state: dict[tuple[int, str], str], now: dt.datetime):  # type: ignore[no-untyped-def]
    def check(body_id: int, month: str) -> str | None:
        if not deadlines.has_ended(month, now):
            return _("%(month)s has not ended yet") % {"month": month}
        if state.get((body_id, month), "approved") != "approved":
            return _(
                "a submission of this body for %(month)s is open; finish or return it first"
            ) % {"month": month}
        return None

    return check


def _load_draft(
    actor: Actor,
    catalogue: Catalogue,
    body_id: int,
    month: str,
    cells: list[Cell],
    summary: FiguresImportSummary,
) -> None:
    submission = Submission.objects.filter(
        body_id=body_id, month=month, status=Status.DRAFT
    ).first()
    if submission is None:
        submission = Submission.objects.create(
            body_id=body_id,
            month=month,
            number=next_number(body_id, month),
            scheme_version=catalogue.version,
            created_by=actor.user,
        )
        log_step(submission, Step.CREATE, actor, after=Status.DRAFT)
    write_cells(submission, cells, CellsSummary())
    audit_submission(
        actor,
        Event.REPORTING_SUBMISSION_SAVE_CELLS,
        submission,
        source="figures.import",
        cells=len(cells),
    )
    summary.drafts += 1
    summary.submission_ids.append(submission.pk)


def _versions_of(
    groups: dict[tuple[int, str], list[Cell]],
) -> dict[tuple[int, str], tuple[int, Submission | None]]:
    """(body_id, month) → (highest version number, current approved version) for the groups of a file, in two queries."""
    months = sorted({month for _body, month in groups})
    top: dict[tuple[int, str], int] = {}
    for body_id, month, number in Submission.objects.filter(month__in=months).values_list(
        "body_id", "month", "number"
    ):
        top[(body_id, month)] = max(number, top.get((body_id, month), 0))
    current = {
        (s.body_id, s.month): s
        for s in Submission.objects.filter(month__in=months, is_current=True).order_by()
    }
    return {key: (number, current.get(key)) for key, number in top.items()}


def _load_approved(
    actor: Actor,
    catalogue: Catalogue,
    versions: tuple[int, Submission | None] | None,
    body_id: int,
    month: str,
    cells: list[Cell],
    reason: str,
    now: dt.datetime,
    summary: FiguresImportSummary,
) -> None:
    top, current = versions or (0, None)
    new_cells = [cell for cell in cells if cell[2] is not None]
    changed: set[tuple[int, str]] = set()
    if current is not None:
        before = {
            (u, c): v
            for u, c, v in current.figures.values_list("unit_id", "indicator_code", "value")
        }
        changed = {(u, c) for u, c, v in new_cells if before.get((u, c)) != v}
        if not changed:
            summary.unchanged += 1
            return
        merged = {**before, **{(u, c): v for u, c, v in new_cells}}
        new_cells = [(u, c, v) for (u, c), v in merged.items()]
    submission = Submission.objects.create(
        body_id=body_id,
        month=month,
        number=top + 1,
        scheme_version=catalogue.version,
        status=Status.APPROVED,
        kind=Kind.HISTORICAL if current is None else Kind.CORRECTION,
        reason=reason,
        supersedes=current,
        created_by=actor.user,
        approved_by=actor.user,
        approved_at=now,
    )
    log_step(submission, Step.CREATE, actor, after=Status.APPROVED, reason=reason, at=now)
    log_step(
        submission,
        Step.APPROVE,
        actor,
        before=Status.APPROVED,
        after=Status.APPROVED,
        reason=reason,
        at=now,
    )
    insert_locked_figures(submission.pk, int(month[:4]), new_cells, changed)
    if current is not None:
        Submission.objects.filter(pk=current.pk).update(is_current=False, superseded_at=now)
        log_step(current, Step.SUPERSEDE, actor, reason=reason, at=now)
        summary.corrections += 1
        summary.superseded_ids.append(current.pk)
    else:
        summary.approved += 1
    Submission.objects.filter(pk=submission.pk).update(is_current=True)
    summary.submission_ids.append(submission.pk)
