"""The demo city's accounts: one per role, all with the published demo password."""

from __future__ import annotations

from pingan.accounts.models import User
from pingan.accounts.services import bootstrap_admin, create_user, grant_role
from pingan.core.access.actor import Actor, Grant
from pingan.core.access.roles import Role
from pingan.schemes.models import ReportingBody
from pingan.units.models import OrgUnit

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
    ("proposer", Role.PROPOSER, None, "BZ01", "滨城区决策经办人"),
    ("assessor", Role.ASSESSOR, None, "BZ", "市风险评估人员"),
    ("depthead", Role.DEPARTMENT_HEAD, None, "BZ", "市主管部门负责人"),
]


def ensure_accounts(system: Actor, unit_code: str = "BZ01") -> None:
    """Create the demo accounts and grant their roles, as the security administrator would (idempotent).

    `unit_code` the unit of the unit-scoped accounts (BZ01 in the binzhou demo city).
    """
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
        unit_id = _unit_id(unit, unit_code)
        if not user.assignments.filter(role=role, body_id=body_id, unit_id=unit_id).exists():  # type: ignore[attr-defined]
            grant_role(actor=security, user=user, role=role, body_id=body_id, unit_id=unit_id)


def _unit_id(unit: str | None, unit_code: str) -> int | None:
    """The unit of a unit-scoped demo account in this demo city.

    The table names the binzhou units: BZ01 stands for the city's first county (`unit_code`), and
    BZ for the top of the tree above it (the city, where the assessing departments sit).
    """
    if unit is None:
        return None
    county = OrgUnit.objects.get(code=unit_code)
    if unit == "BZ01":
        return county.pk
    top = county
    while top.parent is not None:
        top = top.parent
    return top.pk
