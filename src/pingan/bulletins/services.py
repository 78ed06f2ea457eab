"""The bulletin workflow: draft (analyst or office head) → issued (office head), and rendering in docx, pdf, html.

The draft carries the office's own text (情况分析, 工作要求, optional 附件说明); issuing refuses
a draft without 情况分析 or 工作要求, and a document with a character the shipped fonts cannot
draw (every string of every chart and table is checked).

An issued edition is stored with its .docx bytes and their SHA-256, and the database refuses to
change it afterwards. Issuing again for the same quarter makes a new edition that keeps the
document number and is marked （第N版）.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pingan.audit.events import Event
from pingan.audit.services import record_event
from pingan.bulletins import docx_render, selectors
from pingan.bulletins.config import issuer
from pingan.bulletins.models import Bulletin, Status
from pingan.bulletins.selectors import verify
from pingan.core.access.actor import Actor
from pingan.core.access.permissions import require
from pingan.core.documents import docx, glyphs
from pingan.core.documents.model import OfficialDocument
from pingan.core.documents.pdf import docx_to_pdf
from pingan.core.period_labels import period_problem
from pingan.core.problems import Conflict, InputRefused, Problem
from pingan.schemes.selectors import current_version
from pingan.scores.models import ScoreRun
from pingan.scores.selectors import current_run, final_on, run_is_provisional

FORMATS = ("docx", "pdf", "html")
TEXT_LIMIT = 20000
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
}


@dataclass(frozen=True)
class Rendered:
    """A rendered bulletin: its bytes, content type and a file name."""

    data: bytes
    content_type: str
    filename: str


def _checked_period(period: str) -> str:
    """The period, refused unless it is of the kind (month, quarter, year) of the scheme in force."""
    version = current_version(None)
    problem = period_problem(period, version.period if version is not None else "quarter")
    if problem:
        raise InputRefused([Problem(None, "period", problem)])
    return period


def _run_of(period: str) -> ScoreRun:
    run = current_run(_checked_period(period))
    if run is None:
        raise InputRefused(
            [
                Problem(
                    None,
                    "period",
                    _("no results for %(period)s; run pingan compute") % {"period": period},
                )
            ]
        )
    refuse_provisional(run)
    return run


def refuse_provisional(run: ScoreRun) -> None:
    """No bulletin for a provisional quarter: refused with the date it becomes final."""
    problems = provisional_problems(run)
    if problems:
        raise InputRefused(problems)


def provisional_problems(run: ScoreRun) -> list[Problem]:
    """The refusal of a provisional quarter (empty once the quarter is final)."""
    if not run_is_provisional(run):
        return []
    return [
        Problem(
            None,
            "period",
            _(
                "%(period)s is provisional: its results become final on %(date)s, when "
                "the reporting deadline of its last month has passed; no bulletin "
                "before then"
            )
            % {
                "period": run.period,
                "date": final_on(run.period, run.version.deadline_day).isoformat(),
            },
        )
    ]


def render_content(content: selectors.BulletinContent, fmt: str) -> bytes:
    """Render assembled content as docx, pdf (through LibreOffice) or html bytes."""
    if fmt == "html":
        return docx_render.render_html(content).encode("utf-8")
    if fmt not in FORMATS:
        raise ValueError(fmt)
    data = docx_render.render_docx(content)
    return data if fmt == "docx" else docx_to_pdf(data)


def _filename(period: str, edition: int, fmt: str) -> str:
    suffix = "" if edition == 1 else "-v%d" % edition
    return "bulletin-%s%s.%s" % (period, suffix, fmt)


def render_current(*, actor: Actor, period: str, fmt: str, language: str = "zh-hans") -> Rendered:
    """The bulletin of a quarter's current results, not stored (`pingan bulletin`); errata since the last issue."""
    require(actor, "bulletins.render")
    run = _run_of(period)
    with translation.override(language):
        latest = selectors.last_issued()
        content = selectors.bulletin_content(
            run=run,
            edition=_next_edition(run.period),
            doc_number=_kept_number(run.period),
            is_draft=True,
            date=timezone.localdate(),
            errata_since=latest.issued_at if latest else None,
            language=language,
        )
        data = render_content(content, fmt)
    return Rendered(data, CONTENT_TYPES[fmt], _filename(run.period, content.edition, fmt))


def _next_edition(period: str) -> int:
    top = Bulletin.objects.filter(period=period, status=Status.ISSUED).aggregate(
        top=Max("edition")
    )["top"]
    return (top or 0) + 1


def _kept_number(period: str) -> str:
    first = selectors.issued_editions(period).only("doc_number").first()
    return first.doc_number if first else ""


