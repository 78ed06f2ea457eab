"""The .docx: official-document layout, the stored figures as printed, charts, PDF through LibreOffice."""

from __future__ import annotations

import io
import subprocess

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from pingan.bulletins.services import render_current
from pingan.scores.selectors import results_for
from tests.bulletins.conftest import PERIOD, require_tool

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(scored, system_actor):
    data = render_current(actor=system_actor, period=PERIOD, fmt="docx").data
    return Document(io.BytesIO(data))


def texts(document):
    return [p.text for p in document.paragraphs]


def test_masthead_number_and_title(document):
    lines = texts(document)
    assert lines[0] == "示例数据"
    assert lines[1] == "滨州市平安建设领导小组办公室文件"
    assert lines[2:5] == ["", "", "滨平安办〔2026〕　号"]
    assert "关于2026年第三季度社会稳定指数的通报" in lines
    red = document.paragraphs[1].runs[0].font.color.rgb
    assert str(red) == "E00000"
    border = document.paragraphs[4]._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert (border.get(qn("w:val")), border.get(qn("w:color"))) == ("single", "E00000")


def test_page_header_marks_sample_and_draft(document):
    assert document.sections[0].header.paragraphs[0].text == "示例数据　草稿"


def test_first_ranking_row_is_the_stored_first_unit_with_two_decimals(document, scored):
    first = results_for(scored, "A").first()
    assert (first.unit.code, first.rank) == ("BZ01", 1)
    header, row = document.tables[0].rows[0], document.tables[0].rows[1]
    assert [c.text for c in header.cells] == [
        "名次（区间）",
        "单位",
        "绝对得分",
        "相对得分",
        "星级",
        "预警等级",
    ]
    assert [c.text for c in row.cells] == [
        "1（1–2）",
        first.unit.name_zh,
        "%.2f" % first.absolute_score,
        "98.25",
        "★★★★★",
        "—",
    ]
    assert row.cells[2].text == "98.75"


def test_every_class_has_its_table_and_tiers_are_written_out(document):
    assert [len(t.rows) - 1 for t in document.tables] == [10, 90, 8]
    last = [c.text for c in document.tables[0].rows[10].cells]
    assert last == ["10（9–10）", "北海经济开发区", "69.50", "69.00", "★", "红色预警"]
    lines = texts(document)
    assert "红色预警（1个）：北海经济开发区（69.50）。" in lines
    assert "滨州高新技术产业开发区：事件数超出漏斗图99.8%控制上限。" in lines
    assert "北海经济开发区：本季度适用一票否决。" in lines


def test_charts_are_embedded_images(document):
    assert len(document.inline_shapes) == 2
    images = [r for r in document.part.rels.values() if r.reltype.endswith("/image")]
    assert len(images) == 2
    assert all(r.target_part.blob.startswith(b"\x89PNG") for r in images)


def test_a4_page_with_gbt9704_margins(document):
    section = document.sections[0]
    sizes = [
        section.page_width,
        section.page_height,
        section.top_margin,
        section.bottom_margin,
        section.left_margin,
        section.right_margin,
    ]
    assert [round(s.mm, 1) for s in sizes] == [210.0, 297.0, 37.0, 35.0, 28.0, 26.0]


def test_body_text_is_fangsong_3hao_with_east_asian_font(document):
    normal = document.styles["Normal"]
    assert normal.font.size == Pt(16)
    fonts = normal.element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"


def test_page_numbers_sit_at_the_outer_edge(document):
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    section = document.sections[0]
    assert document.settings.odd_and_even_pages_header_footer is True
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    assert (odd.text, even.text) == ("— 1 —", "— 1 —")
    assert (odd.alignment, even.alignment) == (WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.LEFT)
    assert (odd.paragraph_format.right_indent, even.paragraph_format.left_indent) == (
        Pt(14),
        Pt(14),
    )
    assert odd.runs[0].font.size == Pt(14)
    instructions = [e.text for e in odd._p.iter(qn("w:instrText"))]
    assert instructions == [" PAGE "]


