"""How a stored result is shown on the pages: table rows, warnings, the decomposition of a score."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from pingan.core.access.actor import Actor
from pingan.core.access.permissions import can
from pingan.core.period_labels import period_label
from pingan.scores import selectors
from pingan.scores.cells import explanation_cells
from pingan.scores.charts import sparkline_svg, tier_label
from pingan.scores.formats import score_text
from pingan.scores.models import CellStatus, QuarterResult, ScoreRun
from pingan.units.models import OrgUnit

FLAG_LABELS = {
    "alarm_high": gettext_lazy("above the upper limit at 99.8%"),
    "alert_high": gettext_lazy("above the upper limit at 95%"),
    "alarm_low": gettext_lazy("below the lower limit at 99.8%"),
    "alert_low": gettext_lazy("below the lower limit at 95%"),
}


FIT_METHODS = {
    "glm": gettext_lazy("Poisson regression on the covariates"),
    "fallback": gettext_lazy("pooled rate (fallback)"),
}
FIT_REASONS = {
    "no covariates": gettext_lazy("no covariates"),
    "covariates missing": gettext_lazy("covariates missing"),
    "all counts zero": gettext_lazy("all counts zero"),
    "fewer observations than parameters + 2": gettext_lazy("too few observations"),
    "non-finite prediction": gettext_lazy("the fit gave no finite prediction"),
    "degenerate fit (extreme expected counts)": gettext_lazy("degenerate fit"),
    "did not converge": gettext_lazy("the fit did not converge"),
}
RANK_METHODS = {
    "lattice": gettext_lazy("exact law of the deduction"),
    "poisson": gettext_lazy("Poisson draws"),
    "custom": gettext_lazy("the scheme's own score"),
}


def class_notes(run: ScoreRun, class_code: str) -> dict[str, Any]:
    """The run's notes on a class in words (indicator names read only when there are fits)."""
    notes: dict[str, Any] = run.notes.get(class_code, {})
    if not notes.get("fits"):
        return notes
    return fit_notes(notes, selectors.indicator_names(run.version, get_language() or "zh-hans"))


