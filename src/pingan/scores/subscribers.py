"""Reactions of scores to other apps' events: each change owes a recomputation (`tasks`)."""

from pingan.core import events
from pingan.scores import tasks

SUBSCRIPTIONS = {
    events.FIGURES_CHANGED: [tasks.figures_changed],
    events.SCHEME_CHANGED: [tasks.inputs_of_computed_quarters_changed],
    events.COVARIATES_CHANGED: [tasks.inputs_of_computed_quarters_changed],
}
