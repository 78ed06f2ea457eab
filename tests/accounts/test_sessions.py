"""Sessions: a signed cookie, so reading never writes; idle and absolute limits; cookie flags."""

from __future__ import annotations

import threading
import time

import pytest
from django.conf import settings
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from pingan.audit.models import AuditRecord
from tests.conftest import TEST_PASSWORD

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
SESSION_ENDS = ["accounts.session.expire", "accounts.session.time_out"]
PAGES = ["/", "/units/", "/schemes/", "/reporting/dashboard/", "/scores/", "/bulletins/"]


def sign_in(client, username):
    response = client.post("/login/", {"username": username, "password": TEST_PASSWORD})
    assert (response.status_code, response["Location"]) == (302, "/")


def set_session(client, **values):
    """Change the signed session cookie of a test client."""
    session = client.session
    session.update(values)
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key


def test_sessions_live_in_a_signed_cookie_that_is_not_saved_on_every_request():
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.signed_cookies"
    assert settings.SESSION_SAVE_EVERY_REQUEST is False
    assert (settings.SESSION_COOKIE_HTTPONLY, settings.SESSION_COOKIE_SAMESITE) == (True, "Lax")


@pytest.mark.django_db
def test_the_session_cookie_is_httponly_and_samesite(client, make_user):
    make_user("analyst", username="ana")
    response = client.post("/login/", {"username": "ana", "password": TEST_PASSWORD})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert (cookie["httponly"], cookie["samesite"], cookie["secure"]) == (True, "Lax", "")


@pytest.mark.django_db
def test_idle_session_ends_after_thirty_minutes(client, make_user):
    make_user("analyst", username="ana")
    sign_in(client, "ana")
    assert client.get("/").status_code == 200
    set_session(client, pingan_last_seen=time.time() - 31 * 60)
    response = client.get("/")
    assert (response.status_code, response["Location"]) == (302, "/login/?next=/")
    assert AuditRecord.objects.filter(event="accounts.session.time_out").count() == 1


@pytest.mark.django_db
def test_session_ends_twelve_hours_after_sign_in_even_when_active(client, make_user):
    make_user("analyst", username="ana")
    sign_in(client, "ana")
    set_session(
        client,
        pingan_signed_in_at=time.time() - 12 * 3600 - 1,
        pingan_last_seen=time.time(),
    )
    response = client.get("/")
    assert (response.status_code, response["Location"]) == (302, "/login/?next=/")
    assert list(AuditRecord.objects.filter(event__in=SESSION_ENDS).values_list("event")) == [
        ("accounts.session.expire",)
    ]
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_an_active_session_inside_both_limits_goes_on(client, make_user):
    make_user("analyst", username="ana")
    sign_in(client, "ana")
    set_session(
        client,
        pingan_signed_in_at=time.time() - 11 * 3600,
        pingan_last_seen=time.time() - 29 * 60,
    )
    assert client.get("/").status_code == 200
    assert AuditRecord.objects.filter(event__in=SESSION_ENDS).count() == 0


