"""Which side of a file a role works on, and whether an actor's units cover it; the rule applied to a file."""

from __future__ import annotations

from pingan.assessments.config import load_rules
from pingan.assessments.models import Assessment, Dimension, Risk
from pingan.assessments.rule import Recommendation, RiskState, recommend
from pingan.core.access.actor import Actor
from pingan.core.access.roles import Role
from pingan.units.tree import ancestors

# Which side of the file each role works on: the proposing body or the assessing department.
SIDES = {
    Role.PROPOSER: "proposing_unit_id",
    Role.ASSESSOR: "assessing_unit_id",
    Role.DEPARTMENT_HEAD: "assessing_unit_id",
}


def in_scope(actor: Actor, assessment: Assessment, roles: tuple[str, ...]) -> bool:
    """Whether the actor holds one of `roles` for the unit of the assessment's side (or above it)."""
    for role in roles:
        unit_id = getattr(assessment, SIDES[Role(role)])
        held = actor.unit_ids(role)
        if held and held & {unit_id, *ancestors(unit_id)}:
            return True
    return False


def recommendation(assessment: Assessment) -> Recommendation:
    """The rule applied to the assessment as it stands."""
    legality = (
        assessment.findings.filter(dimension=Dimension.LEGALITY)
        .values_list("rating", flat=True)
        .first()
    )
    states = [
        RiskState(risk.residual_level, _measures_done(risk))
        for risk in Risk.objects.filter(assessment=assessment).prefetch_related(
            "measures__completion"
        )
    ]
    return recommend(load_rules(), legality or "", states)


def _measures_done(risk: Risk) -> bool:
    measures = list(risk.measures.all())
    return bool(measures) and all(hasattr(m, "completion") for m in measures)


def missing_dimensions(assessment: Assessment) -> list[str]:
    """The dimensions that have no findings yet."""
    present = set(assessment.findings.values_list("dimension", flat=True))
    return [d for d in Dimension.values if d not in present]
