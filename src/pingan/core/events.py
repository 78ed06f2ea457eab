"""Events one app publishes and another subscribes to, without the publisher importing it.

A lower app (reporting, schemes, units) publishes that something changed; a higher app (scores)
subscribes by naming its reactions in its own `subscribers.py` module: `SUBSCRIPTIONS`, a mapping
of event name to a sequence of callables. The core app collects them once, when Django starts
(`subscribe_discovered`, found by the same convention as navigation, URLs and commands).

Subscribers run synchronously, in the publisher's transaction, so what they record — typically
a job in the durable queue — commits or rolls back with the change itself. They must not do slow
work: they record that work is owed. A subscriber that raises (for instance `InputRefused`)
refuses the change: the exception reaches the publisher and its transaction rolls back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from pingan.core.discovery import app_modules

FIGURES_CHANGED = "figures.changed"
"""Approved figures of some months changed. Payload: `months` (YYYY-MM list), `reason`."""

SCHEME_CHANGED = "scheme.changed"
"""A scheme got a new version. Payload: `scheme_code`, `reason`."""

COVARIATES_CHANGED = "covariates.changed"
"""Yearly covariates changed. Payload: `reason`."""

SCORES_STORED = "scores.stored"
"""A new run of a quarter's scores was stored. Payload: `period` (YYYYQn), `run_id`."""

MATTERS_TICKED = "matters.ticked"
"""The periodic matters job ran. Payload: `now` (the moment it ran for)."""

Subscriber = Callable[..., None]

_subscribers: dict[str, list[Subscriber]] = defaultdict(list)


def subscribe(event: str, subscriber: Subscriber) -> None:
    """Call `subscriber(**payload)` whenever `event` is published (once per subscriber)."""
    if subscriber not in _subscribers[event]:
        _subscribers[event].append(subscriber)


def publish(event: str, **payload: Any) -> None:
    """Tell every subscriber of `event`, in the caller's transaction."""
    for subscriber in list(_subscribers.get(event, ())):
        subscriber(**payload)


def subscribe_discovered() -> None:
    """Subscribe the reactions every installed app declares in `subscribers.SUBSCRIPTIONS`.

    Apps are visited in the order of INSTALLED_APPS, and each app's callables in the order it
    lists them, so subscribers of one event run in a fixed order. Subscribing twice is harmless.
    """
    for _label, module in app_modules("subscribers"):
        for event, subscribers in getattr(module, "SUBSCRIPTIONS", {}).items():
            for subscriber in subscribers:
                subscribe(event, subscriber)
