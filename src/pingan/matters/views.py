"""Pages of the matters app: list, intake, the matter itself with its actions, statistics, summaries, settings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pingan.accounts.access import public, requires
from pingan.accounts.actor import actor_from_request, client_address
from pingan.accounts.permissions import can
from pingan.core.problems import Conflict, InputRefused
from pingan.matters import forms, selectors, services
from pingan.matters.models import (
    ApiKey,
    Category,
    CategoryGroup,
    DispatchRule,
    Grade,
    IndexFeed,
    LadderStep,
    Status,
)
from pingan.matters.summary import summary_docx

LIST_FILTERS = ("status", "category", "grade")


@requires("matters.view")
def matter_list(request: HttpRequest) -> HttpResponse:
    """Matters the person may see, newest first, filtered by status, category, grade or overdue."""
    actor = actor_from_request(request)
    matters = selectors.visible_matters(actor=actor)
    chosen = {key: request.GET.get(key, "") for key in LIST_FILTERS}
    if chosen["status"] in Status.values:
        matters = matters.filter(status=chosen["status"])
    if chosen["category"]:
        matters = matters.filter(category__code=chosen["category"])
    if chosen["grade"].isdigit():
        matters = matters.filter(grade__level=int(chosen["grade"]))
    if request.GET.get("overdue") == "1":
        matters = matters.filter(overdue=True)
    page = Paginator(matters, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "chosen": chosen,
        "statuses": Status.choices,
        "categories": Category.objects.all(),
        "grades": Grade.objects.all(),
        "notices": selectors.notices_for(actor=actor)[:20],
        "can_intake": can(actor, "matters.intake"),
    }
    return render(request, "matters/list.html", context)


@requires("matters.intake")
@require_http_methods(["GET", "POST"])
def matter_new(request: HttpRequest) -> HttpResponse:
    """The intake form (phone calls, community workers, mediators), usable on a phone."""
    actor = actor_from_request(request)
    form = forms.IntakeForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        uploads = [
            services.Upload(f.name, f.content_type or "", f.read()) for f in data["attachments"]
        ]
        try:
            matter = services.intake_matter(
                actor=actor, category_code=data["category"], grade_level=data["grade"],
                description=data["description"], place_unit_code=data["place"], channel=data["channel"],
                address=data["address"], lat=data["lat"], lon=data["lon"], parties=data["parties"],
                party_contact=data["party_contact"], reporter_name=data["reporter_name"],
                reporter_phone=data["reporter_phone"], reporter_confidential=data["reporter_confidential"],
                uploads=uploads,
            )  # fmt: skip
        except InputRefused as refused:
            for problem in refused.problems:
                form.add_error(None, str(problem))
        else:
            messages.success(request, _("Matter %(number)s received.") % {"number": matter.number})
            return redirect("matters:detail", matter_id=matter.pk)
    return render(request, "matters/new.html", {"form": form})


@requires("matters.view")
def matter_detail(request: HttpRequest, matter_id: int) -> HttpResponse:
    """One matter: its facts, masked personal data, timeline and the actions open to the person."""
    actor = actor_from_request(request)
    matter = selectors.matter_for(actor=actor, matter_id=matter_id)
    unit, handler = selectors.suggest_assignment(matter)
    handlers = selectors.handlers_of(unit.pk) if unit else []
    initial = {"unit": str(unit.pk) if unit else "", "handler": handler.pk if handler else None}
    context = {
        "matter": matter,
        "masked": selectors.masked_personal(matter),
        "may_reveal": selectors.may_reveal(actor, matter),
        "events": matter.events.select_related("actor", "unit"),
        "attachments": matter.attachments.all(),
        "is_centre": can(actor, "matters.dispatch"),
        "is_handler": can(actor, "matters.handle") and matter.responsible_unit_id is not None,
        "assign_form": forms.AssignForm(initial=initial, handlers=handlers),
        "feedback_form": forms.FeedbackForm(),
        "follow_up_form": forms.FollowUpForm(),
        "next_step": selectors.next_ladder_step(matter),
        "S": Status,
    }
    return render(request, "matters/detail.html", context)


def _act(request: HttpRequest, matter_id: int, call: Callable[[], Any]) -> HttpResponse:
    try:
        call()
    except InputRefused as refused:
        for problem in refused.problems:
            messages.error(request, str(problem))
    except Conflict as conflict:
        messages.error(request, str(conflict))
    else:
        messages.success(request, _("Done."))
    return redirect("matters:detail", matter_id=matter_id)


def _assign_args(request: HttpRequest) -> dict[str, Any]:
    unit = request.POST.get("unit", "")
    handler = request.POST.get("handler", "")
    if not unit.isdigit() or (handler and not handler.isdigit()):
        raise InputRefused([])
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
            lambda: services.reject(actor=actor, matter_id=matter.pk, reason=reason),
        )
    if action == "merge":
        original = request.POST.get("original", "")
        return _act(
            request,
            matter.pk,
            lambda: services.merge(
                actor=actor, matter_id=matter.pk, original_number=original, reason=reason
            ),
        )
    calls: dict[str, Callable[..., Any]] = {
        "dispatch": services.dispatch,
        "redispatch": services.redispatch,
        "raise": services.raise_level,
    }
    if action not in calls:
        raise Http404(action)

    def call() -> Any:
        args = _assign_args(request)
        if action == "dispatch":
            return services.dispatch(actor=actor, matter_id=matter.pk, note=reason, **args)
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
        "sign": lambda: services.sign_for(actor=actor, matter_id=matter.pk),
        "start": lambda: services.start_work(actor=actor, matter_id=matter.pk),
        "feedback": lambda: services.give_feedback(
            actor=actor,
            matter_id=matter.pk,
            account=post.get("account", ""),
            outcome=post.get("outcome", ""),
        ),
        "return": lambda: services.return_dispatch(
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
    calls: dict[str, Callable[[], Any]] = {
        "accept": lambda: services.review(
            actor=actor, matter_id=matter.pk, accept=True, note=post.get("note", "")
        ),
        "send_back": lambda: services.review(
            actor=actor, matter_id=matter.pk, accept=False, note=post.get("note", "")
        ),
        "follow_up": lambda: services.follow_up(
            actor=actor,
            matter_id=matter.pk,
            satisfaction=int(satisfaction) if satisfaction.isdigit() else 0,
            resolved=post.get("resolved") == "on",
            note=post.get("note", ""),
        ),
        "archive": lambda: services.archive(actor=actor, matter_id=matter.pk),
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
        request, matter.pk, lambda: services.add_note(actor=actor, matter_id=matter.pk, text=text)
    )


@require_POST
@requires("matters.personal")
def matter_reveal(request: HttpRequest, matter_id: int) -> HttpResponse:
    """Show the personal data in full to the dispatcher or the assigned handler (audited)."""
    actor = actor_from_request(request)
    matter = selectors.matter_for(actor=actor, matter_id=matter_id)
    shown = services.reveal_personal(actor=actor, matter_id=matter.pk)
    response = render(request, "matters/personal.html", {"matter": matter, "shown": shown})
    response["Cache-Control"] = "no-store"
    return response


@requires("matters.view")
def attachment_download(request: HttpRequest, matter_id: int, attachment_id: int) -> HttpResponse:
    """An attachment of a matter the person may see."""
    actor = actor_from_request(request)
    matter = selectors.matter_for(actor=actor, matter_id=matter_id)
    attachment = matter.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    with attachment.file.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type=attachment.content_type)
    response["Content-Disposition"] = "attachment"
    response["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------- statistics and summaries


@requires("matters.stats")
def stats(request: HttpRequest) -> HttpResponse:
    """Rates by unit, category and grade for a period, with the overdue and repeatedly returned lists."""
    actor = actor_from_request(request)
    today = timezone.localdate()
    initial = {"first": today.replace(day=1), "last": today}
    form = forms.PeriodForm(request.GET or None, initial=initial)
    first, last, category, grade = initial["first"], initial["last"], "", None
    if request.GET and form.is_valid():
        first, last = form.cleaned_data["first"], form.cleaned_data["last"]
        category, grade = form.cleaned_data["category"], form.cleaned_data["grade"]
    result = selectors.statistics(
        actor=actor, first=first, last=last, category_code=category, grade_level=grade
    )
    notices = selectors.notices_for(actor=actor).filter(kind="escalation")[:20]
    context = {"form": form, "stats": result, "notices": notices, "chart": _unit_chart(result)}
    return render(request, "matters/stats.html", context)


def _unit_chart(result: selectors.Statistics) -> dict[str, Any]:
    rows = [(name, tally) for name, tally in result.by_unit if tally.dispatched]
    return {
        "units": [name for name, _t in rows],
        "dispatch": [t.rates["dispatch_rate"] for _n, t in rows],
        "on_time": [t.rates["on_time_completion_rate"] for _n, t in rows],
        "feedback": [t.rates["feedback_rate"] for _n, t in rows],
        "labels": {
            "dispatch": _("Dispatch rate"),
            "on_time": _("On-time completion rate"),
            "feedback": _("Feedback rate"),
        },
    }


@requires("matters.summary")
def summaries(request: HttpRequest) -> HttpResponse:
    """Daily work summaries, newest first, with a button to generate one now."""
    from pingan.matters.models import DailySummary

    page = Paginator(DailySummary.objects.all(), 30).get_page(request.GET.get("page"))
    return render(request, "matters/summaries.html", {"page": page, "today": timezone.localdate()})


@require_POST
@requires("matters.summary")
def summary_generate(request: HttpRequest) -> HttpResponse:
    """Generate the summary of a day on demand."""
    actor = actor_from_request(request)
    try:
        day = dt.date.fromisoformat(request.POST.get("day", ""))
    except ValueError:
        messages.error(request, _("Give a date as YYYY-MM-DD."))
        return redirect("matters:summaries")
    services.generate_daily_summary(actor=actor, day=day)
    messages.success(request, _("Summary generated."))
    return redirect("matters:summaries")


@requires("matters.summary")
def summary_download(request: HttpRequest, day: str) -> HttpResponse:
    """The daily summary as a Word document."""
    from pingan.matters.models import DailySummary

    try:
        summary = DailySummary.objects.filter(day=dt.date.fromisoformat(day)).first()
    except ValueError:
        summary = None
    if summary is None:
        raise Http404
    data = summary_docx(summary.content)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = 'attachment; filename="summary-%s.docx"' % summary.day
    return response


# ---------------------------------------------------------------- settings and API keys


@requires("matters.configure")
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    """The catalogue, grades, escalation ladders and policy, editable by the system administrator."""
    actor = actor_from_request(request)
    if request.method == "POST":
        _save_setting(request, actor)
        return redirect("matters:settings")
    policy = services.policy()
    context = {
        "grades": [
            (g, forms.GradeForm(initial=vars(g), prefix="g%d" % g.level))
            for g in Grade.objects.all()
        ],
        "groups": [
            (
                g,
                forms.CategoryGroupForm(
                    initial={**vars(g), "group_id": g.pk}, prefix="grp%d" % g.pk
                ),
            )
            for g in CategoryGroup.objects.all()
        ],
        "group_form": forms.CategoryGroupForm(prefix="grp"),
        "categories": Category.objects.select_related("group"),
        "category_form": forms.CategoryForm(),
        "ladder": LadderStep.objects.all(),
        "ladder_form": forms.LadderForm(),
        "policy_form": forms.PolicyForm(initial=vars(policy)),
        "feeds": IndexFeed.objects.select_related("category_group"),
        "feed_form": forms.IndexFeedForm(),
        "rules": DispatchRule.objects.select_related("category", "place_unit", "unit", "handler"),
        "rule_form": forms.DispatchRuleForm(),
        "keys": ApiKey.objects.all() if can(actor, "matters.apikeys") else [],
        "new_key": request.session.pop("matters_new_key", ""),
    }
    return render(request, "matters/settings.html", context)


def _save_setting(request: HttpRequest, actor: Any) -> None:
    kind = request.POST.get("kind", "")
    try:
        if kind == "grade":
            level = request.POST.get("level", "")
            form: Any = forms.GradeForm(request.POST, prefix="g%s" % level)
            if form.is_valid():
                services.save_grade(actor=actor, **form.cleaned_data)
        elif kind == "group":
            form = forms.CategoryGroupForm(
                request.POST, prefix="grp%s" % request.POST.get("group", "")
            )
            if form.is_valid():
                services.save_category_group(actor=actor, **form.cleaned_data)
        elif kind == "category":
            form = forms.CategoryForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                services.save_category(actor=actor, group_code=data.pop("group"), **data)
        elif kind == "ladder":
            form = forms.LadderForm(request.POST)
            if form.is_valid():
                services.save_ladder_step(actor=actor, **form.cleaned_data)
        elif kind == "feed":
            form = forms.IndexFeedForm(request.POST)
            if form.is_valid():
                services.save_index_feed(actor=actor, **form.cleaned_data)
        elif kind == "rule":
            form = forms.DispatchRuleForm(request.POST)
            if form.is_valid():
                services.save_dispatch_rule(actor=actor, **form.cleaned_data)
        elif kind == "policy":
            form = forms.PolicyForm(request.POST)
            if form.is_valid():
                services.save_policy(actor=actor, **form.cleaned_data)
        else:
            raise Http404(kind)
    except InputRefused as refused:
        for problem in refused.problems:
            messages.error(request, str(problem))
        return
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, "%s: %s" % (field, "; ".join(errors)))
        return
    messages.success(request, _("Saved."))


@require_POST
@requires("matters.apikeys")
def apikey_create(request: HttpRequest) -> HttpResponse:
    """Issue an Open311 API key and show it once."""
    actor = actor_from_request(request)
    try:
        _key, raw = services.create_api_key(actor=actor, name=request.POST.get("name", ""))
    except InputRefused as refused:
        for problem in refused.problems:
            messages.error(request, str(problem))
    else:
        request.session["matters_new_key"] = raw
    return redirect("matters:settings")


@require_POST
@requires("matters.apikeys")
def apikey_revoke(request: HttpRequest, key_id: int) -> HttpResponse:
    """Revoke an Open311 API key."""
    actor = actor_from_request(request)
    try:
        services.revoke_api_key(actor=actor, key_id=key_id)
    except Conflict as conflict:
        messages.error(request, str(conflict))
    return redirect("matters:settings")


@requires("matters.index_submit")
@require_http_methods(["GET", "POST"])
def index_submission(request: HttpRequest) -> HttpResponse:
    """Create the body's draft submission of monthly matter counts (then signed off as usual)."""
    actor = actor_from_request(request)
    if request.method == "POST":
        try:
            submission = services.create_index_submission(
                actor=actor,
                month=request.POST.get("month", ""),
                indicator_code=request.POST.get("indicator", ""),
            )
        except (InputRefused, Conflict) as refused:
            for problem in getattr(refused, "problems", [refused]):
                messages.error(request, str(problem))
        else:
            messages.success(
                request,
                _("Draft submission %(id)s filled from the matter records.")
                % {"id": submission.pk},
            )
        return redirect("matters:index_submission")
    previous = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    context = {
        "feeds": IndexFeed.objects.select_related("category_group"),
        "month": previous.strftime("%Y-%m"),
    }
    return render(request, "matters/index_submission.html", context)


