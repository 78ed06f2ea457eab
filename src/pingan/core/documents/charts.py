"""matplotlib figures drawn with the shipped CJK font, given by file, and their strings.

Every text artist of a figure (titles, axis labels, tick labels, legends, annotations) is set in
the shipped Noto Sans SC through `FontProperties(fname=...)` before the figure is saved, so
neither matplotlib's font cache nor the machine's fonts decide how Chinese is drawn. The
strings drawn are returned with the PNG so that a document can check them (`glyphs.missing`).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.text import Text

from pingan.core.documents.fonts import SANS

DPI = 150
_registered: list[str] = []


def register() -> None:
    """Add the shipped fonts to matplotlib's font list by file (once), whatever its cache holds."""
    if not _registered:
        font_manager.fontManager.addfont(str(SANS.path))
        _registered.append(str(SANS.path))


def font(size: float) -> FontProperties:
    """The shipped sans face at `size` points, by file."""
    register()
    return FontProperties(fname=str(SANS.path), size=size)


@dataclass(frozen=True)
class ChartImage:
    """A chart as PNG bytes and every non-empty string drawn in it, with the font file that drew it."""

    png: bytes
    strings: tuple[str, ...]
    font_files: tuple[str, ...]


@contextmanager
def drawing() -> Iterator[None]:
    """Draw (and save) a chart inside this: the shipped sans face is matplotlib's only family.

    Also a decorator: `@drawing()` on a function that draws and returns a chart.
    """
    register()
    with matplotlib.rc_context(
        {"font.family": "sans-serif", "font.sans-serif": [SANS.family], "axes.unicode_minus": False}
    ):
        yield


def new_figure(width: float, height: float) -> Figure:
    """A figure of `width` × `height` inches at the documents' resolution."""
    return Figure(figsize=(width, height), dpi=DPI)


def finish(figure: Figure) -> ChartImage:
    """Lay the figure out and save it, every text set in the shipped font by file (sizes kept).

    Call inside `drawing()` (or in a function decorated with it).
    """
    texts = [t for t in figure.findobj(Text) if isinstance(t, Text)]
    for text in texts:
        text.set_fontproperties(font(float(text.get_fontsize())))
    figure.tight_layout()
    shown = [t for t in texts if t.get_visible() and t.get_text().strip()]
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return ChartImage(
        png=buffer.getvalue(),
        strings=tuple(t.get_text() for t in shown),
        font_files=tuple(font_manager.findfont(t.get_fontproperties()) for t in shown),
    )
