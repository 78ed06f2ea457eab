"""Actions of the shell itself."""

from pingan.core.access.roles import Role

ACTIONS = {"home.view": frozenset(Role)}
