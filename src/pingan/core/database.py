"""Database configuration from PINGAN_DATABASE_URL (SQLite default, PostgreSQL in production)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url

from pingan.core.home import pingan_home, private_file

SQLITE_INIT = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"

CONN_MAX_AGE = 300
"""Seconds a PostgreSQL connection is kept for the next request (PINGAN_CONN_MAX_AGE overrides)."""


def database_settings() -> dict[str, Any]:
    """Return Django's DATABASES['default'] for the configured URL.

    SQLite runs in WAL mode with synchronous=FULL, foreign keys on and IMMEDIATE write
    transactions, so two writers queue instead of failing half-way. A new SQLite database file is
    created with mode 0600 (its WAL and shared-memory files follow).

    A PostgreSQL connection is persistent: each web process or thread keeps its own for
    `CONN_MAX_AGE` seconds and checks it is still alive before reusing it (after a database
    restart the request gets a new connection instead of an error).
    """
    url = os.environ.get("PINGAN_DATABASE_URL") or "sqlite:///" + str(
        pingan_home() / "pingan.sqlite3"
    )
    config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=0))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        name = str(config.get("NAME") or "")
        if name and name != ":memory:" and not name.startswith("file:"):
            private_file(Path(name))
        config["OPTIONS"] = {
            "init_command": SQLITE_INIT,
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        }
    else:
        config["CONN_MAX_AGE"] = int(os.environ.get("PINGAN_CONN_MAX_AGE", str(CONN_MAX_AGE)))
        config["CONN_HEALTH_CHECKS"] = True
    config["ATOMIC_REQUESTS"] = False
    return config
