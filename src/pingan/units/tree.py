"""The unit tree: ancestors and subtrees of any depth, each read in one recursive query.

Every app that scopes by unit asks here, so a viewer of a unit sees the same subtree everywhere
and at every depth. The queries are recursive common table expressions, which SQLite and
PostgreSQL both run; they stop on a cycle in the parent links rather than loop.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

from pingan.units.models import OrgUnit


def _table() -> str:
    return connection.ops.quote_name(OrgUnit._meta.db_table)


# The statements name only the units table and "%s" placeholders; every id is a parameter.
CHAIN_SQL = (
    "WITH RECURSIVE chain(id, parent_id) AS ("
    "SELECT id, parent_id FROM {table} WHERE id IN ({ids}) "
    "UNION SELECT u.id, u.parent_id FROM {table} u JOIN chain c ON u.id = c.parent_id"
    ") SELECT id, parent_id FROM chain"
)
SUBTREE_SQL = (
    "WITH RECURSIVE below(id) AS ("
    "SELECT id FROM {table} WHERE id IN ({ids}) "
    "UNION SELECT u.id FROM {table} u JOIN below b ON u.parent_id = b.id"
    ") SELECT id FROM below"
)


def _statement(template: str, count: int) -> str:
    """The statement for `count` ids: the units table's quoted name and one placeholder per id."""
    return template.format(table=_table(), ids=", ".join(["%s"] * count))


def _walk_up(unit_id: int, parents: dict[int, int | None]) -> tuple[int, ...]:
    found: list[int] = []
    parent = parents.get(unit_id)
    while parent is not None and parent != unit_id and parent not in found:
        found.append(parent)
        parent = parents.get(parent)
    return tuple(found)


def ancestors_of(unit_ids: Iterable[int]) -> dict[int, tuple[int, ...]]:
    """Each unit's ancestors' ids, nearest first (the unit itself excluded); one query for all.

    A unit that does not exist maps to an empty tuple.
    """
    wanted = sorted(set(unit_ids))
    if not wanted:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(_statement(CHAIN_SQL, len(wanted)), wanted)
        parents: dict[int, int | None] = dict(cursor.fetchall())
    return {unit_id: _walk_up(unit_id, parents) for unit_id in wanted}


def ancestors(unit_id: int) -> tuple[int, ...]:
    """The ids of the unit's ancestors, nearest first (the unit itself excluded); one query."""
    return ancestors_of([unit_id])[unit_id]


def subtree_ids(unit_ids: Iterable[int]) -> set[int]:
    """The ids of the given units and of every unit below them, at any depth; one query."""
    wanted = sorted(set(unit_ids))
    if not wanted:
        return set()
    with connection.cursor() as cursor:
        cursor.execute(_statement(SUBTREE_SQL, len(wanted)), wanted)
        return {row[0] for row in cursor.fetchall()}


def in_subtree(unit_ids: Iterable[int], field: str = "pk") -> Q:
    """A filter keeping rows whose `field` names one of the units or a unit below them.

    The subtree is a subquery of the filtered query, so no query of its own is spent.
    """
    wanted = sorted(set(unit_ids))
    if not wanted:
        return Q(pk__in=[])
    subquery = RawSQL(_statement(SUBTREE_SQL, len(wanted)), wanted)  # noqa: S611 - ids are parameters
    return Q(**{field + "__in": subquery})
