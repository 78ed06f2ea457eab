"""The entry grid in real Chromium at 1366×768 and 375 px: a clerk types 108 rows from the keyboard with
two bad cells, reloads, sees every typed value (bad cells marked), fixes them and submits — no value
lost; the reviewer sees the flagged figure (惠民县 84 against 168 last month) and returns it with a
comment that shows in the history."""

from __future__ import annotations

import pytest

from pingan.core.access.actor import actor_for_user
from pingan.reporting import bulk_load, submissions
from pingan.reporting.models import Figure, Status, Submission
from pingan.schemes.models import ReportingBody
from pingan.units.models import OrgUnit
from tests.conftest import TEST_PASSWORD

HISTORY, MONTH = "2026-05", "2026-06"
INDICATOR = "petition_unlawful"  # the petitions bureau reports it for all 108 units
FLAGGED = "BZ03"  # 惠民县
BAD = {20: "a", 57: "-1"}  # row index → what the clerk mistypes
FULL_WIDTH = 33  # row index typed with full-width digits


@pytest.fixture
def petitions(demo_units, binzhou, make_user, system_actor):
    """Last month approved (惠民县 168, others 10), this month's empty draft, the clerk and reviewer."""
    units = list(
        OrgUnit.objects.exclude(eval_class="").order_by("code").values_list("code", flat=True)
    )
    assert len(units) == 108
    text = "unit_code,indicator_code,period,value\n" + "".join(
        "%s,%s,%s,%d\n" % (u, INDICATOR, HISTORY, 168 if u == FLAGGED else 10) for u in units
    )
    bulk_load.import_figures(
        actor=system_actor, data=text.encode(), approve=True, reason="earlier months"
    )
    clerk = make_user("clerk", body="petitions", username="clerk1")
    make_user("reviewer", body="petitions", username="reviewer1")
    draft = submissions.create_submission(
        actor=actor_for_user(clerk, channel="web"),
        body_id=ReportingBody.objects.get(code="petitions").pk,
        month=MONTH,
    )
    return units, draft


def typed_value(index: int, unit: str) -> str:
    """What the clerk types in row `index`: 84 for 惠民县, two mistakes, one full-width number."""
    if unit == FLAGGED:
        return "84"
    if index in BAD:
        return BAD[index]
    if index == FULL_WIDTH:
        return "１２"
    return str(index % 9 + 10)


def wait_saved(page) -> None:
    page.tab.wait_for_selector("#grid[data-pending='0']", state="attached")


def counts(page) -> dict[str, str]:
    return {
        key: page.tab.inner_text("[data-count=%s]" % key)
        for key in ("filled", "missing", "refused")
    }


def click_confirmed(page, selector: str) -> None:
    """Click a button whose form asks for confirmation, and confirm in the shared dialog."""
    page.tab.click(selector)
    dialog = page.tab.locator("#pingan-confirm")
    dialog.locator("[data-confirm-ok]").click()
    page.tab.wait_for_load_state("networkidle")


def assert_bar_fits(page) -> None:
    """The action bar is in view and none of its buttons breaks its label over two lines."""
    boxes = page.tab.eval_on_selector_all(
        ".action-bar .btn",
        "els => els.map(b => [b.getBoundingClientRect().height, b.scrollWidth - b.clientWidth])",
    )
    assert len(boxes) == 4
    assert all(height < 40 and overflow <= 0 for height, overflow in boxes), boxes
    bar = page.tab.locator(".action-bar").bounding_box()
    viewport = page.tab.viewport_size
    assert bar is not None and bar["y"] + bar["height"] <= viewport["height"] + 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1366, 375])
def test_clerk_types_108_rows_reloads_fixes_submits_and_reviewer_returns(
    page_factory, petitions, width
):
    units, draft = petitions
    url = "/reporting/s/%d/" % draft.pk
    height = 768 if width == 1366 else 812
    clerk = page_factory(width=width, height=height)
    clerk.login("clerk1", TEST_PASSWORD)
    clerk.go(url)
    assert_bar_fits(clerk)

    # keyboard only: type a value, Enter moves down the column
    clerk.tab.locator("input[name='v:%s:%s']" % (units[0], INDICATOR)).focus()
    for index, unit in enumerate(units):
        clerk.tab.keyboard.type(typed_value(index, unit))
        clerk.tab.keyboard.press("Enter" if index < len(units) - 1 else "Tab")
    wait_saved(clerk)
    assert counts(clerk) == {"filled": "106", "missing": "0", "refused": "2"}
    bad_status = clerk.tab.inner_text(
        "#st-%d-%s" % (OrgUnit.objects.get(code=units[20]).pk, INDICATOR)
    )
    assert bad_status == "数值须为不小于 0 的整数"
    clerk.shot("entry-typed-%d" % width)

    clerk.go(url)  # reload: every typed value is back, the two bad ones marked
    for index, unit in enumerate(units):
        cell = clerk.tab.locator("input[name='v:%s:%s']" % (unit, INDICATOR))
        expected = "12" if index == FULL_WIDTH else typed_value(index, unit)
        assert cell.input_value() == expected, unit
        assert ("is-invalid" in (cell.get_attribute("class") or "")) == (index in BAD), unit
    assert counts(clerk) == {"filled": "106", "missing": "0", "refused": "2"}

    for index in BAD:  # fix them from the keyboard
        cell = clerk.tab.locator("input[name='v:%s:%s']" % (units[index], INDICATOR))
        cell.focus()
        clerk.tab.keyboard.press("Control+A")
        clerk.tab.keyboard.type("5")
        clerk.tab.keyboard.press("Tab")
    wait_saved(clerk)
    assert counts(clerk) == {"filled": "108", "missing": "0", "refused": "0"}
    assert_bar_fits(clerk)

    click_confirmed(clerk, "button:has-text('报送审核')")
    assert "已报送审核" in clerk.tab.inner_text("main")
    assert clerk.errors == [] and clerk.outside == []
    stored = dict(
        Figure.objects.filter(submission=draft).values_list("unit__code", "value").order_by()
    )
    expected = {
        unit: 5 if index in BAD else 12 if index == FULL_WIDTH else int(typed_value(index, unit))
        for index, unit in enumerate(units)
    }
    assert stored == expected
    assert Submission.objects.get(pk=draft.pk).status == Status.SUBMITTED

    reviewer = page_factory(width=width, height=height)
    reviewer.login("reviewer1", TEST_PASSWORD)
    reviewer.go(url)
    flags = reviewer.tab.inner_text("[data-testid=flags]")
    assert "惠民县 · 违法上访行为: 84" in flags
    assert "上月（2026-05）168" in flags
    reviewer.shot("review-flags-%d" % width)
    reviewer.tab.fill("#return-reason", "惠民县 84，上月 168，请核对")
    reviewer.tab.click("button:has-text('退回草稿')")
    reviewer.tab.wait_for_load_state("networkidle")
    history = reviewer.tab.inner_text("[data-testid=history]")
    assert "惠民县 84，上月 168，请核对" in history
    assert reviewer.errors == []
    assert Submission.objects.get(pk=draft.pk).status == Status.DRAFT
