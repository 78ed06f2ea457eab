"""The replica settings and router without a standby (the standby itself: test_replica.py)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from pingan.core import routers

PRIMARY = {
    "ENGINE": "django.db.backends.postgresql",
    "NAME": "pingan",
    "USER": "pingan",
    "PASSWORD": "",
    "HOST": "db1",
    "PORT": 5432,
    "CONN_MAX_AGE": 60,
    "OPTIONS": {},
}


def test_no_replica_url_no_replica(monkeypatch):
    monkeypatch.delenv("PINGAN_DATABASE_REPLICA_URL", raising=False)
    assert routers.replica_settings(PRIMARY) is None


def test_the_replica_takes_its_address_and_the_primary_options(monkeypatch):
    monkeypatch.setenv("PINGAN_DATABASE_REPLICA_URL", "postgresql://reader@db2:5433/pingan")
    config = routers.replica_settings(PRIMARY)
    assert config is not None
    assert (config["HOST"], config["PORT"], config["USER"], config["NAME"]) == (
        "db2",
        5433,
        "reader",
        "pingan",
    )
    assert config["CONN_MAX_AGE"] == 60
    assert config["TEST"] == {"MIRROR": "default"}


def test_a_replica_needs_postgresql(monkeypatch):
    monkeypatch.setenv("PINGAN_DATABASE_REPLICA_URL", "postgresql://reader@db2:5433/pingan")
    with pytest.raises(ImproperlyConfigured, match="needs PostgreSQL as the primary"):
        routers.replica_settings({**PRIMARY, "ENGINE": "django.db.backends.sqlite3"})
    monkeypatch.setenv("PINGAN_DATABASE_REPLICA_URL", "sqlite:///tmp/x.sqlite3")
    with pytest.raises(ImproperlyConfigured, match="must be a PostgreSQL URL"):
        routers.replica_settings(PRIMARY)


def test_without_a_replica_alias_every_read_goes_to_the_primary(db):
    router = routers.ReplicaRouter()
    with routers.replica_reads():
        assert router.db_for_read(object) is None
    assert router.db_for_read(object) is None
    assert router.allow_migrate("replica", "units") is False
    assert router.allow_migrate("default", "units") is None
