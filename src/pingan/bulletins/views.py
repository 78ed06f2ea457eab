"""Pages of the bulletins: the list per quarter, drafting, preview, downloads and issuing."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pingan.bulletins import selectors, services
from pingan.bulletins.models import Bulletin
from pingan.bulletins.pdf import ConversionFailed, ToolMissing
from pingan.core.access.actor import actor_from_request
from pingan.core.access.decorators import requires
from pingan.core.access.permissions import can
from pingan.core.period_labels import period_words
from pingan.core.refusals import refusals_as_messages
from pingan.schemes.selectors import current_version
from pingan.scores.presentation import choice_label
from pingan.scores.selectors import clock, computed_periods, is_provisional
from pingan.scores.views import default_quarter


def _language() -> str:
    return get_language() or "zh-hans"


def _period_choices(periods: list[str]) -> list[tuple[str, str]]:
    """Quarters with results, a provisional one labelled so (it cannot be drafted)."""
    version = current_version()
    deadline_day = version.deadline_day if version is not None else 5
    return [(p, choice_label(p, is_provisional(p, deadline_day))) for p in periods]


@requires("bulletins.view")
def bulletin_list(request: HttpRequest) -> HttpResponse:
    """Bulletins per quarter, with the quarters that have results, and the actions the person may take."""
    actor = actor_from_request(request)
    grouped = selectors.bulletins_by_period(actor=actor)
    rows = [
        {
            "period": period,
            "bulletins": [{"b": b, "verified": selectors.verify_stored(b.pk)} for b in items],
        }
        for period, items in grouped
    ]
    return render(
        request,
        "bulletins/list.html",
        {
            "rows": rows,
            "periods": _period_choices(computed_periods()),
            "default_period": default_quarter(
                computed_periods(), timezone.localtime(clock()).date()
            ),
            "can_draft": can(actor, "bulletins.draft"),
            "can_issue": can(actor, "bulletins.issue"),
            **_list_words(),
        },
    )


def _list_words() -> dict[str, str]:
    """The list page's heading and period column for the kind of the scheme in force."""
    version = current_version()
    kind = version.period if version is not None else "quarter"
    headings = {"month": _("Monthly bulletins"), "year": _("Yearly bulletins")}
    return {
        "heading": headings.get(kind, _("Quarterly bulletins")),
        "period_word": period_words(kind)["kind"],
    }


@require_POST
@requires("bulletins.draft")
def create(request: HttpRequest) -> HttpResponse:
    """Open (or refresh) the draft of a quarter on its current results."""
    with refusals_as_messages(request, joined=True) as outcome:
        draft = services.create_draft(
            actor=actor_from_request(request), period=request.POST.get("period", "").strip()
        )
    if outcome.refused:
        return redirect("bulletins:list")
    messages.success(
        request,
        _("Draft of %(period)s ready (edition %(n)d).")
        % {"period": draft.period, "n": draft.edition},
    )
    return redirect("bulletins:list")


def _visible_bulletin(request: HttpRequest, bulletin_id: int) -> Bulletin:
    """The bulletin the signed-in user may see, or 404."""
    bulletin = selectors.bulletin_or_none(
        actor=actor_from_request(request), bulletin_id=bulletin_id
    )
    if bulletin is None:
        raise Http404
    return bulletin


@requires("bulletins.draft")
def edit(request: HttpRequest, bulletin_id: int) -> HttpResponse:
    """The draft's own text (情况分析, 工作要求, 附件说明): the form, and saving it."""
    bulletin = _visible_bulletin(request, bulletin_id)
    if request.method == "POST":
        with refusals_as_messages(request, joined=True) as outcome:
            services.edit_text(
                actor=actor_from_request(request),
                bulletin_id=bulletin_id,
                analysis=request.POST.get("analysis", ""),
                requirements=request.POST.get("requirements", ""),
                attachments=request.POST.get("attachments", ""),
            )
        if outcome.ok:
            messages.success(request, _("The text of the draft is saved."))
        return redirect("bulletins:edit", bulletin_id=bulletin_id)
    return render(
        request,
        "bulletins/edit.html",
        {
            "b": bulletin,
            "sections": services.own_text_headings(bulletin),
            "can_issue": can(actor_from_request(request), "bulletins.issue"),
        },
    )


@requires("bulletins.issue")
def issue(request: HttpRequest, bulletin_id: int) -> HttpResponse:
    """Issue a draft after confirmation (GET shows what will be issued; POST with confirm issues it)."""
    bulletin = _visible_bulletin(request, bulletin_id)
    if request.method != "POST" or request.POST.get("confirm") != "yes":
        return render(
            request,
            "bulletins/confirm_issue.html",
            {"b": bulletin, "problems": services.issue_problems(bulletin, language=_language())},
        )
    with refusals_as_messages(request, joined=True, not_found=(Bulletin.DoesNotExist,)) as outcome:
        issued = services.issue(
            actor=actor_from_request(request), bulletin_id=bulletin_id, language=_language()
        )
    if outcome.input_refused:
        return redirect("bulletins:issue", bulletin_id=bulletin_id)
    if outcome.refused:
        return redirect("bulletins:list")
    messages.success(request, _("Issued as %(number)s.") % {"number": issued.doc_number})
    return redirect("bulletins:list")


@requires("bulletins.view")
def preview(request: HttpRequest, bulletin_id: int) -> HttpResponse:
    """The bulletin as a printable HTML page."""
    return _download(request, bulletin_id, "html", inline=True)


@requires("bulletins.view")
def download(request: HttpRequest, bulletin_id: int, fmt: str) -> HttpResponse:
    """The bulletin as .docx or .pdf (an issued one from its stored, hash-checked document)."""
    if fmt not in ("docx", "pdf"):
        raise Http404
    return _download(request, bulletin_id, fmt, inline=False)


def _download(request: HttpRequest, bulletin_id: int, fmt: str, *, inline: bool) -> HttpResponse:
    with refusals_as_messages(
        request, also=(ToolMissing, ConversionFailed), not_found=(Bulletin.DoesNotExist,)
    ) as outcome:
        rendered = services.bulletin_document(
            actor=actor_from_request(request),
            bulletin_id=bulletin_id,
            fmt=fmt,
            language=_language(),
        )
    if outcome.refused:
        return redirect("bulletins:list")
    response = HttpResponse(rendered.data, content_type=rendered.content_type)
    if not inline:
        response["Content-Disposition"] = 'attachment; filename="%s"' % rendered.filename
    return response
