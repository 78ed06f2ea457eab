"""The bulletin as an official document: what it says, laid out by `pingan.core.documents`.

`bulletin_document` turns assembled content into an `OfficialDocument` (masthead, title,
numbered sections, tables, charts, the office's own text, 落款 and 版记); `render_docx` and
`render_html` lay it out with the one renderer, so the .docx, the PDF and the HTML preview
number and print the same things.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from pingan.bulletins import charts
from pingan.bulletins.selectors import BulletinContent, ClassSection
from pingan.bulletins.wording import period_phrases
from pingan.core.documents import docx, html
from pingan.core.documents.charts import ChartImage
from pingan.core.documents.model import (
    Block,
    Figure,
    Heading,
    Imprint,
    Masthead,
    OfficialDocument,
    Table,
    Text,
    date_text,
    numbered,
)


def _figure(image: ChartImage, caption: str, alt: str) -> Figure:
    return Figure(png=image.png, strings=image.strings, caption=caption, alt=alt)


def _charts(content: BulletinContent) -> list[Block]:
    if not content.classes:
        return []
    first = content.classes[0]
    bars = charts.score_bars(
        names=first.names,
        scores=first.scores,
        tiers=first.tiers,
        tier_lines=content.tier_lines,
        title=_("%(class)s: absolute scores by tier") % {"class": first.name},
        xlabel=_("Absolute score"),
    )
    plot = charts.funnel_plot(
        observed=first.observed,
        expected=first.expected,
        flags=first.flags,
        title=_("%(class)s: funnel plot") % {"class": first.name},
        xlabel=_("Expected weighted incidents"),
        ylabel=_("Observed / expected"),
    )
    return [
        _figure(
            bars,
            _("Figure 1. %(class)s: absolute scores; colour shows the tier.")
            % {"class": first.name},
            _("Absolute scores by tier"),
        ),
        _figure(
            plot,
            _(
                "Figure 2. %(class)s: observed against expected incidents with control limits at 95 and 99.8 percent."
            )
            % {"class": first.name},
            _("Funnel plot"),
        ),
    ]


def _lines(lines: list[str], empty: str) -> list[Block]:
    return [Text(line) for line in lines or [empty]]


def _ranking_table(section: ClassSection) -> Table:
    return Table(
        headers=(
            _("Rank (interval)"),
            _("Unit"),
            _("Absolute score"),
            _("Relative score"),
            _("Stars"),
            _("Tier"),
        ),
        rows=tuple(
            (row.rank, row.unit_name, row.absolute, row.relative, row.stars, row.tier_text)
            for row in section.rows
        ),
        left=frozenset({1}),
        one_line=frozenset({0, 1}),
        name=section.code,
    )


def _rankings(content: BulletinContent) -> list[Block]:
    blocks: list[Block] = []
    for section in content.classes:
        blocks += [Heading(2, section.name), _ranking_table(section)]
    blocks.append(
        Text(
            _(
                "Ranks are by absolute score; the brackets give the interval that holds the rank with 95 percent probability."
            ),
            small=True,
        )
    )
    return blocks


def _tiers(content: BulletinContent) -> list[Block]:
    return [
        Text(
            _("%(tier)s (%(n)d): %(units)s.")
            % {
                "tier": group.text,
                "n": len(group.units),
                "units": "、".join(group.units) if group.units else _("none"),
            }
        )
        for group in content.tiers
    ]


def _changes(content: BulletinContent) -> list[Block]:
    blocks: list[Block] = []
    for label, lines in ((_("Largest rises"), content.rises), (_("Largest falls"), content.falls)):
        text = "；".join(
            "%s（%s，%s，%s）" % (c.unit_name, c.class_name, c.score, c.change) for c in lines
        ) or _("none")
        blocks.append(Text("%s：%s。" % (label, text)))
    return blocks


def _errata(content: BulletinContent) -> list[Block]:
    if not content.errata:
        return [Text(_("No published result has been corrected since the last bulletin."))]
    return [
        Text(
            _(
                "%(quarter)s, %(unit)s: absolute score corrected from %(old)s to %(new)s, rank from %(old_rank)s to %(new_rank)s (%(reason)s)."
            )
            % {
                "quarter": e.period,
                "unit": e.unit_name,
                "old": e.old_absolute,
                "new": e.new_absolute,
                "old_rank": e.old_rank,
                "new_rank": e.new_rank,
                "reason": e.reason,
            }
        )
        for e in content.errata
    ]


def _own_text(lines: list[str], is_draft: bool) -> list[Block]:
    """The office's own paragraphs; in a draft without them, a marked place for them."""
    if lines:
        return [Text(line) for line in lines]
    if is_draft:
        return [Text(_("(to be written before issue)"), placeholder=True)]
    return []


