"""The daily work summary (每日工作情况) as an official document, through the one renderer.

The same layout as the bulletin (`pingan.core.documents`): a red header line, the date under a
red rule, the title, then numbered sections: the day's figures in a short table, matters
received by category, and the open matters that are overdue or escalated in a table (number,
category, grade, place, responsible unit, due date, state). Counts and matter numbers only: no
personal data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from pingan.core.documents import docx
from pingan.core.documents.model import (
    Block,
    Heading,
    Masthead,
    OfficialDocument,
    Table,
    Text,
    date_text,
)

FIGURES = [
    ("received", gettext_noop("Received")),
    ("dispatched", gettext_noop("Dispatched")),
    ("signed", gettext_noop("Signed for")),
    ("feedback", gettext_noop("Feedback given")),
    ("closed", gettext_noop("Closed")),
    ("visited", gettext_noop("Followed up")),
    ("rejected", gettext_noop("Rejected or referred out")),
    ("open", gettext_noop("Open when generated")),
    ("overdue", gettext_noop("Of which overdue")),
]


def figure_rows(content: dict[str, Any]) -> list[tuple[str, int]]:
    """The summary's figures as (translated label, value) rows."""
    return [(_(label), int(content.get(key, 0))) for key, label in FIGURES]


def _state(row: dict[str, Any]) -> str:
    notes = []
    if row.get("overdue"):
        notes.append(_("overdue"))
    if row.get("escalated"):
        notes.append(_("escalated to step %(n)d") % {"n": int(row.get("step", 1))})
    return "，".join(notes) or "—"


def _named(content: dict[str, Any]) -> Callable[[str], str]:
    """A stored Chinese name in the reader's language: the English name the summary stored with
    it when the document is read in English (summaries generated before that keep Chinese)."""
    english = content.get("names_en") or {}
    if not (get_language() or "").startswith("en"):
        return lambda name: name
    return lambda name: english.get(name) or name


def _attention(content: dict[str, Any]) -> list[Block]:
    rows = content.get("attention")
    if rows is None:  # a summary stored before the table existed: its overdue numbers
        numbers = content.get("overdue_numbers") or []
        if not numbers:
            return [Text(_("None."))]
        return [
            Table(
                headers=(_("Number"),), rows=tuple((n,) for n in numbers), one_line=frozenset({0})
            )
        ]
    if not rows:
        return [Text(_("None."))]
    named = _named(content)
    return [
        Table(
            headers=(
                _("Number"),
                _("Category"),
                _("Grade"),
                _("Place"),
                _("Responsible unit"),
                _("Handle by"),
                _("State"),
            ),
            rows=tuple(
                (
                    r["number"],
                    named(r.get("category", "")),
                    named(r.get("grade", "")),
                    named(r.get("place", "")),
                    named(r.get("responsible", "")) or "—",
                    r.get("due", "") or "—",
                    _state(r),
                )
                for r in rows
            ),
            left=frozenset({3, 4}),
            one_line=frozenset({0, 5}),
        )
    ]


def summary_document(content: dict[str, Any]) -> OfficialDocument:
    """The daily summary as an official document (call under the wanted translation)."""
    day = dt.date.fromisoformat(str(content.get("day")))
    categories = content.get("by_category") or {}
    blocks: list[Block] = [
        Heading(1, _("Figures of the day")),
        Table(
            headers=(_("Item"), _("Count")),
            rows=tuple((label, str(value)) for label, value in figure_rows(content)),
            left=frozenset({0}),
        ),
        Heading(1, _("Received by category")),
        *(
            [
                Table(
                    headers=(_("Category"), _("Count")),
                    rows=tuple(
                        (_named(content)(name), str(count)) for name, count in categories.items()
                    ),
                    left=frozenset({0}),
                )
            ]
            if categories
            else [Text(_("None."))]
        ),
        Heading(1, _("Overdue and escalated matters")),
        *_attention(content),
    ]
    return OfficialDocument(
        title=_("Daily work summary of the centre"),
        author=_("Daily work summary"),
        date=day,
        date_text=date_text(day),
        blocks=blocks,
        masthead=Masthead(_("Daily work summary"), date_text(day)),
    )


def summary_docx(content: dict[str, Any]) -> bytes:
    """Render a daily summary's content as a .docx file (counts and matter numbers only)."""
    return docx.render(summary_document(content))
