"""Threads of one process asking for the same page data at once build it once."""

from __future__ import annotations

import threading

from django.core.cache import cache

from pingan.core import page_cache
from pingan.core.page_cache import remembered


class CountedLookups:
    """The cache, counting misses so the test knows every asker has looked before it goes on."""

    def __init__(self, expected: int) -> None:
        self.misses = 0
        self.all_looked = threading.Event()
        self.expected = expected
        self.guard = threading.Lock()

    def get(self, key: str) -> object:
        value = cache.get(key)
        if value is None:
            with self.guard:
                self.misses += 1
                if self.misses == self.expected:
                    self.all_looked.set()
        return value

    def set(self, key: str, value: object, timeout: int) -> None:
        cache.set(key, value, timeout)


def test_concurrent_askers_wait_for_one_build(monkeypatch):
    cache.clear()
    lookups = CountedLookups(expected=6)  # the first asker twice, then each of the others once
    monkeypatch.setattr(page_cache, "cache", lookups)
    builds: list[int] = []

    def build() -> str:
        builds.append(1)
        lookups.all_looked.wait(10)  # every other asker has missed, and waits or builds
        return "page"

    answers: list[str] = []
    askers = [
        threading.Thread(target=lambda: answers.append(remembered("p", (1,), build)))
        for _ in range(5)
    ]
    for thread in askers:
        thread.start()
    for thread in askers:
        thread.join(10)
    assert answers == ["page"] * 5
    assert builds == [1]
