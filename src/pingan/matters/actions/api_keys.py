"""Open311 API keys: issued once, kept as a hash, revoked."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.utils.translation import gettext as _

from pingan.audit.events import Event
from pingan.audit.services import record_event
from pingan.core.access.actor import Actor
from pingan.core.access.permissions import require
from pingan.core.problems import Conflict, InputRefused, Problem
from pingan.matters.actions.common import current
from pingan.matters.models import ApiKey


def api_key_digest(raw: str) -> str:
    """SHA-256 of an API key (keys are long random strings)."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def create_api_key(*, actor: Actor, name: str) -> tuple[ApiKey, str]:
    """Issue an Open311 API key; the key itself is returned once and only its hash is kept."""
    require(actor, "matters.apikeys")
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise InputRefused(
            [Problem(None, "name", _("give the key a name of at most 100 characters"))]
        )
    raw = "o311_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        key = ApiKey.objects.create(name=name, prefix=raw[:8], digest=api_key_digest(raw))
        record_event(actor=actor, event=Event.ACCOUNTS_CREDENTIAL_CREATE, obj=key)
    return key, raw


def revoke_api_key(*, actor: Actor, key_id: int, now: dt.datetime | None = None) -> ApiKey:
    """Revoke an API key; requests with it are refused from then on."""
    require(actor, "matters.apikeys")
    with transaction.atomic():
        if not ApiKey.objects.filter(pk=key_id, revoked_at__isnull=True).update(
            revoked_at=current(now)
        ):
            raise Conflict(_("No such active API key."))
        key = ApiKey.objects.get(pk=key_id)
        record_event(actor=actor, event=Event.ACCOUNTS_CREDENTIAL_REVOKE, obj=key)
    return key


def authenticate_api_key(raw: str) -> ApiKey | None:
    """The active key matching `raw`, or None."""
    if not raw:
        return None
    return ApiKey.objects.filter(digest=api_key_digest(raw), revoked_at__isnull=True).first()
