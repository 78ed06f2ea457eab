"""Reads of bulletins and the assembly of a bulletin's content from stored results."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from pingan.bulletins.config import Issuer, issuer
from pingan.bulletins.models import Bulletin, Status
from pingan.bulletins.pairs import pair_lines
from pingan.bulletins.wording import period_phrases
from pingan.core.access.actor import Actor
from pingan.core.access.permissions import require
from pingan.core.period_labels import kind_of, period_label
from pingan.core.periods import parse_quarter
from pingan.scores.models import QuarterResult, ScoreChange, ScoreRun
from pingan.scores.selectors import key_managed_unit_ids, results_for, withheld_units

TIER_ORDER = ("red", "orange", "yellow")
NOTABLE_CHANGES = 5


def score_text(value: float | None) -> str:
    """A score as printed in the bulletin and in `pingan scores export`: two decimals ("—" for none)."""
    return "—" if value is None else "%.2f" % value


def change_text(value: float) -> str:
    """A change of score with its sign, two decimals."""
    return "%+.2f" % value


def rank_text(result: QuarterResult) -> str:
    """The rank with its 95% interval, e.g. 3（2–5）; the bare rank when the interval is one place."""
    if result.rank is None:
        return "—"
    if result.rank_low == result.rank_high == result.rank:
        return str(result.rank)
    return "%s（%s–%s）" % (result.rank, result.rank_low, result.rank_high)


def tier_text(tier: str) -> str:
    """The tier written out: red / orange / yellow warning, or none."""
    names = {"red": _("red warning"), "orange": _("orange warning"), "yellow": _("yellow warning")}
    return names.get(tier, "")


def quarter_text(period: str) -> str:
    """A period written out: a quarter 2026年第三季度, a month 2026年10月, a year 2026年."""
    if kind_of(period) != "quarter" or not period:
        return period_label(period)
    year, quarter = parse_quarter(period)
    names = [_("first quarter"), _("second quarter"), _("third quarter"), _("fourth quarter")]
    return _("%(year)s, %(quarter)s") % {"year": year, "quarter": names[quarter - 1]}


@dataclass(frozen=True)
class RankRow:
    """One line of a class's ranking table."""

    rank: str
    unit_code: str
    unit_name: str
    absolute: str
    relative: str
    stars: str
    tier: str
    tier_text: str


@dataclass(frozen=True)
class ClassSection:
    """A class's ranking table and the numbers its chart is drawn from."""

    code: str
    name: str
    rows: list[RankRow]
    scores: list[float]
    tiers: list[str]
    names: list[str]
    observed: list[float]
    expected: list[float]
    flags: list[str]


@dataclass(frozen=True)
class TierGroup:
    """The units of one warning tier."""

    tier: str
    text: str
    units: list[str]


@dataclass(frozen=True)
class ChangeLine:
    """A notable change on the previous quarter."""

    unit_name: str
    class_name: str
    score: str
    change: str


@dataclass(frozen=True)
class Erratum:
    """A published result corrected since the last bulletin."""

    period: str
    unit_name: str
    old_absolute: str
    new_absolute: str
    old_rank: int | str
    new_rank: int | str
    reason: str


@dataclass(frozen=True)
class OwnText:
    """What the office writes itself: 情况分析, 工作要求 and the optional 附件说明, as stored."""

    analysis: str = ""
    requirements: str = ""
    attachments: str = ""

    @staticmethod
    def paragraphs(text: str) -> list[str]:
        """The non-empty lines of a text, each a paragraph, stripped."""
        return [line.strip() for line in text.splitlines() if line.strip()]

    @classmethod
    def of(cls, bulletin: Bulletin) -> OwnText:
        """The text stored with a bulletin."""
        return cls(bulletin.analysis, bulletin.requirements, bulletin.attachments)


