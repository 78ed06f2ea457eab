"""Template filters that show names, not codes: `{% load names %}`.

- `{{ unit|local_name }}` — the Chinese or English stored name of anything with `display_name`
  (units, reporting bodies, classes, indicators, categories, grades), in the page's language.
- `{{ value|percent }}` — a share 0…1 as a whole percentage ("97%"), empty for None.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def local_name(value: Any) -> str:
    """The stored name in the current language (the Chinese name when no English one is stored)."""
    if value is None:
        return ""
    show = getattr(value, "display_name", None)
    if callable(show):
        return str(show(get_language() or "zh-hans"))
    return str(value)


@register.filter
def percent(value: float | None) -> str:
    """A share between 0 and 1 as a whole percentage, "" for None."""
    if value is None:
        return ""
    return "%d%%" % round(value * 100)
