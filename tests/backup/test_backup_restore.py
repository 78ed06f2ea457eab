"""`pingan backup` then `pingan restore` into an empty data folder: the same audit head and count,
the same keys, anchors and attachments, private modes; a damaged or foreign archive is refused
before anything is written. Run as the operator would, one process per command.

On SQLite always; on PostgreSQL when the suite itself runs on PostgreSQL (two databases named
after the suite's own, with `_bsrc` and `_bdst` appended).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import stat
import subprocess
import sys
import tarfile
from importlib import resources
from pathlib import Path

import pytest

from pingan.backup.services import read_manifest
from pingan.core.problems import InputRefused

SUITE_URL = os.environ.get("PINGAN_DATABASE_URL", "")
VENDORS = ["postgresql"] if SUITE_URL.startswith("postgres") else ["sqlite"]
ATTACHMENT = b"\x89PNG\r\n\x1a\n" + bytes(range(256))


def pingan(home: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PINGAN_HOME": str(home),
        "PINGAN_LANGUAGE": "en",
        "DJANGO_SETTINGS_MODULE": "pingan.settings.production",
    }
    env.pop("PINGAN_DATABASE_URL", None)
    if url:
        env["PINGAN_DATABASE_URL"] = url
    return subprocess.run(
        [sys.executable, "-m", "pingan.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def fresh_database(vendor: str, suffix: str) -> str:
    """'' for SQLite (inside the data folder); a new empty PostgreSQL database otherwise."""
    if vendor == "sqlite":
        return ""
    base, _, name = SUITE_URL.rpartition("/")
    name = name + suffix
    admin = base + "/postgres"
    for sql in ("DROP DATABASE IF EXISTS %s" % name, "CREATE DATABASE %s" % name):
        subprocess.run(["psql", admin, "-q", "-c", sql], check=True, capture_output=True)
    return base + "/" + name


def head_line(output: str) -> str:
    found = re.search(r"^head: record \d+, hash [0-9a-f]{64}", output, re.M)
    assert found, output
    return found.group(0)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(scope="module", params=VENDORS)
def backed_up(request, tmp_path_factory):
    """A data folder with an audited scheme load, an attachment and an exported anchor, backed up."""
    vendor = request.param
    root = tmp_path_factory.mktemp("backup-" + vendor)
    home, url = root / "source", fresh_database(vendor, "_bsrc")
    scheme = resources.files("pingan.schemes.builtin").joinpath("binzhou.toml")
    for args in (("migrate",), ("scheme", "load", str(scheme))):
        done = pingan(home, url, *args)
        assert done.returncode == 0, done.stderr
    attachment = home / "media" / "matters" / "1" / "photo.png"
    attachment.parent.mkdir(parents=True)
    attachment.write_bytes(ATTACHMENT)
    exported = root / "anchor.json"
    assert pingan(home, url, "audit", "anchor", "export", "-o", str(exported)).returncode == 0
    archive = root / "pingan-backup.tar.gz"
    done = pingan(home, url, "backup", "-o", str(archive))
    assert done.returncode == 0, done.stderr
    verified = pingan(home, url, "audit", "verify")
    assert verified.returncode == 0, verified.stderr
    return {
        "vendor": vendor,
        "root": root,
        "home": home,
        "archive": archive,
        "anchor": exported,
        "backup_output": done.stdout,
        "head": head_line(verified.stdout),
    }


def test_restore_into_an_empty_home_gives_the_same_chain_keys_and_files(backed_up):
    vendor, root = backed_up["vendor"], backed_up["root"]
    target, url = root / "target", fresh_database(vendor, "_bdst")
    restored = pingan(target, url, "restore", str(backed_up["archive"]))
    assert restored.returncode == 0, restored.stderr
    assert "audit chain ok" in restored.stdout
    assert head_line(restored.stdout) == backed_up["head"]
    # The backup's own record is the last one the archive holds: head = the count in the backup.
    seq = re.search(r"record (\d+),", backed_up["head"]).group(1)  # type: ignore[union-attr]
    assert "audit chain at record %s," % seq in backed_up["backup_output"]
    verified = pingan(target, url, "audit", "verify", "--anchor", str(backed_up["anchor"]))
    assert verified.returncode == 0, verified.stderr
    assert "2 anchors agree" in verified.stdout
    source = backed_up["home"]
    assert (target / "secret_key").read_bytes() == (source / "secret_key").read_bytes()
    photo = target / "media" / "matters" / "1" / "photo.png"
    assert photo.read_bytes() == ATTACHMENT
    anchors = list((target / "audit").glob("*.anchor"))
    assert [a.name for a in anchors] == [a.name for a in (source / "audit").glob("*.anchor")]
    private = [photo, anchors[0], target / "secret_key"]
    if vendor == "sqlite":
        private.append(target / "pingan.sqlite3")
    assert [mode(p) for p in private] == [0o600] * len(private)
    assert mode(backed_up["archive"]) == 0o600

    again = pingan(target, url, "restore", str(backed_up["archive"]))
    assert again.returncode == 1
    assert "the configured database already holds tables" in again.stderr
    assert "already holds audit anchors" in again.stderr
    forced = pingan(target, url, "restore", "--force", str(backed_up["archive"]))
    assert forced.returncode == 0, forced.stderr
    assert head_line(forced.stdout) == backed_up["head"]


def rewritten(archive: Path, dest: Path, change) -> Path:
    """A copy of the archive with its members passed through change(name, data)."""
    with tarfile.open(archive) as source, tarfile.open(dest, "w:gz") as out:
        for member in source:
            data = source.extractfile(member).read()  # type: ignore[union-attr]
            data = change(member.name, data)
            if data is None:
                continue
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))
    return dest


def test_manifest_lists_every_member_with_its_checksum(backed_up):
    manifest = read_manifest(backed_up["archive"])
    database = (
        "database/pingan.sqlite3" if backed_up["vendor"] == "sqlite" else ("database/pingan.pgdump")
    )
    assert sorted(manifest["files"]) == sorted(
        [
            database,
            "home/audit/%s.anchor" % manifest["audit"]["chain_id"],
            "home/media/matters/1/photo.png",
            "home/secret_key",
        ]
    )
    assert manifest["files"]["home/media/matters/1/photo.png"] == {
        "sha256": hashlib.sha256(ATTACHMENT).hexdigest(),
        "size": len(ATTACHMENT),
    }
    assert manifest["database"]["vendor"] == backed_up["vendor"]


def test_a_changed_member_is_refused_before_anything_is_written(backed_up, tmp_path):
    bad = rewritten(
        backed_up["archive"],
        tmp_path / "bad.tar.gz",
        lambda name, data: data + b"x" if name == "home/secret_key" else data,
    )
    with pytest.raises(InputRefused) as refused:
        read_manifest(bad)
    assert str(refused.value) == (
        "%s is damaged: home/secret_key does not match its SHA-256 checksum" % bad
    )
    target = tmp_path / "target"
    done = pingan(target, fresh_database(backed_up["vendor"], "_bdst"), "restore", str(bad))
    assert done.returncode == 1
    assert "does not match its SHA-256 checksum" in done.stderr
    assert not (target / "audit").exists() and not (target / "media").exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda n, d: None if n == "home/secret_key" else d, "is incomplete: home/secret_key"),
        (
            lambda n, d: d if n != "manifest.json" else json.dumps({"format": "x"}).encode(),
            "is not a pingan backup (no manifest)",
        ),
    ],
    ids=["missing member", "foreign manifest"],
)
def test_an_incomplete_or_foreign_archive_is_refused(backed_up, tmp_path, change, message):
    bad = rewritten(backed_up["archive"], tmp_path / "bad.tar.gz", change)
    with pytest.raises(InputRefused) as refused:
        read_manifest(bad)
    assert message in str(refused.value)


def test_restore_into_a_missing_postgresql_database_says_so(backed_up, tmp_path):
    if backed_up["vendor"] != "postgresql":
        pytest.skip("a SQLite database file is created where it is missing")
    base, _, name = SUITE_URL.rpartition("/")
    admin, missing = base + "/postgres", name + "_bnone"
    subprocess.run(
        ["psql", admin, "-q", "-c", "DROP DATABASE IF EXISTS %s" % missing],
        check=True,
        capture_output=True,
    )
    done = pingan(tmp_path / "t", base + "/" + missing, "restore", str(backed_up["archive"]))
    assert done.returncode == 1
    assert "restore failed: the configured database cannot be opened" in done.stderr