@public
@require_http_methods(["GET", "POST"])
def public_report(request: HttpRequest) -> HttpResponse:
    """The public report form for residents: CSRF-protected and limited per address and hour."""
    form = forms.PublicReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            matter = services.intake_public(
                source=client_address(request), category_code=data["category"],
                description=data["description"], place_unit_code=data["place"], address=data["address"],
                reporter_name=data["reporter_name"], reporter_phone=data["reporter_phone"],
                reporter_confidential=data["reporter_confidential"],
            )  # fmt: skip
        except services.RateLimited as limited:
            return render(
                request,
                "matters/public_report.html",
                {"form": form, "limited": str(limited)},
                status=429,
            )
        except InputRefused as refused:
            for problem in refused.problems:
                form.add_error(None, str(problem))
        else:
            return render(request, "matters/public_thanks.html", {"number": matter.number})
    return render(request, "matters/public_report.html", {"form": form})


@require_POST
@requires("matters.configure")
def rule_delete(request: HttpRequest, rule_id: int) -> HttpResponse:
    """Remove a dispatch rule."""
    actor = actor_from_request(request)
    try:
        services.delete_dispatch_rule(actor=actor, rule_id=rule_id)
    except Conflict as conflict:
        messages.error(request, str(conflict))
    return redirect("matters:settings")
