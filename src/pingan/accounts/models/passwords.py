"""The hashes of a user's recent passwords, so that none of the last few is chosen again."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from pingan.accounts.models.users import User


class PasswordHistory(models.Model):
    """One password a user has held, as its Argon2 hash (never the password itself)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(_("password hash"), max_length=128)
    set_at = models.DateTimeField(_("set at"), auto_now_add=True)

    class Meta:
        verbose_name = _("previous password")
        verbose_name_plural = _("previous passwords")
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.set_at:%Y-%m-%d}"
