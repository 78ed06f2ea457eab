"""The to-do list read in two parts that each follow an index: a page of it costs what it shows.

`selectors.todo_matters` orders by the running deadline (none last), then by receipt. Sorting a
computed deadline over every waiting matter reads them all (1,000,000 received matters on the
generated province: 1.7 s for a page of 50). The same order is the matters with a deadline by
deadline, followed by those without one by receipt; the second part is read along the index of
`received_at` and stops at the page's last row.
"""

from __future__ import annotations

from functools import cached_property

from django.db.models import Q, QuerySet

from pingan.core.access.actor import Actor
from pingan.matters import selectors
from pingan.matters.due import RUNNING
from pingan.matters.models import Matter


class WaitingMatters:
    """The actor's to-do list, in the order of `selectors.todo_matters`, counted and sliced as a
    Paginator expects (`count()` and `[start:stop]`)."""

    def __init__(self, actor: Actor) -> None:
        waiting = selectors.todo_matters(actor=actor)
        self.waiting = waiting
        # Only a running status has a deadline; saying so lets the status index find them.
        self.dated = waiting.filter(Q(running_due__isnull=False), status__in=sorted(RUNNING))
        self.undated = waiting.filter(Q(running_due__isnull=True)).order_by("received_at", "pk")

    @cached_property
    def dated_count(self) -> int:
        """How many waiting matters have a running deadline (they come first)."""
        return self.dated.count()

    @cached_property
    def total(self) -> int:
        """How many matters wait in all (counted without computing any deadline)."""
        return self.waiting.order_by().count()

    def count(self) -> int:
        """How many matters wait in all (as `QuerySet.count`)."""
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, part: slice) -> list[Matter]:
        """The matters from `part.start` to `part.stop` (both given), in the list's order."""
        start, stop = part.start or 0, part.stop
        if stop is None:
            raise TypeError("a slice of the to-do list needs its end")
        if start >= self.total:
            return []
        first = _rows(self.dated, start, stop) if start < self.dated_count else []
        rest = stop - start - len(first)
        if rest <= 0:
            return first
        skip = max(start - self.dated_count, 0)
        return first + _rows(self.undated, skip, skip + rest)


# How far beyond the page asked for the matters list counts: past it the pager says "N+".
COUNT_AHEAD = 10_000


class IdsFirst:
    """An ordered query of matters as a Paginator reads it, each page's ids found before its
    rows are joined: a page far down the matters list skips index entries, not joined rows.

    The count stops `COUNT_AHEAD` matters past the page asked for (`capped` says it stopped):
    counting every one of a province's million matters took 130 ms of each view of the list,
    to print a page count no one pages through.
    """

    def __init__(self, ordered: QuerySet[Matter], page: str | None = None, per_page: int = 50):
        # Not named `ordered`: Paginator reads that attribute as a flag, and a query's truth
        # fetches every row.
        self.matters = ordered
        number = int(page) if page and page.isdigit() else 1
        self.limit = min(number, 1_000_000) * per_page + COUNT_AHEAD

    @cached_property
    def total(self) -> int:
        """How many matters the query holds, counted up to one past `limit`."""
        return self.matters.order_by()[: self.limit + 1].count()

    @property
    def capped(self) -> bool:
        """Whether more matters exist than were counted."""
        return self.total > self.limit

    def count(self) -> int:
        """How many matters the query holds (as `QuerySet.count`)."""
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, part: slice) -> list[Matter]:
        """The matters from `part.start` to `part.stop` (both given)."""
        if part.stop is None:
            raise TypeError("a slice of the matters needs its end")
        return _rows(self.matters, part.start or 0, part.stop)


def _rows(ordered: QuerySet[Matter], start: int, stop: int) -> list[Matter]:
    """Rows `start` to `stop` of `ordered`: their ids found first without the joins, so that a
    page far down the list skips index entries, not joined rows."""
    ids = list(ordered.select_related(None).values_list("pk", flat=True)[start:stop])
    if not ids:
        return []
    found = {m.pk: m for m in ordered.filter(pk__in=ids)}
    return [found[pk] for pk in ids]
