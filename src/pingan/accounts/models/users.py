"""A person who signs in, and the roles they hold."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pingan.core.access.roles import Role


class User(AbstractUser):
    """A person with an account. Roles come only from RoleAssignment rows."""

    display_name = models.CharField(_("display name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username


class RoleAssignment(models.Model):
    """A role held by a user; body roles name their reporting body, unit roles their unit."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    body = models.ForeignKey(
        "schemes.ReportingBody",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
    )
    unit = models.ForeignKey(
        "units.OrgUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="assignments"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "body", "unit"],
                name="accounts_role_unique",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=~Q(role__in=["clerk", "reviewer", "approver"]) | Q(body__isnull=False),
                name="accounts_body_role_has_body",
            ),
            models.CheckConstraint(
                condition=~Q(
                    role__in=["unit_viewer", "handler", "proposer", "assessor", "department_head"]
                )
                | Q(unit__isnull=False),
                name="accounts_unit_role_has_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.role}"
