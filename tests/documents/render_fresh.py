"""Run in a child process on a "fresh machine": no system font, a stale matplotlib cache.

Renders the sample bulletin (.docx and PDF) and prints, as JSON, the warnings raised, every
chart string with the font file that drew it, the glyph gaps found, and which fonts
matplotlib knew from its cache.
"""

from __future__ import annotations

import json
import os
import sys
import warnings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pingan.settings.test")

import django

django.setup()

from django.utils import translation  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from pingan.bulletins import charts  # noqa: E402
from pingan.bulletins.docx_render import bulletin_document  # noqa: E402
from pingan.core.documents import docx, glyphs  # noqa: E402
from pingan.core.documents.model import Figure  # noqa: E402
from pingan.core.documents.pdf import docx_to_pdf  # noqa: E402
from tests.documents.sample import content  # noqa: E402


def main(pdf_path: str) -> None:
    cached = sorted({entry.name for entry in font_manager.fontManager.ttflist})
    with warnings.catch_warnings(record=True) as caught, translation.override("zh-hans"):
        warnings.simplefilter("always")
        sample = content()
        document = bulletin_document(sample)
        data = docx.render(document)
        first = sample.classes[0]
        images = [
            charts.score_bars(
                names=first.names,
                scores=first.scores,
                tiers=first.tiers,
                tier_lines=sample.tier_lines,
                title="县区和市属开发区绝对得分",
                xlabel="绝对得分",
            ),
            charts.funnel_plot(
                observed=first.observed,
                expected=first.expected,
                flags=first.flags,
                title="县区和市属开发区漏斗图",
                xlabel="期望加权事件数",
                ylabel="实际/期望",
            ),
        ]
    figures = [b for b in document.blocks if isinstance(b, Figure)]
    with open(pdf_path, "wb") as out:
        out.write(docx_to_pdf(data))
    print(
        json.dumps(
            {
                "cached_fonts": cached,
                "warnings": [str(w.message) for w in caught],
                "figures": len(figures),
                "figure_strings": [list(f.strings) for f in figures],
                "chart_strings": [
                    [text, path]
                    for image in images
                    for text, path in zip(image.strings, image.font_files, strict=True)
                ],
                "gaps": [g.message() for g in glyphs.missing(document)],
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
