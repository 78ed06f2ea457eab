"""Statistics, the daily summary, monthly counts for the index: exact values."""

from __future__ import annotations

import datetime as dt

import pytest

from pingan.core.access.actor import job_actor
from pingan.matters import statistics
from pingan.matters.actions import deadlines, summaries, workflow
from tests.matters.conftest import at

SEPTEMBER = {
    "first": dt.date(2025, 9, 1),
    "last": dt.date(2025, 9, 30),
    "today": dt.date(2025, 10, 20),
}


@pytest.fixture
def september(people, units, new_matter):
    """Six matters received on 1 September 2025 (a Monday), grade 2: sign for in 1, handle in 7 working days."""
    centre, handler, hid, bz01 = (
        people["dispatcher"][1],
        people["handler"][1],
        people["handler"][0].pk,
        units["BZ01"].pk,
    )

    def dispatched(name):
        matter = new_matter(now=at("2025-09-01", 9), description=name)
        workflow.dispatch(
            actor=centre,
            matter_id=matter.pk,
            unit_id=bz01,
            handler_id=hid,
            now=at("2025-09-01", 10),
        )
        return matter

    def finish(matter, signed, closed, satisfaction, resolved):
        workflow.sign_for(actor=handler, matter_id=matter.pk, now=at(signed))
        workflow.give_feedback(
            actor=handler,
            matter_id=matter.pk,
            account="已处理",
            outcome="resolved",
            now=at(closed, 9),
        )
        workflow.review(actor=centre, matter_id=matter.pk, accept=True, now=at(closed, 16))
        workflow.follow_up(
            actor=centre,
            matter_id=matter.pk,
            satisfaction=satisfaction,
            resolved=resolved,
            now=at("2025-09-20"),
        )

    a, b, c = dispatched("A"), dispatched("B"), dispatched("C")
    finish(a, "2025-09-02", "2025-09-05", 5, True)  # on time throughout
    finish(b, "2025-09-04", "2025-09-15", 3, False)  # signed late, closed late (due 10 September)
    for _ in range(2):
        workflow.return_dispatch(
            actor=handler, matter_id=c.pk, reason="非本单位", now=at("2025-09-01", 11)
        )
        workflow.redispatch(
            actor=centre,
            matter_id=c.pk,
            unit_id=bz01,
            handler_id=hid,
            reason="再次交办",
            now=at("2025-09-01", 12),
        )
    workflow.sign_for(
        actor=handler, matter_id=c.pk, now=at("2025-09-02")
    )  # then left open: overdue
    new_matter(now=at("2025-09-01", 9), description="D")  # never dispatched
    e = new_matter(now=at("2025-09-01", 9), description="E")
    workflow.reject(
        actor=centre, matter_id=e.pk, reason="属于法院受理范围", now=at("2025-09-01", 10)
    )
    f = new_matter(now=at("2025-09-01", 9), description="F")
    workflow.merge(actor=centre, matter_id=f.pk, original_number=a.number, now=at("2025-09-01", 10))
    deadlines.flag_overdue(actor=job_actor("test"), now=at("2025-10-20"))
    return {"A": a, "B": b, "C": c}


@pytest.mark.django_db
def test_rates_exact(people, september):
    stats = statistics.statistics(actor=people["analyst"][1], **SEPTEMBER)
    t = stats.total
    assert (
        t.received,
        t.in_scope,
        t.dispatched,
        t.signed_on_time,
        t.closed,
        t.closed_on_time,
        t.open_overdue,
    ) == (5, 4, 3, 2, 2, 1, 1)
    assert t.rates == {
        "dispatch_rate": 0.75,
        "timely_sign_rate": 2 / 3,
        "on_time_completion_rate": 1 / 3,
        "feedback_rate": 2 / 3,
        "resolution_rate": 0.5,
        "satisfaction": 4.0,
    }
    assert [(g.code, g.params, g.tally.received) for g in stats.by_unit] == [
        ("BZ01", {"unit": str(stats.by_unit[0].params["unit"])}, 3),
        ("", {"unit": "none"}, 2),
    ]
    assert stats.by_unit[1].label == "(not dispatched)"
    assert [(g.code, g.tally.rates["on_time_completion_rate"]) for g in stats.by_grade] == [
        ("2", 1 / 3)
    ]
    assert [m.description for m in stats.overdue] == ["C"]
    assert [m.description for m in stats.repeatedly_returned] == ["C"]
    assert (stats.overdue_count, stats.returned_count) == (1, 1)


@pytest.mark.django_db
def test_statistics_filters_and_permissions(people, september):
    from django.core.exceptions import PermissionDenied

    other = statistics.statistics(
        actor=people["dispatcher"][1], category_code="labour_wages", **SEPTEMBER
    )
    assert (other.total.received, other.total.rates["dispatch_rate"]) == (0, None)
    with pytest.raises(PermissionDenied):
        statistics.statistics(actor=people["handler"][1], **SEPTEMBER)


@pytest.mark.django_db
def test_daily_summary_content_exact(people, september):
    summary = summaries.generate_daily_summary(
        actor=people["dispatcher"][1], day=dt.date(2025, 9, 1)
    )
    content = summary.content
    assert {k: content[k] for k in ("received", "dispatched", "signed", "feedback", "closed", "visited", "rejected", "open", "overdue")} == {
        "received": 5, "dispatched": 3, "signed": 0, "feedback": 0, "closed": 0, "visited": 0, "rejected": 1, "open": 2, "overdue": 1,
    }  # fmt: skip
    assert content["by_category"] == {"噪音扰民": 5}
    assert content["overdue_numbers"] == [september["C"].number]


