"""Domain analysis (四情分析): deductions per domain of indicators across quarters.

A unit's deduction in a domain is the sum of its stored explanation rows (every month, the cap
taken back, any row of another kind) over the indicators of that domain, so the domains of a
unit add up to its whole deduction. Only scored units count; withheld units have no score.

For the quarter chosen and its class (or every class): each domain's mean deduction per scored
unit over the last quarters (its trend), its share of all deductions of the quarter, and the
units whose deduction in the domain rose most against the previous quarter.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F
from django.utils.translation import gettext_lazy as _

from pingan.core.access.actor import Actor
from pingan.core.access.permissions import require
from pingan.core.period_labels import period_label
from pingan.core.periods import shift_period
from pingan.schemes.models import Indicator, SchemeVersion
from pingan.scores.cells import indicator_totals
from pingan.scores.charts import tier_label
from pingan.scores.formats import score_text
from pingan.scores.models import QuarterResult, ScoreRun
from pingan.units.models import OrgUnit

TREND_QUARTERS = 8
WORST_UNITS = 5

DOMAIN_NAMES = {
    "social": _("Social conditions (社情)"),
    "police": _("Police incidents (警情)"),
    "cases": _("Cases (案情)"),
    "opinion": _("Public opinion (舆情)"),
    "safety": _("Safety"),
    "petition": _("Petitions"),
    "governance": _("Governance"),
    "other": _("Other"),
}


def domain_name(code: str) -> str:
    """The domain's name in the current language (its code when unknown)."""
    return str(DOMAIN_NAMES.get(code, code))


@dataclass(frozen=True)
class DomainAnalysis:
    """The analysis of one quarter: ``domains`` in scheme order, each a dict for the page.

    ``stored`` holds the domain sub-indices as the computation stored them, one row per unit of
    the class (see :func:`stored_subindices`).
    """

    period: str
    periods: list[str]
    domains: list[dict[str, Any]]
    total: float
    stored: list[dict[str, Any]] = field(default_factory=list)

    @property
    def labels(self) -> list[str]:
        """The trend's periods as people read them ("2026年10月", "2026年", "2026Q3")."""
        return [period_label(p) for p in self.periods]


def analyse(
    *,
    actor: Actor,
    version: SchemeVersion,
    period: str,
    class_code: str | None,
    language: str,
) -> DomainAnalysis:
    """Trend, share and most-worsened units per domain for `period` (and its class, if given)."""
    require(actor, "scores.domains")
    runs = dict(
        ScoreRun.objects.filter(version=version, is_current=True, period__lte=period)
        .order_by("-period")
        .values_list("period", "pk")[:TREND_QUARTERS]
    )
    periods = sorted(runs)
    indicators = Indicator.objects.filter(version=version)
    if class_code:
        indicators = indicators.filter(rules__scheme_class__code=class_code)
    domain_of = dict(indicators.order_by("position").values_list("code", "domain"))
    order = list(dict.fromkeys(domain_of.values()))
    sums = _domain_sums(list(runs.values()), class_code, domain_of)
    scored = _scored_counts(list(runs.values()), class_code)
    by_run = {pk: p for p, pk in runs.items()}
    per = {(by_run[run], unit, d): v for (run, unit, d), v in sums.items()}
    previous = shift_period(period, -1)
    totals = {d: sum(v for (p, _u, dd), v in per.items() if p == period and dd == d) for d in order}
    total = sum(totals.values())
    worsened = _worsened(per, period, previous, order)
    names = _unit_names({u for items in worsened.values() for u, _d in items}, language)
    domains = []
    for d in order:
        trend = [
            round(
                sum(v for (p, _u, dd), v in per.items() if p == q and dd == d)
                / max(scored.get(runs[q], 0), 1),
                2,
            )
            for q in periods
        ]
        domains.append(
            {
                "code": d,
                "name": domain_name(d),
                "trend": list(zip(periods, trend, strict=True)),
                "total": round(totals[d], 2),
                "share": round(100.0 * totals[d] / total, 1) if total > 0 else None,
                "worsened": [
                    {"unit": names.get(u, ""), "change": round(change, 2)}
                    for u, change in worsened[d]
                ],
            }
        )
    stored = stored_subindices(runs.get(period), class_code, order, language)
    return DomainAnalysis(period, periods, domains, round(total, 2), stored)


