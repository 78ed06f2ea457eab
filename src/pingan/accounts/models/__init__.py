"""Account models."""

from pingan.accounts.models.passwords import PasswordHistory
from pingan.accounts.models.sessions import EndedSession
from pingan.accounts.models.tokens import ApiCredential, CredentialKind, token_digest
from pingan.accounts.models.users import RoleAssignment, User

__all__ = [
    "ApiCredential",
    "CredentialKind",
    "EndedSession",
    "PasswordHistory",
    "RoleAssignment",
    "User",
    "token_digest",
]
