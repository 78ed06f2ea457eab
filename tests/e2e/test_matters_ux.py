"""Matters in real Chromium: the intake offers the similar open matter, the whole loop by keyboard
alone, and list tables as cards at 375 px."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from pingan.core.access.actor import actor_for_user
from pingan.matters.actions import catalogue, intake
from pingan.matters.models import Matter, Status
from tests.conftest import TEST_PASSWORD

PHONE = {"width": 375, "height": 740}


@pytest.fixture
def people(demo_units, make_user):
    """The catalogue defaults, a dispatcher and a handler of BZ01."""
    catalogue.ensure_defaults()
    return {
        "dispatcher": make_user("dispatcher", username="centre1"),
        "handler": make_user("handler", unit="BZ01", username="handler_a"),
        "analyst": make_user("analyst", username="analyst_a"),
    }


def _open_matter(people, description: str, days_ago: float = 2) -> Matter:
    dispatcher = actor_for_user(people["dispatcher"], channel="web", source="test")
    return intake.intake_matter(
        actor=dispatcher, category_code="neighbour_noise", grade_level=2, description=description,
        place_unit_code="BZ0101", channel="phone",
        now=timezone.now() - dt.timedelta(days=days_ago),
    )  # fmt: skip


def focus_by_tab(page, selector: str, limit: int = 250) -> None:
    """Press Tab until the element matching `selector` has the focus (fails if it never does)."""
    for _i in range(limit):
        if page.tab.evaluate("s => document.activeElement.matches(s)", selector):
            return
        page.tab.keyboard.press("Tab")
    forms = page.tab.eval_on_selector_all("main form", "fs => fs.map(f => f.action)")
    pytest.fail(
        "%s cannot be reached with the Tab key on %s (forms: %s)" % (selector, page.tab.url, forms)
    )


def choose_by_keyboard(page, selector: str, value: str) -> None:
    """Reach a select with Tab and move to the option `value` with the arrow keys."""
    focus_by_tab(page, selector)
    values = page.tab.eval_on_selector(selector, "e => [...e.options].map(o => o.value)")
    for _i in range(values.index(value)):
        page.tab.keyboard.press("ArrowDown")
    assert page.tab.locator(selector).input_value() == value


def type_by_keyboard(page, selector: str, text: str) -> None:
    """Reach a field with Tab and type into it."""
    focus_by_tab(page, selector)
    page.tab.keyboard.type(text)


def press_button(page, selector: str, *, confirm: bool = False) -> None:
    """Reach a button with Tab and press Enter; with `confirm`, answer the confirmation dialog
    by keyboard too (Tab to its confirming button, Enter). Waits for the next page."""
    focus_by_tab(page, selector)
    with page.tab.expect_navigation(timeout=120_000):
        page.tab.keyboard.press("Enter")
        if confirm:
            page.tab.locator("dialog[open]").wait_for()
            focus_by_tab(page, "dialog[open] [data-confirm-ok]", limit=5)
            page.tab.keyboard.press("Enter")
    page.tab.wait_for_load_state("networkidle")


@pytest.mark.django_db(transaction=True)
def test_the_intake_offers_the_similar_open_matter(page_factory, people):
    original = _open_matter(people, "楼上深夜装修噪音（原始事项）")
    page = page_factory()
    page.login("centre1", TEST_PASSWORD)
    page.go("/matters/new/phone/")
    similar = page.tab.get_by_test_id("similar")
    assert similar.is_hidden()
    page.tab.select_option("#id_category", "neighbour_noise")
    page.tab.select_option("#id_place", "BZ0101")
    similar.wait_for(state="visible")
    assert similar.get_by_role("link").all_inner_texts() == [original.number]
    page.tab.select_option("#id_place", "BZ0102")
    similar.wait_for(state="hidden")
    assert page.errors == [] and page.outside == []


@pytest.mark.django_db(transaction=True)
def test_the_matter_loop_by_keyboard_alone(page_factory, people):
    centre = page_factory()
    centre.login("centre1", TEST_PASSWORD)
    centre.go("/matters/new/phone/")
    choose_by_keyboard(centre, "#id_category", "labour_wages")
    choose_by_keyboard(centre, "#id_grade", "2")
    type_by_keyboard(centre, "#id_description", "工地拖欠工资（键盘录入）")
    choose_by_keyboard(centre, "#id_place", "BZ01")
    type_by_keyboard(centre, "#id_ticket_number", "12345-0099")
    press_button(centre, "#intake-form button[type=submit]")
    matter = Matter.objects.get(description="工地拖欠工资（键盘录入）")
    assert (matter.channel, matter.grade.level, matter.ticket_number) == ("phone", 2, "12345-0099")
    dispatch = "form[action$='/centre/dispatch/'] button[type=submit]"
    press_button(centre, dispatch)
    handler = page_factory()
    handler.login("handler_a", TEST_PASSWORD)
    path = "/matters/%d/" % matter.pk
    handler.go(path)
    press_button(handler, "form[action$='/unit/sign/'] button")
    press_button(handler, "form[action$='/unit/start/'] button")
    type_by_keyboard(handler, "#id_account", "约谈施工方，结清工资")
    choose_by_keyboard(handler, "#id_outcome", "resolved")
    press_button(handler, "form[action$='/unit/feedback/'] button[type=submit]")
    centre.go(path)
    press_button(centre, "form[action$='/review/accept/'] button")
    choose_by_keyboard(centre, "#id_satisfaction", "4")
    assert centre.tab.locator("#id_resolved").input_value() == "yes"
    press_button(centre, "form[action$='/review/follow_up/'] button[type=submit]")
    press_button(centre, "form[action$='/review/archive/'] button", confirm=True)
    matter.refresh_from_db()
    assert (matter.status, matter.satisfaction, matter.resolved) == (Status.ARCHIVED, 4, True)
    assert centre.errors == [] and handler.errors == []


@pytest.mark.django_db(transaction=True)
def test_list_tables_become_cards_at_375_px(page_factory, people):
    matter = _open_matter(people, "卡片显示测试")
    for user, path, table in (("centre1", "/matters/", "matters-table"),
                              ("analyst_a", "/units/", "units-table")):  # fmt: skip
        page = page_factory(width=PHONE["width"], height=PHONE["height"])
        page.login(user, TEST_PASSWORD)
        page.go(path)
        rows = page.tab.get_by_test_id(table).locator("tbody tr")
        first = rows.first
        assert first.evaluate("r => getComputedStyle(r).display") == "block"
        cell = first.locator("td").first
        assert cell.evaluate("c => getComputedStyle(c, '::before').content") != "none"
        assert page.tab.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.shot("cards-%s-375" % table)
    page = page_factory(width=PHONE["width"], height=PHONE["height"])
    page.login("centre1", TEST_PASSWORD)
    page.go("/matters/")
    label = page.tab.get_by_test_id("matters-table").locator("tbody tr td").first
    assert label.evaluate("c => getComputedStyle(c, '::before').content") == '"编号"'
    assert matter.number in label.inner_text()
