"""Draft → issued: numbering, stored bytes and hash, immutability in the database, editions, errata, permissions."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction
from docx import Document

from pingan.audit.models import AuditRecord
from pingan.bulletins import services
from pingan.bulletins.models import Bulletin, Status
from pingan.core.problems import Conflict, InputRefused
from tests.bulletins.conftest import PERIOD
from tests.bulletins.factory import store_run

pytestmark = pytest.mark.django_db


ANALYSIS = "本季度形势总体平稳。\n北海经济开发区须引起重视。"
REQUIREMENTS = "各单位要落实整改责任。"


def write_text(staff, draft, role="analyst"):
    return services.edit_text(
        actor=staff[role], bulletin_id=draft.pk, analysis=ANALYSIS, requirements=REQUIREMENTS
    )


def issue_period(staff, period=PERIOD):
    draft = services.create_draft(actor=staff["analyst"], period=period)
    write_text(staff, draft)
    return services.issue(actor=staff["office_head"], bulletin_id=draft.pk)


def paragraphs(bulletin):
    return [p.text for p in Document(io.BytesIO(bytes(bulletin.docx))).paragraphs]


def raw(sql, pk):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        return cursor.rowcount


def test_issue_numbers_stores_and_hashes_the_document(scored, staff):
    draft = services.create_draft(actor=staff["analyst"], period=PERIOD)
    assert (draft.status, draft.edition, draft.run_id, draft.docx) == (
        Status.DRAFT,
        1,
        scored.pk,
        None,
    )
    write_text(staff, draft)
    issued = services.issue(actor=staff["office_head"], bulletin_id=draft.pk)
    assert (issued.status, issued.issued, issued.edition, issued.serial) == (
        Status.ISSUED,
        True,
        1,
        1,
    )
    assert issued.doc_number == "滨平安办〔%d〕1号" % issued.issued_at.year
    assert issued.issued_by_id == staff["office_head"].user.pk
    assert issued.sha256 == hashlib.sha256(bytes(issued.docx)).hexdigest()
    assert services.verify(issued) is True
    lines = paragraphs(issued)
    assert lines[4] == issued.doc_number
    assert (
        Document(io.BytesIO(bytes(issued.docx))).sections[0].header.paragraphs[0].text == "示例数据"
    )
    events = list(
        AuditRecord.objects.filter(event__startswith="bulletins.").values_list(
            "event", "object_id", "detail"
        )
    )
    assert [(e, o) for e, o, _d in events] == [
        ("bulletins.bulletin.draft", str(draft.pk)),
        ("bulletins.bulletin.edit_text", str(draft.pk)),
        ("bulletins.bulletin.issue", str(draft.pk)),
    ]
    assert events[2][2] == {
        "period": PERIOD,
        "edition": 1,
        "run": scored.pk,
        "sha256": issued.sha256,
    }


def test_download_of_an_issued_bulletin_is_the_stored_bytes(scored, staff):
    issued = issue_period(staff)
    rendered = services.bulletin_document(actor=staff["leader"], bulletin_id=issued.pk, fmt="docx")
    assert rendered.data == bytes(issued.docx)
    assert rendered.filename == "bulletin-2026Q3.docx"


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE bulletins_bulletin SET sha256 = 'x' WHERE id = %s",
        "UPDATE bulletins_bulletin SET issued = FALSE WHERE id = %s",
        "DELETE FROM bulletins_bulletin WHERE id = %s",
    ],
)
def test_raw_sql_cannot_change_an_issued_bulletin(scored, staff, sql):
    issued = issue_period(staff)
    with pytest.raises(DatabaseError, match="immutable"):
        raw(sql, issued.pk)
    again = Bulletin.objects.get(pk=issued.pk)
    assert (again.sha256, again.issued) == (issued.sha256, True)
    assert services.verify(again) is True


def test_raw_sql_may_change_a_draft(scored, staff):
    draft = services.create_draft(actor=staff["analyst"], period=PERIOD)
    assert raw("UPDATE bulletins_bulletin SET sha256 = 'x' WHERE id = %s", draft.pk) == 1


def test_a_tampered_document_fails_verification(scored, staff):
    issued = issue_period(staff)
    issued.docx = bytes(issued.docx) + b"x"
    assert services.verify(issued) is False


def test_issuing_twice_is_a_conflict(scored, staff):
    issued = issue_period(staff)
    with pytest.raises(Conflict, match="already issued"):
        services.issue(actor=staff["office_head"], bulletin_id=issued.pk)


def test_reissue_makes_edition_two_with_the_same_number(scored, staff):
    first = issue_period(staff)
    second = issue_period(staff)
    assert (second.edition, second.doc_number, second.serial) == (2, first.doc_number, 1)
    assert paragraphs(second)[4] == first.doc_number + "（第2版）"
    assert Bulletin.objects.filter(period=PERIOD).count() == 2
    assert services.verify(Bulletin.objects.get(pk=first.pk)) is True


def after_2026(monkeypatch):
    """Make 2026Q4 final (its last deadline is 2027-01-05) for the quarter-after tests."""
    import datetime as dt

    from pingan.scores import selectors as score_selectors

    later = dt.datetime(2027, 2, 1, tzinfo=dt.UTC)
    monkeypatch.setattr(score_selectors, "clock", lambda: later)


def test_next_quarter_takes_the_next_serial(scored, staff, monkeypatch):
    after_2026(monkeypatch)
    first = issue_period(staff)
    store_run("2026Q4")
    following = issue_period(staff, "2026Q4")
    assert (following.serial, following.edition) == (2, 1)
    assert following.doc_number == "滨平安办〔%d〕2号" % first.issued_at.year


def test_one_draft_per_quarter_is_refreshed_not_duplicated(scored, staff):
    draft = services.create_draft(actor=staff["analyst"], period=PERIOD)
    newer = store_run(PERIOD, adjust={"BZ03": -4.0}, previous=scored, reason="correction")
    again = services.create_draft(actor=staff["analyst"], period=PERIOD)
    assert (again.pk, again.run_id) == (draft.pk, newer.pk)
    assert Bulletin.objects.filter(period=PERIOD, status=Status.DRAFT).count() == 1


def test_a_draft_on_superseded_results_cannot_be_issued(scored, staff):
    draft = services.create_draft(actor=staff["analyst"], period=PERIOD)
    store_run(PERIOD, adjust={"BZ03": -4.0}, previous=scored, reason="correction")
    with pytest.raises(Conflict, match="refresh the draft"):
        services.issue(actor=staff["office_head"], bulletin_id=draft.pk)
    assert Bulletin.objects.get(pk=draft.pk).status == Status.DRAFT


def test_errata_list_corrections_of_published_quarters_since_the_last_bulletin(
    scored, staff, monkeypatch
):
    after_2026(monkeypatch)
    issue_period(staff)
    store_run(PERIOD, adjust={"BZ03": -4.0}, previous=scored, reason="公安局更正7月数据")
    second = issue_period(staff)
    lines = paragraphs(second)
    erratum = "2026年第三季度惠民县：绝对得分由92.25更正为88.25，名次由第3名更正为第4名（公安局更正7月数据）。"
    moved = "2026年第三季度阳信县：绝对得分由89.00更正为89.00，名次由第4名更正为第3名（公安局更正7月数据）。"
    assert lines[lines.index("七、更正事项") + 1 : lines.index("七、更正事项") + 3] == [
        erratum,
        moved,
    ]
    store_run("2026Q4")
    third = issue_period(staff, "2026Q4")
    assert "自上期通报以来，已发布结果无更正。" in paragraphs(third)


def test_corrections_of_an_unpublished_quarter_are_not_errata(scored, staff):
    store_run(PERIOD, adjust={"BZ03": -4.0}, previous=scored, reason="before any bulletin")
    issued = issue_period(staff)
    assert "自上期通报以来，已发布结果无更正。" in paragraphs(issued)


def test_the_leader_cannot_draft_or_write(scored, staff):
    with pytest.raises(PermissionDenied):
        services.create_draft(actor=staff["leader"], period=PERIOD)
    assert not Bulletin.objects.exists()
    draft = services.create_draft(actor=staff["analyst"], period=PERIOD)
    with pytest.raises(PermissionDenied):
        write_text(staff, draft, role="leader")
    assert Bulletin.objects.get(pk=draft.pk).analysis == ""


@pytest.mark.parametrize("role", ["analyst", "leader"])
def test_only_the_office_head_issues(scored, staff, role):
    draft = services.create_draft(actor=staff["analyst"], period=PERIOD)
    with pytest.raises(PermissionDenied):
        services.issue(actor=staff[role], bulletin_id=draft.pk)
    assert Bulletin.objects.get(pk=draft.pk).status == Status.DRAFT
    assert not AuditRecord.objects.filter(event="bulletins.bulletin.issue").exists()


def test_units_and_body_roles_see_no_bulletin(scored, staff):
    from tests.conftest import actor_with

    draft = services.create_draft(actor=staff["analyst"], period=PERIOD)
    for role in ("unit_viewer", "clerk", "system_admin"):
        with pytest.raises(PermissionDenied):
            services.bulletin_document(actor=actor_with(role), bulletin_id=draft.pk, fmt="html")


def test_a_bad_quarter_is_refused(demo_units, staff):
    with pytest.raises(InputRefused, match="not a quarter"):
        services.create_draft(actor=staff["analyst"], period="2026-07")


def test_the_office_head_drafts_writes_and_issues_and_the_text_is_printed(scored, staff):
    draft = services.create_draft(actor=staff["office_head"], period=PERIOD)
    written = write_text(staff, draft, role="office_head")
    assert (written.analysis, written.requirements, written.attachments) == (
        ANALYSIS,
        REQUIREMENTS,
        "",
    )
    assert written.text_edited_by_id == staff["office_head"].user.pk
    issued = services.issue(actor=staff["office_head"], bulletin_id=draft.pk)
    lines = paragraphs(issued)
    start = lines.index("八、情况分析")
    assert lines[start : start + 5] == [
        "八、情况分析",
        "本季度形势总体平稳。",
        "北海经济开发区须引起重视。",
        "九、工作要求",
        "各单位要落实整改责任。",
    ]


def test_attachments_are_listed_after_the_body(scored, staff):
    draft = services.create_draft(actor=staff["analyst"], period=PERIOD)
    services.edit_text(
        actor=staff["analyst"],
        bulletin_id=draft.pk,
        analysis=ANALYSIS,
        requirements=REQUIREMENTS,
        attachments="各单位整改情况表\n预警单位名单",
    )
    issued = services.issue(actor=staff["office_head"], bulletin_id=draft.pk)
    lines = paragraphs(issued)
    assert lines[
        lines.index("各单位要落实整改责任。") + 2 : lines.index("各单位要落实整改责任。") + 4
    ] == [
        "附件：1. 各单位整改情况表",
        "2. 预警单位名单",
    ]


def test_issue_is_refused_without_analysis_or_requirements(scored, staff):
    draft = services.create_draft(actor=staff["analyst"], period=PERIOD)
    services.edit_text(
        actor=staff["analyst"], bulletin_id=draft.pk, analysis=ANALYSIS, requirements="  \n"
    )
    with pytest.raises(InputRefused) as refused:
        services.issue(actor=staff["office_head"], bulletin_id=draft.pk)
    assert [(p.column, p.reason) for p in refused.value.problems] == [
        ("requirements", "“工作要求”为空；请在草稿中填写后再印发")
    ]
    assert Bulletin.objects.get(pk=draft.pk).status == Status.DRAFT
    assert not AuditRecord.objects.filter(event="bulletins.bulletin.issue").exists()


def test_an_issued_bulletins_text_is_frozen(scored, staff):
    issued = issue_period(staff)
    with pytest.raises(Conflict, match="already issued"):
        write_text(staff, issued)
    with pytest.raises(DatabaseError, match="immutable"):
        raw("UPDATE bulletins_bulletin SET analysis = 'x' WHERE id = %s", issued.pk)
    assert Bulletin.objects.get(pk=issued.pk).analysis == ANALYSIS


@pytest.mark.filterwarnings("ignore:Glyph 131072")
def test_issue_is_refused_when_a_unit_name_has_no_glyph(scored, staff):
    from pingan.units.models import OrgUnit

    OrgUnit.objects.filter(code="BZ02").update(name_zh="沾化区𠀀")
    draft = services.create_draft(actor=staff["analyst"], period=PERIOD)
    write_text(staff, draft)
    with pytest.raises(InputRefused) as refused:
        services.issue(actor=staff["office_head"], bulletin_id=draft.pk)
    messages = [p.reason for p in refused.value.problems]
    assert "“沾化区𠀀”中的“𠀀” (U+20000)在字体 Noto Serif SC 中没有字形" in messages
    assert "“沾化区𠀀”中的“𠀀” (U+20000)在字体 Noto Sans SC 中没有字形" in messages
    assert Bulletin.objects.get(pk=draft.pk).status == Status.DRAFT
    assert not AuditRecord.objects.filter(event="bulletins.bulletin.issue").exists()
