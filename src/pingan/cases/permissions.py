"""Who may do what with matters."""

from pingan.accounts.permissions import READ_ALL
from pingan.accounts.roles import Role

CENTRE = frozenset({Role.DISPATCHER})

ACTIONS = {
    "cases.view": frozenset({Role.DISPATCHER, Role.HANDLER}),
    "cases.intake": frozenset({Role.DISPATCHER, Role.HANDLER}),
    "cases.dispatch": CENTRE,
    "cases.review": CENTRE,
    "cases.handle": frozenset({Role.HANDLER}),
    "cases.personal": frozenset({Role.DISPATCHER, Role.HANDLER}),
    "cases.stats": READ_ALL | CENTRE,
    "cases.summary": READ_ALL | CENTRE,
    "cases.index_submit": frozenset({Role.CLERK}),
    "cases.configure": frozenset({Role.SYSTEM_ADMIN}),
    "cases.apikeys": frozenset({Role.SYSTEM_ADMIN}),
    "cases.jobs": frozenset({Role.SYSTEM_ADMIN}),
}
