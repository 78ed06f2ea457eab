"""An official document as data: what it says, in order, with no layout in it.

Bulletins, daily summaries and later reports build an `OfficialDocument`; `docx.render`,
`html.render` and `glyphs.missing` read it. Headings carry only their level: the numbering
(一、 （一） 1. （1）) is given by `numbering`, the same for every output.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

NUMERALS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九 (1 to 99)."""
    if not 1 <= n <= 99:
        raise ValueError(n)
    tens, units = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else NUMERALS[tens] + "十")
    return head + (NUMERALS[units] if units else "")


def date_text(day: dt.date) -> str:
    """A date as official documents write it, e.g. 2026年11月21日."""
    return _("%(year)d-%(month)d-%(day)d") % {"year": day.year, "month": day.month, "day": day.day}


def heading_label(level: int, n: int) -> str:
    """The label of the n-th heading of a level: 一、 （一） 1. （1）."""
    if level == 1:
        return chinese_number(n) + "、"
    if level == 2:
        return "（%s）" % chinese_number(n)
    if level == 3:
        return "%d." % n
    return "（%d）" % n


@dataclass(frozen=True)
class Heading:
    """A heading of level 1 (一、, 黑体), 2 (（一）, 楷体), 3 (1., 仿宋) or 4 (（1）, 仿宋)."""

    level: int
    text: str


@dataclass(frozen=True)
class Text:
    """A body paragraph (first line indented two characters unless `indent` is False)."""

    text: str
    indent: bool = True
    small: bool = False
    placeholder: bool = False


@dataclass(frozen=True)
class Table:
    """A table with a repeating header row; `one_line` columns are sized so no cell wraps."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    left: frozenset[int] = frozenset()
    one_line: frozenset[int] = frozenset()
    name: str = ""


@dataclass(frozen=True)
class Figure:
    """A chart as PNG with every string drawn in it (all drawn in the shipped sans face)."""

    png: bytes
    strings: tuple[str, ...]
    caption: str
    alt: str


Block = Heading | Text | Table | Figure


@dataclass(frozen=True)
class Masthead:
    """发文机关标志 (red) and 发文字号 above the red rule."""

    mark: str
    number: str


@dataclass(frozen=True)
class Imprint:
    """版记: 抄送, 印发机关 and 印发日期."""

    copy_to: str
    printer: str
    date_text: str


@dataclass
class OfficialDocument:
    """Everything a document prints, in order."""

    title: str
    author: str
    date: dt.date
    date_text: str
    blocks: list[Block]
    masthead: Masthead | None = None
    main_to: str = ""
    attachments: list[str] = field(default_factory=list)
    signature: str = ""
    imprint: Imprint | None = None
    header_marks: list[str] = field(default_factory=list)
    top_marks: list[str] = field(default_factory=list)
    subtitle: str = ""
    revision: int = 1


def numbered(blocks: list[Block]) -> Iterator[tuple[Block, str]]:
    """Each block with its heading label ("" for other blocks); a heading restarts the levels below it."""
    counters = [0, 0, 0, 0]
    for block in blocks:
        if isinstance(block, Heading):
            level = min(max(block.level, 1), 4)
            counters[level - 1] += 1
            for lower in range(level, 4):
                counters[lower] = 0
            yield block, heading_label(level, counters[level - 1])
        else:
            yield block, ""
