"""Demo early warnings: documented outbreaks injected into the synthetic figures and matters, the
warnings raised on them, and some of those walked to a close with a verdict (docs/warnings.md).

Figures (added to the seeded counts before the history is approved). Each outbreak builds up: a
watched everyday indicator rises for two months (the 苗头, what the detectors can see coming),
then a severe indicator spikes (the event a backtest counts):

- BZ03: administrative litigation (行政诉讼, watched by Noufaily) +12 and +18 nine and eight
  months before the newest history month, mass incidents (群体性事件) +6 seven months before;
- BZ06: unlawful petitions (违法上访, watched by Farrington) +8 and +12 twelve and eleven months
  before, mass incidents +9 ten months before;
- D017: unlawful petitions +8 and +12 seven and six months before, individual extreme incidents
  (个体极端事件) +4 five months before.

The severe indicators are watched by EARS C1 (α = 0.02). All of it lies at least five months back,
so a backtest of the months before can judge it (an event needs the three months after its
origins).

Matters (received yesterday, so the daily scan of yesterday finds them):

- 12 property-fee matters (物业服务收费) at BZ0101, a unit that otherwise has few;
- 4 unpaid-wage matters (拖欠工资) at one building site of BZ0201 within the repeat window.
"""

from __future__ import annotations

import datetime as dt
from typing import IO, Any

from django.utils import timezone

from pingan.accounts.models import User
from pingan.core.access.actor import actor_for_user, job_actor
from pingan.core.jobs import run_owed_jobs
from pingan.matters.actions import intake
from pingan.warnings.actions import lifecycle
from pingan.warnings.models import Status, Warning
from pingan.warnings.watch_matters import scan_matters

FIGURE_OUTBREAKS = [
    # unit, indicator, months before the newest history month, added count
    ("BZ03", "admin_litigation", 9, 12),
    ("BZ03", "admin_litigation", 8, 18),
    ("BZ03", "mass_incident", 7, 6),
    ("BZ06", "petition_unlawful", 12, 8),
    ("BZ06", "petition_unlawful", 11, 12),
    ("BZ06", "mass_incident", 10, 9),
    ("D017", "petition_unlawful", 7, 8),
    ("D017", "petition_unlawful", 6, 12),
    ("D017", "extreme_incident", 5, 4),
]
MATTER_OUTBREAK = ("BZ0101", "property_fee", 12)
REPEAT_OUTBREAK = ("BZ0201", "labour_wages", "滨北工业园3号工地（演示）", 4)


def with_outbreaks(
    rows: list[tuple[str, str, str, int]], history: list[str]
) -> list[tuple[str, str, str, int]]:
    """The seeded figure rows with the documented outbreaks added."""
    extra = {
        (unit, code, history[-1 - back]): added for unit, code, back, added in FIGURE_OUTBREAKS
    }
    return [(u, c, p, v + extra.get((u, c, p), 0)) for u, c, p, v in rows]


def build(*, out: IO[str], **_: Any) -> None:
    """Inject the matter outbreaks, scan yesterday, and walk some warnings to a verdict. Idempotent.

    The figures and index watches ran as the jobs the approvals and stored quarters owed (the
    scores builder ran them); only the matter scan of yesterday is run here.
    """
    if Warning.objects.filter(source="matters").exists():
        out.write("warnings: %d demo warnings already present\n" % Warning.objects.count())
        return
    now = timezone.now()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    centre = _actor("dispatcher")
    if centre is None:
        out.write("warnings: demo accounts missing, no matter outbreak\n")
        return
    run_owed_jobs()  # the figures and index watches the approvals and stored quarters owe
    _matter_outbreaks(centre, yesterday)
    scan_matters(actor=job_actor("demo"), day=yesterday, now=now)
    _walk(now)
    counts = {status: Warning.objects.filter(status=status).count() for status in Status.values}
    out.write(
        "warnings: %d warnings (%s)\n"
        % (Warning.objects.count(), ", ".join("%s %d" % kv for kv in counts.items() if kv[1]))
    )


def _actor(username: str) -> Any:
    user = User.objects.filter(username=username).first()
    return actor_for_user(user, channel="cli", source="demo") if user else None


def _matter_outbreaks(centre: Any, day: dt.date) -> None:
    """The documented matters, received through the intake service on `day`."""
    unit, category, count = MATTER_OUTBREAK
    for i in range(count):
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time(8 + i % 10, 5 * i % 60)))
        intake.intake_matter(
            actor=centre, category_code=category, grade_level=3,
            description="业主反映物业服务收费上涨，集中投诉（演示数据）", place_unit_code=unit,
            channel="phone", now=moment,
        )  # fmt: skip
    unit, category, address, count = REPEAT_OUTBREAK
    for k in range(count):
        moment = timezone.make_aware(
            dt.datetime.combine(day - dt.timedelta(days=7 * (count - 1 - k)), dt.time(10))
        )
        intake.intake_matter(
            actor=centre, category_code=category, grade_level=2,
            description="工地务工人员再次反映工资被拖欠（演示数据）", place_unit_code=unit,
            address=address, channel="visit", now=moment,
        )  # fmt: skip


def _walk(now: dt.datetime) -> None:
    """The office works some warnings: those on the figure outbreaks' series are closed as confirmed, the two
    oldest index warnings as a false alarm and as unverified; the next index warning is answered
    and the one after acknowledged. The two matter warnings stay delivered."""
    office = _actor("analyst")
    if office is None:
        return
    delivered = list(
        Warning.objects.filter(status=Status.DELIVERED)
        .select_related("unit")
        .order_by("raised_at", "pk")
    )
    outbreaks = {(unit, code) for unit, code, _back, _added in FIGURE_OUTBREAKS}
    confirmed = [w for w in delivered if (w.unit.code, w.series_key) in outbreaks]
    index = [w for w in delivered if w.source == "index"]
    plan = [(w, "confirmed") for w in confirmed]
    plan += list(zip(index[:2], ["false_alarm", "unverifiable"], strict=False))
    for warning, verdict in plan:
        lifecycle.acknowledge(actor=office, warning_id=warning.pk, now=now)
        lifecycle.respond(
            actor=office, warning_id=warning.pk, measures="已督促属地核查处置（演示）", now=now
        )
        lifecycle.close(actor=office, warning_id=warning.pk, verdict=verdict, now=now)
    if len(index) > 2:
        lifecycle.acknowledge(actor=office, warning_id=index[2].pk, now=now)
        lifecycle.respond(
            actor=office, warning_id=index[2].pk, measures="已约谈相关负责人（演示）", now=now
        )
    if len(index) > 3:
        lifecycle.acknowledge(actor=office, warning_id=index[3].pk, now=now)