def stored_subindices(
    run_id: int | None, class_code: str | None, order: list[str], language: str
) -> list[dict[str, Any]]:
    """Per unit of the run (and class), each domain's stored sub-index: score, tier, rank interval.

    Values are read as stored with the result, never recomputed. A withheld unit has no
    sub-index ("—"); its completeness says why. Empty when the scheme computes no sub-indices.
    """
    if run_id is None:
        return []
    results = QuarterResult.objects.filter(run_id=run_id).select_related("unit")
    if class_code:
        results = results.filter(class_code=class_code)
    rows: list[dict[str, Any]] = []
    stored_any = False
    for r in results.order_by(F("rank").asc(nulls_last=True), "unit__code"):
        stored = r.detail.get("domains", {})
        stored_any = stored_any or bool(stored)
        cells = [_cell(stored.get(code)) for code in order]
        rows.append(
            {
                "code": r.unit.code,
                "unit": r.unit.display_name(language),
                "completeness": _completeness(r),
                "cells": cells,
            }
        )
    return rows if stored_any else []


def _cell(item: dict[str, Any] | None) -> dict[str, str]:
    if item is None or item.get("score") is None:
        return {"score": "—", "tier": "", "tier_label": "", "interval": ""}
    return {
        "score": score_text(float(item["score"])),
        "tier": str(item["tier"] or "none"),
        "tier_label": str(tier_label(item["tier"])),
        "interval": "%s (%s–%s)" % (item["rank"], item["rank_low"], item["rank_high"]),
    }


def _completeness(result: QuarterResult) -> str:
    if result.absolute_score is None:
        return str(_("withheld (figures missing)"))
    if not result.complete:
        return str(_("%(n)d cells imputed") % {"n": result.imputed_cells})
    return str(_("complete"))


def _domain_sums(
    run_ids: list[int], class_code: str | None, domain_of: dict[str, str]
) -> dict[tuple[int, int, str], float]:
    """(run, unit, domain) → deduction of the scored units, from one grouped query."""
    sums: dict[tuple[int, int, str], float] = defaultdict(float)
    for run, unit, totals in indicator_totals(run_ids, class_code):
        for code, total in totals.items():
            sums[(run, unit, domain_of.get(code, "other"))] += float(total)
    return sums


def _scored_counts(run_ids: list[int], class_code: str | None) -> dict[int, int]:
    results = QuarterResult.objects.filter(run_id__in=run_ids, absolute_score__isnull=False)
    if class_code:
        results = results.filter(class_code=class_code)
    return dict(results.values_list("run_id").annotate(n=Count("pk")).values_list("run_id", "n"))


def _worsened(
    per: dict[tuple[str, int, str], float], period: str, previous: str, order: list[str]
) -> dict[str, list[tuple[int, float]]]:
    """Per domain, the units whose deduction rose most on the previous quarter (rises only)."""
    units_now = {u for (p, u, _d) in per if p == period}
    units_before = {u for (p, u, _d) in per if p == previous}
    out: dict[str, list[tuple[int, float]]] = {}
    for d in order:
        changes = [
            (u, per.get((period, u, d), 0.0) - per.get((previous, u, d), 0.0))
            for u in units_now & units_before
        ]
        rising = sorted((c for c in changes if c[1] > 1e-9), key=lambda c: (-c[1], c[0]))
        out[d] = rising[:WORST_UNITS]
    return out


def _unit_names(unit_ids: set[int], language: str) -> dict[int, str]:
    units = OrgUnit.objects.filter(pk__in=unit_ids)
    return {u.pk: u.display_name(language) for u in units}
