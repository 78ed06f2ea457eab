"""Shared fixtures: actors per role, the binzhou scheme, the demo units, trigger-aware flushing."""

from __future__ import annotations

import os
import secrets
import tempfile
from importlib import resources

os.environ.setdefault("PINGAN_HOME", tempfile.mkdtemp(prefix="pingan-test-home-"))

import pytest
from django.db import connection

from pingan.accounts.models import RoleAssignment, User
from pingan.core import triggers
from pingan.core.access.actor import Actor, Grant, actor_for_user, command_line_actor

TEST_PASSWORD = "Test-pingan-2026"


@pytest.fixture(autouse=True, scope="session")
def _trigger_aware_flush():
    """Transactional tests flush tables between tests; drop and restore the immutability triggers around it."""
    original = connection.ops.__class__.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        saved = triggers.installed_triggers(self.connection)
        drops = [
            triggers.drop_statement(self.connection, name, table) for name, table, _sql in saved
        ]
        flush = original(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        restores = [
            sql
            if self.connection.vendor == "sqlite"
            else sql.replace("CREATE TRIGGER", "CREATE OR REPLACE TRIGGER", 1)
            for _n, _t, sql in saved
        ]
        # A fresh chain id after every flush: anchors written by earlier tests name other chains.
        head = [
            "DELETE FROM audit_audithead",
            "INSERT INTO audit_audithead (id, chain_id, seq, hash) VALUES (1, 'flushed%s', 0, '%s')"
            % (secrets.token_hex(8), "0" * 64),
        ]
        return drops + flush + head + restores

    connection.ops.__class__.sql_flush = sql_flush
    yield
    connection.ops.__class__.sql_flush = original


@pytest.fixture
def anchor_as_committed(settings, tmp_path):
    """In a test rolled back at its end no commit moves the home anchor: this writes it from the
    current head, as the commits would have, into a data folder of the test's own."""
    from pingan.audit.anchor import write_anchor
    from pingan.audit.models import AuditHead

    settings.PINGAN_HOME = tmp_path

    def write() -> None:
        head = AuditHead.objects.get(pk=1)
        write_anchor(head.chain_id, head.seq, head.hash)

    return write


@pytest.fixture
def system_actor() -> Actor:
    """The operator at the command line (system administrator)."""
    return command_line_actor()


@pytest.fixture
def binzhou(db, system_actor):
    """The built-in binzhou scheme, loaded."""
    from pingan.schemes.services import load_scheme

    source = (
        resources.files("pingan.schemes.builtin")
        .joinpath("binzhou.toml")
        .read_text(encoding="utf-8")
    )
    return load_scheme(actor=system_actor, source=source).version


@pytest.fixture
def demo_units(binzhou, system_actor):
    """The demo city's units and covariates (years 2023–2027)."""
    from pingan.demo_data import generate
    from pingan.units.services import import_covariates, import_units

    import_units(actor=system_actor, data=generate.units_csv())
    import_covariates(actor=system_actor, data=generate.covariates_csv(list(range(2023, 2028))))


@pytest.fixture
def make_user(db):
    """Create a user holding the given role (scoped by body/unit code) and return it."""
    from pingan.schemes.models import ReportingBody
    from pingan.units.models import OrgUnit

    counter = {"n": 0}

    def make(
        role: str, *, body: str | None = None, unit: str | None = None, username: str | None = None
    ) -> User:
        counter["n"] += 1
        user = User(username=username or "%s%d" % (role, counter["n"]))
        user.set_password(TEST_PASSWORD)
        user.save()
        RoleAssignment.objects.create(
            user=user,
            role=role,
            body=ReportingBody.objects.get(code=body) if body else None,
            unit=OrgUnit.objects.get(code=unit) if unit else None,
        )
        return user

    return make


@pytest.fixture
def actor_of():
    """The actor of a user, as the web would build it."""

    def build(user: User, channel: str = "web") -> Actor:
        return actor_for_user(user, channel=channel, source="127.0.0.1")

    return build


def actor_with(role: str, *, body_id: int | None = None, unit_id: int | None = None) -> Actor:
    """An actor holding one role, without a user row (for pure permission tests)."""
    return Actor(
        user=None,
        grants=(Grant(role=role, body_id=body_id, unit_id=unit_id),),
        channel="web",
        source="127.0.0.1",
    )


@pytest.fixture(autouse=True)
def _english_messages():
    """Messages are asserted in English; tests of the Chinese text activate zh-hans themselves."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    """Page data remembered per run (pingan.core.page_cache) never carries over between tests:
    a rolled-back test's ids are handed out again by the next one."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