@dataclass
class BulletinContent:
    """Everything a bulletin prints, in the order it prints it; every figure as stored."""

    period: str
    quarter: str
    title: str
    issuer: Issuer
    doc_number: str
    edition: int
    is_draft: bool
    illustrative: bool
    date: dt.date
    scheme_name: str
    summary: list[str]
    classes: list[ClassSection]
    tiers: list[TierGroup]
    warnings: list[str]
    rises: list[ChangeLine]
    falls: list[ChangeLine]
    key_units: list[str]
    errata: list[Erratum]
    tier_lines: dict[str, float] = field(default_factory=dict)
    analysis: list[str] = field(default_factory=list)
    requirements: list[str] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
    withheld: list[str] = field(default_factory=list)
    pairs: list[str] = field(default_factory=list)

    @property
    def edition_text(self) -> str:
        """（第2版） for the second edition onwards, else empty."""
        return _("(edition %(n)d)") % {"n": self.edition} if self.edition > 1 else ""


def bulletins_by_period(*, actor: Actor) -> list[tuple[str, list[Bulletin]]]:
    """Every bulletin grouped by quarter, newest quarter first, newest edition first."""
    require(actor, "bulletins.view")
    grouped: dict[str, list[Bulletin]] = {}
    for bulletin in (
        Bulletin.objects.select_related("run", "created_by", "issued_by")
        .defer("docx")
        .order_by("-period", "-edition")
    ):
        grouped.setdefault(bulletin.period, []).append(bulletin)
    return list(grouped.items())


def bulletin_or_none(*, actor: Actor, bulletin_id: int) -> Bulletin | None:
    """One bulletin (without its stored document), or None."""
    require(actor, "bulletins.view")
    return (
        Bulletin.objects.select_related("run", "created_by", "issued_by")
        .defer("docx")
        .filter(pk=bulletin_id)
        .first()
    )


def verify(bulletin: Bulletin) -> bool:
    """Whether an issued bulletin's stored .docx still has the SHA-256 recorded at issue."""
    if bulletin.status != Status.ISSUED or bulletin.docx is None:
        return False
    return hashlib.sha256(bytes(bulletin.docx)).hexdigest() == bulletin.sha256


def verify_stored(bulletin_id: int) -> bool | None:
    """Verify an issued bulletin's stored hash (None for a draft)."""
    bulletin = Bulletin.objects.get(pk=bulletin_id)
    return verify(bulletin) if bulletin.status == Status.ISSUED else None


def issued_editions(period: str) -> QuerySet[Bulletin]:
    """The issued editions of a quarter, oldest first."""
    return Bulletin.objects.filter(period=period, status=Status.ISSUED).order_by("edition")


def last_issued(before: dt.datetime | None = None) -> Bulletin | None:
    """The most recently issued bulletin of any quarter (issued before `before` when given)."""
    issued = Bulletin.objects.filter(status=Status.ISSUED).defer("docx")
    if before is not None:
        issued = issued.filter(issued_at__lt=before)
    return issued.order_by("-issued_at", "-pk").first()


def errata_for(period: str, since: dt.datetime | None, language: str) -> list[Erratum]:
    """Corrections of published quarters up to `period` recorded after `since`, net per unit.

    Only quarters that already had an issued bulletin have errata (an unpublished quarter's
    results are simply printed as they stand); each correction is printed once, in the first
    bulletin issued after it.
    """
    if since is None:
        return []
    published = set(
        Bulletin.objects.filter(status=Status.ISSUED, period__lte=period).values_list(
            "period", flat=True
        )
    )
    changes = (
        ScoreChange.objects.filter(run__period__in=published, run__computed_at__gt=since)
        .select_related("unit", "run")
        .order_by("run__period", "unit__code", "run__computed_at", "pk")
    )
    net: dict[tuple[str, int], tuple[ScoreChange, ScoreChange]] = {}
    for change in changes:
        key = (change.run.period, change.unit_id)
        first = net[key][0] if key in net else change
        net[key] = (first, change)
    return [
        Erratum(
            period=quarter_text(first.run.period),
            unit_name=first.unit.display_name(language),
            old_absolute=score_text(first.old_absolute),
            new_absolute=score_text(last.new_absolute),
            old_rank="—" if first.old_rank is None else first.old_rank,
            new_rank="—" if last.new_rank is None else last.new_rank,
            reason=last.reason,
        )
        for first, last in net.values()
        if (first.old_absolute, first.old_rank) != (last.new_absolute, last.new_rank)
    ]


