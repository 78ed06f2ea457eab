"""Reactions of warnings to other apps' events: each owes a scan (`tasks`).

Approved figures owe the figures watch, a stored quarter's scores owe the index watch (due when
the quarter is final), and each matters tick owes the daily matter scan and the escalation check.
"""

from pingan.core import events
from pingan.warnings import tasks

SUBSCRIPTIONS = {
    events.FIGURES_CHANGED: [tasks.figures_changed],
    events.SCORES_STORED: [tasks.scores_stored],
    events.MATTERS_TICKED: [tasks.matters_ticked],
}
