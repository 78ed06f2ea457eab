"""Who may read and change units and covariates."""

from pingan.core.access.permissions import READ_ALL
from pingan.core.access.roles import Role

ACTIONS = {
    "units.view": READ_ALL
    | {
        Role.SYSTEM_ADMIN,
        Role.CLERK,
        Role.REVIEWER,
        Role.APPROVER,
        Role.UNIT_VIEWER,
        Role.DISPATCHER,
        Role.HANDLER,
    },
    "units.import": frozenset({Role.SYSTEM_ADMIN}),
    "units.export": READ_ALL | {Role.SYSTEM_ADMIN},
    "covariates.import": frozenset({Role.SYSTEM_ADMIN}),
}