def _rank_row(result: QuarterResult, language: str) -> RankRow:
    return RankRow(
        rank=rank_text(result),
        unit_code=result.unit.code,
        unit_name=result.unit.display_name(language),
        absolute=score_text(result.absolute_score),
        relative=score_text(result.relative_score),
        stars="★" * (result.stars or 0),
        tier=result.tier,
        tier_text=tier_text(result.tier) or "—",
    )


def _class_sections(
    run: ScoreRun, results: list[QuarterResult], language: str
) -> list[ClassSection]:
    sections = []
    for scheme_class in run.version.classes.order_by("position"):
        rows = [r for r in results if r.class_code == scheme_class.code]
        if not rows:
            continue
        sections.append(
            ClassSection(
                code=scheme_class.code,
                name=scheme_class.display_name(language),
                rows=[_rank_row(r, language) for r in rows],
                scores=[float(r.absolute_score or 0.0) for r in rows],
                tiers=[r.tier for r in rows],
                names=[r.unit.display_name(language) for r in rows],
                observed=[r.observed for r in rows],
                expected=[r.expected for r in rows],
                flags=[r.funnel_flag for r in rows],
            )
        )
    return sections


def _tier_groups(results: list[QuarterResult], language: str) -> list[TierGroup]:
    groups = []
    for tier in TIER_ORDER:
        units = [
            "%s（%s）" % (r.unit.display_name(language), score_text(r.absolute_score))
            for r in sorted(results, key=lambda r: (r.absolute_score or 0.0, r.unit.code))
            if r.tier == tier
        ]
        groups.append(TierGroup(tier=tier, text=tier_text(tier), units=units))
    return groups


def _warnings(results: list[QuarterResult], language: str, period: str) -> list[str]:
    words = period_phrases(period)
    lines = []
    for r in results:
        name = r.unit.display_name(language)
        if r.veto:
            lines.append(words.veto % {"unit": name})
        if r.key_management:
            lines.append(_("%(unit)s: under key management this period.") % {"unit": name})
        if r.linked_unit is not None and (r.veto or r.key_management):
            lines.append(
                _("%(unit)s is paired with %(partner)s: rewarded and penalised together.")
                % {"unit": name, "partner": r.linked_unit.display_name(language)}
            )
        if r.funnel_flag in ("alarm_high", "alert_high"):
            level = "99.8%" if r.funnel_flag == "alarm_high" else "95%"
            lines.append(
                _("%(unit)s: incidents above the %(level)s control limit of the funnel plot.")
                % {"unit": name, "level": level}
            )
        if not r.complete and r.absolute_score is not None:
            lines.append(words.incomplete % {"unit": name, "n": r.imputed_cells})
    return lines


def _withheld(run: ScoreRun, class_names: dict[str, str], language: str) -> list[str]:
    """One line per unit not fully reported (未完整上报): its missing cells and responsible bodies."""
    lines = []
    for unit in withheld_units(run, None, None, language):
        cells = "、".join(
            "%s %s（%s）" % (c["indicator"], c["month"], c["body"]) for c in unit["cells"]
        )
        lines.append(
            period_phrases(run.period).no_score
            % {
                "unit": unit["unit_name"],
                "class": class_names.get(unit["class_code"], unit["class_code"]),
                "cells": cells,
            }
        )
    return lines


def _changes(
    results: list[QuarterResult], class_names: dict[str, str], language: str
) -> tuple[list[ChangeLine], list[ChangeLine]]:
    with_change = [r for r in results if r.change_prev is not None]

    def line(r: QuarterResult) -> ChangeLine:
        return ChangeLine(
            unit_name=r.unit.display_name(language),
            class_name=class_names.get(r.class_code, r.class_code),
            score=score_text(r.absolute_score),
            change=change_text(r.change_prev or 0.0),
        )

    falls = sorted(
        (r for r in with_change if (r.change_prev or 0) < 0),
        key=lambda r: (r.change_prev, r.unit.code),
    )
    rises = sorted(
        (r for r in with_change if (r.change_prev or 0) > 0),
        key=lambda r: (-(r.change_prev or 0), r.unit.code),
    )
    return [line(r) for r in rises[:NOTABLE_CHANGES]], [line(r) for r in falls[:NOTABLE_CHANGES]]


