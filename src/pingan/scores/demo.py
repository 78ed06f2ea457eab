"""Demo: compute every quarter of the demo city's approved figures."""

from __future__ import annotations

from typing import IO, Any

from pingan.accounts.actor import command_line_actor
from pingan.scores.boundaries import load_demo_boundaries
from pingan.scores.services import compute_all, periods_with_figures


def build(*, out: IO[str], **_context: Any) -> None:
    """Compute (or reuse) results for every quarter with approved figures."""
    runs = compute_all(actor=command_line_actor(), periods=periods_with_figures(), reason="demo")
    out.write("scores: %d quarters computed\n" % len(runs))
    out.write(
        "scores: %d schematic unit boundaries loaded\n" % load_demo_boundaries(command_line_actor())
    )
