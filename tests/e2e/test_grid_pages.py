"""Pages of a larger entry grid in real Chromium: a value typed just before moving to the next
page, or before searching for a unit, is saved first and is there when the clerk comes back."""

from __future__ import annotations

import pytest

from pingan.reporting import grid
from tests.conftest import TEST_PASSWORD
from tests.e2e.test_entry_grid import INDICATOR, petitions  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db(transaction=True)


def cell(page, unit: str):
    return page.tab.locator("input[name='v:%s:%s']" % (unit, INDICATOR))


def window_text(page) -> str:
    return page.tab.inner_text("[data-testid=grid-window]")


def test_values_typed_before_moving_between_pages_are_kept(page_factory, petitions, monkeypatch):  # noqa: F811
    monkeypatch.setattr(grid, "CELLS_PER_PAGE", 40)  # 40 units a page: 108 units on 3 pages
    units, draft = petitions
    url = "/reporting/s/%d/" % draft.pk
    clerk = page_factory()
    clerk.login("clerk1", TEST_PASSWORD)
    clerk.go(url)
    assert window_text(clerk) == "第 1–40 个单位，共 108 个（第 1 页，共 3 页）"

    cell(clerk, units[39]).fill("77")  # the last row of page 1, then straight to the next page
    with clerk.tab.expect_navigation():
        clerk.tab.click("a[rel=next]")
    clerk.tab.wait_for_load_state("networkidle")
    assert window_text(clerk) == "第 41–80 个单位，共 108 个（第 2 页，共 3 页）"

    cell(clerk, units[40]).fill("66")  # then search for the first unit at once
    clerk.tab.fill("#grid-query", units[0])
    with clerk.tab.expect_navigation():
        clerk.tab.click("[data-testid=grid-pages] button[type=submit]")
    clerk.tab.wait_for_load_state("networkidle")
    assert cell(clerk, units[0]).count() == 1 and cell(clerk, units[40]).count() == 0

    clerk.go(url + "?page=1")
    assert cell(clerk, units[39]).input_value() == "77"
    clerk.go(url + "?page=2")
    assert cell(clerk, units[40]).input_value() == "66"
    assert clerk.errors == [] and clerk.outside == []