def create_draft(*, actor: Actor, period: str) -> Bulletin:
    """Open the draft of a quarter on its current results, or point the open draft at them."""
    require(actor, "bulletins.draft")
    run = _run_of(period)
    try:
        with transaction.atomic():
            draft = (
                Bulletin.objects.select_for_update()
                .filter(period=period, status=Status.DRAFT)
                .first()
            )
            if draft is None:
                draft = Bulletin.objects.create(
                    period=period, edition=_next_edition(period), run=run, created_by=actor.user
                )
            elif Bulletin.objects.filter(pk=draft.pk, status=Status.DRAFT).update(run=run) != 1:
                raise Conflict(_("The draft changed meanwhile; reload and try again."))
            record_event(
                actor=actor,
                event=Event.BULLETINS_BULLETIN_DRAFT,
                obj=draft,
                detail={"period": period, "edition": draft.edition, "run": run.pk},
            )
    except IntegrityError:
        raise Conflict(
            _("Another draft of %(period)s was opened meanwhile.") % {"period": period}
        ) from None
    draft.run = run
    return draft


def draft_content(bulletin: Bulletin, language: str = "zh-hans") -> selectors.BulletinContent:
    """The content of a bulletin: a draft as it would be issued today, an issued one as issued."""
    if bulletin.status == Status.ISSUED and bulletin.issued_at is not None:
        return selectors.bulletin_content(
            run=bulletin.run,
            edition=bulletin.edition,
            doc_number=bulletin.doc_number,
            is_draft=False,
            date=timezone.localtime(bulletin.issued_at).date(),
            errata_since=bulletin.errata_since,
            language=language,
            own=selectors.OwnText.of(bulletin),
        )
    latest = selectors.last_issued()
    return selectors.bulletin_content(
        run=bulletin.run,
        edition=bulletin.edition,
        doc_number=_kept_number(bulletin.period),
        is_draft=True,
        date=timezone.localdate(),
        errata_since=latest.issued_at if latest else None,
        language=language,
        own=selectors.OwnText.of(bulletin),
    )


def edit_text(
    *, actor: Actor, bulletin_id: int, analysis: str, requirements: str, attachments: str = ""
) -> Bulletin:
    """Store the office's own text of a draft (情况分析, 工作要求, 附件说明); audited; drafts only."""
    require(actor, "bulletins.draft")
    values = {"analysis": analysis, "requirements": requirements, "attachments": attachments}
    problems = [
        Problem(None, name, _("longer than %(n)d characters") % {"n": TEXT_LIMIT})
        for name, value in values.items()
        if len(value) > TEXT_LIMIT
    ]
    if problems:
        raise InputRefused(problems)
    cleaned = {name: value.strip().replace("\r\n", "\n") for name, value in values.items()}
    with transaction.atomic():
        draft = Bulletin.objects.select_for_update().get(pk=bulletin_id)
        _change_draft(
            actor=actor,
            draft=draft,
            event=Event.BULLETINS_BULLETIN_EDIT_TEXT,
            detail={name: hashlib.sha256(v.encode()).hexdigest() for name, v in cleaned.items()},
            conflict=_("Only a draft can be edited; this bulletin is already issued."),
            values={**cleaned, "text_edited_by": actor.user, "text_edited_at": timezone.now()},
        )
    return Bulletin.objects.get(pk=bulletin_id)


def _change_draft(
    *,
    actor: Actor,
    draft: Bulletin,
    event: Event,
    detail: dict[str, object],
    conflict: str,
    values: dict[str, object],
) -> None:
    """Write `values` to a bulletin that is still a draft (compare-and-set) and audit the event.

    Raises Conflict with `conflict` when the bulletin was issued meanwhile. Call inside the
    transaction that holds the draft's row lock.
    """
    changed = Bulletin.objects.filter(pk=draft.pk, status=Status.DRAFT, issued=False).update(
        **values
    )
    if changed != 1:
        raise Conflict(conflict)
    record_event(
        actor=actor,
        event=event,
        obj=draft,
        detail={"period": draft.period, "edition": draft.edition, **detail},
    )


def _own_text_problems(draft: Bulletin) -> list[Problem]:
    names = (("analysis", _("Analysis")), ("requirements", _("Requirements")))
    return [
        Problem(
            None,
            field,
            _("%(section)s is empty; write it in the draft before issuing") % {"section": title},
        )
        for field, title in names
        if not selectors.OwnText.paragraphs(getattr(draft, field))
    ]


def own_text_headings(bulletin: Bulletin) -> list[tuple[str, str]]:
    """(field, heading) of the office's own text, in print order, numbered as the document prints them."""
    outline = selectors.bulletin_content(
        run=bulletin.run, date=timezone.localdate(), own=selectors.OwnText.of(bulletin)
    )
    outline.classes = []
    printed = docx_render.own_text_headings(outline)
    return [
        ("analysis", printed.get("analysis", _("Analysis"))),
        ("requirements", printed.get("requirements", _("Requirements"))),
        ("attachments", _("Attachments (optional, one per line)")),
    ]


