"""Demo matters: about 200 synthetic matters over the last months, in every state, through the services."""

from __future__ import annotations

import datetime as dt
from typing import IO, Any

import numpy as np
from django.utils import timezone

from pingan.accounts.models import User
from pingan.accounts.services import create_user, grant_role
from pingan.core.access.actor import Actor, Grant, actor_for_user, job_actor
from pingan.core.access.roles import Role
from pingan.demo_data.accounts import DEMO_PASSWORD
from pingan.matters.actions import catalogue, deadlines, intake, summaries, workflow
from pingan.matters.models import Category, Matter
from pingan.matters.selectors import active_categories
from pingan.units.models import OrgUnit

SEED = 20260311
TARGET = 200
DAYS_BACK = 120

COUNTY_HANDLERS = [
    ("handler02", "BZ02"),
    ("handler03", "BZ03"),
    ("handler04", "BZ04"),
    ("handler05", "BZ05"),
]
DESCRIPTIONS = {
    "neighbour": "相邻住户因噪音、通行等问题发生争执，需要调解（演示数据）",
    "property": "业主与物业公司就服务收费和维修责任发生争议（演示数据）",
    "labour": "务工人员反映工资未按时足额发放（演示数据）",
    "land": "村民之间就承包地边界发生纠纷（演示数据）",
    "family": "家庭成员就赡养和抚养问题发生矛盾（演示数据）",
    "consumer": "消费者与商家就商品质量和退换货发生争议（演示数据）",
    "other": "群众反映的其他矛盾纠纷（演示数据）",
}


def build(*, history: list[str], live: str, version: Any, out: IO[str], **_: Any) -> None:
    """Create the demo matters once; a second run finds them and does nothing."""
    catalogue.ensure_defaults()
    if Matter.objects.count() >= TARGET:
        out.write("matters: %d demo matters already present\n" % Matter.objects.count())
        return
    dispatcher = _user_actor("dispatcher")
    handlers = _handlers()
    if dispatcher is None or not handlers:
        out.write("matters: demo accounts missing, no matters created\n")
        return
    rng = np.random.default_rng(SEED)
    now = timezone.now()
    categories = list(active_categories())
    places = {code: list(OrgUnit.objects.filter(parent__code=code)) for code in handlers}
    for i in range(TARGET - Matter.objects.count()):
        _one_matter(i, rng, now, dispatcher, handlers, categories, places)
    deadlines.flag_overdue(actor=job_actor("demo"), now=now)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    summaries.generate_daily_summary(actor=dispatcher, day=yesterday)
    out.write("matters: %d demo matters\n" % Matter.objects.count())


def _user_actor(username: str) -> Actor | None:
    user = User.objects.filter(username=username).first()
    return actor_for_user(user, channel="cli", source="demo") if user else None


def _handlers() -> dict[str, tuple[User, Actor]]:
    """The demo handler of BZ01 and one handler per further county (created through the services)."""
    security_user = User.objects.filter(username="secadmin").first()
    if security_user is None:
        return {}
    security = Actor(
        user=security_user, grants=(Grant(role=Role.SECURITY_ADMIN),), channel="cli", source="demo"
    )
    found: dict[str, tuple[User, Actor]] = {}
    first = User.objects.filter(username="handler").first()
    if first is not None:
        found["BZ01"] = (first, actor_for_user(first, channel="web", source="demo"))
    for username, unit_code in COUNTY_HANDLERS:
        unit = OrgUnit.objects.filter(code=unit_code).first()
        if unit is None:
            continue
        user = User.objects.filter(username=username).first()
        if user is None:
            user = create_user(
                actor=security,
                username=username,
                password=DEMO_PASSWORD,
                display_name=unit.name_zh + "调解员",
            )
        if not user.assignments.filter(role=Role.HANDLER, unit=unit).exists():  # type: ignore[attr-defined]
            grant_role(actor=security, user=user, role=Role.HANDLER, unit_id=unit.pk)
        found[unit_code] = (user, actor_for_user(user, channel="web", source="demo"))
    return found


