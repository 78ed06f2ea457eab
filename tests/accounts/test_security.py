"""Sign-in, lockout, the three separate administrators and object scope."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from pingan.accounts.services import create_user, grant_role
from pingan.audit.models import AuditRecord
from pingan.core.access.permissions import require_body, require_unit
from pingan.core.problems import InputRefused
from tests.conftest import TEST_PASSWORD, actor_with


@pytest.mark.django_db
def test_login_success_and_failure_are_audited(client, make_user):
    user = make_user("analyst", username="ana")
    assert (
        client.post("/login/", {"username": "ana", "password": "wrong-password"}).status_code == 200
    )
    response = client.post("/login/", {"username": "ana", "password": TEST_PASSWORD})
    assert (response.status_code, response["Location"]) == (302, "/")
    events = list(
        AuditRecord.objects.filter(event="accounts.session.sign_in").values_list(
            "outcome", "actor_id", "object_id"
        )
    )
    assert events == [("failure", None, str(user.pk)), ("success", user.pk, str(user.pk))]


@pytest.mark.django_db
def test_five_failures_lock_the_account(client, make_user):
    make_user("analyst", username="ana")
    for _ in range(5):
        client.post("/login/", {"username": "ana", "password": "wrong-password"})
    locked = client.post("/login/", {"username": "ana", "password": TEST_PASSWORD})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_administrators_are_separate(make_user, actor_of, binzhou):
    security = actor_of(make_user("security_admin"))
    person = create_user(actor=security, username="both", password=TEST_PASSWORD)
    grant_role(actor=security, user=person, role="audit_admin")
    with pytest.raises(InputRefused):
        grant_role(actor=security, user=person, role="system_admin")
    with pytest.raises(InputRefused):
        grant_role(actor=security, user=person, role="analyst")


@pytest.mark.django_db
def test_only_the_security_admin_manages_accounts(make_user, actor_of):
    for role in ("system_admin", "audit_admin", "analyst", "leader"):
        with pytest.raises(PermissionDenied):
            create_user(
                actor=actor_of(make_user(role)), username="x" + role, password=TEST_PASSWORD
            )


def test_body_scope():
    clerk = actor_with("clerk", body_id=7)
    require_body(clerk, "home.view", 7)
    with pytest.raises(PermissionDenied):
        require_body(actor_with("clerk", body_id=7), "units.view", 8)


def test_unit_scope():
    viewer = actor_with("unit_viewer", unit_id=3)
    require_unit(viewer, "units.view", 3)
    require_unit(viewer, "units.view", 9, unit_ancestors=(3,))
    with pytest.raises(PermissionDenied):
        require_unit(viewer, "units.view", 9)
    require_unit(actor_with("analyst"), "units.view", 9)