@pytest.mark.django_db
def test_a_copied_cookie_does_not_outlive_a_password_change(client, make_user):
    from django.test import Client

    make_user("analyst", username="ana")
    sign_in(client, "ana")
    copy = Client()
    copy.cookies[settings.SESSION_COOKIE_NAME] = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert copy.get("/").status_code == 200
    response = client.post(
        "/password/",
        {
            "current_password": TEST_PASSWORD,
            "new_password": "Harbour-lights-77",
            "new_password_again": "Harbour-lights-77",
        },
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert copy.get("/").status_code == 302


@pytest.mark.django_db
def test_a_copied_cookie_is_refused_after_sign_out(client, make_user):
    from django.test import Client

    from pingan.accounts.models import EndedSession

    make_user("analyst", username="ana")
    sign_in(client, "ana")
    copy = Client()
    copy.cookies[settings.SESSION_COOKIE_NAME] = client.cookies[settings.SESSION_COOKIE_NAME].value
    other_device = Client()
    sign_in(other_device, "ana")
    assert client.post("/logout/").status_code == 302
    response = copy.get("/")
    assert (response.status_code, response["Location"]) == (302, "/login/?next=/")
    assert other_device.get("/").status_code == 200
    assert EndedSession.objects.count() == 1
    assert list(
        AuditRecord.objects.filter(event="accounts.session.sign_out").values_list("event")
    ) == [("accounts.session.sign_out",)]


@pytest.mark.django_db
def test_ended_sessions_are_forgotten_once_their_cookies_have_expired(client, make_user):
    import datetime as dt

    from django.utils import timezone

    from pingan.accounts.models import EndedSession

    EndedSession.objects.create(
        sid="old", ended_at=timezone.now() - dt.timedelta(hours=12, seconds=1)
    )
    EndedSession.objects.create(sid="recent", ended_at=timezone.now() - dt.timedelta(hours=11))
    make_user("analyst", username="ana")
    sign_in(client, "ana")
    session_id = client.session["pingan_sid"]
    client.post("/logout/")
    assert sorted(EndedSession.objects.values_list("sid", flat=True)) == sorted(
        ["recent", session_id]
    )


@pytest.fixture
def short_busy_timeout(monkeypatch):
    """Let this thread's SQLite connection give up on a locked database after one second.

    Only a request that tries to write waits on the lock; the test must pass without waiting.
    """
    main = connections["default"]
    main.close()
    monkeypatch.setitem(main.settings_dict["OPTIONS"], "timeout", 1)
    yield
    main.close()


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_pages_are_served_while_another_writer_holds_the_database(
    client, make_user, demo_units, short_busy_timeout
):
    if connection.vendor != "sqlite":
        pytest.skip("the database-wide write lock is SQLite's")
    assert "memory" not in str(connection.settings_dict["NAME"])
    make_user("analyst", username="ana")
    sign_in(client, "ana")
    holding, release = threading.Event(), threading.Event()
    failure: list[BaseException] = []

    def writer() -> None:
        try:
            with transaction.atomic(), connection.cursor() as cursor:  # BEGIN IMMEDIATE
                cursor.execute("UPDATE accounts_user SET display_name = 'writing'")
                holding.set()
                release.wait(timeout=300)
                transaction.set_rollback(True)
        except BaseException as exc:  # pragma: no cover - reported below
            failure.append(exc)
            holding.set()
        finally:
            connections.close_all()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert holding.wait(timeout=300)
        assert failure == []
        statuses = {}
        with CaptureQueriesContext(connection) as queries:
            for page in PAGES:
                statuses[page] = client.get(page).status_code
    finally:
        release.set()
        thread.join()
    assert statuses == dict.fromkeys(PAGES, 200)
    writes = [
        q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)
    ]
    assert writes == []
    assert failure == []


@pytest.mark.django_db
def test_the_ended_check_and_the_grants_are_read_in_one_query(make_user):
    from django.utils import timezone

    from pingan.accounts.models import EndedSession, RoleAssignment
    from pingan.accounts.sessions import SESSION_ID, ended_and_grants
    from pingan.core.access.actor import Grant

    user = make_user("analyst", username="ana")
    RoleAssignment.objects.create(user=user, role="dispatcher")
    session = {SESSION_ID: "a" * 32}
    with CaptureQueriesContext(connection) as queries:
        found = ended_and_grants(session, user)
    assert (found, len(queries)) == ((False, (Grant("analyst"), Grant("dispatcher"))), 1)
    EndedSession.objects.create(sid="a" * 32, ended_at=timezone.now())
    assert ended_and_grants(session, user) == (True, (Grant("analyst"), Grant("dispatcher")))
    assert ended_and_grants({}, user) == (False, (Grant("analyst"), Grant("dispatcher")))
    assert (EndedSession._meta.db_table, RoleAssignment._meta.db_table) == (
        "accounts_endedsession",
        "accounts_roleassignment",
    )
    user.is_active = False
    assert ended_and_grants(session, user) == (True, ())


@pytest.mark.django_db
def test_a_user_without_roles_is_still_checked_for_an_ended_session(make_user):
    from django.utils import timezone

    from pingan.accounts.models import EndedSession
    from pingan.accounts.sessions import SESSION_ID, ended_and_grants

    user = make_user("analyst", username="ana")
    user.assignments.all().delete()
    session = {SESSION_ID: "b" * 32}
    with CaptureQueriesContext(connection) as queries:
        assert ended_and_grants(session, user) == (False, ())
    assert len(queries) == 2
    EndedSession.objects.create(sid="b" * 32, ended_at=timezone.now())
    assert ended_and_grants(session, user) == (True, ())


@pytest.mark.django_db
def test_a_role_taken_away_is_refused_on_the_next_request(client, make_user):
    user = make_user("analyst", username="ana")
    sign_in(client, "ana")
    assert client.get("/scores/").status_code == 200
    user.assignments.all().delete()
    assert client.get("/scores/").status_code == 403


@pytest.mark.django_db
def test_a_signed_in_page_reads_its_user_session_check_and_grants_in_two_queries(client, make_user):
    make_user("analyst", username="ana")
    sign_in(client, "ana")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    session_reads = [
        q for q in sql if "accounts_endedsession" in q or "accounts_roleassignment" in q
    ]
    assert sql[0].startswith('SELECT "accounts_user"')
    assert session_reads == sql[1:2]
    assert '"accounts_endedsession"' in sql[1] and '"accounts_roleassignment"' in sql[1]
