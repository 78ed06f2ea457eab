"""Database options, the data folder and the kept secret key."""

from __future__ import annotations

import os
import stat

import pytest
from django.db.backends.sqlite3.base import DatabaseWrapper

from pingan.core import database, home


def test_sqlite_connection_uses_wal_full_sync_foreign_keys_and_immediate(
    tmp_path, monkeypatch, django_db_blocker
):
    monkeypatch.setenv("PINGAN_HOME", str(tmp_path))
    monkeypatch.delenv("PINGAN_DATABASE_URL", raising=False)
    config = database.database_settings()
    assert config["NAME"] == str(tmp_path / "pingan.sqlite3")
    wrapper = DatabaseWrapper(
        {**config, "TIME_ZONE": None, "CONN_HEALTH_CHECKS": False, "AUTOCOMMIT": True, "TEST": {}},
        alias="probe",
    )
    try:
        with django_db_blocker.unblock(), wrapper.cursor() as cursor:
            assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert cursor.execute("PRAGMA synchronous").fetchone()[0] == 2
            assert cursor.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert wrapper.transaction_mode == "IMMEDIATE"
    finally:
        wrapper.close()


def test_postgresql_url_switches_engine(monkeypatch, tmp_path):
    monkeypatch.setenv("PINGAN_HOME", str(tmp_path))
    monkeypatch.setenv("PINGAN_DATABASE_URL", "postgresql://clerk@db.example:5433/pingan")
    config = database.database_settings()
    assert (config["ENGINE"], config["HOST"], config["PORT"], config["NAME"], config["USER"]) == (
        "django.db.backends.postgresql",
        "db.example",
        5433,
        "pingan",
        "clerk",
    )
    assert "OPTIONS" not in config or "init_command" not in config["OPTIONS"]
    assert (config["CONN_MAX_AGE"], config["CONN_HEALTH_CHECKS"]) == (300, True)


def test_postgresql_connection_age_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("PINGAN_HOME", str(tmp_path))
    monkeypatch.setenv("PINGAN_DATABASE_URL", "postgresql://clerk@db.example:5433/pingan")
    monkeypatch.setenv("PINGAN_CONN_MAX_AGE", "0")
    assert database.database_settings()["CONN_MAX_AGE"] == 0


def test_secret_is_generated_once_and_kept_private(tmp_path, monkeypatch):
    monkeypatch.setenv("PINGAN_HOME", str(tmp_path))
    monkeypatch.delenv("PINGAN_SECRET_KEY", raising=False)
    first = home.kept_secret("PINGAN_SECRET_KEY", "secret_key")
    second = home.kept_secret("PINGAN_SECRET_KEY", "secret_key")
    assert first == second
    assert len(first) >= 60
    assert stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode) == 0o600


def test_secret_from_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("PINGAN_HOME", str(tmp_path))
    monkeypatch.setenv("PINGAN_SECRET_KEY", "given-by-operator")
    assert home.kept_secret("PINGAN_SECRET_KEY", "secret_key") == "given-by-operator"
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.django_db
def test_password_hasher_is_argon2(make_user):
    user = make_user("analyst")
    assert user.password.startswith("argon2$argon2id$")
