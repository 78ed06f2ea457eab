"""Anchors: copies of the chain's head (record count and hash) kept outside the database.

The home anchor lives in `PINGAN_HOME/audit/<chain id>.anchor` and is moved forward after every
commit that appends to the chain. An exported anchor is the same content written to a file the
operator keeps where the database writer cannot change it; `pingan audit verify --anchor FILE`
checks that the chain still has, at the anchor's record, the anchor's hash.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

try:  # POSIX: serialise writers of one anchor across processes too
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]

FORMAT = "pingan-audit-anchor"
log = logging.getLogger(__name__)
_WRITE_LOCK = threading.Lock()


class AnchorUnreadable(Exception):
    """The anchor file exists but does not hold an anchor."""


@dataclass(frozen=True)
class Anchor:
    """The head of a chain at some moment: the chain's id, the record count and its hash."""

    chain_id: str
    seq: int
    hash: str

    def as_text(self) -> str:
        """The anchor as one line of JSON (the form written to files)."""
        return (
            json.dumps(
                {
                    "format": FORMAT,
                    "version": 1,
                    "chain_id": self.chain_id,
                    "seq": self.seq,
                    "hash": self.hash,
                    "written_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                },
                sort_keys=True,
            )
            + "\n"
        )


def anchor_path(chain_id: str) -> Path:
    """The home anchor of a chain, in PINGAN_HOME/audit."""
    from django.conf import settings

    return Path(settings.PINGAN_HOME) / "audit" / (chain_id + ".anchor")


def parse_anchor(text: str, *, chain_id: str = "") -> Anchor:
    """Read an anchor from its text (JSON, or the older `seq hash` line of a home anchor)."""
    try:
        data = json.loads(text)
    except ValueError:
        parts = text.split()
        if len(parts) == 2 and parts[0].isdigit() and _is_hash(parts[1]) and chain_id:
            return Anchor(chain_id, int(parts[0]), parts[1])
        raise AnchorUnreadable(_("it is not an anchor file")) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise AnchorUnreadable(_("it is not an anchor file"))
    seq, digest, chain = data.get("seq"), data.get("hash"), data.get("chain_id")
    if not (isinstance(seq, int) and seq >= 0 and isinstance(chain, str) and _is_hash(digest)):
        raise AnchorUnreadable(_("its record number, hash or chain id is missing or malformed"))
    return Anchor(chain, seq, str(digest))


def _is_hash(value: object) -> bool:
    return (
        isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)
    )


def load_anchor(path: Path, *, chain_id: str = "") -> Anchor:
    """Read an anchor file; raise AnchorUnreadable (with the reason) when it cannot be used."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise AnchorUnreadable(exc.strerror or str(exc)) from None
    except UnicodeDecodeError:
        raise AnchorUnreadable(_("it is not an anchor file")) from None
    return parse_anchor(text, chain_id=chain_id)


def read_anchor(chain_id: str) -> tuple[int, str] | None:
    """The (seq, hash) of the home anchor, or None when there is none or it cannot be read."""
    try:
        anchor = load_anchor(anchor_path(chain_id), chain_id=chain_id)
    except AnchorUnreadable:
        return None
    return anchor.seq, anchor.hash


def write_anchor(chain_id: str, seq: int, digest: str) -> None:
    """Move the home anchor forward (never back) to the given record.

    Writers are serialised (a lock within the process and an advisory file lock across
    processes); the new content goes to a uniquely named temporary file (mode 0600) in the same
    folder, is flushed to disk and then renamed over the anchor, so a reader sees the old anchor
    or the new one, never a part.
    """
    path = anchor_path(chain_id)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with _WRITE_LOCK, _file_lock(path):
        if path.exists():
            current = load_anchor(path, chain_id=chain_id)
            if current.seq >= seq:
                return
        write_atomically(path, Anchor(chain_id, seq, digest).as_text().encode("ascii"))


def anchor_after_commit(chain_id: str, seq: int, digest: str) -> None:
    """Move the home anchor after a commit; a failure is logged, never raised.

    The data is already committed: an exception here would turn a saved action into an error
    answer. An anchor that lags behind the chain stays consistent with it (verify checks the
    chain at the anchor's record), and the next append moves it forward.
    """
    try:
        write_anchor(chain_id, seq, digest)
    except (OSError, AnchorUnreadable) as exc:
        log.error("audit anchor %s not moved to record %d: %s", chain_id, seq, exc)


def write_atomically(path: Path, content: bytes, *, mode: int = 0o600) -> None:
    """Write a file through a unique temporary file in the same folder and a rename."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix="." + path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    if fcntl is None:  # pragma: no cover - not POSIX
        yield
        return
    fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
