"""The bulletin as one self-contained HTML page for the browser's print (charts inline, no outside assets)."""

from __future__ import annotations

import base64

from django.template.loader import render_to_string

from pingan.bulletins import charts
from pingan.bulletins.docx_render import date_text
from pingan.bulletins.selectors import BulletinContent


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def render_html(content: BulletinContent) -> str:
    """The bulletin as an HTML document (call under the wanted translation)."""
    from django.utils.translation import gettext as _

    images = []
    if content.classes:
        first = content.classes[0]
        images = [
            (
                _data_uri(
                    charts.score_bars(
                        names=first.names,
                        scores=first.scores,
                        tiers=first.tiers,
                        tier_lines=content.tier_lines,
                        title=_("%(class)s: absolute scores by tier") % {"class": first.name},
                        xlabel=_("Absolute score"),
                    )
                ),
                _("Absolute scores by tier"),
            ),
            (
                _data_uri(
                    charts.funnel_plot(
                        observed=first.observed,
                        expected=first.expected,
                        flags=first.flags,
                        title=_("%(class)s: funnel plot") % {"class": first.name},
                        xlabel=_("Expected weighted incidents"),
                        ylabel=_("Observed / expected"),
                    )
                ),
                _("Funnel plot"),
            ),
        ]
    return render_to_string(
        "bulletins/document.html", {"b": content, "images": images, "date": date_text(content.date)}
    )
