"""Finding the optional modules by which each pingan app plugs into the shell (ADR 0001)."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from types import ModuleType


def optional_module(dotted: str) -> ModuleType | None:
    """Import `dotted`, or return None when that module (not one it imports) does not exist."""
    try:
        return importlib.import_module(dotted)
    except ModuleNotFoundError as exc:
        if exc.name != dotted:
            raise
        return None


def app_modules(name: str) -> Iterator[tuple[str, ModuleType]]:
    """Yield (app label, module) for every installed pingan app that has a module `name`."""
    from django.apps import apps

    for config in apps.get_app_configs():
        if config.name.startswith("pingan."):
            module = optional_module(config.name + "." + name)
            if module is not None:
                yield config.label, module
