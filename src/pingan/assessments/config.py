"""The rules of assessments: the risk matrix, the conclusion rule and the follow-up reminders.

Read from `rules.toml` beside this module, or from the file named by the setting (or
environment variable) `PINGAN_ASSESSMENT_RULES`. The file is checked as a whole when read; a
wrong file stops with every problem listed.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

LEVELS = ("low", "medium", "high", "very_high")
CATEGORIES = ("decision", "policy", "project", "reform", "livelihood")
RATINGS = ("satisfied", "partly_satisfied", "not_satisfied")
BUILTIN = Path(__file__).resolve().parent / "rules.toml"


class RulesInvalid(ValueError):
    """The rules file is not usable; the message lists every problem."""


@dataclass(frozen=True)
class Rules:
    """The rules in force."""

    matrix: tuple[tuple[str, ...], ...]
    not_implement_at: str
    postpone_at: str
    legality_blocks: frozenset[str]
    remind_days: int
    related_matters: dict[str, tuple[str, ...]]

    def level(self, likelihood: int, impact: int) -> str:
        """The level of a risk of the given likelihood and impact (each 1 to 5)."""
        return self.matrix[likelihood - 1][impact - 1]


def rank(level: str) -> int:
    """The order of a level: low 0 … very_high 3."""
    return LEVELS.index(level)


def rules_path() -> Path:
    """The rules file in force."""
    named = getattr(settings, "PINGAN_ASSESSMENT_RULES", "") or os.environ.get(
        "PINGAN_ASSESSMENT_RULES", ""
    )
    return Path(named) if named else BUILTIN


@cache
def load_rules(path: Path | None = None) -> Rules:
    """Read and check a rules file (the one in force by default)."""
    path = path or rules_path()
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    problems: list[str] = []
    rows = []
    for n in range(1, 6):
        row = data.get("matrix", {}).get("likelihood_%d" % n)
        if not isinstance(row, list) or len(row) != 5 or any(v not in LEVELS for v in row):
            problems.append("matrix.likelihood_%d: five of %s" % (n, ", ".join(LEVELS)))
            row = ["low"] * 5
        rows.append(tuple(row))
    conclusion = data.get("conclusion", {})
    for key in ("not_implement_at", "postpone_at"):
        if conclusion.get(key) not in LEVELS:
            problems.append("conclusion.%s: one of %s" % (key, ", ".join(LEVELS)))
    blocks = conclusion.get("legality_blocks", [])
    if not isinstance(blocks, list) or any(b not in RATINGS for b in blocks):
        problems.append("conclusion.legality_blocks: a list of %s" % ", ".join(RATINGS))
    remind = data.get("follow_up", {}).get("remind_days", 3)
    if not isinstance(remind, int) or not 0 <= remind <= 90:
        problems.append("follow_up.remind_days: a whole number from 0 to 90")
    related = data.get("related_matters", {})
    if not isinstance(related, dict) or set(related) - set(CATEGORIES):
        problems.append("related_matters: keys among %s" % ", ".join(CATEGORIES))
        related = {}
    if problems:
        raise RulesInvalid("%s: %s" % (path, "; ".join(problems)))
    return Rules(
        matrix=tuple(rows),
        not_implement_at=conclusion["not_implement_at"],
        postpone_at=conclusion["postpone_at"],
        legality_blocks=frozenset(blocks),
        remind_days=remind,
        related_matters={k: tuple(str(c) for c in v) for k, v in related.items()},
    )