def test_headings_are_kept_with_the_next_paragraph_and_tables_fit_unit_names(document):
    headings = [
        p for p in document.paragraphs if p.text in ("二、分类排名", "（一）县区和市属开发区")
    ]
    assert [p.paragraph_format.keep_with_next for p in headings] == [True, True]
    table = document.tables[0]
    widths = [round(c.width.pt, 1) for c in table.rows[0].cells]
    assert round(sum(widths), 1) == 442.2
    longest = max((r.cells[1].text for r in table.rows[1:]), key=len)
    assert longest == "滨州高新技术产业开发区"
    assert widths[1] >= len(longest) * 10.5 + 10.8


def test_closing_and_distribution(document):
    lines = texts(document)
    assert lines[lines.index("关于2026年第三季度社会稳定指数的通报") + 2].startswith(
        "各县（区）平安建设领导小组"
    )
    assert "　抄送：市平安建设领导小组各成员。" in lines
    assert lines[-1].startswith("　滨州市平安建设领导小组办公室\t") and lines[-1].endswith("日印发")
    assert lines.count("滨州市平安建设领导小组办公室") == 1


def test_issuer_comes_from_configuration(scored, system_actor, monkeypatch):
    monkeypatch.setenv("PINGAN_BULLETIN_ISSUER", "某市平安办")
    monkeypatch.setenv("PINGAN_BULLETIN_NUMBER_PREFIX", "某平安办")
    document = Document(
        io.BytesIO(render_current(actor=system_actor, period=PERIOD, fmt="docx").data)
    )
    assert texts(document)[1:5] == ["某市平安办文件", "", "", "某平安办〔2026〕　号"]


def test_english_rendering(scored, system_actor):
    document = Document(
        io.BytesIO(
            render_current(actor=system_actor, period=PERIOD, fmt="docx", language="en").data
        )
    )
    assert "Bulletin on the social-stability index of 2026, third quarter" in texts(document)
    assert [c.text for c in document.tables[0].rows[1].cells][:3] == [
        "1（1–2）",
        "Bincheng District",
        "98.75",
    ]


def test_html_is_self_contained_and_prints_the_same_figures(scored, system_actor):
    html = render_current(actor=system_actor, period=PERIOD, fmt="html").data.decode("utf-8")
    assert "滨城区</td><td>98.75</td>" in html
    assert "@page" in html and "size: A4" in html
    assert html.count('src="data:image/png;base64,') == 2
    assert "http://" not in html and "https://" not in html


def test_no_results_is_refused(demo_units, system_actor):
    from pingan.core.problems import InputRefused

    with pytest.raises(InputRefused, match="no results for 2026Q2"):
        render_current(actor=system_actor, period="2026Q2", fmt="docx")


def test_pdf_through_libreoffice_contains_the_first_unit_and_score(scored, system_actor, tmp_path):
    require_tool("soffice")
    require_tool("pdftotext")
    pdf = render_current(actor=system_actor, period=PERIOD, fmt="pdf").data
    assert pdf.startswith(b"%PDF")
    (tmp_path / "b.pdf").write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "b.pdf"), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    assert "滨城区" in text
    assert "98.75" in text
    assert "滨州市平安建设领导小组办公室文件" in text


def test_key_management_units_and_notable_changes(scored, system_actor, make_user, actor_of):
    from pingan.scores.services import mark_key_management
    from pingan.units.models import OrgUnit

    analyst = actor_of(make_user("analyst"))
    mark_key_management(
        actor=analyst, unit=OrgUnit.objects.get(code="BZ02"), reason="多起群体性事件"
    )
    lines = texts(
        Document(io.BytesIO(render_current(actor=system_actor, period=PERIOD, fmt="docx").data))
    )
    heading = lines.index("六、重点管理单位")
    assert lines[heading + 1 : heading + 3] == ["沾化区（县区和市属开发区，95.50）", "七、更正事项"]
    rises = next(line for line in lines if line.startswith("上升最多："))
    assert rises == (
        "上升最多：邹平市（县区和市属开发区，79.25，+3.75）；市民政局（市直部门，97.50，+3.75）；"
        "市交通运输局（市直部门，95.75，+3.75）；市应急管理局（市直部门，94.00，+3.75）；"
        "市城市管理局（市直部门，92.25，+3.75）。"
    )
    falls = next(line for line in lines if line.startswith("下降最多："))
    assert falls.startswith(
        "下降最多：滨城区（县区和市属开发区，98.75，-3.75）；滨州经济技术开发区（县区和市属开发区，76.00，-3.75）；"
    )
