"""Actions on accounts: managing them, viewing them, and one's own session and password."""

from pingan.core.access.roles import Role

ACTIONS: dict[str, frozenset[str]] = {
    "accounts.manage": frozenset({Role.SECURITY_ADMIN}),
    "accounts.bootstrap": frozenset({Role.SYSTEM_ADMIN}),
    "accounts.view": frozenset({Role.SECURITY_ADMIN}),
    "session.end": frozenset(Role),
    "password.change": frozenset(Role),
    # Issue or revoke another user's personal API token (the server's command line acts as the
    # system administrator); everyone may issue and revoke their own.
    "accounts.tokens": frozenset({Role.SECURITY_ADMIN, Role.SYSTEM_ADMIN}),
}