def _summary(
    period: str,
    period_text: str,
    sections: list[ClassSection],
    results: list[QuarterResult],
    every: list[QuarterResult],
) -> list[str]:
    counts = "、".join(
        _("class %(code)s %(n)d") % {"code": s.code, "n": len(s.rows)} for s in sections
    )
    tiers = {t: sum(1 for r in results if r.tier == t) for t in TIER_ORDER}
    first = _(
        "In %(quarter)s, %(n)d units were evaluated (%(counts)s). Each unit is compared only within its class."
    ) % {"quarter": period_text, "n": len(results), "counts": counts}
    second = (
        _(
            "%(red)d units are in the red tier, %(orange)d in the orange tier and %(yellow)d in the yellow tier."
        )
        % tiers
    )
    vetoed = sum(1 for r in every if r.veto)
    lines = [first, second]
    if len(every) > len(results):
        lines.append(period_phrases(period).withheld_summary % {"n": len(every) - len(results)})
    if vetoed:
        lines.append(_("The one-vote veto applies to %(n)d units.") % {"n": vetoed})
    for section in sections:
        mean = sum(section.scores) / len(section.scores)
        lines.append(
            _("%(name)s: average absolute score %(mean)s, highest %(high)s, lowest %(low)s.")
            % {
                "name": section.name,
                "mean": score_text(mean),
                "high": score_text(max(section.scores)),
                "low": score_text(min(section.scores)),
            }
        )
    return lines


def bulletin_content(
    *,
    run: ScoreRun,
    edition: int = 1,
    doc_number: str = "",
    is_draft: bool = True,
    date: dt.date,
    errata_since: dt.datetime | None = None,
    language: str = "zh-hans",
    own: OwnText | None = None,
) -> BulletinContent:
    """Assemble a bulletin from the stored results of `run` (call under the wanted translation).

    Units withheld for missing figures are left out of the rankings, tiers, changes and summary
    and listed apart (未完整上报单位); a one-vote veto still applies to them.
    """
    every = list(results_for(run))
    results = [r for r in every if r.absolute_score is not None]
    sections = _class_sections(run, results, language)
    class_names = {
        c.code: c.display_name(language) for c in run.version.classes.order_by("position")
    }
    period_text = quarter_text(run.period)
    rises, falls = _changes(results, class_names, language)
    keyed = key_managed_unit_ids()
    office = issuer(run.version.content.get("bulletin"))
    return BulletinContent(
        period=run.period,
        quarter=period_text,
        title=_("Bulletin on the social-stability index of %(quarter)s") % {"quarter": period_text},
        issuer=office,
        doc_number=doc_number or office.draft_number(date.year),
        edition=edition,
        is_draft=is_draft,
        illustrative=bool(run.version.content.get("scheme", {}).get("illustrative", False)),
        date=date,
        scheme_name=run.version.display_name(language),
        summary=_summary(run.period, period_text, sections, results, every),
        classes=sections,
        tiers=_tier_groups(results, language),
        warnings=_warnings(every, language, run.period),
        rises=rises,
        falls=falls,
        key_units=[
            "%s（%s，%s）"
            % (
                r.unit.display_name(language),
                class_names.get(r.class_code, r.class_code),
                score_text(r.absolute_score),
            )
            for r in results
            if r.unit_id in keyed
        ],
        errata=errata_for(run.period, errata_since, language),
        tier_lines=dict(run.version.tiers),
        analysis=OwnText.paragraphs(own.analysis) if own else [],
        requirements=OwnText.paragraphs(own.requirements) if own else [],
        attachments=OwnText.paragraphs(own.attachments) if own else [],
        withheld=_withheld(run, class_names, language),
        pairs=pair_lines(every, language),
    )
