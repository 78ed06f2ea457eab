"""The one renderer: numbering, glyph checks, fonts for LibreOffice, page grid, tables, HTML."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import translation
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Emu

from pingan.bulletins.docx_render import bulletin_document, render_docx, render_html
from pingan.core.documents import docx, glyphs
from pingan.core.documents.fonts import Face, fontconfig_text, missing_characters
from pingan.core.documents.model import (
    Figure,
    Heading,
    OfficialDocument,
    Table,
    Text,
    chinese_number,
    numbered,
)
from tests.documents.sample import content


@pytest.mark.parametrize(
    ("n", "text"), [(1, "一"), (9, "九"), (10, "十"), (12, "十二"), (20, "二十"), (99, "九十九")]
)
def test_chinese_numbers(n, text):
    assert chinese_number(n) == text


def test_headings_are_numbered_by_level_and_restart_below_a_higher_one():
    blocks = [
        Heading(1, "甲"),
        Heading(2, "乙"),
        Heading(3, "丙"),
        Heading(4, "丁"),
        Heading(4, "戊"),
        Heading(2, "己"),
        Heading(3, "庚"),
        Text("正文"),
        Heading(1, "辛"),
        Heading(2, "壬"),
    ]
    assert [label + b.text for b, label in numbered(blocks) if isinstance(b, Heading)] == [
        "一、甲",
        "（一）乙",
        "1.丙",
        "（1）丁",
        "（2）戊",
        "（二）己",
        "1.庚",
        "二、辛",
        "（一）壬",
    ]


def test_missing_characters_are_named_once_in_order():
    assert missing_characters("滨城区 98.75 ★—", Face.SERIF) == []
    assert missing_characters("𠀀滨𪚥𠀀", Face.SANS) == ["𠀀", "𪚥"]


def test_glyph_check_covers_tables_and_chart_strings_with_the_font_that_renders_them():
    document = OfficialDocument(
        title="通报",
        author="办公室",
        date=dt.date(2026, 11, 20),
        date_text="2026年11月20日",
        blocks=[
            Heading(1, "总体情况"),
            Table(headers=("单位",), rows=(("沾化区𠀀",),)),
            Figure(png=b"", strings=("县区𪚥",), caption="图1", alt="图"),
        ],
    )
    with translation.override("zh-hans"):
        gaps = [g.message() for g in glyphs.missing(document)]
    assert gaps == [
        "“沾化区𠀀”中的“𠀀” (U+20000)在字体 Noto Serif SC 中没有字形",
        "“县区𪚥”中的“𪚥” (U+2A6A5)在字体 Noto Sans SC 中没有字形",
    ]
    with translation.override("zh-hans"):
        assert glyphs.missing(bulletin_document(content())) == []


def test_libreoffice_gets_the_shipped_fonts_and_the_fallback_chains(tmp_path):
    text = fontconfig_text("/etc/fonts/fonts.conf", tmp_path)
    assert "<dir>%s</dir>" % docx_font_folder() in text
    assert (
        '<alias binding="same"><family>仿宋_GB2312</family><accept><family>仿宋</family>'
        "<family>FangSong</family><family>STFangsong</family><family>Noto Serif SC</family>"
        "</accept></alias>"
    ) in text
    assert '<alias binding="same"><family>黑体</family>' in text
    assert text.index("<alias") < text.index('<include ignore_missing="yes">/etc/fonts/fonts.conf')


def docx_font_folder():
    from pingan.core.documents.fonts import font_directory

    return font_directory()


def test_the_mark_is_sized_to_stay_on_one_line():
    assert docx.mark_size("滨州市平安建设领导小组办公室文件") == 26.0
    assert docx.mark_size("某某省某某市某某县平安建设领导小组办公室文件") == 20.0
    assert docx.text_width("某某省某某市某某县平安建设领导小组办公室文件", 20.0) <= 442.2


@pytest.fixture(scope="module")
def sample_docx():
    with translation.override("zh-hans"):
        return Document(io.BytesIO(render_docx(content())))


def test_body_grid_is_22_lines_of_28_characters(sample_docx):
    section = sample_docx.sections[0]
    height = Emu(section.page_height - section.top_margin - section.bottom_margin)
    width = Emu(section.page_width - section.left_margin - section.right_margin)
    assert (round(height.mm, 1), round(width.mm, 1)) == (225.0, 156.0)
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == "579"
    normal = sample_docx.styles["Normal"]
    assert normal.paragraph_format.line_spacing.pt == 28.95
    spacing = normal.element.rPr.find(qn("w:spacing"))
    assert spacing.get(qn("w:val")) == "-5"
    assert 28 * (16 - 0.25) <= 156 / 25.4 * 72 < 29 * (16 - 0.25)


def test_heading_levels_use_their_faces(sample_docx):
    faces = {
        p.text: p.runs[0].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))
        for p in sample_docx.paragraphs
        if p.text in ("一、总体情况", "（一）县区和市属开发区")
    }
    assert faces == {"一、总体情况": "黑体", "（一）县区和市属开发区": "楷体_GB2312"}
    mark = sample_docx.paragraphs[1]
    assert (mark.text, mark.runs[0].font.size.pt) == ("滨州市平安建设领导小组办公室文件", 26.0)


def test_ranking_tables_keep_unit_names_on_one_line(sample_docx):
    for table in sample_docx.tables:
        widths = [c.width.pt for c in table.rows[0].cells]
        assert abs(sum(widths) - 442.2) < 0.2
        names = [row.cells[1].text for row in table.rows[1:]]
        assert widths[1] >= max(docx.text_width(n, docx.TABLE_PT) for n in names) + 10.8


def test_html_preview_numbers_like_the_docx_and_keeps_the_mark_on_one_line():
    with translation.override("zh-hans"):
        html = render_html(content())
    assert "<h2>二、分类排名</h2>" in html
    assert "<h3>（一）县区和市属开发区</h3>" in html and "（1）" not in html
    assert (
        html.index("<h2>八、情况分析</h2>")
        < html.index("本季度全市社会稳定形势总体平稳")
        < html.index("<h2>九、工作要求</h2>")
    )
    assert 'white-space: nowrap; font-family: "方正小标宋简体"' in html
    assert "font-size: 26.0pt" in html
    assert '<p class="mark">滨州市平安建设领导小组办公室文件</p>' in html
    assert "@page :left { @bottom-left" in html and "@page :right { @bottom-right" in html