def fit_notes(notes: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """A run's notes on a class in words: indicator names (`names`: code → name), the fitting
    method, the reason for a fallback and the rank sampler in the reader's language."""
    fits = [
        {
            "indicator": names.get(f.get("indicator", ""), f.get("indicator", "")),
            "method": str(FIT_METHODS.get(f.get("method", ""), f.get("method", ""))),
            "reason": _reason_text(f.get("reason", "")),
        }
        for f in notes.get("fits", [])
    ]
    method = notes.get("rank_method", "")
    return {**notes, "fits": fits, "rank_method": str(RANK_METHODS.get(method, method))}


def _reason_text(reason: str) -> str:
    if reason in FIT_REASONS:
        return str(FIT_REASONS[reason])
    if reason.startswith("fewer than "):
        return _("too few units with an exposure")
    if reason.startswith("fit failed"):
        return _("the fit failed")
    return reason


def change_text(value: float | None) -> str:
    """A signed change of score ("+1.50", "−2.00"), or an em dash when there is nothing to compare."""
    if value is None:
        return "—"
    if round(value, 2) == 0:
        return score_text(0.0)
    return ("+" if value > 0 else "−") + score_text(abs(value))


def rank_text(result: QuarterResult) -> str:
    """Rank with its 95% interval, e.g. "3 (2–5)"; "—" for a withheld unit."""
    if result.rank is None:
        return "—"
    return "%s (%s–%s)" % (result.rank, result.rank_low, result.rank_high)


def stars_text(stars: int | None, most: int) -> str:
    """Filled and empty stars, e.g. ★★★☆☆ ("" for a withheld unit)."""
    if stars is None:
        return ""
    return "★" * stars + "☆" * max(0, most - stars)


def provisional_text(period: str) -> str:
    """A quarter's label marked provisional, e.g. "2026Q4 (provisional)"."""
    return _("%(period)s (provisional)") % {"period": period}


def choice_label(period: str, provisional: bool) -> str:
    """A period as a picker shows it: "2026年10月", "2026年", "2026Q3", marked when provisional."""
    label = period_label(period)
    return provisional_text(label) if provisional else label


def row(
    result: QuarterResult,
    marked: set[int],
    history: list[tuple[str, float, float]],
    most_stars: int,
    provisional: bool = False,
) -> dict[str, Any]:
    """A result as a line of the league table or the head of the unit page.

    ``provisional``: the result's quarter is still running; its trend line says so.
    """
    language = get_language()
    trend = [absolute for _period, absolute, _relative in history]
    title = _("Absolute score, %(first)s to %(last)s: %(values)s") % {
        "first": history[0][0] if history else "",
        "last": history[-1][0] if history else "",
        "values": ", ".join(score_text(v) for v in trend),
    }
    return {
        "result": result,
        "name": result.unit.display_name(language),
        "rank": rank_text(result),
        "absolute": score_text(result.absolute_score),
        "relative": score_text(result.relative_score),
        "tier": result.tier or "none",
        "tier_label": tier_label(result.tier),
        "stars": stars_text(result.stars, most_stars),
        "change_prev": change_text(result.change_prev),
        "change_year": change_text(result.change_year),
        "key_management": result.unit_id in marked,
        "flag_label": FLAG_LABELS.get(result.funnel_flag, ""),
        "sparkline": sparkline_svg(trend, title, provisional=provisional),
    }


def warnings_of(result: QuarterResult, mark: Any, *, provisional: bool) -> list[str]:
    """What the unit page warns of; a provisional quarter raises no tier warning."""
    warnings = []
    if result.tier and not provisional:
        warnings.append(_("Warning tier: %(tier)s") % {"tier": tier_label(result.tier)})
    if result.veto:
        warnings.append(_("One-vote veto: the unit fails this quarter"))
    if result.funnel_flag:
        warnings.append(
            _("Funnel plot: %(flag)s")
            % {"flag": FLAG_LABELS.get(result.funnel_flag, result.funnel_flag)}
        )
    if result.absolute_score is None:
        warnings.append(
            _(
                "Figures missing (not fully reported): the unit has no score, rank or tier this quarter"
            )
        )
    elif not result.complete:
        warnings.append(
            _("Some figures of the quarter are missing; %(n)d cells are imputed")
            % {"n": result.imputed_cells}
        )
    if mark is not None:
        warnings.append(
            _("Marked for key management since %(date)s")
            % {"date": mark.marked_at.date().isoformat()}
        )
    return warnings


def decomposition(
    actor: Actor, unit: OrgUnit, result: QuarterResult, run: ScoreRun, language: str
) -> list[dict[str, Any]]:
    """The rows explaining a score: count × deduction per indicator and month, caps, gaps."""
    names = selectors.indicator_names(run.version, language)
    deductions = explanation_cells(result)
    links = can(actor, "reporting.view")
    submissions = (
        selectors.figure_submissions([d.figure_id for d in deductions if d.figure_id])
        if links
        else {}
    )
    figure_urls = {
        pk: _reverse_or_blank("reporting:submission", submission_id=pk)
        for pk in set(submissions.values())
    }
    history = _reverse_or_blank("reporting:history") if links else ""
    statuses = _status_texts()
    cap = _("cap")
    rows = []
    for d in deductions:
        row = {
            "indicator": names.get(d.indicator_code, d.indicator_code),
            "code": d.indicator_code,
            "month": cap if d.month == "cap" else d.month,
            "count": _count_text(d.count, d.status, d.imputed),
            "missing": d.status == CellStatus.MISSING,
            "imputed": d.status == CellStatus.IMPUTED,
            "status": statuses.get(d.status, ""),
            "deduction": score_text(d.deduction),
            "figure_id": d.figure_id,
            "figure_url": "",
            "history_url": "",
        }
        if links and d.figure_id and d.figure_id in submissions:
            row["figure_url"] = figure_urls[submissions[d.figure_id]]
            row["history_url"] = history and history + "?" + urlencode(
                {"unit": unit.code, "indicator": d.indicator_code, "month": d.month}
            )
        rows.append(row)
    return rows


def _count_text(count: int | None, status: str, imputed: float | None) -> int | str:
    if status == CellStatus.IMPUTED and imputed is not None:
        return _("%(value)s (imputed)") % {"value": "%.2f" % imputed}
    return "" if count is None else count


def _status_texts() -> dict[str, str]:
    """What a cell's status says, in the current language (none for a reported cell)."""
    return {
        CellStatus.MISSING.value: _("missing"),
        CellStatus.IMPUTED.value: _("imputed: the unit's own mean over the relative window"),
        CellStatus.CLOSED.value: _("unit not open"),
    }


def _reverse_or_blank(name: str, **kwargs: Any) -> str:
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return ""


def yes_no(value: bool) -> str:
    """A yes/no cell of a download for people, in their language."""
    return str(_("yes") if value else _("no"))


def chart_labels(*, provisional: bool = False) -> dict[str, str]:
    """Texts the chart script shows, in the current language.

    ``provisional`` (the quarter shown is still running): every chart is titled and
    watermarked "Provisional" (暂定); otherwise that label is empty.
    """
    return {
        "provisional": _("Provisional") if provisional else "",
        "absolute": _("Absolute score"),
        "relative": _("Relative score"),
        "quarter": _("Quarter"),
        "ratio": _("Ratio observed / expected"),
        "expected": _("Expected weighted incidents"),
        "observed": _("Weighted incidents"),
        "units": _("Units"),
        "exact_95": _("exact limits at 95%"),
        "exact_998": _("exact limits at 99.8%"),
        "adjusted_95": _("over-dispersion adjusted limits at 95%"),
        "adjusted_998": _("over-dispersion adjusted limits at 99.8%"),
        "target": _("Target ratio 1"),
        "tier": _("Tier"),
        "score": _("Absolute score"),
        "rank": _("Rank"),
        "flag": _("Funnel flag"),
    }
