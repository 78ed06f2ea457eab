"""Template filters of the matters pages: stored names in the reader's language, deadline labels."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import get_language

from pingan.matters.due import DueLabel, due_label
from pingan.matters.models import Matter, Status

register = template.Library()


@register.filter
def local_name(obj: Any) -> str:
    """The object's stored name in the current language (English name in English mode, if stored)."""
    if obj is None:
        return ""
    if hasattr(obj, "display_name") and callable(obj.display_name):
        return str(obj.display_name(get_language() or "zh-hans"))
    return str(obj)


@register.filter
def status_label(matter: Matter) -> str:
    """The matter's status in the reader's language (as get_status_display, without re-reading
    every choice for every row)."""
    return status_labels(get_language() or "zh-hans").get(matter.status, matter.status)


@lru_cache(maxsize=8)
def status_labels(language: str) -> dict[str, str]:
    """Each status's label in `language` (the active language when called with it)."""
    return {value: str(label) for value, label in Status.choices}


@register.filter
def deadline(matter: Matter) -> DueLabel | None:
    """The label of the matter's running deadline today (see pingan.matters.due)."""
    return due_label(matter, timezone.localdate())


@register.filter
def percent(value: float | None) -> str:
    """A rate 0–1 as a percentage with one decimal ("97.8%"); "—" without a value."""
    if value is None:
        return "—"
    return "%.1f%%" % (value * 100)
