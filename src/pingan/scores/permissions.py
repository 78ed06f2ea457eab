"""Who may see and compute scores."""

from pingan.core.access.permissions import READ_ALL
from pingan.core.access.roles import Role

ACTIONS = {
    "scores.view": READ_ALL | {Role.UNIT_VIEWER},
    "scores.compute": frozenset({Role.ANALYST, Role.SYSTEM_ADMIN}),
    "scores.domains": READ_ALL,
    "scores.export": READ_ALL | {Role.SYSTEM_ADMIN},
    "scores.mark": frozenset({Role.ANALYST, Role.OFFICE_HEAD}),
    "scores.boundaries": frozenset({Role.ANALYST, Role.SYSTEM_ADMIN}),
    # what-if: the office tries a changed scheme; the system administrator, who loads schemes, too
    # 星级发布: publishing a quarter's star list to the public is the office head's decision
    "scores.publish_stars": frozenset({Role.OFFICE_HEAD}),
    "scores.whatif": frozenset({Role.ANALYST, Role.OFFICE_HEAD, Role.SYSTEM_ADMIN}),
}
