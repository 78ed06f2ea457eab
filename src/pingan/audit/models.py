"""Audit records form a SHA-256 hash chain; the head row tells where the chain must end."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from pingan.audit.events import event_label

GENESIS_HASH = "0" * 64


class AuditRecord(models.Model):
    """One action, appended once and never changed: ids only, never personal data."""

    seq = models.BigIntegerField(_("sequence"), unique=True)
    occurred_at = models.DateTimeField(_("time (UTC)"))
    actor_id = models.BigIntegerField(_("actor"), null=True)
    actor_role = models.CharField(_("role"), max_length=32, blank=True)
    channel = models.CharField(_("channel"), max_length=8)
    source = models.CharField(_("source address"), max_length=64, blank=True)
    event = models.CharField(_("event"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16)
    detail = models.JSONField(_("detail"), default=dict)
    prev_hash = models.CharField(max_length=64, unique=True)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.event}"

    @property
    def event_label(self) -> str:
        """The event type in words, in the current language (old stored names included)."""
        return event_label(self.event)


class AuditHead(models.Model):
    """The single row naming the last record of the chain; a truncated tail no longer matches it."""

    chain_id = models.CharField(max_length=32)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"{self.chain_id}@{self.seq}"
