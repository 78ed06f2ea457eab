"""Sessions ended before their signed cookie expired, so that a copy of the cookie is refused."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EndedSession(models.Model):
    """The random id of a session that was signed out, timed out or expired.

    Sessions live in signed cookies (no database row per session); this table is written only
    when a session ends and read once per signed-in request. Rows older than the longest session
    lifetime are removed, since their cookies can no longer be valid anyway.
    """

    sid = models.CharField(_("session id"), max_length=32, unique=True)
    ended_at = models.DateTimeField(_("ended at"), db_index=True)

    class Meta:
        verbose_name = _("ended session")
        verbose_name_plural = _("ended sessions")

    def __str__(self) -> str:
        return self.sid[:8]
