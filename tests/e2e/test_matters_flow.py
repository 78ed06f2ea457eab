"""A matter end to end in real Chromium: the dispatcher takes a phone call and dispatches it, the
named handler signs for it, works it and feeds back, the dispatcher accepts it and records the
follow-up visit, and the statistics page counts it closed on time."""

from __future__ import annotations

import pytest

from pingan.matters.actions import catalogue
from pingan.matters.models import Matter, Status
from pingan.units.models import OrgUnit
from tests.conftest import TEST_PASSWORD

PHONE = "13912345678"
MASKED_PHONE = "139******78"
DESCRIPTION = "工地拖欠三名工人工资两个月"
PHONE_WIDTH = {"width": 375, "height": 740}
DESKTOP = {"width": 1366, "height": 768}


@pytest.fixture
def people(demo_units, make_user):
    """The catalogue defaults (flushed by earlier transactional tests), a dispatcher and two handlers of BZ01."""
    catalogue.ensure_defaults()
    return {
        "dispatcher": make_user("dispatcher", username="centre1"),
        "handler": make_user("handler", unit="BZ01", username="handler_a"),
        "colleague": make_user("handler", unit="BZ01", username="handler_b"),
    }


def click(page, label: str) -> None:
    """Press the button of the main area with exactly this (Chinese) text and wait for the page."""
    page.tab.locator("main").get_by_role("button", name=label, exact=True).click()
    page.tab.wait_for_load_state("networkidle")


def status_of(page) -> str:
    return page.tab.get_by_test_id("status").inner_text()


def shoot_both_widths(page, name: str) -> None:
    """Screenshots at desktop and phone width; at phone width nothing may overflow sideways."""
    page.shot(name + "-zh-1366")
    page.tab.set_viewport_size(PHONE_WIDTH)
    page.tab.wait_for_load_state("networkidle")
    page.shot(name + "-zh-375")
    assert page.tab.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH["width"]
    page.tab.set_viewport_size(DESKTOP)


def masked_block(page) -> str:
    return page.tab.get_by_test_id("masked").inner_text()


def take_call(dispatcher) -> str:
    """The dispatcher enters the phone call through the intake form; returns the matter's path."""
    dispatcher.go("/matters/new/")
    dispatcher.tab.locator("main").get_by_role("link", name="热线来电").click()
    dispatcher.tab.wait_for_load_state("networkidle")
    assert dispatcher.tab.url == dispatcher.base_url + "/matters/new/phone/"
    assert dispatcher.tab.locator("#id_grade").input_value() == ""  # nothing preselected
    dispatcher.tab.select_option("#id_category", "labour_wages")
    dispatcher.tab.select_option("#id_grade", "2")
    dispatcher.tab.fill("#id_description", DESCRIPTION)
    dispatcher.tab.select_option("#id_place", "BZ01")
    dispatcher.tab.fill("#id_ticket_number", "12345-0001")
    dispatcher.tab.fill("#id_reporter_phone", PHONE)
    shoot_both_widths(dispatcher, "matter-intake-dispatcher")
    click(dispatcher, "提交")
    return dispatcher.tab.url.replace(dispatcher.base_url, "")


@pytest.mark.django_db(transaction=True)
def test_phone_call_matter_through_the_whole_loop(page_factory, people):
    dispatcher = page_factory()
    dispatcher.login("centre1", TEST_PASSWORD)
    matter_path = take_call(dispatcher)
    matter = Matter.objects.get(description=DESCRIPTION)
    assert matter_path == "/matters/%d/" % matter.pk
    assert (matter.status, matter.channel, matter.category.code, matter.grade.level) == (
        Status.RECEIVED,
        "phone",
        "labour_wages",
        2,
    )
    assert status_of(dispatcher) == "已接收"
    bz01 = OrgUnit.objects.get(code="BZ01")
    # The suggestion already names BZ01 and its first handler: dispatching is one click.
    assert dispatcher.tab.locator("#id_unit").input_value() == str(bz01.pk)
    assert dispatcher.tab.locator("#id_handler").input_value() == str(people["handler"].pk)
    click(dispatcher, "交办")
    assert status_of(dispatcher) == "已交办"
    matter.refresh_from_db()
    assert (matter.responsible_unit_id, matter.handler_id) == (bz01.pk, people["handler"].pk)

    colleague = page_factory()
    colleague.login("handler_b", TEST_PASSWORD)
    colleague.go(matter_path)
    assert MASKED_PHONE in masked_block(colleague)
    assert PHONE not in colleague.tab.content()
    assert (
        colleague.tab.locator("main")
        .get_by_role("button", name="查看完整信息（记入审计日志）")
        .count()
        == 0
    )

    handler = page_factory()
    handler.login("handler_a", TEST_PASSWORD)
    handler.go(matter_path)
    assert MASKED_PHONE in masked_block(handler)
    assert PHONE not in handler.tab.content()
    click(handler, "签收")
    assert status_of(handler) == "已签收"
    click(handler, "开始办理")
    assert status_of(handler) == "办理中"
    click(handler, "查看完整信息（记入审计日志）")
    assert PHONE in handler.tab.locator("main").inner_text()
    handler.go(matter_path)
    handler.tab.fill("#id_account", "约谈施工方，当场结清工资")
    handler.tab.select_option("#id_outcome", "resolved")
    shoot_both_widths(handler, "matter-detail-handler")
    click(handler, "反馈")
    assert status_of(handler) == "已反馈"

    dispatcher.go(matter_path)
    click(dispatcher, "通过并办结")
    assert status_of(dispatcher) == "已办结"
    assert dispatcher.tab.locator("#id_satisfaction").input_value() == ""  # not preselected
    assert dispatcher.tab.locator("#id_resolved").input_value() == "yes"  # the handler's report
    dispatcher.tab.select_option("#id_satisfaction", "5")
    click(dispatcher, "记录")
    assert status_of(dispatcher) == "已回访"
    shoot_both_widths(dispatcher, "matter-detail-dispatcher")
    matter.refresh_from_db()
    assert (matter.status, matter.outcome, matter.satisfaction, matter.resolved) == (
        Status.VISITED,
        "resolved",
        5,
        True,
    )

    dispatcher.go("/matters/statistics/")
    rows = dispatcher.tab.get_by_test_id("stats-total").locator("tbody tr")
    overall = rows.nth(0)
    unit_row = rows.filter(has=dispatcher.tab.locator("th", has_text=bz01.name_zh))
    for row in (overall, unit_row):
        cells = row.locator("td")
        assert [cells.nth(i).inner_text() for i in range(10)] == [
            "1", "100.0%", "100.0%", "100.0%", "1", "1", "0", "100.0%", "100.0%", "5",
        ]  # fmt: skip
        assert row.get_by_test_id("closed-on-time").inner_text() == "1"

    for page in (dispatcher, colleague, handler):
        assert page.errors == []
        assert page.outside == []