def bulletin_blocks(content: BulletinContent) -> list[Block]:
    """The body of the bulletin, section by section, in print order."""
    words = period_phrases(content.period)
    blocks: list[Block] = [Heading(1, _("Overview"))]
    blocks += [Text(line) for line in content.summary]
    blocks += _charts(content)
    blocks += [Heading(1, _("Rankings by class")), *_rankings(content)]
    blocks += [Heading(1, _("Warning tiers")), *_tiers(content)]
    blocks += [
        Heading(1, _("Warnings")),
        *_lines(content.warnings, words.no_warnings),
    ]
    if content.withheld:
        blocks += [
            Heading(2, _("Units not fully reported (未完整上报单位)")),
            *_lines(content.withheld, ""),
        ]
    if content.pairs:
        blocks += [Heading(2, _("Linked units (同奖同罚)")), *_lines(content.pairs, "")]
    blocks += [Heading(1, words.changes_heading), *_changes(content)]
    blocks += [
        Heading(1, _("Units under key management")),
        *_lines(content.key_units, words.no_key_units),
    ]
    blocks += [Heading(1, _("Errata")), *_errata(content)]
    blocks += [
        Heading(1, _("Analysis")),
        *_own_text(content.analysis, content.is_draft),
        Heading(1, _("Requirements")),
        *_own_text(content.requirements, content.is_draft),
    ]
    return blocks


def own_text_headings(content: BulletinContent) -> dict[str, str]:
    """The printed headings of 情况分析 and 工作要求 (e.g. 八、情况分析), numbered as in the document.

    Charts need no drawing for this: the content may have no classes.
    """
    wanted = {_("Analysis"): "analysis", _("Requirements"): "requirements"}
    return {
        wanted[block.text]: label + block.text
        for block, label in numbered(bulletin_blocks(content))
        if isinstance(block, Heading) and block.text in wanted
    }


def bulletin_document(content: BulletinContent) -> OfficialDocument:
    """The bulletin as an official document (call under the wanted translation)."""
    office = content.issuer
    marks = []
    if content.illustrative:
        marks.append(_("ILLUSTRATIVE DATA"))
    if content.is_draft:
        marks.append(_("DRAFT"))
    day = date_text(content.date)
    return OfficialDocument(
        title=content.title,
        author=office.issuer,
        date=content.date,
        date_text=day,
        blocks=bulletin_blocks(content),
        masthead=Masthead(office.header_line, content.doc_number + content.edition_text),
        main_to=office.main_to,
        attachments=list(content.attachments),
        signature=office.issuer,
        imprint=Imprint(copy_to=office.copy_to, printer=office.issuer, date_text=day),
        header_marks=marks,
        top_marks=[_("ILLUSTRATIVE DATA")] if content.illustrative else [],
        revision=content.edition,
    )


def render_docx(content: BulletinContent) -> bytes:
    """The bulletin as .docx bytes (call under the wanted translation)."""
    return docx.render(bulletin_document(content))


def render_html(content: BulletinContent) -> str:
    """The bulletin as one self-contained HTML page (call under the wanted translation)."""
    return html.render(bulletin_document(content))
