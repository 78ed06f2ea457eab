"""Behind trusted proxies: the client's address for audit, rate limits and lockout; HTTPS detection."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from pingan.audit.models import AuditRecord
from pingan.core.proxies import client_ip, parse_trusted, trusted_from_env
from tests.conftest import TEST_PASSWORD

PROXY = "10.0.0.2"
TRUSTED = ["10.0.0.0/24", "::1"]


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "expected"),
    [
        # No trusted proxy configured: the header is ignored.
        ("10.0.0.2", "198.51.100.7", [], "10.0.0.2"),
        # An untrusted peer cannot choose its address by sending the header.
        ("203.0.113.5", "198.51.100.7", TRUSTED, "203.0.113.5"),
        # Through the trusted proxy: the forwarded client.
        ("10.0.0.2", "198.51.100.7", TRUSTED, "198.51.100.7"),
        # A client-supplied hop left of the real one is ignored: rightmost untrusted wins.
        ("10.0.0.2", "1.2.3.4, 198.51.100.7", TRUSTED, "198.51.100.7"),
        # Two trusted proxies in a row are skipped.
        ("10.0.0.2", "198.51.100.7, 10.0.0.9", TRUSTED, "198.51.100.7"),
        # Only trusted hops: the leftmost of them.
        ("10.0.0.2", "10.0.0.9", TRUSTED, "10.0.0.9"),
        # A trusted proxy that sent no header: the proxy itself.
        ("10.0.0.2", "", TRUSTED, "10.0.0.2"),
        # A malformed hop stops the walk at the last address a trusted proxy gave.
        ("10.0.0.2", "evil, 198.51.100.7", TRUSTED, "198.51.100.7"),
        ("10.0.0.2", "198.51.100.7, unknown", TRUSTED, "10.0.0.2"),
        # IPv6 and ports.
        ("::1", "2001:db8::5", TRUSTED, "2001:db8::5"),
        ("10.0.0.2", "198.51.100.7:51234", TRUSTED, "198.51.100.7"),
        ("10.0.0.2", "[2001:db8::5]:443", TRUSTED, "2001:db8::5"),
    ],
)
def test_client_ip(peer, forwarded, trusted, expected):
    assert client_ip(peer, forwarded, trusted) == expected


def test_trusted_proxies_setting_is_checked():
    assert trusted_from_env(" 10.0.0.1, 192.168.0.0/16 ,,") == ["10.0.0.1", "192.168.0.0/16"]
    assert [str(n) for n in parse_trusted(["10.0.0.1", "fd00::/8"])] == ["10.0.0.1/32", "fd00::/8"]
    with pytest.raises(ValueError, match=r"'proxy\.example' is not an IP address or CIDR block"):
        trusted_from_env("10.0.0.1,proxy.example")


@pytest.mark.django_db
def test_audit_records_the_forwarded_client_only_through_a_trusted_proxy(settings, make_user):
    settings.PINGAN_TRUSTED_PROXIES = TRUSTED
    make_user("analyst", username="ana")
    via_proxy = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
    via_proxy.post("/login/", {"username": "ana", "password": TEST_PASSWORD})
    direct = Client(REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="198.51.100.99")
    direct.post("/login/", {"username": "ana", "password": TEST_PASSWORD})
    assert list(
        AuditRecord.objects.filter(event="accounts.session.sign_in").values_list(
            "source", flat=True
        )
    ) == [
        "198.51.100.7",
        "203.0.113.5",
    ]


@pytest.mark.django_db
def test_lockout_log_records_the_forwarded_client(settings, make_user):
    settings.PINGAN_TRUSTED_PROXIES = TRUSTED
    make_user("analyst", username="ana")
    client = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")
    client.post("/login/", {"username": "ana", "password": "wrong-password"})
    assert list(
        AccessAttempt.objects.values_list("username", "ip_address", "failures_since_start")
    ) == [("ana", "198.51.100.7", 1)]


@pytest.mark.django_db
def test_public_form_limit_counts_each_resident_not_the_proxy(settings, demo_units):
    from pingan.matters.actions import catalogue, intake

    settings.PINGAN_TRUSTED_PROXIES = TRUSTED
    catalogue.ensure_defaults()
    data = {"category": "neighbour_noise", "place": "BZ0101", "description": "夜间广场舞音响过大"}
    first = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")
    second = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.8")
    answers = [first.post(reverse("matters:report"), data).status_code for _ in range(6)]
    assert answers == [200] * intake.PUBLIC_LIMIT_PER_HOUR + [429]
    assert second.post(reverse("matters:report"), data).status_code == 200


def test_forwarded_proto_is_believed_only_from_a_trusted_proxy(rf, settings):
    from pingan.accounts.middleware import ForwardedHeadersMiddleware

    settings.PINGAN_TRUSTED_PROXIES = TRUSTED
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    seen = {}

    def view(request):
        seen[request.META["REMOTE_ADDR"]] = (
            request.is_secure(),
            request.META.get("HTTP_X_FORWARDED_FOR"),
        )

    middleware = ForwardedHeadersMiddleware(view)
    for peer in (PROXY, "203.0.113.5"):
        middleware(
            rf.get(
                "/",
                REMOTE_ADDR=peer,
                HTTP_X_FORWARDED_PROTO="https",
                HTTP_X_FORWARDED_FOR="1.2.3.4",
            )
        )
    assert seen == {PROXY: (True, "1.2.3.4"), "203.0.113.5": (False, None)}
