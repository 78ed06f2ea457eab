"""Linked pairs (同奖同罚) as the bulletin prints them: every pair, whatever befell it."""

from __future__ import annotations

from django.utils.translation import gettext as _

from pingan.scores.models import QuarterResult


def pair_lines(results: list[QuarterResult], language: str) -> list[str]:
    """One line per linked pair of the period's results, in unit-code order of its first unit.

    The pair is printed always, not only when a veto or key management applies to it, with
    what the pair shares this period.
    """
    by_unit = {r.unit_id: r for r in results}
    lines = []
    seen: set[frozenset[int]] = set()
    for r in sorted(results, key=lambda r: r.unit.code):
        if r.linked_unit_id is None or frozenset((r.unit_id, r.linked_unit_id)) in seen:
            continue
        seen.add(frozenset((r.unit_id, r.linked_unit_id)))
        partner = by_unit[r.linked_unit_id].unit if r.linked_unit_id in by_unit else r.linked_unit
        assert partner is not None  # a linked unit id names a unit
        shared = (
            _("one-vote veto for both")
            if r.veto
            else _("key management for both")
            if r.key_management
            else _("no veto or key management")
        )
        lines.append(
            _("%(unit)s and %(partner)s: rewarded and penalised together; this period: %(shared)s.")
            % {
                "unit": r.unit.display_name(language),
                "partner": partner.display_name(language),
                "shared": shared,
            }
        )
    return lines
