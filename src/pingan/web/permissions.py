"""Actions of the shell itself."""

from pingan.accounts.roles import Role

ACTIONS = {"home.view": frozenset(Role)}
