"""Demo: risk assessments of major decisions in every state, one of each conclusion. Idempotent.

Made through the services as the demo proposer (滨城区), assessor and department head (the city)
would: a registered file, one under analysis, one under review, three concluded (implement,
postpone — with one measure done — and do not implement for now) and the postponed one
re-assessed to implement.
"""

from __future__ import annotations

import datetime as dt
from typing import IO, Any

from django.utils import timezone

from pingan.accounts.models import User
from pingan.assessments.actions import analysis, register, workflow
from pingan.assessments.models import Assessment, Dimension
from pingan.core.access.actor import Actor, actor_for_user

DECISIONS = [
    # title, category, implementing unit, affected, residual (likelihood, impact), stage
    ("滨城区老旧小区加装电梯实施方案", "livelihood", "BZ0101", ["BZ0101"], (1, 2), "registered"),
    ("市区公交线路优化调整方案", "policy", "BZ0102", ["BZ0101", "BZ0102"], (2, 2), "analysis"),
    ("城区集中供热价格调整", "decision", "BZ0101", ["BZ0101", "BZ0102"], (2, 3), "review"),
    ("滨城区农贸市场升级改造工程", "project", "BZ0102", ["BZ0102"], (1, 2), "implement"),
    ("旧城片区棚户区改造项目", "project", "BZ0101", ["BZ0101", "BZ0102"], (4, 3), "postpone"),
    ("区属国有企业改制方案", "reform", "BZ0102", ["BZ0102"], (5, 5), "not_implement"),
]
FINDINGS = {
    Dimension.LEGALITY: "决策事项符合有关法律法规和政策规定，审批程序完备。",
    Dimension.RATIONALITY: "兼顾了各方利益，补偿和保障标准与周边地区大体一致。",
    Dimension.FEASIBILITY: "资金来源落实，实施步骤清楚，时机总体成熟。",
    Dimension.CONTROLLABILITY: "主要风险已识别，防范化解措施明确，风险总体可控。",
    Dimension.ACCEPTANCE: "民意调查和听证会显示多数群众支持。",
}


def _actor(username: str) -> Actor | None:
    user = User.objects.filter(username=username).first()
    return actor_for_user(user, channel="cli", source="demo") if user else None


def _analyse(assessor: Actor, pk: int, residual: tuple[int, int], today: dt.date) -> None:
    analysis.start_analysis(actor=assessor, assessment_id=pk)
    analysis.save_findings(
        actor=assessor,
        assessment_id=pk,
        findings={d: (text, "satisfied") for d, text in FINDINGS.items()},
    )
    risk = analysis.add_risk(
        actor=assessor, assessment_id=pk, description="部分群众对补偿或收费标准有异议，可能引发集体上访",
        likelihood=4, impact=4, residual_likelihood=residual[0], residual_impact=residual[1],
    )  # fmt: skip
    for text, days in (("公开方案并逐户听取意见", -10), ("设立矛盾纠纷调解专班", 20)):
        analysis.add_measure(
            actor=assessor, assessment_id=pk, risk_id=risk.pk, description=text,
            owner_unit="BZ01", due_on=today + dt.timedelta(days=days),
        )  # fmt: skip
    analysis.add_consultation(
        actor=assessor, assessment_id=pk, kind="survey", held_on=today - dt.timedelta(days=30),
        method="入户问卷", participants=400, support=296, neutral=64, oppose=40,
    )  # fmt: skip
    analysis.add_consultation(
        actor=assessor, assessment_id=pk, kind="hearing", held_on=today - dt.timedelta(days=20),
        participants=25, summary="与会代表总体赞成，建议延长过渡期并公开补偿标准。",
    )  # fmt: skip


def build(*, out: IO[str], **_context: Any) -> None:
    """Register, analyse, report and conclude the demo decisions (skipped when they exist)."""
    if Assessment.objects.exists():
        out.write("assessments: already present\n")
        return
    proposer, assessor, head = _actor("proposer"), _actor("assessor"), _actor("depthead")
    if proposer is None or assessor is None or head is None:
        return
    today = timezone.localdate()
    for title, category, implementing, affected, residual, stage in DECISIONS:
        a = register.register(
            actor=proposer, title=title, category=category, proposing_unit="BZ01",
            implementing_unit=implementing, assessing_unit="BZ", affected_units=affected,
            expected_on=today + dt.timedelta(days=60),
        )  # fmt: skip
        if stage == "registered":
            continue
        _analyse(assessor, a.pk, residual, today)
        if stage == "analysis":
            continue
        workflow.submit_report(actor=assessor, assessment_id=a.pk)
        if stage == "review":
            continue
        a = workflow.approve(
            actor=head, assessment_id=a.pk, review_due=today + dt.timedelta(days=180)
        )
        if stage == "postpone":
            _reassess(a, proposer, assessor, head, today)
    out.write("assessments: %d files\n" % Assessment.objects.count())


def _reassess(a: Assessment, proposer: Actor, assessor: Actor, head: Actor, today: dt.date) -> None:
    """Complete the postponed file's measures and re-assess it: the rule now says implement."""
    for measure in a.measures.all():
        workflow.complete_measure(actor=proposer, measure_id=measure.pk, done_on=today)
    again = workflow.new_version(
        actor=assessor, assessment_id=a.pk, reason="防范化解措施已全部落实，重新评估"
    )
    workflow.submit_report(actor=assessor, assessment_id=again.pk)
    workflow.approve(actor=head, assessment_id=again.pk, review_due=today + dt.timedelta(days=180))
