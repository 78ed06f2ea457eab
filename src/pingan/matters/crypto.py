"""Field encryption for personal data: AES-256-GCM with a key kept outside the database.

The key comes from PINGAN_FIELD_KEY or from the file `field_key` in PINGAN_HOME (created on
first use, mode 0600). Ciphertexts are text: "v1:" + urlsafe base64 of nonce + ciphertext.
"""

from __future__ import annotations

import base64
import hashlib
import os
from functools import cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from pingan.core.home import kept_secret

PREFIX = "v1:"
# Bound into every stored ciphertext: it keeps the app's former name, or rows encrypted before
# the rename to "matters" could no longer be read.
ASSOCIATED_DATA = b"pingan.cases"


@cache
def _cipher() -> AESGCM:
    secret = kept_secret("PINGAN_FIELD_KEY", "field_key")
    return AESGCM(hashlib.sha256(secret.encode("utf-8")).digest())


def encrypt(text: str) -> str:
    """Encrypt a text for storage; the empty text stays empty."""
    if not text:
        return ""
    nonce = os.urandom(12)
    sealed = _cipher().encrypt(nonce, text.encode("utf-8"), ASSOCIATED_DATA)
    return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def decrypt(stored: str) -> str:
    """Decrypt a stored text; the empty text stays empty."""
    if not stored:
        return ""
    if not stored.startswith(PREFIX):
        raise ValueError("not an encrypted field")
    raw = base64.urlsafe_b64decode(stored[len(PREFIX) :].encode("ascii"))
    return _cipher().decrypt(raw[:12], raw[12:], ASSOCIATED_DATA).decode("utf-8")


def mask_phone(phone: str) -> str:
    """Show only the first three and the last two digits of a phone number."""
    if not phone:
        return ""
    if len(phone) <= 5:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 5) + phone[-2:]


def mask_name(name: str) -> str:
    """Show only the first character of a name."""
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)


def mask_text(text: str) -> str:
    """Hide free text that may hold personal data, keeping only its length visible."""
    return "●" * min(len(text), 8) if text else ""
