"""Actions of the shell itself."""

from pingan.accounts.roles import Role

ACTIONS = {
    "session.end": frozenset(Role),
    "password.change": frozenset(Role),
}
