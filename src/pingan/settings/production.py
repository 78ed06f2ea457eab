"""Production settings: the base plus, with PINGAN_HTTPS=1, HTTPS only behind a trusted proxy.

`pingan check --deploy` (Django's deployment checklist) is clean under these settings with
PINGAN_HTTPS=1 and PINGAN_TRUSTED_PROXIES set (tests/accounts/test_deploy_check.py).
"""

import os

from django.core.exceptions import ImproperlyConfigured

from pingan.settings.base import *  # noqa: F403

# --- Security: HTTPS behind a TLS-terminating proxy (docs/deployment.md, docs/security.md) ----
PINGAN_HTTPS = os.environ.get("PINGAN_HTTPS") == "1"
if PINGAN_HTTPS:
    if not PINGAN_TRUSTED_PROXIES:  # noqa: F405
        raise ImproperlyConfigured(
            "PINGAN_HTTPS=1 needs PINGAN_TRUSTED_PROXIES: the address of the TLS proxy in front "
            "of pingan (for example 127.0.0.1), so that its X-Forwarded-Proto is believed."
        )
    # Believed only from PINGAN_TRUSTED_PROXIES: ForwardedHeadersMiddleware drops the header
    # from every other peer before SecurityMiddleware reads it.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = int(os.environ.get("PINGAN_HSTS_SECONDS", str(365 * 24 * 60 * 60)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = os.environ.get("PINGAN_HSTS_PRELOAD") == "1"
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # The public preload list is for internet hosts; an intranet host opts in with
    # PINGAN_HSTS_PRELOAD=1, so the reminder that it is off is not a deployment problem.
    SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "security.W021"]  # noqa: F405
# --- end of security block ------------------------------------------------------------------
