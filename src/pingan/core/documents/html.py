"""An `OfficialDocument` as one self-contained HTML page for the browser's print.

The same blocks and the same numbering as the .docx (`model.numbered`); the same page (A4,
the type area's margins, "— n —" page numbers at the outer edge); charts inline as data: URIs;
no outside asset.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from django.template.loader import render_to_string

from pingan.core.documents.docx import LINE_PT, TABLE_PT, TYPE_WIDTH, mark_size, text_width
from pingan.core.documents.model import (
    Block,
    Figure,
    Heading,
    OfficialDocument,
    Table,
    Text,
    numbered,
)


@dataclass(frozen=True)
class _Item:
    kind: str
    block: Block
    label: str = ""
    image: str = ""
    widths: tuple[float, ...] = ()
    width: float = 100.0


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _widths(block: Table) -> tuple[tuple[float, ...], float]:
    """Column shares in percent from the longest cell of each column, and the table's width in
    percent of the line (as the .docx sizes them: at most twice the content)."""
    natural = [
        max(text_width(row[i], TABLE_PT) for row in (block.headers, *block.rows)) + 10.8
        for i in range(len(block.headers))
    ]
    total = sum(natural)
    shares = tuple(round(100 * w / total, 2) for w in natural)
    return shares, round(min(100.0, 200 * total / TYPE_WIDTH.pt), 2)


def _items(document: OfficialDocument) -> list[_Item]:
    items = []
    for block, label in numbered(document.blocks):
        if isinstance(block, Heading):
            items.append(_Item("h%d" % min(block.level + 1, 5), block, label))
        elif isinstance(block, Text):
            items.append(_Item("text", block))
        elif isinstance(block, Table):
            shares, width = _widths(block)
            items.append(_Item("table", block, widths=shares, width=width))
        elif isinstance(block, Figure):
            items.append(_Item("figure", block, image=_data_uri(block.png)))
    return items


def render(document: OfficialDocument) -> str:
    """The document as an HTML page (call under the wanted translation)."""
    mark = document.masthead.mark if document.masthead else ""
    return render_to_string(
        "core/official_document.html",
        {
            "d": document,
            "items": _items(document),
            "mark_pt": mark_size(mark) if mark else 0,
            "line_pt": LINE_PT,
        },
    )
