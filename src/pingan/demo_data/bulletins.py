"""Demo: issue the bulletin of the last complete demo quarter, when it has results. Idempotent."""

from __future__ import annotations

from typing import IO, Any

from pingan.accounts.models import User
from pingan.bulletins.models import Bulletin, Status
from pingan.bulletins.services import create_draft, edit_text, issue
from pingan.core.access.actor import actor_for_user
from pingan.core.periods import quarter_of, shift_quarter
from pingan.scores.selectors import current_run

ANALYSIS = (
    "本季度全市社会稳定形势总体平稳，各县区、各部门的结果均按本类别比较。\n"
    "列入预警等级的单位主要集中在违法上访行为和安全责任事故两项指标，须引起高度重视。"
)
REQUIREMENTS = (
    "各单位要对照本通报查找问题，落实整改责任，于下季度首月10日前报送整改情况。\n"
    "列入红色、橙色预警的单位要制定专项工作方案，主要负责同志亲自研究部署。"
)


def last_complete_quarter(history: list[str], live: str) -> str:
    """The newest quarter whose three months are all in the approved history."""
    newest = quarter_of(history[-1])
    return newest if history[-1].endswith(("03", "06", "09", "12")) else shift_quarter(newest, -1)


def build(*, history: list[str], live: str, out: IO[str], **_context: Any) -> None:
    """Draft (as the demo analyst) and issue (as the demo office head) one bulletin; skip without results."""
    period = last_complete_quarter(history, live)
    if current_run(period) is None:
        return
    if Bulletin.objects.filter(period=period, status=Status.ISSUED).exists():
        out.write("bulletins: %s already issued\n" % period)
        return
    analyst = User.objects.filter(username="analyst").first()
    head = User.objects.filter(username="officehead").first()
    if analyst is None or head is None:
        return
    writer = actor_for_user(analyst, channel="cli", source="demo")
    draft = create_draft(actor=writer, period=period)
    edit_text(actor=writer, bulletin_id=draft.pk, analysis=ANALYSIS, requirements=REQUIREMENTS)
    issued = issue(actor=actor_for_user(head, channel="cli", source="demo"), bulletin_id=draft.pk)
    out.write("bulletins: %s issued as %s\n" % (period, issued.doc_number))
