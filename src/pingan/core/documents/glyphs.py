"""Every string of a document checked against the glyph table of the shipped font that renders it.

Level-one headings, the marks above the masthead and every string drawn in a chart are set in
the sans face (黑体's stand-in); everything else in the serif face (仿宋, 宋, 楷, 小标宋's
stand-in). A document with a character neither can draw is not issued.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from pingan.core.documents.fonts import SHIPPED, Face, missing_characters
from pingan.core.documents.model import Figure, Heading, OfficialDocument, Table, Text, numbered


@dataclass(frozen=True)
class Gap:
    """A string with characters the font that renders it has no glyph for."""

    text: str
    characters: tuple[str, ...]
    font: str

    def message(self) -> str:
        """What to tell the person, naming the characters, the font and the string."""
        return _("%(chars)s in “%(text)s” has no glyph in the font %(font)s") % {
            "chars": "、".join("“%s” (U+%04X)" % (c, ord(c)) for c in self.characters),
            "text": self.text,
            "font": self.font,
        }


def _strings(document: OfficialDocument) -> Iterator[tuple[str, Face]]:
    for mark in document.top_marks + document.header_marks:
        yield mark, Face.SANS
    if document.masthead is not None:
        yield document.masthead.mark, Face.SERIF
        yield document.masthead.number, Face.SERIF
    for text in (document.title, document.subtitle, document.main_to, document.signature):
        yield text, Face.SERIF
    yield document.date_text, Face.SERIF
    for block, label in numbered(document.blocks):
        if isinstance(block, Heading):
            yield label + block.text, Face.SANS if block.level == 1 else Face.SERIF
        elif isinstance(block, Text):
            yield block.text, Face.SERIF
        elif isinstance(block, Table):
            for row in (block.headers, *block.rows):
                for cell in row:
                    yield cell, Face.SERIF
        elif isinstance(block, Figure):
            for text in block.strings:
                yield text, Face.SANS
            yield block.caption, Face.SERIF
    for item in document.attachments:
        yield item, Face.SERIF
    if document.imprint is not None:
        for text in (document.imprint.copy_to, document.imprint.printer):
            yield text, Face.SERIF


def missing(document: OfficialDocument) -> list[Gap]:
    """Every string (once) with characters its font cannot draw; empty when the document is whole."""
    gaps: list[Gap] = []
    seen: set[tuple[str, Face]] = set()
    for text, face in _strings(document):
        if not text or (text, face) in seen:
            continue
        seen.add((text, face))
        characters = missing_characters(text, face)
        if characters:
            gaps.append(Gap(text, tuple(characters), SHIPPED[face].family))
    return gaps
