"""Each role's home page: the panels of the apps (`<app>/home.py` PANELS) and links to its pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from pingan.core.access.actor import Actor
from pingan.core.access.permissions import can
from pingan.core.panels import Panel, all_panels


@dataclass(frozen=True)
class Card:
    """A link of the home page: a title, a line of explanation, and where it leads."""

    title: str | Promise
    text: str | Promise
    url_name: str
    action: str


CARDS = [
    Card(
        _("Fill this month's figures"),
        _("Enter, check and submit your body's monthly figures before the deadline."),
        "reporting:my_submissions",
        "reporting.fill",
    ),
    Card(
        _("Figures awaiting your signature"),
        _("Review or approve submissions of your reporting body."),
        "reporting:my_submissions",
        "reporting.sign",
    ),
    Card(
        _("Reporting dashboard"),
        _("Completeness, timeliness and overdue submissions of every body."),
        "reporting:dashboard",
        "reporting.dashboard",
    ),
    Card(
        _("Stability index"),
        _("Scores, ranks and tiers of each class by quarter."),
        "scores:overview",
        "scores.view",
    ),
    Card(
        _("Quarterly bulletins"),
        _("Draft, issue and download the quarterly bulletin."),
        "bulletins:list",
        "bulletins.draft",
    ),
    Card(
        _("Quarterly bulletins"),
        _("Read and download the issued bulletins."),
        "bulletins:list",
        "bulletins.view",
    ),
    Card(
        _("Matters"),
        _("Disputes and matters: intake, dispatch, handling and review."),
        "matters:list",
        "matters.view",
    ),
    Card(
        _("Matter statistics"),
        _("Dispatch, handling and resolution rates of the matters."),
        "matters:stats",
        "matters.stats",
    ),
    Card(
        _("Units"),
        _("The units of the jurisdiction and their classes."),
        "units:list",
        "units.view",
    ),
    Card(
        _("Evaluation schemes"),
        _("Classes, indicators, deductions, tiers and stars."),
        "schemes:list",
        "schemes.view",
    ),
    Card(_("Audit log"), _("Every action, in a tamper-evident chain."), "audit:log", "audit.read"),
    Card(
        _("Accounts and roles"),
        _("Create accounts and grant roles."),
        "accounts:list",
        "accounts.view",
    ),
]


def home_cards(actor: Actor) -> list[dict[str, Any]]:
    """The links the actor may use, with their URLs; one per page (the first card that fits wins)."""
    cards, seen = [], set()
    for card in CARDS:
        if not can(actor, card.action):
            continue
        try:
            url = reverse(card.url_name)
        except NoReverseMatch:
            continue
        if (url, str(card.title)) in seen:
            continue
        seen.add((url, str(card.title)))
        cards.append({"title": card.title, "text": card.text, "url": url})
    return cards


def visible_panels(actor: Actor) -> list[Panel]:
    """The declared panels the actor may see, in order."""
    return [panel for panel in all_panels() if can(actor, panel.action)]


def home_panels(request: HttpRequest, actor: Actor) -> list[dict[str, Any]]:
    """Every panel the actor may see, rendered (panels with nothing to say are left out)."""
    rendered = []
    for panel in visible_panels(actor):
        context = panel.context(actor)
        if context is None:
            continue
        rendered.append(
            {
                "name": panel.name,
                "title": panel.title,
                "wide": panel.wide,
                "html": render_to_string(panel.template, context, request=request),
            }
        )
    return rendered
