"""Page data remembered per computation run: the key names everything the page shows.

Stored results of a computation run never change (a correction makes a new run), so what a page
builds from them can be kept and served again until a new run lands. The callers put into the key
the runs the page reads (their ids and times, see `runs_fingerprint`), the reader's language and
scope, the request's choices, and any live state the page shows (key-management marks); a new run
changes the fingerprint and so every key, and an entry not read for `TIMEOUT` seconds is dropped.

Each web process keeps its own entries (Django's local-memory cache, `CACHES` in the settings):
nothing is shared between processes, so no entry can outlive the run it was built from in
another process, and a process that restarts builds its pages again.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache import cache

T = TypeVar("T")
TIMEOUT = 3600
PREFIX = "pingan:page:"


def runs_fingerprint(runs: Iterable[Any]) -> str:
    """A short digest of the runs a page reads: each run's id and the time it was computed."""
    parts = sorted("%s@%s" % (run.pk, run.computed_at.isoformat()) for run in runs)
    return hashlib.sha256(",".join(parts).encode()).hexdigest()[:24]


def key_of(name: str, parts: tuple[Any, ...]) -> str:
    """The cache key of page data `name` for the given parts (any values with a stable repr)."""
    return PREFIX + name + ":" + hashlib.sha256(repr(parts).encode()).hexdigest()


def remembered(
    name: str, parts: tuple[Any, ...], build: Callable[[], T], timeout: int = TIMEOUT
) -> T:
    """The value stored under (`name`, `parts`), built by `build()` and stored when absent
    (dropped after `timeout` seconds)."""
    key = key_of(name, parts)
    stored: T | None = cache.get(key)
    if stored is not None:
        return stored
    with _building(key):
        stored = cache.get(key)  # built by the thread this one waited for
        if stored is not None:
            return stored
        value = build()
        cache.set(key, value, timeout)
    return value


_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


class _building:
    """Held while one thread builds an entry: the process's other threads asking for the same
    key wait for it and read what it stored, instead of each building the same page at once
    (a new run's first requests, when every thread asks for the overview together)."""

    def __init__(self, key: str) -> None:
        self.key = key
        with _LOCKS_GUARD:
            self.lock = _LOCKS.setdefault(key, threading.Lock())

    def __enter__(self) -> None:
        self.lock.acquire()

    def __exit__(self, *_exc: object) -> None:
        self.lock.release()
        with (
            _LOCKS_GUARD
        ):  # a thread still waiting has the lock object; a later one reads the cache
            if not self.lock.locked():
                _LOCKS.pop(self.key, None)
