"""axe-core on every page, in real Chromium, over the demo city's data.

Every URL pattern of the site (except the API and Open311) is one test case, named by its route.
The page is opened as a demo account whose role may use it (anonymously when it is public), with
its parameters taken from the demo data (SAMPLES); axe-core (vendored, tests/e2e/vendor/axe-core)
then runs on it and no violation of impact "serious" or "critical" may remain. A pattern that
answers GET with 405 is an action, not a page, and one that answers with a file is a download:
both are skipped with that reason. A parameter name without a sample fails the test, so a new
page is never left out silently.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from pingan.core.access.permissions import allowed_roles
from tests.e2e.conftest import Page, warm_up
from tests.web.test_access_matrix import guarded_urls

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
# The demo account used for an action: the first of these roles that may use it.
ROLE_ORDER = ["dispatcher", "handler", "analyst", "office_head", "clerk", "reviewer", "approver",
              "leader", "unit_viewer", "system_admin", "security_admin", "audit_admin",
              "proposer", "assessor", "department_head"]  # fmt: skip
DEMO_USER = {"system_admin": "sysadmin", "security_admin": "secadmin", "audit_admin": "auditadmin",
             "office_head": "officehead", "unit_viewer": "unitviewer", "department_head": "depthead"}  # fmt: skip


def _first_pk(model_path: str, **filters: Any) -> str:
    from django.apps import apps

    model = apps.get_model(model_path)
    row = model.objects.filter(**filters).order_by("pk").first() or model.objects.first()
    return str(row.pk) if row else "999999"


def _scheme(part: str) -> str:
    from pingan.schemes.models import SchemeVersion

    version = SchemeVersion.objects.select_related("scheme").order_by("pk").first()
    if version is None:
        return "x"
    return version.scheme.code if part == "code" else str(version.number)


def _scored_period() -> str:
    from pingan.scores.models import ScoreRun

    run = ScoreRun.objects.filter(is_current=True).order_by("-period").first()
    return run.period if run else "x"


# Parameter name -> its value in the demo data (read once the data is built).
SAMPLES: dict[str, Callable[[], str]] = {
    "submission_id": lambda: _first_pk("reporting.Submission", body__code="police"),
    "bulletin_id": lambda: _first_pk("bulletins.Bulletin"),
    "matter_id": lambda: _first_pk("matters.Matter", responsible_unit__code="BZ01"),
    "attachment_id": lambda: _first_pk("matters.Attachment"),
    "assignment_id": lambda: _first_pk("accounts.RoleAssignment"),
    "rule_id": lambda: _first_pk("matters.DispatchRule"),
    "key_id": lambda: _first_pk("accounts.ApiCredential"),
    "warning_id": lambda: _first_pk("warnings.Warning"),
    "problem_id": lambda: _first_pk("warnings.ProblemRecord"),
    "assessment_id": lambda: _first_pk("assessments.Assessment"),
    "measure_id": lambda: _first_pk("assessments.Measure"),
    "step": lambda: "findings",
    "scheme": lambda: _scheme("code"),
    "period": lambda: _scored_period(),
    "unit_code": lambda: "BZ01",
    "code": lambda: _scheme("code"),
    "number": lambda: _scheme("number"),
    "route": lambda: "phone",
    "action": lambda: "dispatch",
    "fmt": lambda: "csv",
    "day": lambda: (dt.date.today() - dt.timedelta(days=1)).isoformat(),
}


def _routes() -> list[tuple[str, str, str]]:
    """(route, name, action or "public") of every page pattern, in URL order."""
    found = []
    for route, callback, name in guarded_urls():
        action = getattr(callback, "pingan_action", None) or "public"
        found.append((route, name or route, action))
    return found


ROUTES = _routes()


def _path(route: str, name: str) -> str:
    """The concrete path of a pattern, each parameter replaced by its sample."""
    import re

    kwargs = {}
    for match in re.finditer(r"<(?:\w+:)?(\w+)>", route):
        key = match.group(1)
        if key not in SAMPLES:
            pytest.fail("page %s: no sample value for <%s>; add one to SAMPLES" % (name, key))
        kwargs[key] = SAMPLES[key]()
    return reverse(name, kwargs=kwargs)


@dataclass
class Site:
    """The live server over the demo data, and one signed-in browser tab per role."""

    url: str
    browser: Any
    tabs: dict[str, Page] = field(default_factory=dict)

    def tab(self, role: str) -> Page:
        """A tab signed in with the demo account of the role (anonymous for "public")."""
        if role not in self.tabs:
            context = self.browser.new_context(
                viewport={"width": 1366, "height": 768}, locale="zh-CN", bypass_csp=True
            )
            page = Page(context, self.url)
            if role != "public":
                from pingan.demo_data.accounts import DEMO_PASSWORD

                page.login(DEMO_USER.get(role, role), DEMO_PASSWORD)
            self.tabs[role] = page
        return self.tabs[role]


@pytest.fixture(scope="module")
def site(browser, django_db_setup, django_db_blocker):
    """Build the demo city once for the module, serve it, and empty the database afterwards."""
    from pytest_django.live_server_helper import LiveServer

    from pingan.demo import build_demo

    with django_db_blocker.unblock():
        build_demo(out=io.StringIO())
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        warm_up(server.url)
        try:
            yield Site(url=server.url, browser=browser)
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            call_command("flush", interactive=False, verbosity=0)


def role_for(action: str) -> str:
    """The demo role that opens a page guarded by `action`."""
    if action == "public":
        return "public"
    roles = allowed_roles(action)
    for role in ROLE_ORDER:
        if role in roles:
            return role
    pytest.fail("no demo role may use %s" % action)


def axe_violations(page: Page) -> list[str]:
    """The serious and critical violations axe-core finds on the open page, one line each."""
    page.tab.add_script_tag(path=str(AXE))
    result = page.tab.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    lines = []
    for violation in result["violations"]:
        if violation["impact"] not in BLOCKING:
            continue
        targets = [" ".join(map(str, n["target"])) for n in violation["nodes"][:5]]
        lines.append(
            "%s (%s): %s at %s"
            % (violation["id"], violation["impact"], violation["help"], "; ".join(targets))
        )
    return lines


@pytest.mark.parametrize(("route", "name", "action"), ROUTES, ids=[r[1] for r in ROUTES])
def test_no_serious_accessibility_violation(site, route, name, action):
    path = _path(route, name)
    page = site.tab(role_for(action))
    probe = page.tab.request.get(site.url + path, max_redirects=0)
    if probe.status == 405:
        pytest.skip("%s answers POST only: an action, not a page" % path)
    kind = probe.headers.get("content-type", "")
    if probe.ok and not kind.startswith("text/html"):
        pytest.skip("%s answers a file (%s), not a page" % (path, kind))
    page.tab.goto(site.url + path)
    page.tab.wait_for_load_state("networkidle")
    assert axe_violations(page) == [], "page %s (%s as %s)" % (name, path, role_for(action))
