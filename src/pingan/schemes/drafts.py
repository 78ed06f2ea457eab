"""A draft scheme version that is never stored: written inside a transaction always rolled back.

The what-if comparison computes a changed scheme file on past quarters with the same code that
computes the version in force. That code reads a version from the database, so the draft is
written as the scheme's next version inside a transaction (a savepoint when one is open) and the
transaction is rolled back when the comparison ends, whatever happens. Nothing of the draft
remains: no version, no indicator, no renamed reporting body, no audit event; results in force
never change.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from pingan.core.problems import InputRefused, Problem
from pingan.schemes.loader import content_hash
from pingan.schemes.models import Scheme, SchemeVersion
from pingan.schemes.services import _create_version


class _Discard(Exception):
    """Raised at the end of the draft's transaction to roll it back."""


@contextmanager
def draft_version(content: dict[str, Any], source: str) -> Iterator[SchemeVersion]:
    """Yield the parsed scheme `content` as an unsaved-in-effect next version of its scheme.

    The draft keeps the office of the version in force. Refused when no version of the scheme
    is loaded (there is nothing in force to compare with).
    """
    code = content["scheme"]["code"]
    scheme = Scheme.objects.filter(code=code).first()
    latest = scheme.latest_version() if scheme is not None else None
    if scheme is None or latest is None:
        raise InputRefused(
            [
                Problem(
                    None,
                    "scheme.code",
                    _("no scheme %(code)s is in force to compare with") % {"code": code},
                )
            ]
        )
    try:
        with transaction.atomic():
            number, digest = latest.number + 1, content_hash(content)
            yield _create_version(scheme, number, content, digest, source, latest.office_unit_id)
            raise _Discard
    except _Discard:
        pass
