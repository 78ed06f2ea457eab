"""Personal API tokens: issued once, accepted as Bearer credentials, refused once revoked."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from pingan.accounts.credentials import create_api_token, revoke_api_token
from pingan.accounts.models import ApiCredential, CredentialKind, token_digest
from pingan.audit.models import AuditRecord
from pingan.cli import main
from pingan.core.problems import Conflict, InputRefused


@pytest.fixture
def analyst(demo_units, make_user):
    return make_user("analyst", username="ana")


def bearer(client, raw: str, path: str = "/api/units/"):
    return client.get(path, HTTP_AUTHORIZATION="Bearer " + raw)


def test_a_token_is_stored_as_its_digest_and_audited(analyst, actor_of):
    token, raw = create_api_token(actor=actor_of(analyst), user=analyst, name="nightly export")
    stored = ApiCredential.objects.get()
    assert (stored.kind, stored.user_id, stored.name) == ("personal", analyst.pk, "nightly export")
    assert (raw[:3], len(raw), stored.prefix, stored.digest) == (
        "pa_",
        46,
        raw[:8],
        token_digest(raw),
    )
    record = AuditRecord.objects.get(event="accounts.credential.create")
    assert (record.object_type, record.object_id, record.detail) == (
        "accounts.apicredential",
        str(token.pk),
        {"kind": "personal", "user": analyst.pk},
    )


def test_a_bearer_token_acts_as_its_user(analyst, actor_of, client):
    _token, raw = create_api_token(actor=actor_of(analyst), user=analyst, name="script")
    response = bearer(client, raw)
    assert response.status_code == 200
    assert len(response.json()) == 124


def test_a_revoked_token_is_refused(analyst, actor_of, client):
    token, raw = create_api_token(actor=actor_of(analyst), user=analyst, name="script")
    revoke_api_token(actor=actor_of(analyst), user=analyst, token_id=token.pk)
    assert bearer(client, raw).status_code == 401
    assert AuditRecord.objects.filter(event="accounts.credential.revoke").count() == 1
    with pytest.raises(Conflict):
        revoke_api_token(actor=actor_of(analyst), user=analyst, token_id=token.pk)


def test_unknown_tokens_and_tokens_of_disabled_users_are_refused(analyst, actor_of, client):
    _token, raw = create_api_token(actor=actor_of(analyst), user=analyst, name="script")
    assert bearer(client, raw + "x").status_code == 401
    assert bearer(client, "").status_code == 401
    analyst.is_active = False
    analyst.save(update_fields=["is_active"])
    assert bearer(client, raw).status_code == 401


def test_an_open311_key_is_not_a_bearer_token(analyst, system_actor, client):
    from pingan.accounts.credentials import issue_credential

    _key, raw = issue_credential(actor=system_actor, kind=CredentialKind.OPEN311, name="app")
    assert bearer(client, raw).status_code == 401


def test_only_the_user_or_an_administrator_issues_a_token(analyst, make_user, actor_of):
    other = actor_of(make_user("analyst", username="bo"))
    with pytest.raises(PermissionDenied):
        create_api_token(actor=other, user=analyst, name="not mine")
    security = actor_of(make_user("security_admin", username="sec"))
    create_api_token(actor=security, user=analyst, name="for ana")
    with pytest.raises(InputRefused):
        create_api_token(actor=actor_of(analyst), user=analyst, name=" ")
    with pytest.raises(InputRefused):
        create_api_token(actor=actor_of(analyst), user=analyst, name="x" * 101)
    assert list(ApiCredential.objects.values_list("name", flat=True)) == ["for ana"]


def test_the_command_line_issues_lists_and_revokes_tokens(analyst, client, capsys):
    assert main(["accounts", "token", "create", "--user", "ana", "--name", "cron"]) == 0
    printed = capsys.readouterr().out.splitlines()
    token = ApiCredential.objects.get()
    assert printed[0] == "API token %d (cron) of ana, shown only now:" % token.pk
    assert bearer(client, printed[1]).status_code == 200
    assert main(["accounts", "token", "list", "--user", "ana"]) == 0
    assert capsys.readouterr().out == "%d\t%s…\tcron\tactive\n" % (token.pk, token.prefix)
    assert main(["accounts", "token", "revoke", "--user", "ana", str(token.pk)]) == 0
    assert capsys.readouterr().out == "API token %d (cron) revoked\n" % token.pk
    assert bearer(client, printed[1]).status_code == 401
    assert main(["accounts", "token", "create", "--user", "nobody", "--name", "x"]) == 1


def test_a_personal_token_is_not_an_open311_key(analyst, actor_of, client):
    from tests.matters.test_open311 import BASE

    _token, raw = create_api_token(actor=actor_of(analyst), user=analyst, name="script")
    assert client.get(BASE + "requests.json", {"api_key": raw}).status_code == 403
