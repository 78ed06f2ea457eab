"""The shared confirmation dialog in a real browser: cancel keeps, confirm submits, keyboard only."""

from __future__ import annotations

import pytest

from pingan.accounts.models import RoleAssignment
from tests.conftest import TEST_PASSWORD


def _patient(page):
    """A loaded machine may take long over the first request (it imports every app)."""
    page.tab.set_default_timeout(120_000)
    return page


@pytest.mark.django_db(transaction=True)
def test_cancel_keeps_the_role_and_confirm_revokes_it(page_factory, make_user, demo_units):
    make_user("security_admin", username="sec")
    make_user("analyst", username="ana")
    page = _patient(page_factory())
    page.login("sec", TEST_PASSWORD)
    page.go("/accounts/")
    before = RoleAssignment.objects.count()
    dialog = page.tab.locator("#pingan-confirm")
    revoke = page.tab.locator("tr", has_text="ana").locator("form[action*='revoke'] button")
    revoke.click()
    assert dialog.is_visible()
    assert dialog.get_attribute("aria-labelledby") == "pingan-confirm-title"
    assert page.tab.inner_text("#pingan-confirm-title") == "请确认"
    assert page.tab.inner_text("#pingan-confirm-text") == "吊销 ana 的角色 维稳办分析员？"
    assert page.tab.evaluate("document.activeElement.hasAttribute('data-confirm-cancel')")
    page.shot("confirm-dialog-zh-1366")
    page.tab.click("[data-confirm-cancel]")
    assert not dialog.is_visible()
    assert RoleAssignment.objects.count() == before
    # Keyboard only: Enter on the focused button opens it, Esc cancels, Tab stays inside.
    revoke.focus()
    page.tab.keyboard.press("Enter")
    assert dialog.is_visible()
    page.tab.keyboard.press("Tab")
    assert page.tab.evaluate("document.activeElement.hasAttribute('data-confirm-ok')")
    page.tab.keyboard.press("Tab")
    assert page.tab.evaluate("document.activeElement.hasAttribute('data-confirm-cancel')")
    page.tab.keyboard.press("Escape")
    assert not dialog.is_visible()
    assert RoleAssignment.objects.count() == before
    revoke.focus()
    page.tab.keyboard.press("Enter")
    page.tab.keyboard.press("Tab")
    assert page.tab.inner_text("#pingan-confirm [data-confirm-ok]") == "吊销"
    with page.tab.expect_navigation():
        page.tab.keyboard.press("Enter")
    page.tab.wait_for_load_state("networkidle")
    assert RoleAssignment.objects.count() == before - 1
    assert not RoleAssignment.objects.filter(user__username="ana").exists()
    assert page.errors == []
    assert page.outside == []


@pytest.mark.django_db(transaction=True)
def test_the_dialog_speaks_english(page_factory, make_user, demo_units):
    make_user("security_admin", username="sec")
    make_user("analyst", username="ana")
    page = _patient(page_factory(language="en-GB"))
    page.login("sec", TEST_PASSWORD)
    page.tab.click("button[name=language][value=en]")
    page.tab.wait_for_load_state("networkidle")
    page.go("/accounts/")
    page.tab.locator("tr", has_text="ana").locator("form[action*='revoke'] button").click()
    assert page.tab.inner_text("#pingan-confirm-title") == "Please confirm"
    assert (
        page.tab.inner_text("#pingan-confirm-text")
        == "Revoke the role Stability-office analyst from ana?"
    )
    assert page.tab.inner_text("#pingan-confirm [data-confirm-cancel]") == "Cancel"
    assert page.tab.inner_text("#pingan-confirm [data-confirm-ok]") == "Revoke"
    page.tab.keyboard.press("Escape")
    assert page.errors == []