def issue_problems(bulletin: Bulletin, language: str = "zh-hans") -> list[Problem]:
    """What would stop the draft from being issued now (own text, glyphs), for the confirmation page."""
    if bulletin.status != Status.DRAFT:
        return []
    with translation.override(language):
        document = docx_render.bulletin_document(draft_content(bulletin, language))
        return (
            provisional_problems(bulletin.run)
            + _own_text_problems(bulletin)
            + glyph_problems(document)
        )


def glyph_problems(document: OfficialDocument) -> list[Problem]:
    """One problem per string with a character the shipped font that renders it has no glyph for."""
    return [Problem(None, "document", gap.message()) for gap in glyphs.missing(document)]


def _number_for(period: str, year: int) -> tuple[int, int]:
    """(year, serial) of the document number: kept from the first edition, else the next of the year."""
    first = selectors.issued_editions(period).first()
    if first is not None and first.serial is not None and first.issue_year is not None:
        return first.issue_year, first.serial
    top = Bulletin.objects.filter(issued=True, issue_year=year, edition=1).aggregate(
        top=Max("serial")
    )["top"]
    return year, (top or 0) + 1


def issue(*, actor: Actor, bulletin_id: int, language: str = "zh-hans") -> Bulletin:
    """Issue a draft: number it, render and store the .docx with its SHA-256; audited; then immutable."""
    require(actor, "bulletins.issue")
    try:
        with transaction.atomic():
            draft = (
                Bulletin.objects.select_for_update()
                .select_related("run__version")
                .get(pk=bulletin_id)
            )
            _check_issuable(draft)
            refuse_provisional(draft.run)
            now = timezone.now()
            year, serial = _number_for(draft.period, timezone.localtime(now).year)
            latest = selectors.last_issued()
            since = latest.issued_at if latest else None
            with translation.override(language):
                content = selectors.bulletin_content(
                    run=draft.run,
                    edition=draft.edition,
                    doc_number=issuer(draft.run.version.content.get("bulletin")).document_number(
                        year, serial
                    ),
                    is_draft=False,
                    date=timezone.localtime(now).date(),
                    errata_since=since,
                    language=language,
                    own=selectors.OwnText.of(draft),
                )
                document = docx_render.bulletin_document(content)
                problems = _own_text_problems(draft) + glyph_problems(document)
                if problems:
                    raise InputRefused(problems)
                data = docx.render(document)
            digest = hashlib.sha256(data).hexdigest()
            _change_draft(
                actor=actor,
                draft=draft,
                event=Event.BULLETINS_BULLETIN_ISSUE,
                detail={"run": draft.run_id, "sha256": digest},
                conflict=_("The bulletin was issued meanwhile."),
                values={
                    "status": Status.ISSUED,
                    "issued": True,
                    "issued_by": actor.user,
                    "issued_at": now,
                    "doc_number": content.doc_number,
                    "serial": serial,
                    "issue_year": year,
                    "errata_since": since,
                    "sha256": digest,
                    "docx": data,
                },
            )
    except IntegrityError:
        raise Conflict(
            _("Another bulletin took this document number meanwhile; try again.")
        ) from None
    return Bulletin.objects.get(pk=bulletin_id)


def _check_issuable(draft: Bulletin) -> None:
    if draft.status != Status.DRAFT:
        raise Conflict(_("Only a draft can be issued; this bulletin is already issued."))
    if not draft.run.is_current:
        raise Conflict(
            _(
                "The results of %(period)s changed after the draft was made; refresh the draft first."
            )
            % {"period": draft.period}
        )


def bulletin_document(
    *, actor: Actor, bulletin_id: int, fmt: str, language: str = "zh-hans"
) -> Rendered:
    """A bulletin to download: an issued one from its stored .docx (verified), a draft rendered now."""
    require(actor, "bulletins.view")
    if fmt not in FORMATS:
        raise ValueError(fmt)
    bulletin = Bulletin.objects.select_related("run", "run__version").get(pk=bulletin_id)
    name = _filename(bulletin.period, bulletin.edition, fmt)
    with translation.override(language):
        if bulletin.status == Status.ISSUED and fmt != "html":
            if not verify(bulletin):
                raise Conflict(_("The stored document does not match its recorded hash."))
            stored = bytes(bulletin.docx or b"")
            data = stored if fmt == "docx" else docx_to_pdf(stored)
            return Rendered(data, CONTENT_TYPES[fmt], name)
        data = render_content(draft_content(bulletin, language), fmt)
    return Rendered(data, CONTENT_TYPES[fmt], name)
