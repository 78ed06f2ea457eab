"""In real Chromium the charts of a provisional quarter show the word 暂定 (title and watermark)."""

from __future__ import annotations

import datetime as dt

import pytest

from pingan.demo_data.scores import load_demo_boundaries
from pingan.scores import selectors
from tests.conftest import TEST_PASSWORD
from tests.scores.test_views import make_run


@pytest.mark.django_db(transaction=True)
def test_funnel_and_map_of_a_running_quarter_say_provisional(
    page_factory, demo_units, binzhou, make_user, system_actor, monkeypatch
):
    monkeypatch.setattr(selectors, "clock", lambda: dt.datetime(2026, 7, 3, tzinfo=dt.UTC))
    make_run(binzhou)
    load_demo_boundaries(system_actor)
    make_user("analyst", username="analyst1")
    page = page_factory()
    page.login("analyst1", TEST_PASSWORD)
    for path in ("/scores/funnel/", "/scores/map/"):
        page.go(path + "?quarter=2026Q2&class=A")
        texts = page.tab.locator("div[data-chart] svg text").all_text_contents()
        assert texts.count("暂定") == 2, (path, texts)
    assert page.errors == []
