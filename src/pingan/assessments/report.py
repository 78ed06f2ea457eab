"""The special report (专项报告) as an official document: object, dimensions, risks, consultations, measures, conclusion.

Built as an `OfficialDocument` and laid out by the shared renderer (`pingan.core.documents`), so
the .docx has the layout of GB/T 9704 and the PDF comes from it through LibreOffice. A report
rendered before the conclusion is marked as a draft; the approved one is stored with the
concluded version and never changes.
"""

from __future__ import annotations

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pingan.assessments.models import (
    Assessment,
    Conclusion,
    ConsultationKind,
    Dimension,
    Level,
    Rating,
)
from pingan.core.documents import docx, html
from pingan.core.documents.model import Block, Heading, OfficialDocument, Table, Text, date_text


def _name(unit: object, language: str) -> str:
    return str(unit.display_name(language))  # type: ignore[attr-defined]


def _object(assessment: Assessment, language: str) -> list[Block]:
    affected = "、".join(
        _name(a.unit, language) for a in assessment.affected.select_related("unit")
    )
    lines = [
        _("Number: %(number)s (version %(version)s)")
        % {"number": assessment.number, "version": assessment.version},
        _("Category: %(c)s") % {"c": assessment.get_category_display()},
        _("Proposing body: %(u)s") % {"u": _name(assessment.proposing_unit, language)},
        _("Implementing body: %(u)s") % {"u": _name(assessment.implementing_unit, language)},
        _("Assessing department: %(u)s") % {"u": _name(assessment.assessing_unit, language)},
        _("Affected units: %(u)s") % {"u": affected},
        _("Expected date of the decision: %(d)s") % {"d": date_text(assessment.expected_on)},
    ]
    if assessment.reason:
        lines.append(_("Reason for this version: %(r)s") % {"r": assessment.reason})
    return [Heading(1, _("Object of the assessment")), *(Text(line) for line in lines)]


def _dimensions(assessment: Assessment) -> list[Block]:
    found = {f.dimension: f for f in assessment.findings.all()}
    blocks: list[Block] = [Heading(1, _("The five dimensions"))]
    for dimension, label in Dimension.choices:
        finding = found.get(dimension)
        blocks.append(Heading(2, str(label)))
        if finding is None:
            blocks.append(Text(_("(not yet assessed)"), placeholder=True))
            continue
        blocks += [Text(line) for line in finding.text.splitlines() if line.strip()]
        blocks.append(Text(_("Rating: %(r)s") % {"r": Rating(finding.rating).label}))
    return blocks


def _risks(assessment: Assessment) -> list[Block]:
    rows = tuple(
        (
            str(n),
            risk.description,
            str(risk.likelihood),
            str(risk.impact),
            str(Level(risk.level).label),
            str(Level(risk.residual_level).label),
        )
        for n, risk in enumerate(assessment.risks.all(), start=1)
    )
    if not rows:
        return [Heading(1, _("Risk register")), Text(_("No risk was identified."))]
    headers = (_("No."), _("Risk"), _("Likelihood"), _("Impact"), _("Level"), _("Residual level"))
    return [
        Heading(1, _("Risk register")),
        Table(headers=headers, rows=rows, left=frozenset({1}), one_line=frozenset({0, 2, 3})),
    ]


def _consultations(assessment: Assessment) -> list[Block]:
    rows = []
    for c in assessment.consultations.all():
        counts = (
            _("support %(s)s, neutral %(n)s, oppose %(o)s of %(t)s")
            % {"s": c.support, "n": c.neutral, "o": c.oppose, "t": c.participants}
            if c.kind == ConsultationKind.SURVEY
            else _("%(t)s taking part") % {"t": c.participants}
        )
        rows.append(
            (ConsultationKind(c.kind).label, date_text(c.held_on), c.method, counts, c.summary)
        )
    blocks: list[Block] = [Heading(1, _("Consultation"))]
    if not rows:
        return [*blocks, Text(_("No consultation was recorded."))]
    headers = (_("Kind"), _("Date"), _("Method"), _("Result"), _("Opinions"))
    return [
        *blocks,
        Table(
            headers=headers, rows=tuple(tuple(map(str, r)) for r in rows), left=frozenset({2, 3, 4})
        ),
    ]


def _measures(assessment: Assessment, language: str) -> list[Block]:
    rows = []
    for m in assessment.measures.select_related("owner_unit", "completion").order_by(
        "due_on", "pk"
    ):
        done = getattr(m, "completion", None)
        rows.append(
            (
                m.description,
                _name(m.owner_unit, language),
                date_text(m.due_on),
                date_text(done.done_on) if done else _("open"),
            )
        )
    if not rows:
        return [Heading(1, _("Mitigation measures")), Text(_("No measure was set."))]
    headers = (_("Measure"), _("Owner unit"), _("Deadline"), _("Done"))
    return [
        Heading(1, _("Mitigation measures")),
        Table(headers=headers, rows=tuple(rows), left=frozenset({0})),
    ]


def _conclusion(assessment: Assessment) -> list[Block]:
    blocks: list[Block] = [Heading(1, _("Conclusion"))]
    if assessment.overall_level:
        blocks.append(
            Text(_("Overall risk level: %(l)s") % {"l": Level(assessment.overall_level).label})
        )
    if assessment.recommended:
        blocks.append(
            Text(
                _("Conclusion by the rule: %(c)s") % {"c": Conclusion(assessment.recommended).label}
            )
        )
    chosen = assessment.conclusion or assessment.proposed
    if chosen:
        blocks.append(Text(_("Conclusion: %(c)s") % {"c": Conclusion(chosen).label}))
    if assessment.override_reason:
        blocks.append(
            Text(_("Reason for departing from the rule: %(r)s") % {"r": assessment.override_reason})
        )
    if assessment.review_due:
        blocks.append(
            Text(
                _("Post-implementation review by %(d)s.") % {"d": date_text(assessment.review_due)}
            )
        )
    if not chosen:
        blocks.append(Text(_("(to be concluded)"), placeholder=True))
    return blocks


def report_document(assessment: Assessment, *, final: bool) -> OfficialDocument:
    """The special report as an official document (call under the wanted translation)."""
    language = translation.get_language() or "zh-hans"
    author = _name(assessment.assessing_unit, language)
    day = (
        timezone.localdate(assessment.concluded_at)
        if assessment.concluded_at
        else timezone.localdate()
    )
    blocks = (
        _object(assessment, language) + _dimensions(assessment) + _risks(assessment)
        + _consultations(assessment) + _measures(assessment, language) + _conclusion(assessment)
    )  # fmt: skip
    return OfficialDocument(
        title=_("Special report on the social-stability risk assessment of “%(title)s”")
        % {"title": assessment.title},
        author=author,
        date=day,
        date_text=date_text(day),
        blocks=blocks,
        signature=author,
        header_marks=[] if final else [_("DRAFT")],
        revision=assessment.version,
    )


def render_docx(assessment: Assessment, *, final: bool = False) -> bytes:
    """The report as .docx bytes, in Chinese (the language of record)."""
    with translation.override("zh-hans"):
        return docx.render(report_document(assessment, final=final))


def render_html(assessment: Assessment) -> str:
    """The report as one HTML page in the current language (the preview)."""
    return html.render(report_document(assessment, final=assessment.concluded))
