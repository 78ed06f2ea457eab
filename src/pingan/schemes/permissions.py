"""Who may read and load schemes."""

from pingan.core.access.permissions import READ_ALL
from pingan.core.access.roles import Role

ACTIONS = {
    "schemes.view": READ_ALL
    | {Role.SYSTEM_ADMIN, Role.CLERK, Role.REVIEWER, Role.APPROVER, Role.UNIT_VIEWER},
    "schemes.load": frozenset({Role.SYSTEM_ADMIN}),
}
