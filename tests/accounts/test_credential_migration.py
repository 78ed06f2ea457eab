"""The migrations to one credential model carry existing tokens and keys over unchanged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("accounts", "0002_password_history_ended_sessions")]
AFTER = [("accounts", "0003_api_credential")]
CREATED = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)
REVOKED = dt.datetime(2026, 4, 1, 8, 0, tzinfo=dt.UTC)


def migrate(targets):
    """Migrate to `targets` and return the historical apps there."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def at_previous_revision(transactional_db):
    """The accounts schema as main's previous revision left it; the latest schema afterwards."""
    old = migrate(BEFORE)
    yield old
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_personal_tokens_become_personal_credentials(at_previous_revision):
    old = at_previous_revision
    user = old.get_model("accounts", "User").objects.create(username="ana", password="x")
    token = old.get_model("accounts", "ApiToken").objects.create(
        user=user, name="script", prefix="pa_abcde", digest="d" * 64
    )
    old.get_model("accounts", "ApiToken").objects.filter(pk=token.pk).update(
        created_at=CREATED, revoked_at=REVOKED
    )
    new = migrate(AFTER)
    credential = new.get_model("accounts", "ApiCredential").objects.get()
    assert (
        credential.pk,
        credential.kind,
        credential.user_id,
        credential.name,
        credential.prefix,
        credential.digest,
        credential.created_at,
        credential.revoked_at,
    ) == (token.pk, "personal", user.pk, "script", "pa_abcde", "d" * 64, CREATED, REVOKED)


@pytest.fixture
def keys_at_previous_revision(transactional_db):
    """The matters schema with its own ApiKey model, as main's previous revision left it."""
    old = migrate([("matters", "0004_constraint_names"), *AFTER])
    yield old
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_open311_keys_become_open311_credentials(keys_at_previous_revision):
    old = keys_at_previous_revision
    keys = old.get_model("matters", "ApiKey").objects
    active = keys.create(name="city app", prefix="o311_abc", digest="a" * 64)
    revoked = keys.create(name="old app", prefix="o311_def", digest="b" * 64)
    keys.filter(pk=active.pk).update(created_at=CREATED)
    keys.filter(pk=revoked.pk).update(created_at=CREATED, revoked_at=REVOKED)
    new = migrate([("matters", "0005_api_keys_to_accounts")])
    moved = new.get_model("accounts", "ApiCredential").objects.order_by("pk")
    assert [
        (c.kind, c.user_id, c.name, c.prefix, c.digest, c.created_at, c.revoked_at) for c in moved
    ] == [
        ("open311", None, "city app", "o311_abc", "a" * 64, CREATED, None),
        ("open311", None, "old app", "o311_def", "b" * 64, CREATED, REVOKED),
    ]


def test_the_key_migration_runs_backwards(keys_at_previous_revision):
    old = keys_at_previous_revision
    old.get_model("matters", "ApiKey").objects.create(
        name="app", prefix="o311_abc", digest="a" * 64
    )
    migrate([("matters", "0005_api_keys_to_accounts")])
    back = migrate([("matters", "0004_constraint_names"), *AFTER])
    assert list(back.get_model("matters", "ApiKey").objects.values_list("name", "digest")) == [
        ("app", "a" * 64)
    ]
    assert back.get_model("accounts", "ApiCredential").objects.count() == 0
