"""Small server-side graphics: the trend sparkline of a unit, as inline SVG."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from pingan.core import tiers
from pingan.scores.models import Tier

WIDTH, HEIGHT, PAD = 90, 24, 2
MIN_SPAN = 5.0

# The tier is also always written in text; the colours are the one set of pingan.core.tiers.
TIER_COLOURS = tiers.TIER_COLOURS


def sparkline_svg(values: list[float], title: str, *, provisional: bool = False) -> SafeString:
    """A line of the values (oldest first) scaled to their own range (at least MIN_SPAN points), last point dotted.

    ``provisional`` (the last value's quarter is still running): the last point is hollow and
    the line carries the word "Provisional" (暂定), in its title too.
    """
    if not values:
        return mark_safe("")
    mark = _("Provisional") if provisional else ""
    low, high = min(values), max(values)
    if high - low < MIN_SPAN:
        middle = (high + low) / 2
        low, high = middle - MIN_SPAN / 2, middle + MIN_SPAN / 2
    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)
    points = [
        (PAD + i * step, PAD + (HEIGHT - 2 * PAD) * (high - v) / (high - low))
        for i, v in enumerate(values)
    ]
    path = " ".join("%.1f,%.1f" % p for p in points)
    last_x, last_y = points[-1]
    full_title = "%s (%s)" % (title, mark) if mark else title
    return mark_safe(  # noqa: S308 - numbers formatted here and escaped texts only
        '<svg class="sparkline" viewBox="0 0 %d %d" width="%d" height="%d" role="img">'
        "<title>%s</title>"
        '<polyline fill="none" stroke="#2166ac" stroke-width="1.5" points="%s"/>'
        '<circle cx="%.1f" cy="%.1f" r="2" fill="%s" stroke="#2166ac"/>%s</svg>'
        % (
            WIDTH, HEIGHT, WIDTH, HEIGHT, escape(full_title), path, last_x, last_y,
            "#fff" if mark else "#2166ac", _provisional_text(mark),
        )
    )  # fmt: skip


def _provisional_text(mark: str) -> str:
    """The visible "Provisional" word in the sparkline's top left corner ("" when final)."""
    if not mark:
        return ""
    return (
        '<text class="sparkline-provisional" x="%d" y="8" font-size="8" fill="#b35806">%s</text>'
        % (PAD, escape(mark))
    )


def tier_label(tier: str) -> str:
    """The tier written in words ("no warning" when above every line)."""
    if not tier or tier == "none":
        return _("no warning")
    return str(dict(Tier.choices).get(tier, tier))
