"""The read replica against a real PostgreSQL streaming standby (`.ci/start-replica`).

Runs only when PINGAN_DATABASE_REPLICA_URL names a hot standby of the primary in
PINGAN_DATABASE_URL. The test database is created on the primary and streamed to the standby, so
the `replica` alias is pointed at the same database name on the standby's host and port.
"""

from __future__ import annotations

import os

import dj_database_url
import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from pingan.core import routers
from pingan.units.models import OrgUnit

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("PINGAN_DATABASE_REPLICA_URL", "").strip(),
        reason="needs PINGAN_DATABASE_REPLICA_URL (a streaming standby of the primary)",
    ),
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
]

CATCH_UP_POLLS = 100_000


@pytest.fixture
def standby(settings):
    """Point the `replica` alias at the standby's copy of the test database; route reads to it."""
    parsed = dj_database_url.parse(os.environ["PINGAN_DATABASE_REPLICA_URL"])
    replica = connections[routers.REPLICA]
    saved = replica.settings_dict
    replica.close()
    replica.settings_dict = {
        **connections["default"].settings_dict,
        "HOST": parsed["HOST"],
        "PORT": parsed["PORT"],
    }
    settings.PINGAN_REPLICA_READS = True
    yield replica
    replica.close()
    replica.settings_dict = saved


def in_recovery(alias: str) -> bool:
    """pg_is_in_recovery() on the connection of an alias: true on a standby."""
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        return bool(cursor.fetchone()[0])


def wait_for_replay() -> None:
    """Return once the standby has replayed the primary's WAL up to now (polled, bounded)."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        target = cursor.fetchone()[0]
    with connections[routers.REPLICA].cursor() as cursor:
        for _ in range(CATCH_UP_POLLS):
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cursor.fetchone()[0]:
                return
    pytest.fail("the standby did not replay the primary's WAL up to %s" % target)


def test_reads_go_to_the_standby_and_writes_to_the_primary(standby, demo_units):
    wait_for_replay()
    assert in_recovery(routers.REPLICA) is True
    assert in_recovery("default") is False
    with routers.replica_reads():
        units = OrgUnit.objects.all()
        assert units.db == routers.REPLICA
        count = units.count()
        OrgUnit.objects.filter(code="no such unit").update(name_en="x")
        assert OrgUnit.objects.all().db == "default"
    assert count == OrgUnit.objects.count() == 124


def test_reads_inside_a_transaction_stay_on_the_primary(standby, demo_units):
    from django.db import transaction

    with routers.replica_reads(), transaction.atomic():
        assert OrgUnit.objects.all().db == "default"
    with routers.replica_reads(allowed=False):
        assert OrgUnit.objects.all().db == "default"
    assert OrgUnit.objects.all().db == "default"


def test_a_page_reads_the_standby_and_shows_the_primary_data(
    standby, client, make_user, demo_units
):
    user = make_user("analyst")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    first = OrgUnit.objects.order_by("code").first()
    wait_for_replay()
    with (
        CaptureQueriesContext(connections[routers.REPLICA]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        page = client.get("/units/")
    assert page.status_code == 200
    assert first.code in page.content.decode()
    assert any("units_orgunit" in q["sql"] for q in on_replica.captured_queries)
    assert not any("units_orgunit" in q["sql"] for q in on_primary.captured_queries)


def test_a_client_that_wrote_reads_the_primary(standby, client, make_user, demo_units):
    user = make_user("analyst")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    wrote = client.post("/units/import/", {})
    assert wrote.cookies[routers.STICKY_COOKIE]["max-age"] == 10
    with CaptureQueriesContext(connections[routers.REPLICA]) as on_replica:
        assert client.get("/units/").status_code == 200
    assert on_replica.captured_queries == []
