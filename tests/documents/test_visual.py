"""The look of the bulletin: page 1 and the chart page of the sample bulletin, rendered to PDF
on a machine with no system font (only the shipped ones), compared with committed reference
images (tests/documents/reference/, 24 dpi, grey) within a tolerance.

A deliberate layout change updates the references on purpose:

    PINGAN_UPDATE_REFERENCES=1 uv run pytest tests/documents/test_visual.py

writes the images anew (then commit them); without the flag a different layout fails.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from django.utils import translation
from docx.shared import Mm
from PIL import Image

from pingan.bulletins.docx_render import render_docx
from pingan.core.documents.pdf import docx_to_pdf
from tests.bulletins.conftest import require_tool
from tests.documents.conftest import pdf_page
from tests.documents.sample import content

REFERENCES = Path(__file__).parent / "reference"
PAGES = {1: "bulletin-page-1.png", 2: "bulletin-page-2-charts.png"}
MEAN_TOLERANCE = 2.0  # mean absolute grey-level difference, of 255
STRONG = 96  # a pixel this much darker or lighter counts as changed
STRONG_SHARE = 0.005  # at most this share of pixels may change strongly

pytestmark = pytest.mark.office


def render_pages(folder: Path) -> dict[int, np.ndarray]:
    require_tool("soffice")
    with translation.override("zh-hans"):
        data = render_docx(content())
    pdf = folder / "bulletin.pdf"
    pdf.write_bytes(docx_to_pdf(data))
    return {page: pdf_page(pdf, page) for page in PAGES}


def difference(page: np.ndarray, reference: np.ndarray) -> tuple[float, float]:
    """(mean absolute difference, share of strongly changed pixels); a size change counts fully."""
    if page.shape != reference.shape:
        return 255.0, 1.0
    delta = np.abs(page - reference)
    return float(delta.mean()), float((delta > STRONG).mean())


def matches(page: np.ndarray, reference: np.ndarray) -> bool:
    mean, strong = difference(page, reference)
    return mean <= MEAN_TOLERANCE and strong <= STRONG_SHARE


def load(name: str) -> np.ndarray:
    with Image.open(REFERENCES / name) as image:
        return np.asarray(image.convert("L"), dtype=np.int16)


def test_page_one_and_the_chart_page_match_the_references(tmp_path, no_system_fonts):
    pages = render_pages(tmp_path)
    if os.environ.get("PINGAN_UPDATE_REFERENCES") == "1":
        REFERENCES.mkdir(exist_ok=True)
        for number, name in PAGES.items():
            Image.fromarray(pages[number].astype(np.uint8)).save(REFERENCES / name, optimize=True)
    for number, name in PAGES.items():
        mean, strong = difference(pages[number], load(name))
        assert (mean <= MEAN_TOLERANCE, strong <= STRONG_SHARE) == (True, True), (
            "page %d differs from %s: mean %.2f, strongly changed %.4f; if the layout changed "
            "on purpose, run with PINGAN_UPDATE_REFERENCES=1 and commit the images"
            % (number, name, mean, strong)
        )


def test_a_deliberate_layout_change_fails_the_comparison(tmp_path, no_system_fonts, monkeypatch):
    monkeypatch.setattr("pingan.core.documents.docx.TOP_MARGIN", Mm(47))
    pages = render_pages(tmp_path)
    assert matches(pages[1], load(PAGES[1])) is False
