"""Demo scores: the owed recomputations done, and schematic boundaries of the class-A units."""

from __future__ import annotations

import json
from typing import IO, Any

from pingan.core.access.actor import Actor, command_line_actor
from pingan.core.jobs import run_owed_jobs
from pingan.demo_data.boundaries import demo_feature_collection
from pingan.scores.boundaries import upload_boundaries
from pingan.scores.models import ScoreRun, UnitBoundary
from pingan.units.models import OrgUnit


def build(*, out: IO[str], **_context: Any) -> None:
    """Run the jobs the approvals left owed (recomputations), then load the schematic boundaries."""
    jobs = run_owed_jobs()
    quarters = ScoreRun.objects.filter(is_current=True).values("period").distinct().count()
    out.write("scores: %d owed jobs run, %d quarters scored\n" % (jobs, quarters))
    out.write(
        "scores: %d schematic unit boundaries loaded\n" % load_demo_boundaries(command_line_actor())
    )


def load_demo_boundaries(actor: Actor) -> int:
    """Load the demo city's schematic boundaries of its class-A units (idempotent)."""
    codes = set(OrgUnit.objects.filter(eval_class="A").values_list("code", flat=True))
    collection = demo_feature_collection(sorted(codes))
    if UnitBoundary.objects.filter(unit__code__in=codes).count() == len(codes):
        return 0
    return upload_boundaries(actor=actor, data=json.dumps(collection).encode("utf-8"))
