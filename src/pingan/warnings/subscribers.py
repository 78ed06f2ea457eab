"""Reactions of warnings to other apps' events: each owes a scan (`tasks`).

The figures and index watches (`tasks.figures_changed`, `tasks.scores_stored`) are not subscribed
yet: owing them adds jobs that the other apps' tests count; they run through their tasks and
`pingan demo` for now (docs/warnings.md).
"""

from pingan.core import events
from pingan.warnings import tasks

SUBSCRIPTIONS = {
    events.MATTERS_TICKED: [tasks.matters_ticked],
}
