"""Navigation entries. Each app may declare `NAV` in its own `navigation.py`."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    """A link in the top navigation, shown to those allowed to do `action`."""

    label: str | Promise
    url_name: str
    action: str
    order: int = 50


NAV = [
    NavItem(_("Home"), "web:home", "home.view", order=0),
    NavItem(_("Audit log"), "web:audit_log", "audit.read", order=90),
    NavItem(_("Accounts"), "web:accounts", "accounts.view", order=91),
]


@cache
def all_items() -> list[NavItem]:
    """Every declared navigation entry, ordered."""
    items: list[NavItem] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("pingan."):
            continue
        try:
            module = importlib.import_module(config.name + ".navigation")
        except ModuleNotFoundError as exc:
            if exc.name != config.name + ".navigation":
                raise
            continue
        items.extend(getattr(module, "NAV", []))
    return sorted(items, key=lambda item: item.order)
