"""Who may do what with risk assessments of major decisions."""

from pingan.core.access.permissions import READ_ALL
from pingan.core.access.roles import Role

WORKERS = frozenset({Role.PROPOSER, Role.ASSESSOR, Role.DEPARTMENT_HEAD})

ACTIONS = {
    "assessments.view": READ_ALL | WORKERS,
    "assessments.register": frozenset({Role.PROPOSER}),
    "assessments.attach": frozenset({Role.PROPOSER, Role.ASSESSOR}),
    "assessments.analyse": frozenset({Role.ASSESSOR}),
    "assessments.review": frozenset({Role.DEPARTMENT_HEAD}),
    "assessments.follow_up": frozenset({Role.PROPOSER, Role.ASSESSOR}),
    "assessments.stats": READ_ALL | frozenset({Role.DEPARTMENT_HEAD}),
    "assessments.export": READ_ALL | frozenset({Role.DEPARTMENT_HEAD, Role.SYSTEM_ADMIN}),
    "assessments.jobs": frozenset({Role.SYSTEM_ADMIN}),
}
