"""Every refusal (HTTP 403) of the access layer leaves an audit record: actor, path and reason."""

from __future__ import annotations

import pytest
from django.test import Client

from pingan.audit.models import AuditRecord


def denials():
    return list(
        AuditRecord.objects.filter(event="accounts.access.deny").values_list(
            "actor_id", "actor_role", "channel", "source", "object_id", "outcome", "detail"
        )
    )


@pytest.mark.django_db
def test_a_page_refused_to_a_role_is_audited(make_user):
    leader = make_user("leader")
    client = Client(REMOTE_ADDR="198.51.100.7")
    client.force_login(leader, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/audit/").status_code == 403
    assert denials() == [
        (
            leader.pk,
            "leader",
            "web",
            "198.51.100.7",
            "/audit/",
            "denied",
            {"path": "/audit/", "reason": "audit.read"},
        )
    ]


@pytest.mark.django_db
def test_a_service_refusal_is_audited_with_its_reason(make_user):
    analyst = make_user("analyst")
    client = Client(REMOTE_ADDR="198.51.100.7", HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(analyst, backend="django.contrib.auth.backends.ModelBackend")
    assert client.post("/accounts/new/", {"username": "x"}).status_code == 403
    assert [(d[4], d[6]) for d in denials()] == [
        ("/accounts/new/", {"path": "/accounts/new/", "reason": "accounts.manage"})
    ]


@pytest.mark.django_db
def test_an_api_refusal_is_audited(make_user, binzhou):
    viewer = make_user("security_admin")
    client = Client(REMOTE_ADDR="198.51.100.7", HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(viewer, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get("/api/schemes/binzhou")
    assert response.status_code == 403
    assert denials() == [
        (
            viewer.pk,
            "security_admin",
            "api",
            "198.51.100.7",
            "/api/schemes/binzhou",
            "denied",
            {
                "path": "/api/schemes/binzhou",
                "reason": "You are not allowed to do this (schemes.view).",
            },
        )
    ]


@pytest.mark.django_db
def test_a_denial_that_cannot_be_audited_is_still_refused(make_user, monkeypatch, caplog):
    from django.db import OperationalError

    from pingan.accounts import denials as denial_auditing

    def locked(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(denial_auditing, "record_denial", locked)
    leader = make_user("leader")
    client = Client()
    client.force_login(leader, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/audit/").status_code == 403
    assert denials() == []
    assert "denial of /audit/ could not be audited" in caplog.text


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in_not_audited(client):
    assert client.get("/audit/").status_code == 302
    assert denials() == []
