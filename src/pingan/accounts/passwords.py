"""Password rules beyond Django's own: three character classes and no reuse of recent passwords.

Both are password validators (settings.AUTH_PASSWORD_VALIDATORS), so every path that checks a
password with `validate_password` applies them; the history is written by the validator's
`password_changed` hook, which Django calls whenever a user is saved with a new password.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pingan.accounts.models import PasswordHistory


def character_classes(password: str) -> int:
    """How many of lowercase, uppercase, digits and other characters the password uses."""
    return sum(
        [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not (c.islower() or c.isupper() or c.isdigit()) for c in password),
        ]
    )


class CharacterClassValidator:
    """Require characters from at least `classes` of: lowercase, uppercase, digits, others."""

    def __init__(self, classes: int = 3) -> None:
        self.classes = classes

    def validate(self, password: str, user: Any = None) -> None:
        """Refuse a password drawn from too few character classes."""
        if character_classes(password) < self.classes:
            raise ValidationError(self.get_help_text(), code="password_too_few_classes", params={})

    def get_help_text(self) -> str:
        """The rule, as shown beside the password field."""
        return ngettext(
            "Your password must use characters from at least %(n)d of these kinds: lowercase "
            "letters, uppercase letters, digits, other characters.",
            "Your password must use characters from at least %(n)d of these kinds: lowercase "
            "letters, uppercase letters, digits, other characters.",
            self.classes,
        ) % {"n": self.classes}


class HistoryValidator:
    """Refuse any of the user's last `keep` passwords, and remember each new one (hashed)."""

    def __init__(self, keep: int = 5) -> None:
        self.keep = keep

    def _recent(self, user: Any) -> list[str]:
        if user is None or getattr(user, "pk", None) is None:
            return []
        return list(
            PasswordHistory.objects.filter(user_id=user.pk)
            .order_by("-pk")
            .values_list("password", flat=True)[: self.keep]
        )

    def validate(self, password: str, user: Any = None) -> None:
        """Refuse a password that matches one of the last `keep` hashes."""
        if any(check_password(password, encoded) for encoded in self._recent(user)):
            raise ValidationError(self.get_help_text(), code="password_reused", params={})

    def password_changed(self, password: str, user: Any = None) -> None:
        """Record the new hash and forget those older than the last `keep`."""
        if user is None or getattr(user, "pk", None) is None:
            return
        PasswordHistory.objects.create(user_id=user.pk, password=user.password)
        stale = PasswordHistory.objects.filter(user_id=user.pk).order_by("-pk")[self.keep :]
        PasswordHistory.objects.filter(pk__in=list(stale.values_list("pk", flat=True))).delete()

    def get_help_text(self) -> str:
        """The rule, as shown beside the password field."""
        return _("Your password must differ from your last %(n)d passwords.") % {"n": self.keep}
