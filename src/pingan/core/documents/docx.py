"""An `OfficialDocument` as a .docx in the layout of GB/T 9704-2012.

A4; type area 156 × 225 mm (top margin 37 mm, left 28 mm); a document grid of 22 lines of
28 characters; body in 仿宋_GB2312 3号 (16 pt); 发文机关标志 in red 方正小标宋简体, sized to fit
one line; heading levels 一、 (黑体), （一） (楷体_GB2312), 1. and （1） (仿宋_GB2312), each kept
with the paragraph after it; tables sized to their content with a repeating header row; page
numbers "— 1 —" in 4号 宋体 at the outer edge (odd pages right, even pages left, one character
in); 落款 and 版记 (抄送, 印发机关, 印发日期) at the end. The East-Asian faces are named through
w:eastAsia; where one is not installed the fallback chain of `fonts.FALLBACK_CHAINS` applies,
ending in the shipped Noto Serif SC / Noto Sans SC.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import unicodedata

from django.utils.translation import gettext as _
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from pingan.core.documents.model import Figure, Heading, OfficialDocument, Table, Text, numbered
from pingan.core.text import xml_safe

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
KAITI_FONT = "楷体_GB2312"
NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"
RED = RGBColor(0xE0, 0x00, 0x00)

PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
TOP_MARGIN, LEFT_MARGIN = Mm(37), Mm(28)
TYPE_WIDTH, TYPE_HEIGHT = Mm(156), Mm(225)
LINES, CHARACTERS = 22, 28
BODY_PT = 16.0
TITLE_PT = 22.0
MARK_MAX_PT = 26.0
TABLE_PT = 10.5
CAPTION_PT = 12.0
SMALL_PT = 12.0
NUMBER_PT = 14.0
IMPRINT_PT = 14.0
CELL_PADDING_PT = 10.8  # Word's default cell margins, 1.9 mm each side
CHART_WIDTH = Mm(150)
LINE_PITCH_TWIPS = math.floor(TYPE_HEIGHT.pt * 20 / LINES)  # 579 (28.95 pt): 22 lines fit 225 mm
LINE_PT = LINE_PITCH_TWIPS / 20
# 28 characters of 16 pt fill 156 mm when each gives up 0.25 pt (w:spacing, in twentieths of a point)
CHARACTER_SPACING_TWIPS = math.floor((TYPE_WIDTH.pt / CHARACTERS - BODY_PT) * 20)


def text_width(text: str, size_pt: float) -> float:
    """Width of a line of text in points: full width for CJK (and ambiguous) characters, 0.75 em for capitals, 0.62 em otherwise (wide enough for the Latin faces in use)."""
    wide = sum(1 for c in text if unicodedata.east_asian_width(c) in ("W", "F", "A"))
    capitals = sum(1 for c in text if "A" <= c <= "Z")
    return float(size_pt * (wide + 0.75 * capitals + 0.62 * (len(text) - wide - capitals)))


# Children of w:pPr that the schema puts after w:pBdr (Word and LibreOffice ignore misplaced ones).
PPR_AFTER_BORDER = (
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)


def mark_size(mark: str) -> float:
    """The size of 发文机关标志 in points: at most 26 pt, in half points, fitting the type area on one line."""
    fitting = TYPE_WIDTH.pt / max(1.0, text_width(mark, 1.0))
    return float(min(MARK_MAX_PT, math.floor(fitting * 2) / 2))


def _fonts(
    target: object,
    east_asia: str,
    size_pt: float | None = None,
    *,
    bold: bool = False,
    color: RGBColor | None = None,
) -> None:
    """Set Latin and East-Asian fonts (w:rFonts w:eastAsia), size, weight and colour."""
    font = target.font  # type: ignore[attr-defined]
    font.name = LATIN_FONT
    if size_pt is not None:
        font.size = Pt(size_pt)
    font.bold = bold
    if color is not None:
        font.color.rgb = color
    properties = target.element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        properties.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)


def _border(paragraph: Paragraph, side: str, *, color: str, eighths: int) -> None:
    """A rule on one side of the paragraph (w:pBdr), `eighths` of a point thick."""
    properties = paragraph._p.get_or_add_pPr()
    borders = properties.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        properties.insert_element_before(borders, *PPR_AFTER_BORDER)
    line = OxmlElement("w:" + side)
    for key, value in (("w:val", "single"), ("w:sz", str(eighths)), ("w:space", "1")):
        line.set(qn(key), value)
    line.set(qn("w:color"), color)
    borders.append(line)


class _Writer:
    """Writes the blocks of one document into a python-docx Document."""

    def __init__(self, source: OfficialDocument) -> None:
        self.source = source
        self.document: DocumentObject = Document()
        self._page_setup()

    # page, grid, header and footer ------------------------------------------------------------
    def _page_setup(self) -> None:
        section = self.document.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
        section.top_margin, section.left_margin = TOP_MARGIN, LEFT_MARGIN
        section.bottom_margin = Emu(PAGE_HEIGHT - TOP_MARGIN - TYPE_HEIGHT)
        section.right_margin = Emu(PAGE_WIDTH - LEFT_MARGIN - TYPE_WIDTH)
        section.header_distance, section.footer_distance = Mm(15), Mm(22)
        grid = section._sectPr.find(qn("w:docGrid"))
        if grid is None:
            grid = OxmlElement("w:docGrid")
            section._sectPr.append(grid)
        grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))
        normal = self.document.styles["Normal"]
        _fonts(normal, BODY_FONT, BODY_PT)
        spacing = OxmlElement("w:spacing")
        spacing.set(qn("w:val"), str(CHARACTER_SPACING_TWIPS))
        properties = normal.element.get_or_add_rPr()
        size = properties.find(qn("w:sz"))
        if size is not None:
            size.addprevious(spacing)  # schema order: w:spacing comes before w:sz
        else:
            properties.append(spacing)
        normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        normal.paragraph_format.line_spacing = Pt(LINE_PT)
        normal.paragraph_format.space_before = Pt(0)
        normal.paragraph_format.space_after = Pt(0)
        normal.paragraph_format.widow_control = True
        self.document.settings.odd_and_even_pages_header_footer = True
        self._page_numbers()
        self._header_marks()

    def _page_numbers(self) -> None:
        """ "— n —" in 4号 宋体, odd pages right and even pages left, one character in from the edge."""
        section = self.document.sections[0]
        for footer, align in (
            (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
            (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
        ):
            paragraph = footer.paragraphs[0]
            paragraph.alignment = align
            form = paragraph.paragraph_format
            form.line_spacing_rule = WD_LINE_SPACING.SINGLE
            if align == WD_ALIGN_PARAGRAPH.RIGHT:
                form.right_indent = Pt(NUMBER_PT)
            else:
                form.left_indent = Pt(NUMBER_PT)
            _fonts(paragraph.add_run("— "), NUMBER_FONT, NUMBER_PT)
            for kind, text in (
                ("begin", None),
                ("instr", " PAGE "),
                ("separate", None),
                ("text", "1"),
                ("end", None),
            ):
                run = paragraph.add_run()
                _fonts(run, NUMBER_FONT, NUMBER_PT)
                if kind == "instr":
                    instruction = OxmlElement("w:instrText")
                    instruction.set(qn("xml:space"), "preserve")
                    instruction.text = text
                    run._r.append(instruction)
                elif kind == "text":
                    run.text = text or ""
                else:
                    field = OxmlElement("w:fldChar")
                    field.set(qn("w:fldCharType"), kind)
                    run._r.append(field)
            _fonts(paragraph.add_run(" —"), NUMBER_FONT, NUMBER_PT)

    def _header_marks(self) -> None:
        if not self.source.header_marks:
            return
        section = self.document.sections[0]
        for header in (section.header, section.even_page_header):
            paragraph = header.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _fonts(
                paragraph.add_run("　".join(self.source.header_marks)),
                HEADING_FONT,
                12,
                color=RED,
            )

    # paragraphs -------------------------------------------------------------------------------
    def paragraph(
        self,
        text: str = "",
        *,
        font: str = BODY_FONT,
        size_pt: float = BODY_PT,
        align: WD_ALIGN_PARAGRAPH | None = None,
        bold: bool = False,
        color: RGBColor | None = None,
        indent: bool = False,
        keep_with_next: bool = False,
    ) -> Paragraph:
        paragraph = self.document.add_paragraph()
        if align is not None:
            paragraph.alignment = align
        form = paragraph.paragraph_format
        if indent:
            form.first_line_indent = Pt(2 * BODY_PT)
        if keep_with_next:
            form.keep_with_next = True
        if size_pt != BODY_PT:
            form.line_spacing_rule = WD_LINE_SPACING.AT_LEAST
            form.line_spacing = Pt(size_pt * 1.4)
        if text:
            _fonts(paragraph.add_run(xml_safe(text)), font, size_pt, bold=bold, color=color)
        return paragraph

    def masthead(self) -> None:
        source = self.source
        for mark in source.top_marks:
            self.paragraph(mark, font=HEADING_FONT, color=RED)
        if source.masthead is None:
            return
        mark = source.masthead.mark
        size = mark_size(mark)
        self.paragraph(
            mark, font=TITLE_FONT, size_pt=size, align=WD_ALIGN_PARAGRAPH.CENTER, color=RED
        )
        self.paragraph()
        self.paragraph()
        number = self.paragraph(source.masthead.number, align=WD_ALIGN_PARAGRAPH.CENTER)
        _border(number, "bottom", color="E00000", eighths=12)
        self.paragraph()

    def title(self) -> None:
        source = self.source
        self.paragraph(
            source.title, font=TITLE_FONT, size_pt=TITLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER
        )
        if source.subtitle:
            self.paragraph(source.subtitle, font=KAITI_FONT, align=WD_ALIGN_PARAGRAPH.CENTER)
        self.paragraph()
        if source.main_to:
            self.paragraph(_("%(list)s:") % {"list": source.main_to})

    def heading(self, block: Heading, label: str) -> None:
        font = {1: HEADING_FONT, 2: KAITI_FONT}.get(block.level, BODY_FONT)
        self.paragraph(
            label + block.text,
            font=font,
            indent=True,
            bold=block.level == 3,
            keep_with_next=True,
        )

    def text(self, block: Text) -> None:
        self.paragraph(
            block.text,
            align=WD_ALIGN_PARAGRAPH.JUSTIFY,
            size_pt=SMALL_PT if block.small else BODY_PT,
            indent=block.indent,
            font=KAITI_FONT if block.placeholder else BODY_FONT,
        )

    # tables -----------------------------------------------------------------------------------
    def column_widths(self, block: Table) -> list[float]:
        """Column widths in points: each sized to its longest cell, `one_line` columns never
        below their longest cell; a narrow table widened towards the type area (at most to
        twice its content), a wide one narrowed to it."""
        columns = range(len(block.headers))
        natural = [
            max(text_width(row[i], TABLE_PT) for row in (block.headers, *block.rows))
            + CELL_PADDING_PT
            for i in columns
        ]
        body = [
            max([text_width(row[i], TABLE_PT) for row in block.rows] or [TABLE_PT])
            + CELL_PADDING_PT
            for i in columns
        ]
        available = TYPE_WIDTH.pt
        total = sum(natural)
        if total <= available:  # widened to the type area, at most to twice the content
            return [w * min(available / total, 2.0) for w in natural]
        smallest = 2 * TABLE_PT + CELL_PADDING_PT
        loose = [i for i in columns if i not in block.one_line]
        widths = [body[i] if i in block.one_line else 0.0 for i in columns]
        remaining = available - sum(widths)
        loose_total = sum(natural[i] for i in loose) or 1.0
        for i in loose:
            widths[i] = max(smallest, natural[i] * remaining / loose_total)
        over = sum(widths) - available
        if over > 0 and loose:  # the minimum widths overshot: take it from the loose columns
            share = sum(widths[i] for i in loose)
            for i in loose:
                widths[i] -= over * widths[i] / share
        return widths

    def table(self, block: Table) -> None:
        widths = self.column_widths(block)
        table = self.document.add_table(rows=1, cols=len(block.headers))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        properties = table._tbl.tblPr
        layout = OxmlElement("w:tblLayout")
        layout.set(qn("w:type"), "fixed")
        properties.append(layout)
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Pt(width)
        self._row(table.rows[0], block.headers, widths, header=True, left=frozenset())
        for values in block.rows:
            self._row(table.add_row(), values, widths, header=False, left=block.left)
        self.paragraph(size_pt=SMALL_PT)

    def _row(
        self,
        row: object,
        values: tuple[str, ...],
        widths: list[float],
        *,
        header: bool,
        left: frozenset[int],
    ) -> None:
        properties = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
        cant_split = OxmlElement("w:cantSplit")
        properties.append(cant_split)
        if header:
            repeat = OxmlElement("w:tblHeader")
            repeat.set(qn("w:val"), "true")
            properties.append(repeat)
        cells = row.cells  # type: ignore[attr-defined]
        for index, (cell, text) in enumerate(zip(cells, values, strict=True)):
            cell.width = Pt(widths[index])
            paragraph = cell.paragraphs[0]
            paragraph.alignment = (
                WD_ALIGN_PARAGRAPH.LEFT if index in left else WD_ALIGN_PARAGRAPH.CENTER
            )
            form = paragraph.paragraph_format
            form.line_spacing_rule = WD_LINE_SPACING.SINGLE
            form.first_line_indent = Pt(0)
            form.keep_with_next = header
            _fonts(paragraph.add_run(xml_safe(text)), BODY_FONT, TABLE_PT, bold=header)

    def figure(self, block: Figure) -> None:
        self.document.add_picture(io.BytesIO(block.png), width=CHART_WIDTH)
        holder = self.document.paragraphs[-1]
        holder.alignment = WD_ALIGN_PARAGRAPH.CENTER
        holder.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        holder.paragraph_format.keep_with_next = True
        self.paragraph(
            block.caption, font=KAITI_FONT, size_pt=CAPTION_PT, align=WD_ALIGN_PARAGRAPH.CENTER
        )

    # the end: attachments, signature and date, imprint ------------------------------------------
    def attachments(self) -> None:
        items = self.source.attachments
        if not items:
            return
        self.paragraph()
        lead = _("Attachments: ")
        several = len(items) > 1
        for number, item in enumerate(items, start=1):
            text = ("%d. %s" % (number, item)) if several else item
            paragraph = self.paragraph((lead if number == 1 else "") + text)
            paragraph.paragraph_format.left_indent = Pt(
                2 * BODY_PT + (0 if number == 1 else text_width(lead, BODY_PT))
            )

    def signature(self) -> None:
        """发文机关署名 two characters in from the right, the date below it two characters further right
        (or, when the date is the longer, the date two characters in and the name moved left)."""
        source = self.source
        if not source.signature:
            return
        self.paragraph()
        name_width = text_width(source.signature, BODY_PT)
        date_width = text_width(source.date_text, BODY_PT)
        two = 2 * BODY_PT
        date_indent = name_width - date_width
        name_indent = two
        if date_indent < two:
            date_indent = two
            name_indent = two + date_width + two - name_width
        for text, indent in ((source.signature, name_indent), (source.date_text, date_indent)):
            paragraph = self.paragraph(text, align=WD_ALIGN_PARAGRAPH.RIGHT)
            paragraph.paragraph_format.right_indent = Pt(max(0.0, indent))

    def imprint(self) -> None:
        """版记: 抄送 between a thick and a thin rule, 印发机关 and 印发日期 above a thick rule."""
        imprint = self.source.imprint
        if imprint is None:
            return
        self.paragraph()
        one = "　"
        copy = self.paragraph(
            one + _("Copy to: %(list)s.") % {"list": imprint.copy_to}, size_pt=IMPRINT_PT
        )
        copy.paragraph_format.keep_with_next = True
        _border(copy, "top", color="000000", eighths=8)
        _border(copy, "bottom", color="000000", eighths=6)
        printed = self.paragraph(
            "%s%s\t%s"
            % (one, imprint.printer, _("%(date)s printed") % {"date": imprint.date_text}),
            size_pt=IMPRINT_PT,
        )
        printed.paragraph_format.tab_stops.add_tab_stop(
            Pt(TYPE_WIDTH.pt - IMPRINT_PT), WD_TAB_ALIGNMENT.RIGHT
        )
        _border(printed, "bottom", color="000000", eighths=8)

    def finish(self) -> bytes:
        source = self.source
        properties = self.document.core_properties
        properties.title = source.title
        properties.author = source.author
        moment = dt.datetime.combine(source.date, dt.time(), tzinfo=dt.UTC)
        properties.created = properties.modified = moment
        properties.last_modified_by = source.author
        properties.revision = source.revision
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()


def render(source: OfficialDocument) -> bytes:
    """The document as .docx bytes (call under the wanted translation)."""
    writer = _Writer(source)
    writer.masthead()
    writer.title()
    for block, label in numbered(source.blocks):
        if isinstance(block, Heading):
            writer.heading(block, label)
        elif isinstance(block, Text):
            writer.text(block)
        elif isinstance(block, Table):
            writer.table(block)
        elif isinstance(block, Figure):
            writer.figure(block)
    writer.attachments()
    writer.signature()
    writer.imprint()
    return writer.finish()
