"""The shipped CJK fonts (Noto Serif SC and Noto Sans SC, SIL OFL 1.1) and how each path finds them.

The fonts come from the `pylopdf-fonts-zh-cn` wheel, so every installation has them whatever the
machine's own fonts are. matplotlib gets them by file (`FontProperties(fname=...)`), never by
name through its font cache, so a cache built before any CJK font existed cannot turn Chinese
into boxes. LibreOffice gets them through a private fontconfig file (`fontconfig_file`) naming
the shipped font directory and the fallback chain of the official faces.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import cache
from pathlib import Path

import pylopdf_fonts_zh_cn
from fontTools.ttLib import TTFont


class Face(Enum):
    """The two shipped faces: serif (宋/仿宋/楷 stand-in) and sans (黑体 stand-in)."""

    SERIF = "serif"
    SANS = "sans"


@dataclass(frozen=True)
class ShippedFont:
    """A shipped font file and the family name fontconfig and LibreOffice know it by."""

    face: Face
    family: str
    path: Path


SERIF = ShippedFont(Face.SERIF, "Noto Serif SC", Path(pylopdf_fonts_zh_cn.serif_path()))
SANS = ShippedFont(Face.SANS, "Noto Sans SC", Path(pylopdf_fonts_zh_cn.sans_path()))
SHIPPED = {Face.SERIF: SERIF, Face.SANS: SANS}

# The faces a GB/T 9704 document names, then what stands in for each when it is not installed.
# Word and LibreOffice use the first installed; the shipped font ends every chain.
FALLBACK_CHAINS: dict[str, tuple[str, ...]] = {
    "仿宋_GB2312": ("仿宋_GB2312", "仿宋", "FangSong", "STFangsong", SERIF.family),
    "方正小标宋简体": ("方正小标宋简体", "FZXiaoBiaoSong-B05S", "华文中宋", SERIF.family),
    "楷体_GB2312": ("楷体_GB2312", "楷体", "KaiTi", "STKaiti", SERIF.family),
    "黑体": ("黑体", "SimHei", "STHeiti", SANS.family),
    "宋体": ("宋体", "SimSun", "STSong", SERIF.family),
}


@cache
def glyph_table(face: Face) -> frozenset[int]:
    """The code points the shipped font of `face` has a glyph for (its cmap)."""
    font = TTFont(str(SHIPPED[face].path), lazy=True)
    try:
        return frozenset(font.getBestCmap())
    finally:
        font.close()


def missing_characters(text: str, face: Face) -> list[str]:
    """The characters of `text` the shipped font of `face` cannot draw (spaces and controls aside), in order, once each."""
    table = glyph_table(face)
    seen: list[str] = []
    for character in text:
        if character.isspace() or ord(character) < 0x20:
            continue
        if ord(character) not in table and character not in seen:
            seen.append(character)
    return seen


def font_directory() -> Path:
    """The folder holding the shipped font files."""
    return SERIF.path.parent


def fontconfig_text(include: str | None, cache_dir: Path) -> str:
    """A fontconfig configuration: the shipped font folder, the fallback chains, then `include` (the configuration in force)."""
    aliases = "".join(
        '  <alias binding="same"><family>%s</family><accept>%s</accept></alias>\n'
        % (name, "".join("<family>%s</family>" % f for f in chain[1:]))
        for name, chain in FALLBACK_CHAINS.items()
    )
    included = '  <include ignore_missing="yes">%s</include>\n' % include if include else ""
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        "  <dir>%s</dir>\n  <cachedir>%s</cachedir>\n%s%s"
        "  <alias><family>serif</family><prefer><family>%s</family></prefer></alias>\n"
        "  <alias><family>sans-serif</family><prefer><family>%s</family></prefer></alias>\n"
        "</fontconfig>\n"
    ) % (font_directory(), cache_dir, aliases, included, SERIF.family, SANS.family)


def fontconfig_file(folder: Path, *, include: str | None) -> Path:
    """Write the private fontconfig configuration (and its cache folder) into `folder`; its path."""
    path = folder / "fonts.conf"
    path.write_text(fontconfig_text(include, folder / "fontcache"), encoding="utf-8")
    return path
