"""The canonical form of an audit record and its hash."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any


def canonical_time(moment: dt.datetime) -> str:
    """UTC time with microseconds, the only form that is hashed."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_json(fields: dict[str, Any]) -> bytes:
    """Sorted keys, no spaces, UTF-8: the same bytes on every database and platform."""
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def record_fields(record: Any) -> dict[str, Any]:
    """The hashed fields of a record (every column but the hash itself)."""
    return {
        "seq": int(record.seq),
        "occurred_at": canonical_time(record.occurred_at),
        "actor_id": record.actor_id,
        "actor_role": record.actor_role,
        "channel": record.channel,
        "source": record.source,
        "event": record.event,
        "object_type": record.object_type,
        "object_id": record.object_id,
        "outcome": record.outcome,
        "detail": record.detail,
        "prev_hash": record.prev_hash,
    }


def record_hash(record: Any) -> str:
    """SHA-256 over the canonical JSON of the record, which includes the previous hash."""
    return hashlib.sha256(canonical_json(record_fields(record))).hexdigest()
