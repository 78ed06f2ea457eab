"""The data folder, a new SQLite database and its WAL and shared-memory files are private."""

from __future__ import annotations

import sqlite3
import stat

from pingan.core.database import SQLITE_INIT, database_settings
from pingan.core.home import pingan_home


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_data_folder_is_0700(tmp_path, monkeypatch):
    monkeypatch.setenv("PINGAN_HOME", str(tmp_path / "new-home"))
    assert mode(pingan_home()) == 0o700


def test_a_new_sqlite_database_its_wal_and_shm_are_0600(tmp_path, monkeypatch):
    path = tmp_path / "data" / "pingan.sqlite3"
    monkeypatch.setenv("PINGAN_DATABASE_URL", "sqlite:///" + str(path))
    database_settings()
    assert (path.stat().st_size, mode(path)) == (0, 0o600)
    db = sqlite3.connect(path)
    try:
        db.executescript(SQLITE_INIT)
        db.execute("CREATE TABLE t (x)")
        db.execute("INSERT INTO t VALUES (1)")
        db.commit()
        wal, shm = path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")
        assert (mode(path), mode(wal), mode(shm)) == (0o600, 0o600, 0o600)
    finally:
        db.close()


def test_an_existing_database_is_left_as_it_is(tmp_path, monkeypatch):
    path = tmp_path / "old.sqlite3"
    path.write_bytes(b"")
    path.chmod(0o640)
    monkeypatch.setenv("PINGAN_DATABASE_URL", "sqlite:///" + str(path))
    database_settings()
    assert mode(path) == 0o640
