"""Pages of one matter, of the list and of the to-do queue: the actions open to the person."""

from __future__ import annotations

import functools
from collections.abc import Callable
from functools import cached_property
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pingan.core.access.actor import actor_from_request
from pingan.core.access.decorators import requires
from pingan.core.access.permissions import can
from pingan.core.problems import InputRefused, Problem
from pingan.core.refusals import refusals_as_messages
from pingan.matters import forms, selectors
from pingan.matters.actions import personal_data, workflow
from pingan.matters.dispatch_area import dispatch_units, may_dispatch_to
from pingan.matters.filters import MatterFilter
from pingan.matters.models import Matter, Status
from pingan.matters.waiting import IdsFirst, WaitingMatters

LIST_FILTERS = ("status", "category", "grade")
# Filters the statistics' drill-down links set; kept (hidden) when the list is filtered further.
DRILL_FILTERS = ("from", "to", "unit", "past_due")


@requires("matters.view")
def matter_list(request: HttpRequest) -> HttpResponse:
    """Matters the person may see, newest first, filtered by status, category, grade or overdue
    (and, from the statistics' links, by period, responsible unit and open past the deadline)."""
    actor = actor_from_request(request)
    matters: Any = IdsFirst(  # counted and sliced as Paginator asks of a sequence
        selectors.matter_list(actor=actor, spec=MatterFilter.from_list_page(request.GET)),
        request.GET.get("page"),
    )
    page = Paginator[Matter](matters, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "chosen": {key: request.GET.get(key, "") for key in LIST_FILTERS},
        "drill": {k: request.GET[k] for k in DRILL_FILTERS if request.GET.get(k)},
        "statuses": Status.choices,
        **selectors.list_choices(),
        "notices": selectors.open_notices_for(actor=actor)[:20],
        "can_intake": can(actor, "matters.intake"),
    }
    return render(request, "matters/list.html", context)


# Matters on one page of the to-do list; the page says how many there are in all and links on.
TODO_PAGE_SIZE = 50


@requires("matters.view")
def todo(request: HttpRequest) -> HttpResponse:
    """My open matters, earliest deadline first, each with its deadline label: a page of them,
    with how many there are in all and how many wait beyond this page."""
    actor = actor_from_request(request)
    waiting: Any = WaitingMatters(actor)  # counted and sliced as Paginator asks of a sequence
    page = Paginator[Matter](waiting, TODO_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "matters": list(page.object_list),
        "page": page,
        "total": page.paginator.count,
        "after": page.paginator.count - page.end_index(),
    }
    return render(request, "matters/todo.html", context)


@requires("matters.view")
def matter_detail(request: HttpRequest, matter_id: int) -> HttpResponse:
    """One matter: its facts, masked personal data, timeline and the actions open to the person."""
    actor = actor_from_request(request)
    matter = selectors.matter_for(actor=actor, matter_id=matter_id)
    unit, handler = selectors.suggest_assignment(matter)
    if unit is not None and not may_dispatch_to(actor, unit.pk):
        unit, handler = None, None  # outside the centre's area: nothing chosen in advance
    handlers = selectors.handlers_of(unit.pk) if unit else []
    initial = {"unit": str(unit.pk) if unit else "", "handler": handler.pk if handler else None}
    allowed = workflow.allowed_transitions(matter.status)
    similar = []
    if "merge" in allowed and can(actor, "matters.dispatch"):
        similar = selectors.similar_open_matters(
            actor=actor,
            category_code=matter.category.code,
            place_unit_code=matter.place_unit.code,
            now=timezone.now(),
            exclude_id=matter.pk,
        )
    context = {
        "matter": matter,
        "masked": selectors.masked_personal(matter),
        "may_reveal": selectors.may_reveal(actor, matter),
        "events": selectors.matter_timeline(matter),
        "attachments": selectors.matter_attachments(matter),
        "is_centre": can(actor, "matters.dispatch"),
        "is_handler": can(actor, "matters.handle") and matter.responsible_unit_id is not None,
        "assign_form": RenderedOnce(
            forms.AssignForm(initial=initial, units=dispatch_units(actor), handlers=handlers)
        ),
        "feedback_form": forms.FeedbackForm(),
        "follow_up_form": forms.FollowUpForm.for_outcome(matter.outcome),
        "next_step": selectors.next_ladder_step(matter) if "raise_level" in allowed else None,
        "allowed": allowed,
        "current_step": selectors.current_ladder_step(matter),
        "similar": similar,
        "S": Status,
    }
    return render(request, "matters/detail.html", context)


class RenderedOnce:
    """A form whose `as_div` is rendered at its first use and reused: a matter's page shows the
    same assignment form for dispatching, re-dispatching and raising a level."""

    def __init__(self, form: forms.AssignForm) -> None:
        self.form = form

    @cached_property
    def as_div(self) -> SafeString:
        """The form's fields as `<div>`s (Form.as_div), rendered once."""
        return self.form.as_div()


def _act(request: HttpRequest, matter_id: int, call: Callable[[], Any]) -> HttpResponse:
    with refusals_as_messages(request) as outcome:
        call()
    if outcome.ok:
        messages.success(request, _("Done."))
    return redirect("matters:detail", matter_id=matter_id)


