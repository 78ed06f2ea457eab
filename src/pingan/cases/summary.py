"""The daily work summary (每日工作情况) as a Word document."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from docx import Document

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


def summary_docx(content: dict[str, Any]) -> bytes:
    """Render a daily summary's content as a .docx file (counts and matter numbers only)."""
    document = Document()
    document.add_heading(
        _("Daily work summary of the centre, %(day)s") % {"day": content.get("day", "")}, level=1
    )
    table = document.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = _("Item"), _("Count")
    for label, value in figure_rows(content):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, str(value)
    if content.get("by_category"):
        document.add_heading(_("Received by category"), level=2)
        for name, count in content["by_category"].items():
            document.add_paragraph("%s：%d" % (name, count), style="List Bullet")
    if content.get("overdue_numbers"):
        document.add_heading(_("Overdue matters"), level=2)
        document.add_paragraph("、".join(content["overdue_numbers"]))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
