"""Django's deployment checklist under the production settings, and HTTPS behind a trusted proxy."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest


def deploy_check(tmp_path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PINGAN_", "DJANGO_"))
    }
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "pingan.settings.production",
            "PINGAN_HOME": str(tmp_path),
            "PINGAN_ALLOWED_HOSTS": "pingan.example.gov.cn",
            **env,
        }
    )
    return subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_check_deploy_is_clean_with_https_behind_a_trusted_proxy(tmp_path):
    done = deploy_check(tmp_path, PINGAN_HTTPS="1", PINGAN_TRUSTED_PROXIES="127.0.0.1,::1")
    assert (done.returncode, done.stdout.strip()) == (
        0,
        "System check identified no issues (2 silenced).",
    ), done.stderr


def test_plain_http_lists_exactly_the_https_warnings(tmp_path):
    done = deploy_check(tmp_path)
    assert done.returncode == 1
    codes = sorted(re.findall(r"\?: \((security\.\w+)\)", done.stderr))
    assert codes == ["security.W004", "security.W008", "security.W012", "security.W016"]


def test_https_without_a_trusted_proxy_is_refused_at_start(tmp_path):
    done = deploy_check(tmp_path, PINGAN_HTTPS="1")
    assert done.returncode == 1
    assert "PINGAN_HTTPS=1 needs PINGAN_TRUSTED_PROXIES" in done.stderr


@pytest.mark.django_db
def test_https_production_settings_values(tmp_path):
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS,"
        " s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER,"
        " s.PINGAN_TRUSTED_PROXIES)"
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("PINGAN_", "DJANGO_"))}
    environment.update(
        DJANGO_SETTINGS_MODULE="pingan.settings.production",
        PINGAN_HOME=str(tmp_path),
        PINGAN_HTTPS="1",
        PINGAN_TRUSTED_PROXIES="10.0.0.2",
    )
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    assert done.stdout.strip() == (
        "True 31536000 True True True ('HTTP_X_FORWARDED_PROTO', 'https') ['10.0.0.2']"
    )
