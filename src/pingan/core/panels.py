"""Home-page panels: each app may declare `PANELS`, a list of `Panel`, in its own `home.py`.

A panel is one block of a person's home page showing their work in that app: the waiting
submissions of a reviewer, the tier counts of the quarter for a leader, a handler's queue. The
shell (`pingan.web.home`) shows, in `order`, every panel whose action the person may do, filled
by the panel's `context(actor)`, which reads through the app's own selectors, scoped by the
actor. Cards and links inside a panel offer only what the person may do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.utils.functional import Promise

from pingan.core.access.actor import Actor
from pingan.core.discovery import app_modules


@dataclass(frozen=True)
class Panel:
    """A block of the home page: shown to those allowed `action`, rendered from `template`.

    `context(actor)` returns the template's context, or None when the panel has nothing to say
    to this person (it is then left out). `wide` panels take the full width of the page.
    """

    name: str
    title: str | Promise
    action: str
    template: str
    context: Callable[[Actor], dict[str, Any] | None]
    order: int = 50
    wide: bool = False


@cache
def all_panels() -> list[Panel]:
    """Every declared panel of the installed apps, by order then name."""
    panels = [
        panel for _label, module in app_modules("home") for panel in getattr(module, "PANELS", [])
    ]
    return sorted(panels, key=lambda panel: (panel.order, panel.name))
