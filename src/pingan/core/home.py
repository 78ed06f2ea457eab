"""The data folder (PINGAN_HOME) and the secrets kept in it."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def pingan_home() -> Path:
    """Return the data folder, creating it when missing (PINGAN_HOME, default ./pingan-data)."""
    home = Path(os.environ.get("PINGAN_HOME", "pingan-data")).resolve()
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    return home


def private_file(path: Path) -> None:
    """Create an empty file readable by the service account only (0600) unless it exists.

    Used for the SQLite database before SQLite opens it: SQLite gives its WAL and shared-memory
    files the mode of the database file, so they are private too.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def kept_secret(env_name: str, file_name: str, *, nbytes: int = 50) -> str:
    """Return a secret from the environment, or from PINGAN_HOME, generating it on first use.

    The file is created with mode 0600 so only the service account can read it.
    """
    from_env = os.environ.get(env_name)
    if from_env:
        return from_env
    path = pingan_home() / file_name
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    value = secrets.token_urlsafe(nbytes)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(value + "\n")
    return value
