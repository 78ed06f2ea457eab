"""Events one app publishes and another subscribes to, without the publisher importing it.

A lower app (reporting, schemes, units) publishes that something changed; a higher app (scores)
subscribes in its `AppConfig.ready`. Subscribers run synchronously, in the publisher's
transaction, so what they record — typically a job in the durable queue — commits or rolls back
with the change itself. They must not do slow work: they record that work is owed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

FIGURES_CHANGED = "figures.changed"
"""Approved figures of some months changed. Payload: `months` (YYYY-MM list), `reason`."""

SCHEME_CHANGED = "scheme.changed"
"""A scheme got a new version. Payload: `scheme_code`, `reason`."""

COVARIATES_CHANGED = "covariates.changed"
"""Yearly covariates changed. Payload: `reason`."""

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
