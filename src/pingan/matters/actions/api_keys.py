"""Open311 API keys: issued once, kept as a hash, revoked. They are API credentials of the
"open311" kind (`pingan.accounts.credentials`); managing them is the matters action
"matters.apikeys"."""

from __future__ import annotations

import datetime as dt

from pingan.accounts.credentials import issue_credential, revoke_credential
from pingan.accounts.models import ApiCredential, CredentialKind
from pingan.accounts.selectors import active_credential
from pingan.core.access.actor import Actor
from pingan.core.access.permissions import require
from pingan.matters.actions.common import current


def create_api_key(*, actor: Actor, name: str) -> tuple[ApiCredential, str]:
    """Issue an Open311 API key; the key itself is returned once and only its hash is kept."""
    require(actor, "matters.apikeys")
    return issue_credential(actor=actor, kind=CredentialKind.OPEN311, name=name)


def revoke_api_key(*, actor: Actor, key_id: int, now: dt.datetime | None = None) -> ApiCredential:
    """Revoke an API key; requests with it are refused from then on."""
    require(actor, "matters.apikeys")
    return revoke_credential(
        actor=actor, kind=CredentialKind.OPEN311, credential_id=key_id, now=current(now)
    )


def authenticate_api_key(raw: str) -> ApiCredential | None:
    """The active Open311 key matching `raw`, or None."""
    return active_credential(raw, CredentialKind.OPEN311)
