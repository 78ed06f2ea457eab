"""Issuing and revoking API credentials: personal tokens and Open311 keys.

The secret is returned once, when it is issued; only its SHA-256 digest and its first eight
characters are stored. Each write is atomic with its audit record.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pingan.accounts.models import ApiCredential, CredentialKind, User, token_digest
from pingan.audit.events import Event
from pingan.audit.services import record_event
from pingan.core.access.actor import Actor
from pingan.core.access.permissions import require
from pingan.core.problems import Conflict, InputRefused, Problem

SECRET_PREFIX = {CredentialKind.PERSONAL: "pa_", CredentialKind.OPEN311: "o311_"}


def create_api_token(*, actor: Actor, user: User, name: str) -> tuple[ApiCredential, str]:
    """Issue a personal API token for `user` (one's own, or anyone's with "accounts.tokens");
    return it with its secret, which is never shown again."""
    _require_token_owner_or_manager(actor, user)
    return issue_credential(actor=actor, kind=CredentialKind.PERSONAL, name=name, user=user)


def revoke_api_token(
    *, actor: Actor, user: User, token_id: int, now: dt.datetime | None = None
) -> ApiCredential:
    """Revoke one of `user`'s personal tokens; a request presenting it is refused from then on."""
    _require_token_owner_or_manager(actor, user)
    return revoke_credential(
        actor=actor, kind=CredentialKind.PERSONAL, credential_id=token_id, user=user, now=now
    )


def _require_token_owner_or_manager(actor: Actor, user: User) -> None:
    if actor.user_id != user.pk:
        require(actor, "accounts.tokens")


def issue_credential(
    *, actor: Actor, kind: CredentialKind, name: str, user: User | None = None
) -> tuple[ApiCredential, str]:
    """Store a new credential of `kind` and return it with its secret (callers check permission).

    A personal token needs its user; an Open311 key has none. The name is 1 to 100 characters.
    """
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise InputRefused(
            [Problem(None, "name", _("give the key a name of at most 100 characters"))]
        )
    raw = SECRET_PREFIX[kind] + secrets.token_urlsafe(32)
    with transaction.atomic():
        credential = ApiCredential.objects.create(
            kind=kind, user=user, name=name, prefix=raw[:8], digest=token_digest(raw)
        )
        record_event(
            actor=actor,
            event=Event.ACCOUNTS_CREDENTIAL_CREATE,
            obj=credential,
            detail={"kind": kind.value, "user": user.pk if user else None},
        )
    return credential, raw


def revoke_credential(
    *,
    actor: Actor,
    kind: CredentialKind,
    credential_id: int,
    user: User | None = None,
    now: dt.datetime | None = None,
) -> ApiCredential:
    """Revoke an active credential of `kind` (of `user`, if given); callers check permission."""
    active = ApiCredential.objects.filter(pk=credential_id, kind=kind, revoked_at__isnull=True)
    if user is not None:
        active = active.filter(user=user)
    with transaction.atomic():
        if not active.update(revoked_at=now or timezone.now()):
            raise Conflict(_("No such active API key."))
        credential = ApiCredential.objects.get(pk=credential_id)
        record_event(
            actor=actor,
            event=Event.ACCOUNTS_CREDENTIAL_REVOKE,
            obj=credential,
            detail={"kind": kind.value},
        )
    return credential
