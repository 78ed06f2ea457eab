"""Access per role for every matters page, and the command-line interface."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, get_resolver, reverse

from pingan.cli import main
from pingan.core.access.decorators import requires  # noqa: F401 - the decorator under test
from pingan.core.access.permissions import allowed_roles
from pingan.core.access.roles import UNIT_ROLES, Role
from tests.matters.access_expected import EXPECTED


def _case_views():
    resolver = get_resolver()
    for pattern in resolver.url_patterns:
        if getattr(pattern, "namespace", None) == "matters":
            for inner in pattern.url_patterns:
                if isinstance(inner, URLPattern):
                    yield inner


def test_every_view_names_an_expected_action():
    views = list(_case_views())
    public = sorted(p.name for p in views if getattr(p.callback, "pingan_public", False))
    assert public == ["report"]
    actions = {getattr(p.callback, "pingan_action", None) for p in views if p.name not in public}
    assert None not in actions
    assert actions <= set(EXPECTED)
    for action, roles in EXPECTED.items():
        assert allowed_roles(action) == frozenset(roles), action


@pytest.mark.django_db
@pytest.mark.parametrize("role", [r.value for r in Role])
def test_pages_by_role(client, make_user, units, role):
    body = "police" if role in ("clerk", "reviewer", "approver") else None
    unit = "BZ01" if role in UNIT_ROLES else None
    client.force_login(make_user(role, body=body, unit=unit))
    pages = {
        "matters:list": "matters.view",
        "matters:new_routes": "matters.intake",
        "matters:todo": "matters.view",
        "matters:stats": "matters.stats",
        "matters:summaries": "matters.summary",
        "matters:settings": "matters.configure",
    }
    for name, action in pages.items():
        expected = 200 if role in EXPECTED[action] else 403
        assert client.get(reverse(name)).status_code == expected, (role, name)


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in(client, units):
    response = client.get(reverse("matters:list"))
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.django_db
def test_home_links_matters_for_the_centre(client, people):
    client.force_login(people["dispatcher"][0])
    assert reverse("matters:list") in client.get(reverse("web:home")).content.decode()


@pytest.mark.django_db
def test_cli_apikey_summary_and_tick(capsys, tmp_path, people, new_matter):
    from pingan.accounts.models import ApiCredential

    assert main(["apikey", "create", "hotline"]) == 0
    raw = capsys.readouterr().out.strip().splitlines()[-1]
    key = ApiCredential.objects.get(kind="open311")
    assert (key.prefix, len(raw) > 30, raw in key.digest) == (raw[:8], True, False)
    assert main(["apikey", "revoke", str(key.pk)]) == 0
    assert main(["apikey", "revoke", str(key.pk)]) == 1
    new_matter()
    out = tmp_path / "s.docx"
    assert main(["matters", "summary", "--date", "2025-09-26", "-o", str(out)]) == 0
    from docx import Document

    text = "\n".join(c.text for t in Document(str(out)).tables for row in t.rows for c in row.cells)
    assert text.split("\n")[3] == "1"
    assert main(["matters", "tick"]) == 0
    assert "overdue flagged" in capsys.readouterr().out