def _one_matter(
    i: int,
    rng: np.random.Generator,
    now: dt.datetime,
    centre: Actor,
    handlers: dict[str, tuple[User, Actor]],
    categories: list[Category],
    places: dict[str, list[OrgUnit]],
) -> None:
    county = sorted(handlers)[int(rng.integers(len(handlers)))]
    place = (
        places[county][int(rng.integers(len(places[county])))]
        if places[county]
        else OrgUnit.objects.get(code=county)
    )
    category = categories[int(rng.integers(len(categories)))]
    start = now - dt.timedelta(days=float(rng.uniform(0.2, DAYS_BACK)))
    channel = str(rng.choice(["web", "phone", "visit"]))
    matter = intake.intake_matter(
        actor=centre, category_code=category.code, grade_level=int(rng.choice([1, 2, 3, 3, 3])),
        description=DESCRIPTIONS[category.group.code], place_unit_code=place.code,
        channel=channel, ticket_number="12345-%05d" % i if channel == "phone" else "",
        parties="当事人甲、当事人乙（虚构）",
        party_contact="1390000%04d" % i, reporter_name="报告人%d" % i, reporter_phone="1380000%04d" % i,
        reporter_confidential=bool(rng.random() < 0.1), now=start,
    )  # fmt: skip
    _progress(matter, rng, now, centre, handlers[county], start)


def _progress(
    matter: Matter,
    rng: np.random.Generator,
    now: dt.datetime,
    centre: Actor,
    handler: tuple[User, Actor],
    start: dt.datetime,
) -> None:
    """Walk the matter some way along the loop, each step a little later, never past now."""
    fate = float(rng.random())
    clock = [start]

    def later(hours: float) -> dt.datetime | None:
        moment = clock[0] + dt.timedelta(hours=hours)
        if moment >= now:
            return None
        clock[0] = moment
        return moment

    if fate < 0.04:
        if at := later(2):
            workflow.reject(
                actor=centre, matter_id=matter.pk, reason="属于法院诉讼受理范围（演示）", now=at
            )
        return
    if fate < 0.07:
        return  # still waiting at the centre to be dispatched
    user, actor = handler
    unit_id = user.assignments.get(role=Role.HANDLER).unit_id  # type: ignore[attr-defined]
    assert unit_id is not None
    if not (at := later(float(rng.uniform(0.5, 6)))):
        return
    workflow.dispatch(
        actor=centre, matter_id=matter.pk, unit_id=unit_id, handler_id=user.pk, now=at
    )
    if fate < 0.11:
        return  # left unsigned: becomes overdue as time passes
    if fate < 0.15 and (at := later(3)):
        workflow.return_dispatch(
            actor=actor, matter_id=matter.pk, reason="不属于本单位职责（演示）", now=at
        )
        if not (at := later(2)):
            return
        workflow.redispatch(
            actor=centre,
            matter_id=matter.pk,
            unit_id=unit_id,
            handler_id=user.pk,
            reason="核实后重新交办（演示）",
            now=at,
        )
    if not (at := later(float(rng.uniform(1, 40)))):
        return
    workflow.sign_for(actor=actor, matter_id=matter.pk, now=at)
    if fate < 0.21:
        return
    if at := later(float(rng.uniform(1, 24))):
        workflow.start_work(actor=actor, matter_id=matter.pk, now=at)
    if not (at := later(float(rng.uniform(24, 24 * 12)))):
        return
    outcome = "resolved" if rng.random() < 0.85 else "partly"
    workflow.give_feedback(
        actor=actor, matter_id=matter.pk, account="已组织双方调解（演示）", outcome=outcome, now=at
    )
    if not (at := later(float(rng.uniform(2, 48)))):
        return
    workflow.review(actor=centre, matter_id=matter.pk, accept=True, now=at)
    if fate < 0.5 or not (at := later(float(rng.uniform(24, 24 * 7)))):
        return
    satisfaction = int(rng.choice([3, 4, 4, 5, 5, 5]))
    workflow.follow_up(
        actor=centre,
        matter_id=matter.pk,
        satisfaction=satisfaction,
        resolved=outcome == "resolved",
        now=at,
    )
    if fate > 0.85 and (at := later(24)):
        workflow.archive(actor=centre, matter_id=matter.pk, now=at)
