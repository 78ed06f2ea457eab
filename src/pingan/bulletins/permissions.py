"""Who may read, draft and issue quarterly bulletins."""

from pingan.core.access.permissions import READ_ALL
from pingan.core.access.roles import Role

ACTIONS = {
    "bulletins.view": READ_ALL,
    "bulletins.draft": frozenset({Role.ANALYST, Role.OFFICE_HEAD}),
    "bulletins.issue": frozenset({Role.OFFICE_HEAD}),
    "bulletins.render": READ_ALL | {Role.SYSTEM_ADMIN},
}
