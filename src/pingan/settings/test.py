"""Test settings: the base with a private temporary data folder and in-memory mail."""

import os
import tempfile

os.environ.setdefault("PINGAN_HOME", tempfile.mkdtemp(prefix="pingan-test-home-"))

from pingan.settings.base import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_ENABLED = True

# Tests run against a file-based SQLite database (not the in-memory default), so tests with real
# threads see one shared database; pytest-xdist adds a per-worker suffix to the name.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(PINGAN_HOME / "test-db.sqlite3")}  # noqa: F405

# Reads stay on the primary in tests: a mirrored replica alias would read outside each test's
# transaction. The replica routing test (tests/core/test_replica.py) switches them on.
PINGAN_REPLICA_READS = False

# Argon2id as in production, with cheap parameters so that creating test users is fast.
PASSWORD_HASHERS = ["pingan.settings.test_hashers.FastArgon2PasswordHasher"]
