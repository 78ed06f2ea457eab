"""Test settings: the base with a private temporary data folder and in-memory mail."""

import os
import tempfile

os.environ.setdefault("PINGAN_HOME", tempfile.mkdtemp(prefix="pingan-test-home-"))

from pingan.settings.base import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_ENABLED = True
