"""API credentials of both kinds: shown once, stored hashed, revocable."""

from __future__ import annotations

import hashlib

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pingan.accounts.models.users import User


def token_digest(raw: str) -> str:
    """SHA-256 of a credential; they are long random strings, so no slow hash is needed."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class CredentialKind(models.TextChoices):
    """What a credential lets its holder do."""

    PERSONAL = "personal", _("personal API token")
    OPEN311 = "open311", _("Open311 API key")


class ApiCredential(models.Model):
    """A secret a program presents to the API; only its SHA-256 digest and first characters are kept.

    A personal token (`Authorization: Bearer pa_…`) acts as its user; an Open311 key (`api_key=
    o311_…`) lets a client report matters and belongs to no user.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=CredentialKind.choices)
    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="api_credentials",
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=8)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API credential")
        verbose_name_plural = _("API credentials")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=CredentialKind.PERSONAL, user__isnull=False)
                | Q(kind=CredentialKind.OPEN311, user__isnull=True),
                name="accounts_credential_user_by_kind",
            )
        ]

    def __str__(self) -> str:
        return self.prefix + "…"
