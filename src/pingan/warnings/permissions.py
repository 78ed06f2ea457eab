"""Who may see and work warnings and the problem register.

The office (analysts, the head) sees and works everything; leaders read everything; a unit's
viewers see, acknowledge and answer the warnings of their unit and the units below it; the
centre's dispatchers read warnings (repeated matters are theirs to step into). Raising,
delivering and escalating are done by the system's jobs.
"""

from pingan.core.access.permissions import READ_ALL
from pingan.core.access.roles import Role

OFFICE = frozenset({Role.ANALYST, Role.OFFICE_HEAD})

ACTIONS = {
    "warnings.view": READ_ALL | {Role.UNIT_VIEWER, Role.DISPATCHER},
    "warnings.acknowledge": OFFICE | {Role.UNIT_VIEWER},
    "warnings.respond": OFFICE | {Role.UNIT_VIEWER},
    "warnings.close": OFFICE,
    "warnings.rate": READ_ALL,
    "warnings.export": READ_ALL,
    "warnings.raise": frozenset({Role.SYSTEM_ADMIN}),
    "warnings.problems_view": READ_ALL | {Role.UNIT_VIEWER},
    "warnings.problems_open": OFFICE,
    "warnings.problems_note": OFFICE | {Role.UNIT_VIEWER},
    "warnings.problems_resolve": OFFICE,
}
