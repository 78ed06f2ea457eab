"""A small city for reporting tests: units opening and closing, the police body's staff."""

from __future__ import annotations

import pytest

from pingan.reporting import filling, submissions

MONTH = "2026-09"

UNITS_CSV = """code,name,class,parent_code,opened_on,closed_on
X,市,,,,
A1,甲区,A,X,,
A2,乙区,A,X,,
A3,丙区,A,X,,2026-06-30
A4,丁区,A,X,2026-09-15,
B1,某局,B,X,,
C1,某医院,C,X,,
"""

# police owns criminal (classes A and C) and public_security (class A): open in 2026-09 are A1, A2, A4, C1
POLICE_CELLS = [
    ("A1", "criminal"),
    ("A1", "public_security"),
    ("A2", "criminal"),
    ("A2", "public_security"),
    ("A4", "criminal"),
    ("A4", "public_security"),
    ("C1", "criminal"),
]


@pytest.fixture(autouse=True)
def english(settings):
    """Messages in English, so tests can compare reasons as text."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def score_calls(monkeypatch):
    """Record the `figures.changed` events instead of owing recomputations (scoring is tested on its own)."""
    from pingan.core import events

    calls: list[dict] = []
    monkeypatch.setitem(
        events._subscribers, events.FIGURES_CHANGED, [lambda **kwargs: calls.append(kwargs)]
    )
    return calls


@pytest.fixture
def city(binzhou, system_actor):
    """The binzhou scheme and seven units (A3 closed in June 2026, A4 opened mid-September 2026)."""
    from pingan.units.services import import_units

    import_units(actor=system_actor, data=UNITS_CSV.encode())
    return binzhou


@pytest.fixture
def police(city):
    """The police reporting body."""
    from pingan.schemes.models import ReportingBody

    return ReportingBody.objects.get(code="police")


@pytest.fixture
def staff(police, make_user, actor_of):
    """Actors of the police clerk, reviewer and approver, another body's clerk, and an analyst."""
    return {
        "clerk": actor_of(make_user("clerk", body="police")),
        "reviewer": actor_of(make_user("reviewer", body="police")),
        "approver": actor_of(make_user("approver", body="police")),
        "other_clerk": actor_of(make_user("clerk", body="court")),
        "analyst": actor_of(make_user("analyst")),
    }


def records(values: dict[tuple[str, str], object], month: str = MONTH) -> list[tuple]:
    """Records for put_cells from {(unit, indicator): value}."""
    return [(i, u, c, month, v) for i, ((u, c), v) in enumerate(values.items(), start=1)]


def full(value: int = 1) -> list[tuple]:
    """Records giving every police cell of MONTH the same value."""
    return records(dict.fromkeys(POLICE_CELLS, value))


@pytest.fixture
def draft(staff, police):
    """An empty police draft for MONTH."""
    return submissions.create_submission(actor=staff["clerk"], body_id=police.pk, month=MONTH)


@pytest.fixture
def approved(staff, draft):
    """The police submission for MONTH, complete (all 1) and approved."""
    filling.put_cells(actor=staff["clerk"], submission_id=draft.pk, records=full(1))
    submissions.submit(actor=staff["clerk"], submission_id=draft.pk)
    submissions.review(actor=staff["reviewer"], submission_id=draft.pk)
    return submissions.approve(actor=staff["approver"], submission_id=draft.pk)
