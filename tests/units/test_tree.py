"""The unit tree: ancestors and subtrees to depth 6, each in one query, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pingan.units.models import OrgUnit
from pingan.units.tree import ancestors, ancestors_of, in_subtree, subtree_ids

DEPTH = 6


def make_chain(prefix: str = "T", depth: int = DEPTH) -> list[OrgUnit]:
    """A chain of depth + 1 units, T0 at the top and T6 at the bottom."""
    chain: list[OrgUnit] = []
    for i in range(depth + 1):
        chain.append(
            OrgUnit.objects.create(
                code="%s%d" % (prefix, i),
                name_zh="单位%s%d" % (prefix, i),
                parent=chain[-1] if chain else None,
                level=i,
            )
        )
    return chain


@pytest.fixture
def chain(db) -> list[OrgUnit]:
    """A chain of seven units: depth 0 to depth 6."""
    return make_chain()


def test_ancestors_of_the_deepest_unit_nearest_first_in_one_query(chain):
    with CaptureQueriesContext(connection) as captured:
        found = ancestors(chain[DEPTH].pk)
    assert found == tuple(u.pk for u in reversed(chain[:DEPTH]))
    assert len(captured.captured_queries) == 1


def test_ancestors_of_the_top_unit_and_of_an_unknown_unit_are_empty(chain):
    assert ancestors(chain[0].pk) == ()
    assert ancestors(999_999) == ()


def test_ancestors_of_many_units_in_one_query(chain):
    other = make_chain("S", 2)
    with CaptureQueriesContext(connection) as captured:
        found = ancestors_of([chain[DEPTH].pk, chain[3].pk, other[2].pk])
    assert found == {
        chain[DEPTH].pk: tuple(u.pk for u in reversed(chain[:DEPTH])),
        chain[3].pk: (chain[2].pk, chain[1].pk, chain[0].pk),
        other[2].pk: (other[1].pk, other[0].pk),
    }
    assert len(captured.captured_queries) == 1
    assert ancestors_of([]) == {}


def test_subtree_of_the_top_unit_reaches_depth_6_in_one_query(chain):
    make_chain("S", 2)
    with CaptureQueriesContext(connection) as captured:
        found = subtree_ids([chain[0].pk])
    assert found == {u.pk for u in chain}
    assert len(captured.captured_queries) == 1
    assert subtree_ids([chain[4].pk]) == {chain[4].pk, chain[5].pk, chain[6].pk}
    assert subtree_ids([]) == set()


def test_in_subtree_filters_inside_the_query(chain):
    make_chain("S", 2)
    with CaptureQueriesContext(connection) as captured:
        codes = list(
            OrgUnit.objects.filter(in_subtree([chain[2].pk])).values_list("code", flat=True)
        )
    assert sorted(codes) == ["T2", "T3", "T4", "T5", "T6"]
    assert len(captured.captured_queries) == 1
    assert list(OrgUnit.objects.filter(in_subtree([]))) == []


def test_a_cycle_in_the_parent_links_ends_the_walk(chain):
    OrgUnit.objects.filter(pk=chain[0].pk).update(parent=chain[DEPTH])
    assert ancestors(chain[DEPTH].pk) == tuple(u.pk for u in reversed(chain[:DEPTH]))
    assert subtree_ids([chain[3].pk]) == {u.pk for u in chain}
