"""Fixtures of the bulletin tests: stored results of 2026Q3 and actors of the workflow."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.bulletins.factory import store_run

PERIOD = "2026Q3"


def require_tool(name: str) -> None:
    """Skip when a system tool is missing, unless PINGAN_REQUIRE_SYSTEM_TOOLS=1 (then fail)."""
    if shutil.which(name):
        return
    if os.environ.get("PINGAN_REQUIRE_SYSTEM_TOOLS") == "1":
        pytest.fail("%s is required (PINGAN_REQUIRE_SYSTEM_TOOLS=1) but not installed" % name)
    pytest.skip("%s is not installed" % name)


@pytest.fixture
def scored(demo_units):
    """The current run of 2026Q3, stored directly."""
    return store_run(PERIOD)


@pytest.fixture
def staff(make_user, actor_of):
    """Actors of the analyst, the office head and the leader."""
    return {role: actor_of(make_user(role)) for role in ("analyst", "office_head", "leader")}
