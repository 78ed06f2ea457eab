"""`pingan backup` and `pingan restore`: one archive holding a consistent snapshot of the
database, the data folder's keys, audit anchors and attachments, and a manifest of SHA-256
checksums that restore checks before it writes anything."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from pingan.audit.anchor import Anchor
from pingan.audit.events import Event
from pingan.audit.services import record_event
from pingan.backup import databases
from pingan.backup.databases import BackupFailed
from pingan.core.access.actor import Actor
from pingan.core.problems import InputRefused, Problem

FORMAT = "pingan-backup"
MANIFEST = "manifest.json"
HOME_PREFIX = "home/"


@dataclass(frozen=True)
class Summary:
    """What a backup holds (or a restore put back)."""

    vendor: str
    files: int
    head: Anchor


def create_backup(*, actor: Actor, output: Path) -> Summary:
    """Write one archive: the data folder's files, then a snapshot of the database, and the
    manifest. Files are taken before the database, so the anchor never runs ahead of it."""
    output = output.resolve()
    with transaction.atomic():
        record_event(
            actor=actor,
            event=Event.BACKUP_ARCHIVE_CREATE,
            object_type="backup",
            detail={"file": output.name},
        )
    home = Path(settings.PINGAN_HOME)
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".pingan-backup-") as work:
        stage = Path(work)
        members: list[str] = []
        for path in _home_files(home):
            name = HOME_PREFIX + path.relative_to(home).as_posix()
            _copy(path, stage / name)
            members.append(name)
        vendor = databases.vendor()
        database_member = databases.snapshot_name(vendor)
        (stage / database_member).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        head = databases.snapshot(stage / database_member)
        members.append(database_member)
        manifest = {
            "format": FORMAT,
            "version": 1,
            "created_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "database": {"vendor": vendor, "member": database_member},
            "audit": {"chain_id": head.chain_id, "seq": head.seq, "hash": head.hash},
            "files": {name: _digest_of(stage / name) for name in sorted(members)},
        }
        archive = stage / "archive.tar.gz"
        with tarfile.open(archive, "w:gz") as tar:
            _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode())
            for name in sorted(members):
                tar.add(stage / name, arcname=name, filter=_plain)
        os.chmod(archive, 0o600)
        os.replace(archive, output)
    return Summary(vendor, len(members), head)


def _home_files(home: Path) -> Iterator[Path]:
    """The keys (`*_key` at the top), the audit anchors and the attachments (`media/`)."""
    yield from sorted(p for p in home.glob("*_key") if p.is_file() and not p.is_symlink())
    yield from sorted(p for p in (home / "audit").glob("*.anchor") if p.is_file())
    media = home / "media"
    yield from sorted(p for p in media.rglob("*") if p.is_file() and not p.is_symlink())


def _copy(source: Path, dest: Path) -> None:
    dest.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    shutil.copyfile(source, dest)
    os.chmod(dest, 0o600)


def _digest_of(path: Path) -> dict[str, Any]:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return {"sha256": digest.hexdigest(), "size": path.stat().st_size}


def _plain(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = 0o600
    return info


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
    tar.addfile(info, io.BytesIO(data))


def _refused(reason: str) -> InputRefused:
    return InputRefused([Problem(None, None, reason)])


def read_manifest(archive: Path) -> dict[str, Any]:
    """Check the archive against its manifest (every member present, nothing extra, every
    SHA-256 equal) and return the manifest; refuse a damaged or foreign archive."""
    try:
        with tarfile.open(archive, "r:*") as tar:
            return _checked_manifest(archive, tar)
    except (OSError, tarfile.TarError, EOFError) as exc:
        raise _refused(
            _("%(file)s cannot be read as a pingan backup: %(detail)s")
            % {"file": archive, "detail": exc}
        ) from None


def _checked_manifest(archive: Path, tar: tarfile.TarFile) -> dict[str, Any]:
    try:
        handle = tar.extractfile(MANIFEST)
        manifest = json.loads(handle.read()) if handle else None
    except (KeyError, ValueError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _refused(_("%(file)s is not a pingan backup (no manifest)") % {"file": archive})
    expected: dict[str, Any] = manifest["files"]
    seen: set[str] = set()
    for member in tar:
        if member.name == MANIFEST:
            continue
        if not _safe(member) or member.name not in expected or member.name in seen:
            raise _refused(
                _("%(file)s holds %(member)s, which its manifest does not list")
                % {"file": archive, "member": member.name}
            )
        seen.add(member.name)
        if _stream_digest(tar, member) != expected[member.name]["sha256"]:
            raise _refused(
                _("%(file)s is damaged: %(member)s does not match its SHA-256 checksum")
                % {"file": archive, "member": member.name}
            )
    missing = sorted(set(expected) - seen)
    if missing:
        raise _refused(
            _("%(file)s is incomplete: %(member)s is missing")
            % {"file": archive, "member": missing[0]}
        )
    return manifest


def _stream_digest(tar: tarfile.TarFile, member: tarfile.TarInfo) -> str:
    digest = hashlib.sha256()
    stream = tar.extractfile(member)
    assert stream is not None  # a regular file, checked by _safe
    while block := stream.read(1 << 20):
        digest.update(block)
    return digest.hexdigest()


def _safe(member: tarfile.TarInfo) -> bool:
    path = PurePosixPath(member.name)
    return member.isfile() and not path.is_absolute() and ".." not in path.parts


def restore_backup(*, archive: Path, replace: bool = False) -> Summary:
    """Restore an archive into the configured database and data folder.

    Checks every checksum first, then that the target is empty (no tables, no anchors, no
    attachments) unless `replace` is given; only then writes.
    """
    manifest = read_manifest(archive)
    vendor = manifest["database"]["vendor"]
    if vendor != databases.vendor():
        raise _refused(
            _("%(file)s holds a %(vendor)s database, but the configured database is %(target)s")
            % {"file": archive, "vendor": vendor, "target": databases.vendor()}
        )
    home = Path(settings.PINGAN_HOME)
    if not replace:
        _refuse_unless_empty(home)
    with tempfile.TemporaryDirectory(dir=home, prefix=".pingan-restore-") as work:
        stage = Path(work)
        with tarfile.open(archive, "r:*") as tar:
            for name in manifest["files"]:
                stream = tar.extractfile(name)
                assert stream is not None  # checked by read_manifest
                target = stage / name
                target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                with _private(target) as out:
                    shutil.copyfileobj(stream, out)
        databases.restore(stage / manifest["database"]["member"], replace=replace)
        for name in manifest["files"]:
            if name.startswith(HOME_PREFIX):
                target = home / name[len(HOME_PREFIX) :]
                target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                os.replace(stage / name, target)
    audit = manifest["audit"]
    return Summary(
        vendor, len(manifest["files"]), Anchor(audit["chain_id"], audit["seq"], audit["hash"])
    )


@contextlib.contextmanager
def _private(path: Path) -> Iterator[Any]:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        yield handle


def _refuse_unless_empty(home: Path) -> None:
    problems = []
    if not databases.is_empty():
        problems.append(_("the configured database already holds tables"))
    if any((home / "audit").glob("*.anchor")):
        problems.append(_("%(folder)s already holds audit anchors") % {"folder": home / "audit"})
    if any(p.is_file() for p in (home / "media").rglob("*")):
        problems.append(_("%(folder)s already holds attachments") % {"folder": home / "media"})
    if problems:
        raise InputRefused(
            [
                Problem(
                    None,
                    None,
                    _("%(reason)s (restore only into an empty target, or use --force)")
                    % {"reason": p},
                )
                for p in problems
            ]
        )


__all__ = ["BackupFailed", "Summary", "create_backup", "read_manifest", "restore_backup"]
