"""Helpers of the document tests: a fontconfig with no font at all, PDF pages as arrays."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.bulletins.conftest import require_tool


def empty_fontconfig(folder: Path) -> Path:
    """A fontconfig configuration that knows no font: a machine without any system font."""
    path = folder / "empty-fonts.conf"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
        "<fontconfig><cachedir>%s</cachedir></fontconfig>\n" % (folder / "fc-cache"),
        encoding="utf-8",
    )
    return path


def pdf_page(pdf: Path, page: int, dpi: int = 24) -> np.ndarray:
    """One page of a PDF as a grey-level array (0 black … 255 white), through pdftoppm."""
    require_tool("pdftoppm")
    stem = pdf.with_suffix("")
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            str(dpi),
            "-gray",
            "-png",
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(pdf),
            "%s-p%d" % (stem, page),
        ],
        check=True,
        capture_output=True,
    )
    with Image.open("%s-p%d.png" % (stem, page)) as image:
        return np.asarray(image.convert("L"), dtype=np.int16)


@pytest.fixture
def no_system_fonts(tmp_path, monkeypatch):
    """FONTCONFIG_FILE pointing at a configuration without fonts (for soffice and fc-*)."""
    path = empty_fontconfig(tmp_path)
    monkeypatch.setenv("FONTCONFIG_FILE", str(path))
    return path
