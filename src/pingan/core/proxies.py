"""The client's address behind trusted reverse proxies (PINGAN_TRUSTED_PROXIES).

A request's direct peer is the TCP address the server saw. Only when that peer is a trusted
proxy is `X-Forwarded-For` believed, and then only as far as the chain of trusted proxies goes:
the client is the rightmost hop that is not itself a trusted proxy. A client cannot choose its
own address by sending the header, because everything left of the first untrusted hop is
ignored.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_trusted(entries: Iterable[str]) -> tuple[Network, ...]:
    """Parse addresses and CIDR blocks ("10.0.0.5", "10.1.0.0/16", "::1"); refuse anything else."""
    networks: list[Network] = []
    for entry in entries:
        text = entry.strip()
        if not text:
            continue
        try:
            networks.append(ipaddress.ip_network(text, strict=False))
        except ValueError as exc:
            raise ValueError(
                "PINGAN_TRUSTED_PROXIES: %r is not an IP address or CIDR block" % text
            ) from exc
    return tuple(networks)


def trusted_from_env(value: str) -> list[str]:
    """The comma-separated environment value as a checked list of entries."""
    entries = [part.strip() for part in value.split(",") if part.strip()]
    parse_trusted(entries)
    return entries


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return parse_trusted(entries)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "203.0.113.7:51234"
        text = text.split(":", 1)[0]
    try:
        found = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(found, ipaddress.IPv6Address) and found.ipv4_mapped is not None:
        return found.ipv4_mapped
    return found


def is_trusted(address: str, trusted: Iterable[str]) -> bool:
    """Whether `address` lies in one of the trusted proxy networks."""
    parsed = _address(address)
    if parsed is None:
        return False
    return any(parsed in network for network in _networks(tuple(trusted)))


def client_ip(remote_addr: str, forwarded_for: str, trusted: Iterable[str]) -> str:
    """The client's address: the peer, or the rightmost untrusted X-Forwarded-For hop."""
    entries = tuple(trusted)
    if not entries or not is_trusted(remote_addr, entries):
        return remote_addr
    client = remote_addr
    for hop in reversed([part for part in forwarded_for.split(",") if part.strip()]):
        parsed = _address(hop)
        if parsed is None:
            # A malformed hop cannot be attributed: keep the last address a trusted proxy gave.
            return client
        client = str(parsed)
        if not is_trusted(client, entries):
            return client
    return client
