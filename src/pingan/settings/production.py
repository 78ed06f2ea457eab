"""Production settings: the base plus secure cookies when served over HTTPS."""

import os

from pingan.settings.base import *  # noqa: F403

if os.environ.get("PINGAN_HTTPS") == "1":
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
