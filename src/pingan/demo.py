"""`pingan demo`: build the synthetic demo city through the real services. Idempotent."""

from __future__ import annotations

import datetime as dt
from importlib import resources
from typing import IO, Any

from django.core.management import call_command
from django.utils import timezone

from pingan.accounts.actor import Actor, Grant, command_line_actor
from pingan.accounts.models import User
from pingan.accounts.roles import Role
from pingan.core.jobs import run_owed_jobs
from pingan.demo_data import generate
from pingan.schemes.models import ReportingBody
from pingan.schemes.services import load_scheme
from pingan.units.models import OrgUnit
from pingan.units.services import import_covariates, import_units

DEMO_PASSWORD = "Demo-pingan-2026"  # noqa: S105 - published demo password, printed at start

# username, role, body code, unit code, display name
DEMO_ACCOUNTS = [
    ("sysadmin", Role.SYSTEM_ADMIN, None, None, "系统管理员"),
    ("secadmin", Role.SECURITY_ADMIN, None, None, "安全管理员"),
    ("auditadmin", Role.AUDIT_ADMIN, None, None, "审计管理员"),
    ("analyst", Role.ANALYST, None, None, "维稳办分析员"),
    ("officehead", Role.OFFICE_HEAD, None, None, "维稳办主任"),
    ("clerk", Role.CLERK, "police", None, "公安局填报员"),
    ("reviewer", Role.REVIEWER, "police", None, "公安局分管领导"),
    ("approver", Role.APPROVER, "police", None, "公安局主要领导"),
    ("unitviewer", Role.UNIT_VIEWER, None, "BZ01", "滨城区查看员"),
    ("leader", Role.LEADER, None, None, "市领导"),
    ("dispatcher", Role.DISPATCHER, None, None, "综治中心受理员"),
    ("handler", Role.HANDLER, None, "BZ01", "滨城区调解员"),
]


def demo_months(today: dt.date) -> tuple[list[str], str]:
    """The 24 months of approved history and the live month (the previous calendar month)."""
    first_of_month = today.replace(day=1)
    live = first_of_month - dt.timedelta(days=1)
    history_end = live.replace(day=1) - dt.timedelta(days=1)
    return generate.month_sequence(history_end, 24), "%04d-%02d" % (live.year, live.month)


def build_demo(*, out: IO[str], today: dt.date | None = None) -> None:
    """Build (or reuse) the demo city in the configured database and print its accounts."""
    today = today or timezone.localdate()
    call_command("migrate", interactive=False, verbosity=0)
    system = command_line_actor()
    source = (
        resources.files("pingan.schemes.builtin")
        .joinpath("binzhou.toml")
        .read_text(encoding="utf-8")
    )
    version = load_scheme(actor=system, source=source).version
    import_units(actor=system, data=generate.units_csv())
    history, live = demo_months(today)
    years = sorted({int(m[:4]) for m in [*history, live]} | {today.year})
    import_covariates(actor=system, data=generate.covariates_csv(years))
    _ensure_accounts(system)
    _run_hooks(history=history, live=live, version=version, out=out)
    run_owed_jobs()
    _print_welcome(out)


def _ensure_accounts(system: Actor) -> None:
    from pingan.accounts.services import bootstrap_admin, create_user, grant_role

    security = None
    for username, role, _body, _unit, name in DEMO_ACCOUNTS:
        if role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN):
            user = bootstrap_admin(
                actor=system,
                username=username,
                password=DEMO_PASSWORD,
                role=role,
                display_name=name,
            )
            if role == Role.SECURITY_ADMIN:
                security = Actor(
                    user=user,
                    grants=(Grant(role=Role.SECURITY_ADMIN),),
                    channel="cli",
                    source=system.source,
                )
    assert security is not None
    for username, role, body, unit, name in DEMO_ACCOUNTS:
        if role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN):
            continue
        user = User.objects.filter(username=username).first() or create_user(
            actor=security, username=username, password=DEMO_PASSWORD, display_name=name
        )
        body_id = ReportingBody.objects.get(code=body).pk if body else None
        unit_id = OrgUnit.objects.get(code=unit).pk if unit else None
        if not user.assignments.filter(role=role, body_id=body_id, unit_id=unit_id).exists():  # type: ignore[attr-defined]
            grant_role(actor=security, user=user, role=role, body_id=body_id, unit_id=unit_id)


def _run_hooks(**context: Any) -> None:
    """Let the reporting, scoring and matters apps add their demo data through their services."""
    from pingan.bulletins import demo as bulletins_demo
    from pingan.cases import demo as cases_demo
    from pingan.reporting import demo as reporting_demo
    from pingan.scores import demo as scores_demo

    for module in (reporting_demo, scores_demo, cases_demo, bulletins_demo):
        module.build(**context)


def _print_welcome(out: IO[str]) -> None:
    out.write("\npingan demo city ready (all figures are synthetic / 演示数据均为虚构).\n")
    out.write("Accounts (password for all: %s):\n" % DEMO_PASSWORD)
    for username, role, body, unit, _name in DEMO_ACCOUNTS:
        scope = " (%s)" % (body or unit) if (body or unit) else ""
        out.write("  %-12s %s%s\n" % (username, role.label, scope))
    out.flush()
