"""Who may fill, sign, receive, read, import and export monthly figures.

Body roles (clerk, reviewer, approver) act only on their own body's submissions; the services
check that scope with `require_body`.
"""

from pingan.core.access.permissions import READ_ALL
from pingan.core.access.roles import Role

BODY_STAFF = frozenset({Role.CLERK, Role.REVIEWER, Role.APPROVER})

ACTIONS = {
    "reporting.view": READ_ALL | BODY_STAFF,
    "reporting.submissions": BODY_STAFF,
    "reporting.fill": frozenset({Role.CLERK}),
    "reporting.sign": frozenset({Role.REVIEWER, Role.APPROVER}),
    "reporting.review": frozenset({Role.REVIEWER}),
    "reporting.approve": frozenset({Role.APPROVER}),
    "reporting.return": frozenset({Role.REVIEWER, Role.APPROVER}),
    "reporting.receive": frozenset({Role.ANALYST}),
    "reporting.dashboard": READ_ALL,
    "reporting.remind": frozenset({Role.SYSTEM_ADMIN}),
    "figures.import": frozenset({Role.SYSTEM_ADMIN}),
    "figures.export": frozenset({Role.SYSTEM_ADMIN, Role.ANALYST}),
}
