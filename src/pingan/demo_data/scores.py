"""Demo: do the owed recomputations, so every quarter of the demo city's approved figures is scored."""

from __future__ import annotations

from typing import IO, Any

from pingan.accounts.actor import command_line_actor
from pingan.core.jobs import run_owed_jobs
from pingan.scores.boundaries import load_demo_boundaries
from pingan.scores.models import ScoreRun


def build(*, out: IO[str], **_context: Any) -> None:
    """Run the jobs the approvals left owed (recomputations), then load the schematic boundaries."""
    jobs = run_owed_jobs()
    quarters = ScoreRun.objects.filter(is_current=True).values("period").distinct().count()
    out.write("scores: %d owed jobs run, %d quarters scored\n" % (jobs, quarters))
    out.write(
        "scores: %d schematic unit boundaries loaded\n" % load_demo_boundaries(command_line_actor())
    )
