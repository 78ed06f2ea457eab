"""What a signed session cookie carries besides the user, and the list of ended sessions.

A session is a signed cookie: reading a page never writes to the database. Each session gets a
random id at sign-in; ending the session (sign-out, idle timeout, absolute expiry) records that
id, so a copy of the cookie is refused afterwards.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.db import connections, router
from django.utils import timezone

from pingan.accounts.models import EndedSession, RoleAssignment
from pingan.core.access.actor import Grant

SESSION_ID = "pingan_sid"
SIGNED_IN_AT = "pingan_signed_in_at"
LAST_SEEN = "pingan_last_seen"


def start(session: Any, now: float) -> None:
    """Give a new session its id and sign-in time."""
    session[SESSION_ID] = secrets.token_hex(16)
    session[SIGNED_IN_AT] = now


def end(session: Any) -> None:
    """Record the session's id as ended and forget ids whose cookies have expired anyway.

    Runs inside the caller's transaction (the sign-out and its audit record).
    """
    now = timezone.now()
    sid = session.get(SESSION_ID)
    if sid:
        EndedSession.objects.get_or_create(sid=str(sid)[:32], defaults={"ended_at": now})
    oldest = now - dt.timedelta(seconds=settings.PINGAN_SESSION_MAX_AGE_SECONDS)
    EndedSession.objects.filter(ended_at__lt=oldest).delete()


def has_ended(session: Any) -> bool:
    """Whether the session's id was recorded as ended (one indexed read)."""
    sid = session.get(SESSION_ID)
    return bool(sid) and EndedSession.objects.filter(sid=str(sid)[:32]).exists()


def ended_and_grants(session: Any, user: Any) -> tuple[bool, tuple[Grant, ...]]:
    """Whether the session was recorded as ended, and the signed-in user's grants.

    One query for a user who holds roles (their assignments, each row carrying whether the
    session's id is among the ended ones; written out, as every signed-in request runs it and
    building the ORM's EXISTS cost more than the database's answer); two for a user who holds
    none. An inactive user holds no grants, as `grants_of` says.
    """
    sid = str(session.get(SESSION_ID) or "")[:32]
    alias = router.db_for_read(RoleAssignment) or "default"
    with connections[alias].cursor() as cursor:
        cursor.execute(_GRANTS_AND_ENDED, [sid, user.pk])
        rows = cursor.fetchall()
    if not rows:
        return has_ended(session), ()
    grants = tuple(Grant(role, body, unit) for role, body, unit, _ended in rows)
    return bool(rows[0][3]), grants if user.is_active else ()


_GRANTS_AND_ENDED = (
    'SELECT r."role", r."body_id", r."unit_id", '
    'EXISTS(SELECT 1 FROM "accounts_endedsession" e WHERE e."sid" = %s) '
    'FROM "accounts_roleassignment" r WHERE r."user_id" = %s ORDER BY r."id"'
)
