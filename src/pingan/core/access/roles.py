"""The roles of pingan. Three separate administrators; none can do another's job."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """A role a person holds, optionally scoped to a reporting body or a unit."""

    SYSTEM_ADMIN = "system_admin", _("System administrator")
    SECURITY_ADMIN = "security_admin", _("Security administrator")
    AUDIT_ADMIN = "audit_admin", _("Audit administrator")
    ANALYST = "analyst", _("Stability-office analyst")
    OFFICE_HEAD = "office_head", _("Stability-office head")
    CLERK = "clerk", _("Reporting clerk")
    REVIEWER = "reviewer", _("Reviewing deputy head")
    APPROVER = "approver", _("Approving head")
    UNIT_VIEWER = "unit_viewer", _("Unit viewer")
    LEADER = "leader", _("Leader (read-only)")
    DISPATCHER = "dispatcher", _("Centre dispatcher")
    HANDLER = "handler", _("Matter handler")
    PROPOSER = "proposer", _("Proposing-body clerk")
    ASSESSOR = "assessor", _("Risk assessor")
    DEPARTMENT_HEAD = "department_head", _("Competent department head")


ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
BODY_ROLES = frozenset({Role.CLERK, Role.REVIEWER, Role.APPROVER})
UNIT_ROLES = frozenset(
    {Role.UNIT_VIEWER, Role.HANDLER, Role.PROPOSER, Role.ASSESSOR, Role.DEPARTMENT_HEAD}
)
ALL_ROLES = frozenset(Role)
