"""Filling a draft: writing its cells (from the grid, the template, a file or the API) and "no incidents".

All cells are checked first; nothing is written unless all are valid. The write and its audit
record share one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pingan.audit.events import Event
from pingan.core.access.actor import Actor
from pingan.core.problems import Conflict, InputRefused
from pingan.reporting.cells import Cell, Checked, Columns, Record, check_lines, load_catalogue
from pingan.reporting.models import DraftEntry, Figure, Status, Submission
from pingan.reporting.submissions import audit_submission, get_submission, missing_cells


@dataclass
class CellsSummary:
    """What writing cells did (or, in a dry run, would do)."""

    created: int = 0
    updated: int = 0
    cleared: int = 0
    unchanged: int = 0
    dry_run: bool = False
    missing: int = 0


def put_cells(
    *,
    actor: Actor,
    submission_id: int,
    records: Iterable[Record],
    columns: Columns | None = None,
    dry_run: bool = False,
) -> CellsSummary:
    """Write cells of a draft (an empty value clears a cell). All are checked first; nothing is written unless all are valid."""
    submission = get_submission(actor=actor, action="reporting.fill", submission_id=submission_id)
    _require_draft(submission)
    catalogue = load_catalogue(submission.scheme_version)
    checked = check_lines(
        ((record[0], record[1:]) for record in records),
        catalogue=catalogue,
        now=timezone.now(),
        columns=columns or Columns(),
        body_id=submission.body_id,
        month=submission.month,
    )
    refuse_problems(checked)
    cells = checked.groups.get((submission.body_id, submission.month), [])
    summary = CellsSummary(dry_run=dry_run)
    with transaction.atomic():
        locked = (
            Submission.objects.filter(pk=submission.pk, status=Status.DRAFT)
            .select_for_update()
            .first()
        )
        if locked is None:
            raise Conflict(_("The submission is no longer a draft."))
        write_cells(submission, cells, summary)
        summary.missing = len(missing_cells(submission, catalogue))
        audit_submission(
            actor,
            Event.REPORTING_SUBMISSION_SAVE_CELLS,
            submission,
            created=summary.created,
            updated=summary.updated,
            cleared=summary.cleared,
            dry_run=dry_run,
        )
        if dry_run:
            transaction.set_rollback(True)
    return summary


def fill_zeros(*, actor: Actor, submission_id: int) -> CellsSummary:
    """ "No incidents": give every empty cell of a draft an explicit 0 (cells holding refused text are left as typed)."""
    submission = get_submission(actor=actor, action="reporting.fill", submission_id=submission_id)
    _require_draft(submission)
    catalogue = load_catalogue(submission.scheme_version)
    refused = set(submission.draft_entries.values_list("unit_id", "indicator_code"))
    records = [
        (None, unit.code, code, submission.month, 0)
        for unit, code in missing_cells(submission, catalogue)
        if (unit.id, code) not in refused
    ]
    return put_cells(actor=actor, submission_id=submission_id, records=records)


def _require_draft(submission: Submission) -> None:
    if submission.status != Status.DRAFT:
        raise Conflict(
            _("Only a draft can be edited; this submission is %(status)s.")
            % {"status": submission.get_status_display()}
        )


def refuse_problems(checked: Checked) -> None:
    """Refuse the input, listing every problem in row then column order, when checking found any."""
    if checked.problems:
        raise InputRefused(sorted(checked.problems, key=lambda p: (p.row or 0, p.column or "")))


def write_cells(submission: Submission, cells: list[Cell], summary: CellsSummary) -> None:
    """Create, update or clear the draft's cells, counting each in `summary`; a correction marks the cells it changes."""
    existing = {(f.unit_id, f.indicator_code): f for f in submission.figures.all()}
    before = {}
    if submission.supersedes_id:
        before = {
            (u, c): v
            for u, c, v in Figure.objects.filter(
                submission_id=submission.supersedes_id
            ).values_list("unit_id", "indicator_code", "value")
        }
    creates = []
    for unit_id, code, value in cells:
        figure = existing.get((unit_id, code))
        changed = bool(submission.supersedes_id) and before.get((unit_id, code)) != value
        if value is None:
            if figure is None:
                summary.unchanged += 1
            else:
                figure.delete()
                summary.cleared += 1
        elif figure is None:
            creates.append(
                Figure(
                    submission=submission,
                    unit_id=unit_id,
                    indicator_code=code,
                    value=value,
                    changed=changed,
                )
            )
            summary.created += 1
        elif figure.value != value or figure.changed != changed:
            Figure.objects.filter(pk=figure.pk).update(value=value, changed=changed)
            summary.updated += 1
        else:
            summary.unchanged += 1
    Figure.objects.bulk_create(creates, batch_size=2000)
    written = {(unit_id, code) for unit_id, code, _value in cells}
    stale = [
        pk
        for pk, unit_id, code in submission.draft_entries.values_list(
            "pk", "unit_id", "indicator_code"
        )
        if (unit_id, code) in written
    ]
    if stale:
        DraftEntry.objects.filter(pk__in=stale).delete()
