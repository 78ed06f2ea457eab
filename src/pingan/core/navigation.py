"""Navigation entries: each app may declare `NAV`, a list of `NavItem`, in its own `navigation.py`."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.utils.functional import Promise

from pingan.core.discovery import app_modules


@dataclass(frozen=True)
class NavItem:
    """A link in the top navigation, shown to those allowed to do `action`."""

    label: str | Promise
    url_name: str
    action: str
    order: int = 50


@cache
def all_items() -> list[NavItem]:
    """Every declared navigation entry, ordered."""
    items = [
        item for _label, module in app_modules("navigation") for item in getattr(module, "NAV", [])
    ]
    return sorted(items, key=lambda item: item.order)
