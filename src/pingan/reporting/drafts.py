"""Saving a draft cell by cell, as the grid does: valid values become figures, refused text is kept.

Unlike `filling.put_cells` (all or nothing, for files and the API), a cell save never throws
away what was typed: each valid cell is saved, each refused one keeps its text as a
`DraftEntry` beside the reason, and the draft's counts come back for the action bar.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from pingan.audit.events import Event
from pingan.core.access.actor import Actor
from pingan.core.problems import Conflict, InputRefused, Problem
from pingan.reporting.cells import Catalogue, load_catalogue, parse_value
from pingan.reporting.filling import CellsSummary, write_cells
from pingan.reporting.models import DraftEntry, Figure, Status, Submission
from pingan.reporting.naming import Names, cell_name
from pingan.reporting.submissions import audit_submission, get_submission

MAX_CELLS_PER_SAVE = 5000
MAX_TEXT = 200


@dataclass(frozen=True)
class CellOutcome:
    """What became of one typed cell: `saved` (value or cleared) or `refused` with the reason.

    `message` names the cell by unit and indicator name ("甲区 · 刑事案件: …") for lists.
    """

    unit: str
    indicator: str
    status: str
    text: str
    reason: str = ""
    message: str = ""

    def as_dict(self) -> dict[str, str]:
        """The outcome as a JSON-ready dict."""
        return dict(self.__dict__)


@dataclass(frozen=True)
class DraftCounts:
    """Expected cells of a draft split into filled (a figure), refused (kept text) and missing."""

    expected: int
    filled: int
    refused: int

    @property
    def missing(self) -> int:
        """Cells with neither a figure nor a refused text."""
        return self.expected - self.filled - self.refused

    def as_dict(self) -> dict[str, int]:
        """The counts as a JSON-ready dict."""
        return {
            "expected": self.expected,
            "filled": self.filled,
            "refused": self.refused,
            "missing": self.missing,
        }


@dataclass
class DraftSave:
    """The outcome of each cell of one save, and the draft's counts after it."""

    cells: list[CellOutcome] = field(default_factory=list)
    counts: DraftCounts = DraftCounts(0, 0, 0)

    @property
    def refused(self) -> list[CellOutcome]:
        """The cells refused by this save."""
        return [c for c in self.cells if c.status == "refused"]


def save_draft_cells(
    *, actor: Actor, submission_id: int, entries: Iterable[tuple[str, str, str]]
) -> DraftSave:
    """Save typed cells `(unit_code, indicator_code, text)` of a draft, each on its own merits.

    Text is normalised (full-width digits, spaces). A whole number ≥ 0 becomes the cell's figure,
    empty text clears the cell, anything else is kept as typed and refused with its reason. A cell
    outside the draft's form is refused the whole save (nothing written). One audit record per save.
    """
    submission = get_submission(actor=actor, action="reporting.fill", submission_id=submission_id)
    entries = list(entries)
    if len(entries) > MAX_CELLS_PER_SAVE:
        raise InputRefused(
            [Problem(None, None, _("at most %(n)s cells per save") % {"n": MAX_CELLS_PER_SAVE})]
        )
    catalogue = load_catalogue(submission.scheme_version)
    expected = {
        (unit.code, code): unit.id
        for unit, code in catalogue.expected_cells(submission.body_id, submission.month)
    }
    names = Names.load()
    problems = [
        Problem(None, None, _("%(cell)s is not a cell of this form") % {"cell": f"{u}/{c}"})
        for u, c, _t in entries
        if (u, c) not in expected
    ]
    if problems:
        raise InputRefused(problems)
    result = DraftSave()
    values, refused_texts = [], {}
    for unit_code, code, raw in entries:
        text = str(raw)[:MAX_TEXT]
        value = parse_value(text)
        key = (expected[(unit_code, code)], code)
        if isinstance(value, str):
            refused_texts[key] = text
            message = _("%(cell)s: “%(text)s” refused, %(reason)s") % {
                "cell": cell_name(names, unit_code, code),
                "text": text,
                "reason": value,
            }
            result.cells.append(CellOutcome(unit_code, code, "refused", text, value, message))
        else:
            values.append((key[0], code, value))
            shown = "" if value is None else str(value)
            result.cells.append(CellOutcome(unit_code, code, "saved", shown))
    with transaction.atomic():
        _lock_draft(submission)
        summary = CellsSummary()
        write_cells(submission, values, summary)
        _keep_refused(submission, refused_texts)
        result.counts = draft_counts(submission, catalogue)
        audit_submission(
            actor,
            Event.REPORTING_SUBMISSION_SAVE_CELLS,
            submission,
            created=summary.created,
            updated=summary.updated,
            cleared=summary.cleared,
            refused=len(refused_texts),
            channel="grid",
        )
    return result


def _lock_draft(submission: Submission) -> None:
    locked = (
        Submission.objects.filter(pk=submission.pk, status=Status.DRAFT).select_for_update().first()
    )
    if locked is None:
        raise Conflict(_("The submission is no longer a draft."))


def _keep_refused(submission: Submission, refused: dict[tuple[int, str], str]) -> None:
    """Store refused texts; their cells lose any figure (`write_cells` drops entries of saved cells)."""
    existing = {(e.unit_id, e.indicator_code): e for e in submission.draft_entries.all()}
    for (unit_id, code), text in refused.items():
        Figure.objects.filter(submission=submission, unit_id=unit_id, indicator_code=code).delete()
        entry = existing.get((unit_id, code))
        if entry is None:
            DraftEntry.objects.create(
                submission=submission, unit_id=unit_id, indicator_code=code, text=text
            )
        elif entry.text != text:
            DraftEntry.objects.filter(pk=entry.pk).update(text=text)


def draft_counts(submission: Submission, catalogue: Catalogue | None = None) -> DraftCounts:
    """Filled, refused and missing cells of a submission's form."""
    catalogue = catalogue or load_catalogue(submission.scheme_version)
    expected = {
        (unit.id, code)
        for unit, code in catalogue.expected_cells(submission.body_id, submission.month)
    }
    filled = sum(
        1
        for key in submission.figures.values_list("unit_id", "indicator_code")
        if tuple(key) in expected
    )
    refused = sum(
        1
        for key in submission.draft_entries.values_list("unit_id", "indicator_code")
        if tuple(key) in expected
    )
    return DraftCounts(len(expected), filled, refused)
