"""Helpers shared by the command-line modules of every app."""

from __future__ import annotations

import argparse


def add_format(parser: argparse.ArgumentParser, default: str = "csv") -> None:
    """Add the --format and -o options of export commands."""
    parser.add_argument("--format", choices=["csv", "xlsx", "json"], default=default)
    parser.add_argument("-o", "--output", help="file to write (default: standard output)")
