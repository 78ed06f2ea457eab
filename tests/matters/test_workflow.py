"""The matter state machine: every transition, and the refusals of wrong states and wrong people."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from pingan.audit.models import AuditRecord
from pingan.core.problems import Conflict, InputRefused
from pingan.matters.actions import intake, workflow
from pingan.matters.models import Matter, MatterEvent, Status
from tests.matters.conftest import at


def _dispatch(people, matter, units, who="handler", now=None):
    return workflow.dispatch(
        actor=people["dispatcher"][1], matter_id=matter.pk, unit_id=units["BZ01"].pk,
        handler_id=people[who][0].pk, now=now or at("2025-09-26", 10),
    )  # fmt: skip


@pytest.mark.django_db
def test_full_loop_sets_each_status_and_audits_each_step(people, units, new_matter):
    matter = new_matter()
    assert matter.status == Status.RECEIVED
    assert matter.number.startswith("M20250926-")
    handler = people["handler"][1]
    matter = _dispatch(people, matter, units)
    assert (matter.status, matter.sign_due.isoformat(), matter.handle_due.isoformat()) == (
        "dispatched", "2025-09-28", "2025-10-13",
    )  # fmt: skip
    matter = workflow.sign_for(actor=handler, matter_id=matter.pk, now=at("2025-09-28"))
    assert matter.status == Status.SIGNED
    matter = workflow.start_work(actor=handler, matter_id=matter.pk, now=at("2025-09-28", 11))
    assert matter.status == Status.IN_PROGRESS
    matter = workflow.give_feedback(
        actor=handler,
        matter_id=matter.pk,
        account="已调解，双方达成协议",
        outcome="resolved",
        now=at("2025-09-29"),
    )
    assert matter.status == Status.FEEDBACK
    matter = workflow.review(
        actor=people["dispatcher"][1], matter_id=matter.pk, accept=True, now=at("2025-09-30")
    )
    assert matter.status == Status.CLOSED
    matter = workflow.follow_up(
        actor=people["dispatcher"][1],
        matter_id=matter.pk,
        satisfaction=5,
        resolved=True,
        now=at("2025-10-09"),
    )
    assert (matter.status, matter.satisfaction, matter.resolved) == ("visited", 5, True)
    matter = workflow.archive(
        actor=people["dispatcher"][1], matter_id=matter.pk, now=at("2025-10-10")
    )
    assert matter.status == Status.ARCHIVED
    kinds = list(MatterEvent.objects.filter(matter=matter).values_list("kind", flat=True))
    assert kinds == [
        "intake",
        "dispatch",
        "sign",
        "start",
        "feedback",
        "accept",
        "follow_up",
        "archive",
    ]
    events = list(
        AuditRecord.objects.filter(
            object_type="matters.matter", object_id=str(matter.pk)
        ).values_list("event", flat=True)
    )
    assert events == ["matters.matter." + k for k in kinds]


@pytest.mark.django_db
def test_send_back_returns_to_in_progress_and_needs_a_reason(people, units, new_matter):
    matter = _dispatch(people, new_matter(), units)
    handler, centre = people["handler"][1], people["dispatcher"][1]
    workflow.sign_for(actor=handler, matter_id=matter.pk)
    workflow.give_feedback(actor=handler, matter_id=matter.pk, account="已处理", outcome="partly")
    with pytest.raises(InputRefused):
        workflow.review(actor=centre, matter_id=matter.pk, accept=False, note="")
    matter = workflow.review(actor=centre, matter_id=matter.pk, accept=False, note="未联系当事人")
    assert matter.status == Status.IN_PROGRESS


@pytest.mark.django_db
def test_return_and_redispatch(people, units, new_matter):
    matter = _dispatch(people, new_matter(), units)
    handler, centre = people["handler"][1], people["dispatcher"][1]
    with pytest.raises(InputRefused):
        workflow.return_dispatch(actor=handler, matter_id=matter.pk, reason=" ")
    matter = workflow.return_dispatch(actor=handler, matter_id=matter.pk, reason="不属于本单位辖区")
    assert (matter.status, matter.return_count, matter.responsible_unit_id) == ("returned", 1, None)
    matter = workflow.redispatch(
        actor=centre,
        matter_id=matter.pk,
        unit_id=units["BZ02"].pk,
        handler_id=people["other"][0].pk,
        reason="改派冯家镇",
    )
    assert (matter.status, matter.responsible_unit_id, matter.handler_id) == (
        "dispatched",
        units["BZ02"].pk,
        people["other"][0].pk,
    )
    with pytest.raises(PermissionDenied):
        workflow.sign_for(actor=handler, matter_id=matter.pk)


@pytest.mark.django_db
def test_reject_needs_a_reason_and_ends_the_matter(people, units, new_matter):
    matter = new_matter()
    centre = people["dispatcher"][1]
    with pytest.raises(InputRefused):
        workflow.reject(actor=centre, matter_id=matter.pk, reason="")
    matter = workflow.reject(actor=centre, matter_id=matter.pk, reason="属于法院受理范围")
    assert (matter.status, matter.reject_reason) == ("rejected", "属于法院受理范围")
    with pytest.raises(Conflict):
        _dispatch(people, matter, units)


@pytest.mark.django_db
def test_merge_sends_notes_to_the_original(people, units, new_matter):
    original, duplicate = new_matter(), new_matter()
    centre = people["dispatcher"][1]
    merged = workflow.merge(
        actor=centre, matter_id=duplicate.pk, original_number=original.number, reason="同一事项"
    )
    assert (merged.status, merged.merged_into_id) == ("merged", original.pk)
    target = workflow.add_note(actor=centre, matter_id=duplicate.pk, text="当事人再次来电")
    assert target.pk == original.pk
    assert (
        MatterEvent.objects.filter(matter=original, kind="note", note="当事人再次来电").count() == 1
    )
    with pytest.raises(InputRefused):
        workflow.merge(actor=centre, matter_id=new_matter().pk, original_number=duplicate.number)
    with pytest.raises(InputRefused):
        workflow.merge(actor=centre, matter_id=original.pk, original_number=original.number)


@pytest.mark.django_db
def test_raise_level_climbs_the_ladder_until_the_top(people, units, new_matter):
    matter = _dispatch(people, new_matter(), units)
    centre = people["dispatcher"][1]
    assert (matter.ladder, matter.ladder_step) == ("township", 1)
    for step in (2, 3, 4):
        matter = workflow.redispatch(
            actor=centre,
            matter_id=matter.pk,
            unit_id=units["BZ01"].pk,
            handler_id=None,
            reason="调解未果",
            up_the_ladder=True,
        )
        assert (matter.status, matter.ladder_step) == ("dispatched", step)
    with pytest.raises(Conflict):
        workflow.redispatch(
            actor=centre,
            matter_id=matter.pk,
            unit_id=units["BZ01"].pk,
            handler_id=None,
            reason="x",
            up_the_ladder=True,
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "status"),
    [
        ("sign", "received"),
        ("start", "dispatched"),
        ("feedback", "received"),
        ("accept", "in_progress"),
        ("follow_up", "feedback"),
        ("archive", "closed"),
        ("return", "in_progress"),
        ("reject", "dispatched"),
        ("merge", "signed"),
    ],
)
def test_transitions_refuse_the_wrong_state(people, units, new_matter, action, status):
    matter = new_matter()
    Matter.objects.filter(pk=matter.pk).update(
        status=status, responsible_unit=units["BZ01"], handler=people["handler"][0]
    )
    handler, centre = people["handler"][1], people["dispatcher"][1]
    other = new_matter()
    calls = {
        "sign": lambda: workflow.sign_for(actor=handler, matter_id=matter.pk),
        "start": lambda: workflow.start_work(actor=handler, matter_id=matter.pk),
        "feedback": lambda: workflow.give_feedback(
            actor=handler, matter_id=matter.pk, account="x", outcome="resolved"
        ),
        "accept": lambda: workflow.review(actor=centre, matter_id=matter.pk, accept=True),
        "follow_up": lambda: workflow.follow_up(
            actor=centre, matter_id=matter.pk, satisfaction=3, resolved=True
        ),
        "archive": lambda: workflow.archive(actor=centre, matter_id=matter.pk),
        "return": lambda: workflow.return_dispatch(actor=handler, matter_id=matter.pk, reason="x"),
        "reject": lambda: workflow.reject(actor=centre, matter_id=matter.pk, reason="x"),
        "merge": lambda: workflow.merge(
            actor=centre, matter_id=matter.pk, original_number=other.number
        ),
    }
    with pytest.raises(Conflict):
        calls[action]()
    assert Matter.objects.get(pk=matter.pk).status == status


@pytest.mark.django_db
def test_stale_compare_and_set_loses(people, units, new_matter):
    matter = _dispatch(people, new_matter(), units)
    workflow.sign_for(actor=people["handler"][1], matter_id=matter.pk)
    with pytest.raises(Conflict):
        workflow.sign_for(actor=people["colleague"][1], matter_id=matter.pk)


@pytest.mark.django_db
def test_wrong_people_are_refused(people, units, new_matter):
    matter = _dispatch(people, new_matter(), units)
    with pytest.raises(PermissionDenied):
        workflow.sign_for(actor=people["other"][1], matter_id=matter.pk)
    with pytest.raises(PermissionDenied):
        workflow.sign_for(actor=people["dispatcher"][1], matter_id=matter.pk)
    with pytest.raises(PermissionDenied):
        workflow.review(actor=people["handler"][1], matter_id=matter.pk, accept=True)
    with pytest.raises(PermissionDenied):
        _dispatch(people, new_matter(), units) and workflow.dispatch(
            actor=people["analyst"][1],
            matter_id=matter.pk,
            unit_id=units["BZ01"].pk,
            handler_id=None,
        )
    with pytest.raises(PermissionDenied):
        intake.intake_matter(
            actor=people["analyst"][1], category_code="other", grade_level=3, description="x",
            place_unit_code="BZ01", channel="web",
        )  # fmt: skip


@pytest.mark.django_db
def test_dispatch_refuses_a_handler_of_another_unit(people, units, new_matter):
    with pytest.raises(InputRefused) as refused:
        workflow.dispatch(
            actor=people["dispatcher"][1], matter_id=new_matter().pk, unit_id=units["BZ01"].pk,
            handler_id=people["other"][0].pk,
        )  # fmt: skip
    assert [p.column for p in refused.value.problems] == ["handler"]


@pytest.mark.django_db
def test_intake_lists_every_problem_and_writes_nothing(people, units):
    before = Matter.objects.count()
    with pytest.raises(InputRefused) as refused:
        intake.intake_matter(
            actor=people["dispatcher"][1], category_code="nope", grade_level=7, description=" ",
            place_unit_code="XX", channel="fax", lat=95.0, lon=None, reporter_phone="abc",
            uploads=[intake.Upload("a.exe", "application/x-msdownload", b"MZ...")],
        )  # fmt: skip
    columns = [p.column for p in refused.value.problems]
    assert columns == [
        "category",
        "grade",
        "place",
        "description",
        "channel",
        "lat",
        "lat",
        "reporter_phone",
        "a.exe",
    ]
    assert Matter.objects.count() == before


@pytest.mark.django_db
def test_uploads_are_type_and_size_checked(people, units, new_matter):
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 100
    matter = new_matter(uploads=[intake.Upload("photo.png", "image/png", png)])
    assert [(a.original_name, a.size) for a in matter.attachments.all()] == [("photo.png", 108)]
    with pytest.raises(InputRefused):
        new_matter(uploads=[intake.Upload("fake.png", "image/png", b"GIF89a")])
    big = b"%PDF-" + b"0" * (5 * 1024 * 1024)
    with pytest.raises(InputRefused):
        new_matter(uploads=[intake.Upload("big.pdf", "application/pdf", big)])


@pytest.mark.django_db
def test_suggestion_follows_rules_then_place(people, units, new_matter):
    from pingan.matters.models import Category, DispatchRule
    from pingan.matters.selectors import suggest_assignment

    matter = new_matter(place="BZ0101")
    assert suggest_assignment(matter) == (units["BZ0101"], people["handler"][0])
    DispatchRule.objects.create(place_unit=units["BZ01"], unit=units["BZ02"])
    assert suggest_assignment(matter) == (units["BZ02"], people["other"][0])
    DispatchRule.objects.create(
        category=Category.objects.get(code="neighbour_noise"),
        unit=units["BZ01"],
        handler=people["colleague"][0],
    )
    assert suggest_assignment(matter) == (units["BZ01"], people["colleague"][0])
