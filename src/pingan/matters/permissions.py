"""Who may do what with matters."""

from pingan.core.access.permissions import READ_ALL
from pingan.core.access.roles import Role

CENTRE = frozenset({Role.DISPATCHER})

ACTIONS = {
    "matters.view": frozenset({Role.DISPATCHER, Role.HANDLER}),
    "matters.intake": frozenset({Role.DISPATCHER, Role.HANDLER}),
    "matters.dispatch": CENTRE,
    "matters.review": CENTRE,
    "matters.handle": frozenset({Role.HANDLER}),
    "matters.personal": frozenset({Role.DISPATCHER, Role.HANDLER}),
    "matters.stats": READ_ALL | CENTRE,
    "matters.summary": READ_ALL | CENTRE,
    "matters.index_submit": frozenset({Role.CLERK}),
    "matters.configure": frozenset({Role.SYSTEM_ADMIN}),
    "matters.apikeys": frozenset({Role.SYSTEM_ADMIN}),
    "matters.jobs": frozenset({Role.SYSTEM_ADMIN}),
}
