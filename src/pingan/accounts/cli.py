"""`pingan accounts token create|list|revoke`: personal API tokens from the server's command line."""

from __future__ import annotations

import argparse
from typing import Any


def _user(username: str) -> Any:
    """The account named `username`; refused (exit status 1) when there is none."""
    # local import: models load after django.setup(), when the command runs
    from pingan.accounts.selectors import user_named
    from pingan.core.problems import InputRefused, Problem

    user = user_named(username)
    if user is None:
        raise InputRefused([Problem(None, "user", "no such user: %s" % username)])
    return user


def cmd_token_create(args: argparse.Namespace) -> int:
    """Issue a personal API token for a user and print it once."""
    # local import: models load after django.setup(), when the command runs
    from pingan.accounts.credentials import create_api_token
    from pingan.core.access.actor import command_line_actor

    token, raw = create_api_token(actor=command_line_actor(), user=_user(args.user), name=args.name)
    print("API token %d (%s) of %s, shown only now:" % (token.pk, token.name, args.user))
    print(raw)
    return 0


def cmd_token_list(args: argparse.Namespace) -> int:
    """List a user's personal API tokens (never the tokens themselves)."""
    # local import: models load after django.setup(), when the command runs
    from pingan.accounts.models import CredentialKind
    from pingan.accounts.selectors import credentials

    for token in credentials(CredentialKind.PERSONAL, user=_user(args.user)).order_by("pk"):
        state = "revoked %s" % token.revoked_at.date() if token.revoked_at else "active"
        print("%d\t%s…\t%s\t%s" % (token.pk, token.prefix, token.name, state))
    return 0


def cmd_token_revoke(args: argparse.Namespace) -> int:
    """Revoke one of a user's personal API tokens by its id."""
    # local import: models load after django.setup(), when the command runs
    from pingan.accounts.credentials import revoke_api_token
    from pingan.core.access.actor import command_line_actor

    token = revoke_api_token(actor=command_line_actor(), user=_user(args.user), token_id=args.id)
    print("API token %d (%s) revoked" % (token.pk, token.name))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `accounts token …` commands."""
    accounts = subparsers.add_parser("accounts", help="accounts").add_subparsers(
        dest="action", required=True
    )
    tokens = accounts.add_parser("token", help="personal API tokens").add_subparsers(
        dest="token_action", required=True
    )
    create = tokens.add_parser("create", help="issue a token for a user; it is shown only once")
    create.add_argument("--user", required=True, help="the username the token acts as")
    create.add_argument("--name", required=True, help="what the token is for (≤ 100 characters)")
    create.set_defaults(func=cmd_token_create)
    listing = tokens.add_parser("list", help="list a user's tokens (never the tokens)")
    listing.add_argument("--user", required=True)
    listing.set_defaults(func=cmd_token_list)
    revoke = tokens.add_parser("revoke", help="revoke a token by its id")
    revoke.add_argument("--user", required=True)
    revoke.add_argument("id", type=int)
    revoke.set_defaults(func=cmd_token_revoke)
