"""Star publication (星级发布): a final quarter's stars published once, for anyone to read.

The office head publishes a scheme's quarter from its current run; the published list is a
snapshot of the stars of the units that have a score (a unit withheld for missing figures is
not on it), with the units' and classes' names as they were. It holds nothing else: no score,
rank, tier, veto, key-management mark or method note. Provisional quarters cannot be published;
a published list never changes (database triggers refuse UPDATE and DELETE).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pingan.audit.events import Event
from pingan.audit.services import record_event
from pingan.core.access.actor import Actor
from pingan.core.access.permissions import require
from pingan.core.period_labels import period_problem
from pingan.core.problems import InputRefused, Problem
from pingan.schemes.models import SchemeVersion
from pingan.schemes.selectors import current_version
from pingan.scores.models import PublishedStar, ScoreRun, StarPublication
from pingan.scores.selectors import is_provisional

EXPORT_COLUMNS = ["period", "class", "class_name", "unit_name", "stars"]
# The XLSX headings, in the reader's language (CSV keeps the column codes).
EXPORT_HEADERS = {
    "period": gettext_lazy("Quarter"),
    "class": gettext_lazy("Class code"),
    "class_name": gettext_lazy("Class"),
    "unit_name": gettext_lazy("Unit"),
    "stars": gettext_lazy("Stars"),
}


@dataclass(frozen=True)
class Publishable:
    """A final quarter with a current run that has not been published yet."""

    period: str
    run: ScoreRun
    units: int


def publishable_quarters(*, actor: Actor, scheme_code: str | None = None) -> list[Publishable]:
    """Final quarters of the scheme in force with results and no published list, newest first."""
    require(actor, "scores.publish_stars")
    version = current_version(scheme_code)
    if version is None:
        return []
    done = set(
        StarPublication.objects.filter(scheme=version.scheme).values_list("period", flat=True)
    )
    runs = (
        ScoreRun.objects.filter(version=version, is_current=True)
        .annotate(starred=Count("results", filter=Q(results__stars__isnull=False)))
        .order_by("-period")
    )
    return [
        Publishable(r.period, r, r.starred)
        for r in runs
        if r.period not in done and not is_provisional(r.period, version.deadline_day)
    ]


def publish_stars(*, actor: Actor, period: str, scheme_code: str | None = None) -> StarPublication:
    """Publish the quarter's star list (audited); refused when provisional, unknown or published."""
    require(actor, "scores.publish_stars")
    version = current_version(scheme_code)
    run = _publishable_run(version, period)
    try:
        with transaction.atomic():
            publication = StarPublication.objects.create(
                scheme=run.version.scheme, period=period, run=run, published_at=timezone.now()
            )
            count = _snapshot(publication, run)
            record_event(
                actor=actor,
                event=Event.SCORES_STARS_PUBLISH,
                obj=publication,
                detail={"scheme": run.version.scheme.code, "period": period, "units": count},
            )
    except IntegrityError:
        raise _refused(_("the star list of %(p)s is already published") % {"p": period}) from None
    return publication


def _refused(reason: str) -> InputRefused:
    return InputRefused([Problem(None, "period", reason)])


def _publishable_run(version: SchemeVersion | None, period: str) -> ScoreRun:
    if version is None:
        raise _refused(_("no scheme is loaded"))
    if problem := period_problem(period, version.period):
        raise _refused(problem)
    if is_provisional(period, version.deadline_day):
        raise _refused(_("%(p)s is provisional: only final quarters are published") % {"p": period})
    if StarPublication.objects.filter(scheme=version.scheme, period=period).exists():
        raise _refused(_("the star list of %(p)s is already published") % {"p": period})
    run = ScoreRun.objects.filter(version=version, period=period, is_current=True).first()
    if run is None:
        raise _refused(_("%(p)s has no results to publish") % {"p": period})
    return run


def _snapshot(publication: StarPublication, run: ScoreRun) -> int:
    classes = {c.code: c for c in run.version.classes.all()}
    order = {c.code: c.position for c in classes.values()}
    scored = sorted(
        run.results.filter(stars__isnull=False).select_related("unit"),
        key=lambda r: (order.get(r.class_code, 1 << 20), -int(r.stars or 0), r.unit.code),
    )
    PublishedStar.objects.bulk_create(
        PublishedStar(
            publication=publication,
            unit=r.unit,
            position=i,
            class_code=r.class_code,
            class_name_zh=classes[r.class_code].name_zh if r.class_code in classes else "",
            class_name_en=classes[r.class_code].name_en if r.class_code in classes else "",
            unit_name_zh=r.unit.name_zh,
            unit_name_en=r.unit.name_en,
            stars=int(r.stars or 0),
        )
        for i, r in enumerate(scored)
    )
    return len(scored)


# ---------------------------------------------------------------- public reads (no sign-in)


def published_lists() -> list[StarPublication]:
    """Every published star list, newest quarter first, with its scheme."""
    return list(
        StarPublication.objects.select_related("scheme").order_by("-period", "scheme__code")
    )


def published_list(scheme_code: str, period: str) -> StarPublication | None:
    """One published star list, or None."""
    return (
        StarPublication.objects.select_related("scheme", "run__version")
        .filter(scheme__code=scheme_code, period=period)
        .first()
    )


def star_rows(publication: StarPublication, language: str) -> list[dict[str, Any]]:
    """The list's rows in order: class code and name, unit name, stars (names in `language`)."""
    english = language.startswith("en")
    return [
        {
            "period": publication.period,
            "class": e.class_code,
            "class_name": (e.class_name_en or e.class_name_zh) if english else e.class_name_zh,
            "unit_name": (e.unit_name_en or e.unit_name_zh) if english else e.unit_name_zh,
            "stars": e.stars,
        }
        for e in publication.entries.order_by("position")
    ]


def star_bands(publication: StarPublication) -> list[float]:
    """The lowest score of each number of stars under the scheme version that was published."""
    return [float(b) for b in publication.run.version.star_bands]
