"""Who may read, draft and issue quarterly bulletins."""

from pingan.accounts.permissions import READ_ALL
from pingan.accounts.roles import Role

ACTIONS = {
    "bulletins.view": READ_ALL,
    "bulletins.draft": frozenset({Role.ANALYST, Role.OFFICE_HEAD}),
    "bulletins.issue": frozenset({Role.OFFICE_HEAD}),
    "bulletins.render": READ_ALL | {Role.SYSTEM_ADMIN},
}
