"""Reading typed values out of a parsed scheme file, collecting every problem with its place."""

from __future__ import annotations

import math
import re
from typing import Any

from django.utils.translation import gettext as _

from pingan.core.limits import length_reason
from pingan.core.problems import Problem


class Checker:
    """Collects problems while reading typed values out of the parsed TOML."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def fail(self, where: str, reason: str) -> None:
        self.problems.append(Problem(None, where, reason, key=True))

    def entries(self, items: Any, where: str, missing: str) -> list[tuple[str, Any]]:
        """(place, entry) of each entry of a non-empty list; a problem at `where` when there is none."""
        if not isinstance(items, list) or not items:
            self.fail(where, missing)
            return []
        return [("%s[%d]." % (where, i), item) for i, item in enumerate(items)]

    def once(self, code: str, where: str, seen: set[str]) -> None:
        """A problem when `code` was seen before in the same list; remember it."""
        if code in seen:
            self.fail(where + "code", _("duplicate code %(code)s") % {"code": code})
        seen.add(code)

    def text(
        self,
        table: dict[str, Any],
        key: str,
        where: str,
        *,
        required: bool = True,
        pattern: re.Pattern[str] | None = None,
        limit: int = 100,
    ) -> str:
        value = table.get(key)
        if value is None:
            if required:
                self.fail(where + key, _("required"))
            return ""
        if not isinstance(value, str) or not value.strip():
            self.fail(where + key, _("must be non-empty text"))
            return ""
        if pattern is not None and not pattern.match(value):
            self.fail(where + key, _("%(value)s is not a valid code") % {"value": value})
        too_long = length_reason(value.strip(), limit)
        if too_long:
            self.fail(where + key, too_long)
        return value.strip()

    def number(
        self,
        table: dict[str, Any],
        key: str,
        where: str,
        *,
        default: float | None = None,
        minimum: float = 0,
    ) -> float | None:
        value = table.get(key, default)
        if value is None:
            if default is None and key in table:
                self.fail(where + key, _("required"))
            return None
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            self.fail(where + key, _("must be a number"))
            return None
        if value < minimum:
            self.fail(where + key, _("must be ≥ %(min)s") % {"min": minimum})
        return float(value)

    def flag(self, table: dict[str, Any], key: str, where: str, default: bool = False) -> bool:
        value = table.get(key, default)
        if not isinstance(value, bool):
            self.fail(where + key, _("must be true or false"))
            return default
        return value


def choice(
    check: Checker,
    table: dict[str, Any],
    key: str,
    where: str,
    options: tuple[str, ...],
    default: str,
) -> str:
    """One of `options` (the default when absent); a problem naming them otherwise."""
    value = table.get(key, default)
    if value not in options:
        check.fail(where + key, _("must be one of %(options)s") % {"options": ", ".join(options)})
        return default
    return str(value)
