"""Template filters for periods: `{% load periods %}`.

- `{{ period|period_label }}` — a month "2026年10月", a year "2026年", a quarter "2026Q3".
- `{{ period|period_kind_word }}` — "Month", "Quarter" or "Year" for the picker of that period.
"""

from __future__ import annotations

from django import template

from pingan.core.period_labels import kind_of, period_label, period_words

register = template.Library()


@register.filter(name="period_label")
def period_label_filter(value: str) -> str:
    """The period as people read it, in the page's language."""
    return period_label(str(value))


@register.filter
def period_kind_word(value: str) -> str:
    """The word for the kind of the period ("Month", "Quarter", "Year"), in the page's language."""
    return period_words(kind_of(str(value)))["kind"]
