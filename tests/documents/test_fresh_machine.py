"""A fresh machine reproduced: no system CJK font (an empty fontconfig) and a matplotlib font
cache that is empty or was built before any CJK font existed. The bulletin still renders every Chinese string with
the shipped font, with no missing-glyph warning, and the PDF embeds it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pingan.core.documents.fonts import SANS, Face, missing_characters
from tests.bulletins.conftest import require_tool
from tests.documents.conftest import empty_fontconfig

ROOT = Path(__file__).resolve().parents[2]
CJK_NAMES = ("CJK", "Noto Sans SC", "Noto Serif SC", "WenQuanYi", "Droid Sans Fallback", "AR PL")


def stale_matplotlib_cache(folder: Path, environment: dict[str, str]) -> None:
    """Build matplotlib's font cache in `folder`, then drop every CJK face from it, as if the
    cache had been built before any CJK font was installed."""
    subprocess.run(
        [sys.executable, "-c", "import matplotlib.font_manager"],
        env=environment,
        check=True,
        capture_output=True,
    )
    [cache] = folder.glob("fontlist-*.json")
    data = json.loads(cache.read_text(encoding="utf-8"))
    data["ttflist"] = [
        entry for entry in data["ttflist"] if not any(n in entry["name"] for n in CJK_NAMES)
    ]
    cache.write_text(json.dumps(data), encoding="utf-8")


@pytest.mark.office
@pytest.mark.parametrize("cache", ["empty", "stale"])
def test_bulletin_on_a_fresh_machine(tmp_path, cache):
    require_tool("soffice")
    require_tool("pdffonts")
    mpl = tmp_path / "mpl"
    mpl.mkdir()
    environment = {
        **os.environ,
        "MPLCONFIGDIR": str(mpl),
        "FONTCONFIG_FILE": str(empty_fontconfig(tmp_path)),
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")]),
        "PYTHONWARNINGS": "default",
    }
    if cache == "stale":
        stale_matplotlib_cache(mpl, environment)
    pdf = tmp_path / "bulletin.pdf"
    child = subprocess.run(
        [sys.executable, "-m", "tests.documents.render_fresh", str(pdf)],
        env=environment,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert child.returncode == 0, child.stderr[-3000:]
    report = json.loads(child.stdout.strip().splitlines()[-1])
    if cache == "stale":  # the cache really is stale: no CJK face known when the render began
        assert [n for n in report["cached_fonts"] if any(c in n for c in CJK_NAMES)] == []
    assert report["warnings"] == []
    assert "Glyph" not in child.stderr
    assert report["gaps"] == []
    assert report["figures"] == 2
    chart_strings = report["chart_strings"]
    assert {"滨城区", "北海经济开发区", "县区和市属开发区绝对得分", "县区和市属开发区漏斗图"} <= {
        text for text, _path in chart_strings
    }
    assert {path for _text, path in chart_strings} == {str(SANS.path)}
    assert [text for text, _path in chart_strings if missing_characters(text, Face.SANS)] == []
    assert all(strings for strings in report["figure_strings"])

    fonts = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    embedded = {line.split()[0].split("+", 1)[-1].split("-")[0]: line.split()[-5] for line in fonts}
    assert embedded == {"NotoSerifSC": "yes", "NotoSansSC": "yes"}
