"""The bulletin as a .docx in the official-document layout of GB/T 9704-2012 (as far as Word allows).

A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; a red issuing-body line, the
document number and a red rule; the title in a xiaobiaosong-style face at 2号 (22 pt); body
text in a Fangsong face at 3号 (16 pt); level-one headings in Heiti; page numbers "— 1 —" in
the footer; issuing body and date at the end, then the distribution list. The East-Asian font
is set through w:eastAsia, naming the font offices have (仿宋_GB2312 etc.); a machine without
it substitutes the nearest installed CJK face (e.g. Noto Serif CJK SC).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

from django.utils.translation import gettext as _
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from pingan.bulletins import charts
from pingan.bulletins.selectors import BulletinContent, ClassSection

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
KAITI_FONT = "楷体_GB2312"
NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"
RED = RGBColor(0xE0, 0x00, 0x00)
BODY_SIZE = Pt(16)
TITLE_SIZE = Pt(22)
MARK_SIZE = Pt(26)
TABLE_SIZE = Pt(10.5)
PAGE_NUMBER_SIZE = Pt(14)
CHART_WIDTH = Mm(150)
COLUMN_WIDTHS = (Mm(26), Mm(50), Mm(20), Mm(20), Mm(20), Mm(20))
NUMERALS = "一二三四五六七八九十"


def _fonts(
    run_or_style: object,
    east_asia: str,
    size: object | None = None,
    *,
    bold: bool = False,
    color: RGBColor | None = None,
) -> None:
    """Set Latin and East-Asian fonts (w:rFonts w:eastAsia), size, weight and colour."""
    font = run_or_style.font  # type: ignore[attr-defined]
    font.name = LATIN_FONT
    if size is not None:
        font.size = size
    font.bold = bold
    if color is not None:
        font.color.rgb = color
    element = run_or_style.element  # type: ignore[attr-defined]
    properties = element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        properties.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)


def _paragraph(
    document: DocumentObject,
    text: str = "",
    *,
    font: str = BODY_FONT,
    size: object = BODY_SIZE,
    align: WD_ALIGN_PARAGRAPH | None = None,
    bold: bool = False,
    color: RGBColor | None = None,
    indent: bool = False,
) -> Paragraph:
    paragraph = document.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(32)
    if text:
        _fonts(paragraph.add_run(text), font, size, bold=bold, color=color)
    return paragraph


def _rule(paragraph: Paragraph, *, color: str = "E00000", size: int = 12) -> None:
    """Draw a rule under the paragraph (a bottom border)."""
    properties = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (
        ("w:val", "single"),
        ("w:sz", str(size)),
        ("w:space", "1"),
        ("w:color", color),
    ):
        bottom.set(qn(key), value)
    borders.append(bottom)
    properties.append(borders)


def _page_setup(document: DocumentObject) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(18)
    normal = document.styles["Normal"]
    _fonts(normal, BODY_FONT, BODY_SIZE)
    normal.paragraph_format.line_spacing = Pt(28)
    normal.paragraph_format.space_after = Pt(0)


def _page_number_footer(document: DocumentObject) -> None:
    """ "— 1 —" centred in the footer, the number a PAGE field."""
    paragraph = document.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _fonts(paragraph.add_run("— "), NUMBER_FONT, PAGE_NUMBER_SIZE)
    for kind, text in (
        ("begin", None),
        ("instr", " PAGE "),
        ("separate", None),
        ("text", "1"),
        ("end", None),
    ):
        run = paragraph.add_run()
        _fonts(run, NUMBER_FONT, PAGE_NUMBER_SIZE)
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
    _fonts(paragraph.add_run(" —"), NUMBER_FONT, PAGE_NUMBER_SIZE)


def _page_header(document: DocumentObject, content: BulletinContent) -> None:
    marks = []
    if content.illustrative:
        marks.append(_("ILLUSTRATIVE DATA"))
    if content.is_draft:
        marks.append(_("DRAFT"))
    if marks:
        paragraph = document.sections[0].header.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _fonts(paragraph.add_run("　".join(marks)), HEADING_FONT, Pt(12), color=RED)


def _masthead(document: DocumentObject, content: BulletinContent) -> None:
    """Issuing-body mark in red, the document number, and the red separator rule."""
    if content.illustrative:
        _paragraph(
            document, _("ILLUSTRATIVE DATA"), font=HEADING_FONT, align=WD_ALIGN_PARAGRAPH.LEFT
        )
    _paragraph(
        document,
        content.issuer.header_line,
        font=TITLE_FONT,
        size=MARK_SIZE,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        color=RED,
    )
    _paragraph(document)
    number = _paragraph(
        document, content.doc_number + content.edition_text, align=WD_ALIGN_PARAGRAPH.CENTER
    )
    _rule(number)
    _paragraph(document)


def _heading(document: DocumentObject, index: int, text: str) -> None:
    _paragraph(document, "%s、%s" % (NUMERALS[index], text), font=HEADING_FONT, indent=True)


def _cell_text(
    cell: object,
    text: str,
    *,
    bold: bool = False,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER,
) -> None:
    paragraph = cell.paragraphs[0]  # type: ignore[attr-defined]
    paragraph.alignment = align
    paragraph.paragraph_format.line_spacing = 1.0
    _fonts(paragraph.add_run(text), BODY_FONT, TABLE_SIZE, bold=bold)


def _repeat_header(row: object) -> None:
    properties = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _ranking_table(document: DocumentObject, section: ClassSection) -> None:
    headers = [
        _("Rank (interval)"),
        _("Unit"),
        _("Absolute score"),
        _("Relative score"),
        _("Stars"),
        _("Tier"),
    ]
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        _cell_text(cell, text, bold=True)
    _repeat_header(table.rows[0])
    for row in section.rows:
        cells = table.add_row().cells
        values = [row.rank, row.unit_name, row.absolute, row.relative, row.stars, row.tier_text]
        for index, (cell, text) in enumerate(zip(cells, values, strict=True)):
            _cell_text(
                cell,
                text,
                align=WD_ALIGN_PARAGRAPH.LEFT if index == 1 else WD_ALIGN_PARAGRAPH.CENTER,
            )


def _chart(document: DocumentObject, png: bytes, caption: str) -> None:
    document.add_picture(io.BytesIO(png), width=CHART_WIDTH)
    holder = document.paragraphs[-1]
    holder.alignment = WD_ALIGN_PARAGRAPH.CENTER
    holder.paragraph_format.line_spacing = 1.0
    _paragraph(document, caption, font=KAITI_FONT, size=Pt(12), align=WD_ALIGN_PARAGRAPH.CENTER)


def _charts(document: DocumentObject, content: BulletinContent) -> None:
    if not content.classes:
        return
    first = content.classes[0]
    bars = charts.score_bars(
        names=first.names,
        scores=first.scores,
        tiers=first.tiers,
        tier_lines=content.tier_lines,
        title=_("%(class)s: absolute scores by tier") % {"class": first.name},
        xlabel=_("Absolute score"),
    )
    _chart(
        document,
        bars,
        _("Figure 1. %(class)s: absolute scores; colour shows the tier.") % {"class": first.name},
    )
    plot = charts.funnel_plot(
        observed=first.observed,
        expected=first.expected,
        flags=first.flags,
        title=_("%(class)s: funnel plot") % {"class": first.name},
        xlabel=_("Expected weighted incidents"),
        ylabel=_("Observed / expected"),
    )
    _chart(
        document,
        plot,
        _(
            "Figure 2. %(class)s: observed against expected incidents with control limits at 95 and 99.8 percent."
        )
        % {"class": first.name},
    )


def _lines(document: DocumentObject, lines: list[str], empty: str) -> None:
    for line in lines or [empty]:
        _paragraph(document, line, indent=True)


def _body(document: DocumentObject, content: BulletinContent) -> None:
    sections: list[tuple[str, Callable[[DocumentObject, BulletinContent], None]]] = [
        (_("Overview"), _overview),
        (_("Rankings by class"), _rankings),
        (_("Warning tiers"), _tiers),
        (_("Warnings"), _warnings),
        (_("Notable changes on the previous quarter"), _changes),
        (_("Units under key management"), _key_units),
        (_("Errata"), _errata),
    ]
    for index, (heading, write) in enumerate(sections):
        _heading(document, index, heading)
        write(document, content)


def _overview(document: DocumentObject, content: BulletinContent) -> None:
    _lines(document, content.summary, "")
    _charts(document, content)


def _warnings(document: DocumentObject, content: BulletinContent) -> None:
    _lines(document, content.warnings, _("No further warnings this quarter."))


def _key_units(document: DocumentObject, content: BulletinContent) -> None:
    _lines(document, content.key_units, _("No unit is under key management."))


def _rankings(document: DocumentObject, content: BulletinContent) -> None:
    for number, section in enumerate(content.classes, start=1):
        _paragraph(
            document,
            "（%s）%s" % (NUMERALS[number - 1], section.name),
            font=KAITI_FONT,
            indent=True,
        )
        _ranking_table(document, section)
    _paragraph(
        document,
        _(
            "Ranks are by absolute score; the brackets give the interval that holds the rank with 95 percent probability."
        ),
        size=Pt(12),
        indent=True,
    )


def _tiers(document: DocumentObject, content: BulletinContent) -> None:
    for group in content.tiers:
        units = "、".join(group.units) if group.units else _("none")
        _paragraph(
            document,
            _("%(tier)s (%(n)d): %(units)s.")
            % {"tier": group.text, "n": len(group.units), "units": units},
            indent=True,
        )


def _changes(document: DocumentObject, content: BulletinContent) -> None:
    for label, lines in ((_("Largest rises"), content.rises), (_("Largest falls"), content.falls)):
        text = "；".join(
            "%s（%s，%s，%s）" % (c.unit_name, c.class_name, c.score, c.change) for c in lines
        ) or _("none")
        _paragraph(document, "%s：%s。" % (label, text), indent=True)


def _errata(document: DocumentObject, content: BulletinContent) -> None:
    if not content.errata:
        _paragraph(
            document,
            _("No published result has been corrected since the last bulletin."),
            indent=True,
        )
        return
    for e in content.errata:
        _paragraph(
            document,
            _(
                "%(quarter)s, %(unit)s: absolute score corrected from %(old)s to %(new)s, rank from %(old_rank)s to %(new_rank)s (%(reason)s)."
            )
            % {
                "quarter": e.period,
                "unit": e.unit_name,
                "old": e.old_absolute,
                "new": e.new_absolute,
                "old_rank": e.old_rank,
                "new_rank": e.new_rank,
                "reason": e.reason,
            },
            indent=True,
        )


def date_text(day: dt.date) -> str:
    """A date as official documents write it, e.g. 2026年11月21日."""
    return _("%(year)d-%(month)d-%(day)d") % {"year": day.year, "month": day.month, "day": day.day}


def _closing(document: DocumentObject, content: BulletinContent) -> None:
    _paragraph(document)
    _paragraph(document, content.issuer.issuer, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(document, date_text(content.date), align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(document)
    top = _paragraph(
        document, _("Copy to: %(list)s.") % {"list": content.issuer.copy_to}, size=Pt(14)
    )
    _rule(top, color="000000", size=8)
    imprint = _paragraph(
        document,
        "%s　　%s"
        % (content.issuer.issuer, _("printed %(date)s") % {"date": date_text(content.date)}),
        size=Pt(14),
    )
    _rule(imprint, color="000000", size=8)


def render_docx(content: BulletinContent) -> bytes:
    """The bulletin as .docx bytes (call under the wanted translation)."""
    document = Document()
    _page_setup(document)
    _page_header(document, content)
    _page_number_footer(document)
    _masthead(document, content)
    _paragraph(
        document, content.title, font=TITLE_FONT, size=TITLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER
    )
    _paragraph(document)
    _paragraph(document, _("%(list)s:") % {"list": content.issuer.main_to})
    _body(document, content)
    _closing(document, content)
    properties = document.core_properties
    properties.title = content.title
    properties.author = content.issuer.issuer
    moment = dt.datetime.combine(content.date, dt.time(), tzinfo=dt.UTC)
    properties.created = properties.modified = moment
    properties.last_modified_by = content.issuer.issuer
    properties.revision = content.edition
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
