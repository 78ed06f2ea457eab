"""An optional PostgreSQL read replica: settings from PINGAN_DATABASE_REPLICA_URL and the router.

With a replica configured, the reads of a GET (or HEAD) request that run outside a transaction
go to the `replica` alias: dashboards, score pages, maps and exports are such reads. Everything
else reads the primary (`default`): writes, every read inside a transaction, every read after a
write in the same request, the command line and the job worker. A client that has just written
(any POST, PUT, PATCH or DELETE) reads the primary for PINGAN_REPLICA_STICKY_SECONDS afterwards,
so its next pages show what it wrote although the replica may lag a little behind.
(docs/deployment.md, "Read replica".)
"""

from __future__ import annotations

import contextlib
import contextvars
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import dj_database_url
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
STICKY_COOKIE = "pingan_primary"
SAFE_METHODS = ("GET", "HEAD")


def replica_settings(primary: dict[str, Any]) -> dict[str, Any] | None:
    """Return DATABASES['replica'] for PINGAN_DATABASE_REPLICA_URL, or None when it is unset.

    The replica takes the primary's options (connection age, timeouts) and its own host, port,
    name and credentials. In tests it mirrors the primary (no test database is created on it).
    """
    url = os.environ.get("PINGAN_DATABASE_REPLICA_URL", "").strip()
    if not url:
        return None
    if primary["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured(
            "PINGAN_DATABASE_REPLICA_URL: a read replica needs PostgreSQL as the primary "
            "database (PINGAN_DATABASE_URL=postgresql://…)."
        )
    parsed = dict(dj_database_url.parse(url))
    if parsed["ENGINE"] != primary["ENGINE"]:
        raise ImproperlyConfigured(
            "PINGAN_DATABASE_REPLICA_URL: the replica must be a PostgreSQL URL "
            "(postgresql://user@host:port/name)."
        )
    config = dict(primary)
    for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT"):
        config[key] = parsed.get(key) or ""
    config["TEST"] = {"MIRROR": "default"}
    return config


@dataclass
class _Reads:
    """The read routing of one request: replica allowed, and whether it has written yet."""

    replica: bool
    wrote: bool = False


_reads: contextvars.ContextVar[_Reads | None] = contextvars.ContextVar(
    "pingan_replica_reads", default=None
)


def replica_configured() -> bool:
    """True when the replica alias exists and replica reads are switched on."""
    return REPLICA in settings.DATABASES and bool(getattr(settings, "PINGAN_REPLICA_READS", True))


@contextlib.contextmanager
def replica_reads(allowed: bool = True) -> Iterator[None]:
    """Within the block, reads outside a transaction and before any write may go to the replica."""
    token = _reads.set(_Reads(replica=allowed and replica_configured()))
    try:
        yield
    finally:
        _reads.reset(token)


class ReplicaRouter:
    """Database router: reads of a safe request to the replica, everything else to the primary."""

    def db_for_read(self, model: type, **hints: Any) -> str | None:
        """The replica for a read allowed on it; None (the primary) otherwise."""
        state = _reads.get()
        if state is None or not state.replica or state.wrote:
            return None
        if connections["default"].in_atomic_block:
            return None
        return REPLICA

    def db_for_write(self, model: type, **hints: Any) -> str:
        """Always the primary; later reads of the same request follow it there."""
        state = _reads.get()
        if state is not None:
            state.wrote = True
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        """Rows read from the replica and the primary are the same rows."""
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        """Never migrate the replica: it follows the primary by streaming replication."""
        return False if db == REPLICA else None


class ReplicaReadsMiddleware:
    """Route a safe request's reads to the replica, unless the client wrote a moment ago."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        """Keep the next handler."""
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """Serve the request with replica reads where they are allowed; mark a writing client."""
        safe = request.method in SAFE_METHODS
        allowed = safe and STICKY_COOKIE not in request.COOKIES
        with replica_reads(allowed=allowed):
            response = self.get_response(request)
        if not safe and replica_configured():
            response.set_cookie(
                STICKY_COOKIE,
                "1",
                max_age=int(getattr(settings, "PINGAN_REPLICA_STICKY_SECONDS", 10)),
                httponly=True,
                samesite="Lax",
                secure=bool(getattr(settings, "SESSION_COOKIE_SECURE", False)),
            )
        return response