def _assign_args(request: HttpRequest) -> dict[str, Any]:
    unit = request.POST.get("unit", "")
    handler = request.POST.get("handler", "")
    problems = []
    if not unit.isdigit():
        problems.append(Problem(None, "unit", _("choose the responsible unit")))
    if handler and not handler.isdigit():
        problems.append(Problem(None, "handler", _("unknown handler")))
    if problems:
        raise InputRefused(problems)
    return {"unit_id": int(unit), "handler_id": int(handler) if handler else None}


@require_POST
@requires("matters.dispatch")
def matter_centre_action(request: HttpRequest, matter_id: int, action: str) -> HttpResponse:
    """Centre actions: dispatch, re-dispatch, raise a level, reject or refer out, merge a duplicate."""
    actor = actor_from_request(request)
    matter = selectors.matter_for(actor=actor, matter_id=matter_id)
    reason = request.POST.get("reason", "")
    if action == "reject":
        return _act(
            request,
            matter.pk,
            lambda: workflow.reject(actor=actor, matter_id=matter.pk, reason=reason),
        )
    if action == "merge":
        original = request.POST.get("original", "")
        return _act(
            request,
            matter.pk,
            lambda: workflow.merge(
                actor=actor, matter_id=matter.pk, original_number=original, reason=reason
            ),
        )
    calls: dict[str, Callable[..., Any]] = {
        "dispatch": workflow.dispatch,
        "redispatch": workflow.redispatch,
        "raise": functools.partial(workflow.redispatch, up_the_ladder=True),
    }
    if action not in calls:
        raise Http404(action)

    def call() -> Any:
        args = _assign_args(request)
        if action == "dispatch":
            return workflow.dispatch(actor=actor, matter_id=matter.pk, note=reason, **args)
        return calls[action](actor=actor, matter_id=matter.pk, reason=reason, **args)

    return _act(request, matter.pk, call)


@require_POST
@requires("matters.handle")
def matter_unit_action(request: HttpRequest, matter_id: int, action: str) -> HttpResponse:
    """Handling-unit actions: sign for, start, feed back, return a wrong dispatch."""
    actor = actor_from_request(request)
    matter = selectors.matter_for(actor=actor, matter_id=matter_id)
    post = request.POST
    calls: dict[str, Callable[[], Any]] = {
        "sign": lambda: workflow.sign_for(actor=actor, matter_id=matter.pk),
        "start": lambda: workflow.start_work(actor=actor, matter_id=matter.pk),
        "feedback": lambda: workflow.give_feedback(
            actor=actor,
            matter_id=matter.pk,
            account=post.get("account", ""),
            outcome=post.get("outcome", ""),
        ),
        "return": lambda: workflow.return_dispatch(
            actor=actor, matter_id=matter.pk, reason=post.get("reason", "")
        ),
    }
    if action not in calls:
        raise Http404(action)
    return _act(request, matter.pk, calls[action])


@require_POST
@requires("matters.review")
def matter_review_action(request: HttpRequest, matter_id: int, action: str) -> HttpResponse:
    """Centre review actions: accept or send back the feedback, follow-up visit, archive."""
    actor = actor_from_request(request)
    matter = selectors.matter_for(actor=actor, matter_id=matter_id)
    post = request.POST
    satisfaction = post.get("satisfaction", "")
    resolved = {"yes": True, "no": False}.get(post.get("resolved", ""))
    calls: dict[str, Callable[[], Any]] = {
        "accept": lambda: workflow.review(
            actor=actor, matter_id=matter.pk, accept=True, note=post.get("note", "")
        ),
        "send_back": lambda: workflow.review(
            actor=actor, matter_id=matter.pk, accept=False, note=post.get("note", "")
        ),
        "follow_up": lambda: workflow.follow_up(
            actor=actor,
            matter_id=matter.pk,
            satisfaction=int(satisfaction) if satisfaction.isdigit() else None,
            resolved=resolved,
            note=post.get("note", ""),
        ),
        "archive": lambda: workflow.archive(actor=actor, matter_id=matter.pk),
    }
    if action not in calls:
        raise Http404(action)
    return _act(request, matter.pk, calls[action])


@require_POST
@requires("matters.view")
def matter_note(request: HttpRequest, matter_id: int) -> HttpResponse:
    """Add a note to the timeline (a merged duplicate's notes go to its original)."""
    actor = actor_from_request(request)
    matter = selectors.matter_for(actor=actor, matter_id=matter_id)
    text = request.POST.get("text", "")
    return _act(
        request, matter.pk, lambda: workflow.add_note(actor=actor, matter_id=matter.pk, text=text)
    )


@require_POST
@requires("matters.personal")
def matter_reveal(request: HttpRequest, matter_id: int) -> HttpResponse:
    """Show the personal data in full to the dispatcher or the assigned handler (audited)."""
    actor = actor_from_request(request)
    matter = selectors.matter_for(actor=actor, matter_id=matter_id)
    shown = personal_data.reveal_personal(actor=actor, matter_id=matter.pk)
    response = render(request, "matters/personal.html", {"matter": matter, "shown": shown})
    response["Cache-Control"] = "no-store"
    return response


@requires("matters.view")
def attachment_download(request: HttpRequest, matter_id: int, attachment_id: int) -> HttpResponse:
    """An attachment of a matter the person may see."""
    actor = actor_from_request(request)
    attachment = selectors.attachment_for(
        actor=actor, matter_id=matter_id, attachment_id=attachment_id
    )
    with attachment.file.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type=attachment.content_type)
    response["Content-Disposition"] = "attachment"
    response["Cache-Control"] = "no-store"
    return response