@pytest.mark.django_db
def test_monthly_counts_by_evaluated_unit(people, units, new_matter):
    new_matter(now=at("2025-09-03"), place="BZ0101")  # township: counts for its county BZ01
    new_matter(now=at("2025-09-04"), place="BZ01")
    new_matter(now=at("2025-09-05"), place="BZ0201", category_code="labour_wages")
    new_matter(now=at("2025-10-01", 1), place="BZ01")  # October
    counts = statistics.monthly_counts("2025-09")
    assert (counts[units["BZ01"].pk], counts[units["BZ02"].pk], counts[units["BZ03"].pk]) == (
        2,
        1,
        0,
    )
    assert len(counts) == 108
    assert statistics.monthly_counts(
        "2025-09", unit_ids=[units["BZ01"].pk], category_group="labour"
    ) == {units["BZ01"].pk: 0}
    assert statistics.monthly_counts("2025-09", category_group="labour")[units["BZ02"].pk] == 1


@pytest.mark.django_db
def test_daily_summary_document_lists_overdue_matters_in_a_table(people, september):
    import io

    from django.utils import translation
    from docx import Document

    from pingan.matters.summary import summary_docx

    summary = summaries.generate_daily_summary(
        actor=people["dispatcher"][1], day=dt.date(2025, 9, 1)
    )
    number = september["C"].number
    assert summary.content["attention"] == [
        {
            "number": number,
            "category": "噪音扰民",
            "grade": september["C"].grade.name_zh,
            "place": september["C"].place_unit.name_zh,
            "responsible": "滨城区",
            "due": "2025-09-10",
            "overdue": True,
            "escalated": False,
            "step": 1,
        }
    ]
    with translation.override("zh-hans"):
        document = Document(io.BytesIO(summary_docx(summary.content)))
    lines = [p.text for p in document.paragraphs]
    assert lines[:5] == ["每日工作情况", "", "", "2025年9月1日", ""]
    assert [h for h in lines if h[:2] in ("一、", "二、", "三、")] == [
        "一、当日工作量",
        "二、按类别受理情况",
        "三、逾期和升级事项",
    ]
    counts, categories, attention = document.tables
    assert [c.text for c in counts.rows[1].cells] == ["已接收", "5"]
    assert [c.text for c in categories.rows[1].cells] == ["噪音扰民", "5"]
    assert [c.text for c in attention.rows[0].cells] == [
        "编号",
        "类别",
        "等级",
        "发生地",
        "责任单位",
        "办理期限",
        "状态",
    ]
    assert [c.text for c in attention.rows[1].cells][0::4] == [number, "滨城区"]
    assert attention.rows[1].cells[6].text == "逾期"


@pytest.mark.django_db
def test_daily_summary_document_in_english_shows_the_stored_english_names(people, september):
    import io

    from django.utils import translation
    from docx import Document

    from pingan.matters.summary import summary_docx

    summary = summaries.generate_daily_summary(
        actor=people["dispatcher"][1], day=dt.date(2025, 9, 1)
    )
    assert summary.content["names_en"]["噪音扰民"] == "Noise"
    with translation.override("en"):
        document = Document(io.BytesIO(summary_docx(summary.content)))
    _counts, categories, attention = document.tables
    assert [c.text for c in categories.rows[1].cells] == ["Noise", "5"]
    assert [c.text for c in attention.rows[1].cells][0::4] == [
        september["C"].number,
        "Bincheng District",
    ]
    stored_before = {k: v for k, v in summary.content.items() if k != "names_en"}
    with translation.override("en"):
        document = Document(io.BytesIO(summary_docx(stored_before)))
    assert [c.text for c in document.tables[1].rows[1].cells] == ["噪音扰民", "5"]


@pytest.mark.django_db
def test_database_counts_equal_counting_one_matter_at_a_time(people, september):
    from dataclasses import asdict

    today = SEPTEMBER["today"]
    stats = statistics.statistics(actor=people["analyst"][1], **SEPTEMBER)
    matters = list(statistics._period_query(SEPTEMBER["first"], SEPTEMBER["last"], None, "", None))
    reference = statistics.Tally()
    by_category: dict[str, statistics.Tally] = {}
    for matter in matters:
        reference.add(matter, today)
        by_category.setdefault(matter.category.code, statistics.Tally()).add(matter, today)
    assert asdict(stats.total) == asdict(reference.finish())
    assert {g.code: asdict(g.tally) for g in stats.by_category} == {
        code: asdict(tally.finish()) for code, tally in by_category.items()
    }


@pytest.mark.django_db
def test_statistics_cost_eleven_queries_whatever_the_number_of_matters(
    people, september, django_assert_num_queries
):
    with django_assert_num_queries(11):
        stats = statistics.statistics(actor=people["analyst"][1], **SEPTEMBER)
    assert stats.total.received == 5


@pytest.mark.django_db
def test_the_named_lists_stop_at_their_length_and_the_page_links_to_all(
    people, september, client, monkeypatch
):
    from django.urls import reverse

    from pingan.matters import statistics as module

    monkeypatch.setattr(module, "LISTED", 0)
    stats = module.statistics(
        actor=people["analyst"][1], first=dt.date(2025, 9, 1), last=dt.date(2025, 9, 30)
    )
    assert (stats.overdue, stats.repeatedly_returned) == ([], [])
    assert (stats.overdue_count, stats.returned_count) == (1, 1)
    client.force_login(people["analyst"][0])
    page = client.get(
        reverse("matters:stats"), {"first": "2025-09-01", "last": "2025-09-30"}
    ).content.decode()
    assert "此处列出 1 件超期事项中最早受理的 0 件。" in page
    assert "此处列出 1 件多次退回事项中最早受理的 0 件。" in page
    assert (
        '<a href="/matters/?from=2025-09-01&amp;to=2025-09-30&amp;past_due=1">'
        "列表中的全部超期未结事项</a>" in page
    )
