"""Input problems: every refusal names the row, the column and the reason."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: row (1-based, the header is row 1), column, reason.

    A problem of a structured file (a scheme's TOML) names the key's path in `column` and is
    marked `key`: it reads "indicators[0].kind: …", not as a column of a table.
    """

    row: int | None
    column: str | None
    reason: str
    key: bool = False

    def __str__(self) -> str:
        if self.key and self.column:
            return _("%(key)s: %(reason)s") % {"key": self.column, "reason": self.reason}
        if self.row is not None and self.column:
            return _("row %(row)s, column %(column)s: %(reason)s") % {
                "row": self.row,
                "column": self.column,
                "reason": self.reason,
            }
        if self.row is not None:
            return _("row %(row)s: %(reason)s") % {"row": self.row, "reason": self.reason}
        if self.column and self.column.startswith("-"):
            return _("option %(option)s: %(reason)s") % {
                "option": self.column,
                "reason": self.reason,
            }
        if self.column:
            return _("column %(column)s: %(reason)s") % {
                "column": self.column,
                "reason": self.reason,
            }
        return self.reason

    def as_dict(self) -> dict[str, object]:
        """Return the problem as a JSON-ready dict."""
        return {"row": self.row, "column": self.column, "reason": self.reason}


class InputRefused(Exception):
    """The input was refused as a whole; nothing was written. Carries every problem found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems[:20]))


class Conflict(Exception):
    """The object changed under the caller (compare-and-set lost); retry after re-reading."""
