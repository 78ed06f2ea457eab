"""One enumeration of audit event types: unknown types are refused, old names still show and filter."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.utils import translation

import pingan
from pingan.audit import services
from pingan.audit.events import (
    LEGACY_NAMES,
    Event,
    UnknownEvent,
    event_label,
    event_of,
    stored_names,
)
from pingan.audit.models import AuditRecord
from pingan.audit.selectors import audit_records
from pingan.audit.services import record_event
from pingan.audit.verify import verify_chain
from pingan.core.access.actor import actor_for_user

SOURCE = Path(pingan.__file__).resolve().parent


def test_every_type_is_named_app_object_verb():
    apps = {p.name for p in SOURCE.iterdir() if (p / "__init__.py").exists()} | {"matters"}
    for event in Event:
        app, _object, _verb = event.value.split(".")
        assert app in apps
        assert re.fullmatch(r"[a-z]+(_[a-z]+)*\.[a-z]+(_[a-z]+)*\.[a-z]+(_[a-z]+)*", event.value)
        assert event.name == event.value.upper().replace(".", "_")


def test_legacy_names_are_not_current_names_and_map_to_members():
    assert set(LEGACY_NAMES).isdisjoint(Event.values)
    assert event_of("login") is Event.ACCOUNTS_SESSION_SIGN_IN
    assert event_of("cases.intake") is Event.MATTERS_MATTER_INTAKE
    assert event_of("matters.intake") is Event.MATTERS_MATTER_INTAKE
    assert event_of("accounts.session.sign_in") is Event.ACCOUNTS_SESSION_SIGN_IN
    assert event_of("no.such.event") is None
    assert stored_names(Event.ACCOUNTS_SESSION_SIGN_IN) == ["accounts.session.sign_in", "login"]
    assert stored_names(Event.ACCOUNTS_CREDENTIAL_CREATE) == [
        "accounts.credential.create",
        "cases.apikey_created",
        "matters.apikey_created",
        "token.create",
    ]


def test_labels_speak_both_languages():
    with translation.override("en"):
        assert event_label("login") == "Sign-in"
        assert event_label("accounts.session.sign_in") == "Sign-in"
        assert event_label("no.such.event") == "no.such.event"
    with translation.override("zh-hans"):
        assert event_label("accounts.session.sign_in") == "登录"
        assert event_label("cases.personal_viewed") == "查看个人信息"


@pytest.mark.parametrize("name", ["accounts.user.creat", "login", "cases.intake", ""])
def test_an_unknown_or_legacy_type_is_refused_and_nothing_is_written(db, system_actor, name):
    before = AuditRecord.objects.count()
    with pytest.raises(UnknownEvent, match="unknown audit event type"):
        record_event(actor=system_actor, event=name)  # type: ignore[arg-type]
    assert AuditRecord.objects.count() == before


class StoredAsGiven(str):
    """A name kept as given, with the `.value` of an Event member."""

    @property
    def value(self) -> str:
        return str(self)


@pytest.fixture
def legacy_and_current(db, system_actor, monkeypatch):
    """A sign-in stored as `login` by an earlier version, then one stored under today's name."""
    monkeypatch.setattr(
        services, "checked_event", StoredAsGiven
    )  # the earlier version took any name
    old = record_event(actor=system_actor, event="login", object_type="user", object_id=7)
    monkeypatch.undo()
    new = record_event(
        actor=system_actor, event=Event.ACCOUNTS_SESSION_SIGN_IN, object_type="user", object_id=7
    )
    record_event(actor=system_actor, event=Event.ACCOUNTS_PASSWORD_CHANGE, object_type="user")
    return old, new


def test_a_stored_legacy_row_keeps_its_name_and_the_chain_verifies(
    legacy_and_current, anchor_as_committed
):
    old, new = legacy_and_current
    anchor_as_committed()
    assert list(
        AuditRecord.objects.filter(pk__in=[old.pk, new.pk]).values_list("event", flat=True)
    ) == ["login", "accounts.session.sign_in"]
    assert verify_chain().ok


def test_filtering_by_either_name_finds_both_rows(legacy_and_current, make_user):
    old, new = legacy_and_current
    auditor = actor_for_user(make_user("audit_admin"), channel="web", source="127.0.0.1")
    for name in ("accounts.session.sign_in", "login"):
        found = audit_records(actor=auditor, event=name)
        assert list(found.values_list("pk", flat=True)) == [new.pk, old.pk]
    assert list(audit_records(actor=auditor, event="no.such.event")) == []


def test_the_audit_log_page_shows_the_label_of_old_and_new_rows(
    legacy_and_current, make_user, client
):
    client.force_login(make_user("audit_admin"))
    page = client.get("/audit/", {"event": "accounts.session.sign_in"}, HTTP_ACCEPT_LANGUAGE="en")
    records = list(page.context["page"])
    assert [(r.event, r.event_label) for r in records] == [
        ("accounts.session.sign_in", "Sign-in"),
        ("login", "Sign-in"),
    ]
    assert '<option value="accounts.session.sign_in" selected>Sign-in</option>' in page.text


def _event_arguments(tree: ast.AST) -> list[ast.expr]:
    """Every `event=` keyword argument of a call in the module."""
    return [
        keyword.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        for keyword in node.keywords
        if keyword.arg == "event"
    ]


def _members_named(tree: ast.AST) -> list[str]:
    """Every `Event.NAME` the module names (upper-case attributes, not `Event.choices`)."""
    return [
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "Event"
        and node.attr.isupper()
    ]


def test_every_event_type_used_in_src_is_a_member():
    """Call sites pass members of Event, never a name spelled out or built from pieces."""
    unknown = []
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = path.relative_to(SOURCE)
        unknown += [f"{where}: Event.{name}" for name in _members_named(tree)
                    if name not in Event.__members__]  # fmt: skip
        unknown += [
            f"{where}:{value.lineno}: {ast.unparse(value)}"
            for value in _event_arguments(tree)
            if isinstance(value, ast.Constant | ast.JoinedStr | ast.BinOp)
        ]
    assert unknown == []


def test_every_matter_step_has_its_event():
    from pingan.matters.actions.common import STEP_EVENTS
    from pingan.matters.models import STEP_LABELS

    assert sorted(STEP_EVENTS) == sorted(STEP_LABELS)
    assert [e.value for e in STEP_EVENTS.values()] == ["matters.matter." + k for k in STEP_EVENTS]


def test_every_event_has_a_label_in_both_languages():
    from django.utils import translation

    for event in Event:
        with translation.override("en"):
            english = str(event.label)
        with translation.override("zh-hans"):
            chinese = str(event.label)
        assert english != event.value, event.value
        assert chinese != english, event.value


def test_the_audit_log_names_the_actor_and_says_the_time_is_local(make_user, client):
    from django.db import transaction

    admin = make_user("security_admin", username="sec")
    admin.display_name = "安全管理员"
    admin.save()
    with transaction.atomic():
        record_event(
            actor=actor_for_user(admin, channel="web", source="127.0.0.1"),
            event=Event.ACCOUNTS_ROLE_GRANT,
            object_type="user",
            object_id="7",
        )
    client.force_login(make_user("audit_admin"))
    zh = client.get("/audit/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "<td>安全管理员 (sec)</td><td>安全管理员</td><td>网页</td>" in zh
    assert "时间（本地，Asia/Shanghai）" in zh
    assert ">授予角色</td>" in zh
    assert "<td>完成</td>" in zh
    assert "accounts.role.grant</" not in zh
    assert "security_admin" not in zh
