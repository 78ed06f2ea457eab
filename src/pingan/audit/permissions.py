"""Actions on the audit log: reading it, and verifying the chain."""

from pingan.core.access.roles import Role

ACTIONS = {
    "audit.read": frozenset({Role.AUDIT_ADMIN}),
    "audit.verify": frozenset({Role.AUDIT_ADMIN, Role.SYSTEM_ADMIN}),
}
