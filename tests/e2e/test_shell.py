"""The shell in a real browser: sign-in, home per role, language switch, phone width, no outside host."""

from __future__ import annotations

import pytest

from tests.conftest import TEST_PASSWORD


@pytest.mark.django_db(transaction=True)
def test_sign_in_home_and_language_switch(page_factory, make_user, demo_units):
    make_user("analyst", username="ana")
    page = page_factory()
    page.login("ana", TEST_PASSWORD)
    assert page.tab.inner_text("h1").startswith("欢迎")
    page.shot("home-analyst-zh-1366")
    page.tab.click("button[name=language][value=en]")
    page.tab.wait_for_load_state("networkidle")
    assert page.tab.inner_text("h1").startswith("Welcome")
    page.go("/units/")
    assert page.tab.locator("table tbody tr").count() == 100
    page.shot("units-en-1366")
    assert page.errors == []
    assert page.outside == []


@pytest.mark.django_db(transaction=True)
def test_phone_width_has_a_working_menu(page_factory, make_user, demo_units):
    make_user("clerk", username="cl", body="police")
    page = page_factory(width=375, height=740)
    page.login("cl", TEST_PASSWORD)
    assert not page.tab.is_visible("#mainnav")
    page.tab.click(".navbar-toggler")
    page.tab.wait_for_selector("#mainnav.show")
    assert page.tab.is_visible("text=退出")
    page.shot("home-clerk-zh-375")
    assert page.errors == []
    assert page.outside == []


@pytest.mark.django_db(transaction=True)
def test_wrong_password_is_refused_in_the_browser(page_factory, make_user, demo_units):
    make_user("leader", username="boss")
    page = page_factory()
    page.login("boss", "not-the-password")
    assert "用户名或密码错误" in page.tab.inner_text(".alert-danger")
    assert page.errors == []
