"""Account models."""

from pingan.accounts.models.tokens import ApiToken, token_digest
from pingan.accounts.models.users import RoleAssignment, User

__all__ = ["ApiToken", "RoleAssignment", "User", "token_digest"]
