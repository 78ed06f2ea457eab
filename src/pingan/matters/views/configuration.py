"""Pages of the system administrator and the clerk: settings, API keys, dispatch rules, the index feed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pingan.core.access.actor import actor_from_request
from pingan.core.access.decorators import requires
from pingan.core.refusals import refusals_as_messages
from pingan.matters import forms, selectors
from pingan.matters.actions import api_keys, catalogue, index_feed


@requires("matters.configure")
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    """The catalogue, grades, escalation ladders and policy, editable by the system administrator."""
    actor = actor_from_request(request)
    if request.method == "POST":
        _save_setting(request, actor)
        return redirect("matters:settings")
    rows = selectors.settings_rows(actor=actor)
    context = {
        "grades": [
            (g, forms.GradeForm(initial=vars(g), prefix="g%d" % g.level)) for g in rows.grades
        ],
        "groups": [
            (
                g,
                forms.CategoryGroupForm(
                    initial={**vars(g), "group_id": g.pk}, prefix="grp%d" % g.pk
                ),
            )
            for g in rows.groups
        ],
        "group_form": forms.CategoryGroupForm(prefix="grp"),
        "categories": rows.categories,
        "category_form": forms.CategoryForm(),
        "ladder": rows.ladder,
        "ladder_form": forms.LadderForm(),
        "policy_form": forms.PolicyForm(initial=vars(selectors.current_policy())),
        "feeds": rows.feeds,
        "feed_form": forms.IndexFeedForm(),
        "rules": rows.rules,
        "rule_form": forms.DispatchRuleForm(),
        "keys": rows.keys,
        "new_key": request.session.pop("matters_new_key", ""),
    }
    return render(request, "matters/settings.html", context)


def _save_category(*, actor: Any, group: str, **fields: Any) -> Any:
    return catalogue.save_category(actor=actor, group_code=group, **fields)


# The settings forms by the `kind` they post: how to bind the form, and the action saving it.
SETTING_FORMS: dict[str, tuple[Callable[[Any], Any], Callable[..., Any]]] = {
    "grade": (
        lambda post: forms.GradeForm(post, prefix="g%s" % post.get("level", "")),
        catalogue.save_grade,
    ),
    "group": (
        lambda post: forms.CategoryGroupForm(post, prefix="grp%s" % post.get("group", "")),
        catalogue.save_category_group,
    ),
    "category": (forms.CategoryForm, _save_category),
    "ladder": (forms.LadderForm, catalogue.save_ladder_step),
    "feed": (forms.IndexFeedForm, index_feed.save_index_feed),
    "rule": (forms.DispatchRuleForm, catalogue.save_dispatch_rule),
    "policy": (forms.PolicyForm, catalogue.save_policy),
}


def _save_setting(request: HttpRequest, actor: Any) -> None:
    kind = request.POST.get("kind", "")
    if kind not in SETTING_FORMS:
        raise Http404(kind)
    bind, save = SETTING_FORMS[kind]
    form = bind(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, "%s: %s" % (field, "; ".join(errors)))
        return
    with refusals_as_messages(request) as outcome:
        save(actor=actor, **form.cleaned_data)
    if outcome.ok:
        messages.success(request, _("Saved."))


@require_POST
@requires("matters.apikeys")
def apikey_create(request: HttpRequest) -> HttpResponse:
    """Issue an Open311 API key and show it once."""
    actor = actor_from_request(request)
    with refusals_as_messages(request) as outcome:
        _key, raw = api_keys.create_api_key(actor=actor, name=request.POST.get("name", ""))
    if outcome.ok:
        request.session["matters_new_key"] = raw
    return redirect("matters:settings")


@require_POST
@requires("matters.apikeys")
def apikey_revoke(request: HttpRequest, key_id: int) -> HttpResponse:
    """Revoke an Open311 API key."""
    actor = actor_from_request(request)
    with refusals_as_messages(request):
        api_keys.revoke_api_key(actor=actor, key_id=key_id)
    return redirect("matters:settings")


@requires("matters.index_submit")
@require_http_methods(["GET", "POST"])
def index_submission(request: HttpRequest) -> HttpResponse:
    """Create the body's draft submission of monthly matter counts (then signed off as usual)."""
    actor = actor_from_request(request)
    if request.method == "POST":
        with refusals_as_messages(request) as outcome:
            submission = index_feed.create_index_submission(
                actor=actor,
                month=request.POST.get("month", ""),
                indicator_code=request.POST.get("indicator", ""),
            )
        if outcome.ok:
            messages.success(
                request,
                _("Draft submission %(id)s filled from the matter records.")
                % {"id": submission.pk},
            )
        return redirect("matters:index_submission")
    previous = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    context = {
        "feeds": selectors.index_feeds(actor=actor),
        "month": previous.strftime("%Y-%m"),
    }
    return render(request, "matters/index_submission.html", context)


@require_POST
@requires("matters.configure")
def rule_delete(request: HttpRequest, rule_id: int) -> HttpResponse:
    """Remove a dispatch rule."""
    actor = actor_from_request(request)
    with refusals_as_messages(request):
        catalogue.delete_dispatch_rule(actor=actor, rule_id=rule_id)
    return redirect("matters:settings")
