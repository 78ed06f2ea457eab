"""Rows of the matters list and the to-do list, and the list's notices and filter options, written
as strings instead of a template per row.

A row through the template engine (a dozen variables, filters and a `{% url %}` each) cost most
of these pages' time; these tags write the same HTML, character for character, in one pass
(`tests/matters/test_list_rows.py` compares them with the templates they replace).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from pingan.core.links import link_maker
from pingan.matters.due import DueLabel, due_label
from pingan.matters.models import Matter
from pingan.matters.templatetags.matters_tags import status_labels

register = template.Library()


def _name(obj: Any, language: str) -> str:
    """The escaped stored name of `obj` in `language` ("" for None), as the `local_name` filter."""
    return "" if obj is None else escape(obj.display_name(language))


def _headings(*pairs: tuple[str, str]) -> dict[str, str]:
    """The columns' headings by key, escaped, for the rows' `data-label` attributes."""
    return {key: escape(words) for key, words in pairs}


def _badge(label: DueLabel | None) -> str:
    """The deadline badge after the date ("" without a label)."""
    if label is None:
        return ""
    return ' <span class="badge %s">%s</span>' % (escape(label.css), escape(label.text))


@register.simple_tag
def matter_list_rows(matters: Iterable[Matter]) -> SafeString:
    """The `<tr>` rows of the matters list (matters/list.html), each between newlines."""
    language = get_language() or "zh-hans"
    labels = status_labels(language)
    detail = link_maker("matters:detail")
    today = timezone.localdate()
    head = _headings(
        ("number", _("Number")),
        ("received", _("Received")),
        ("category", _("Category")),
        ("grade", _("Grade")),
        ("place", _("Place")),
        ("responsible", _("Responsible unit")),
        ("status", _("Status")),
        ("handle_by", _("Handle by")),
    )
    rows = []
    for m in matters:
        received = timezone.localtime(m.received_at).strftime("%Y-%m-%d %H:%M")
        handle_by = m.handle_due.isoformat() if m.handle_due else "—"
        rows.append(
            '\n<tr><td data-label="{number}"><a href="{url}">{m_number}</a></td>'
            '<td data-label="{received}">{m_received}</td>'
            '<td data-label="{category}">{m_category}</td>'
            '<td data-label="{grade}">{m_level} {m_grade}</td>\n'
            '<td data-label="{place}">{m_place}</td>'
            '<td data-label="{responsible}">{m_responsible}</td>'
            '<td data-label="{status}">{m_status}</td>'
            '<td data-label="{handle_by}">{m_handle_by}{badge}</td></tr>\n'.format(
                url=detail(m.pk),
                m_number=escape(m.number),
                m_received=received,
                m_category=_name(m.category, language),
                m_level=m.grade.level,
                m_grade=_name(m.grade, language),
                m_place=_name(m.place_unit, language),
                m_responsible=_name(m.responsible_unit, language) or "—",
                m_status=escape(labels.get(m.status, m.status)),
                m_handle_by=handle_by,
                badge=_badge(due_label(m, today)),
                **head,
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value above is escaped


@register.simple_tag
def todo_rows(matters: Iterable[Matter]) -> SafeString:
    """The `<tr>` rows of the to-do list (matters/todo.html), each between newlines."""
    language = get_language() or "zh-hans"
    labels = status_labels(language)
    detail = link_maker("matters:detail")
    today = timezone.localdate()
    head = _headings(
        ("deadline", _("Deadline")),
        ("number", _("Number")),
        ("status", _("Status")),
        ("category", _("Category")),
        ("grade", _("Grade")),
        ("place", _("Place")),
    )
    rows = []
    for m in matters:
        label = due_label(m, today)
        if label is None:
            due = "—"
        else:
            due = '%s <span class="badge %s" data-testid="due-label">%s</span>' % (
                label.due.isoformat(),
                escape(label.css),
                escape(label.text),
            )
        rows.append(
            '\n<tr><td data-label="{deadline}">{due}</td>\n'
            '<td data-label="{number}"><a href="{url}">{m_number}</a></td>'
            '<td data-label="{status}">{m_status}</td>\n'
            '<td data-label="{category}">{m_category}</td>'
            '<td data-label="{grade}">{m_level} {m_grade}</td>'
            '<td data-label="{place}">{m_place}</td></tr>\n'.format(
                due=due,
                url=detail(m.pk),
                m_number=escape(m.number),
                m_status=escape(labels.get(m.status, m.status)),
                m_category=_name(m.category, language),
                m_level=m.grade.level,
                m_grade=_name(m.grade, language),
                m_place=_name(m.place_unit, language),
                **head,
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value above is escaped


@register.simple_tag
def notice_items(notices: Iterable[Any]) -> SafeString:
    """The `<li>` items of the matters list's notices (reminders and escalations)."""
    language_words = {
        "escalation": escape(_("Escalated to the leadership:")),
        "reminder": escape(_("Reminder:")),
        "handle_by": escape(_("handle by")),
    }
    detail = link_maker("matters:detail")
    today = timezone.localdate()
    items = []
    for notice in notices:
        kind = "escalation" if notice.kind == "escalation" else "reminder"
        items.append(
            '\n<li>%s\n<a href="%s">%s</a>%s (%s %s)</li>\n'
            % (
                language_words[kind],
                detail(notice.matter_id),
                escape(notice.matter.number),
                _badge(due_label(notice.matter, today)),
                language_words["handle_by"],
                escape(date_filter(notice.due, "Y-m-d")),
            )
        )
    return mark_safe("".join(items))  # noqa: S308 - every value above is escaped


def _options(pairs: Iterable[tuple[str, str]], chosen: str) -> SafeString:
    """`<option>`s of (value, label) pairs, the chosen value selected."""
    return mark_safe(  # noqa: S308 - values and labels are escaped
        "".join(
            '<option value="%s"%s>%s</option>'
            % (escape(value), " selected" if value == chosen else "", escape(label))
            for value, label in pairs
        )
    )


@register.simple_tag
def status_options(statuses: Iterable[tuple[str, Any]], chosen: str) -> SafeString:
    """The status filter's options."""
    return _options(((str(value), str(label)) for value, label in statuses), chosen)


@register.simple_tag
def category_options(categories: Iterable[Any], chosen: str) -> SafeString:
    """The category filter's options, by code, named in the reader's language."""
    language = get_language() or "zh-hans"
    return _options(((c.code, c.display_name(language)) for c in categories), chosen)


@register.simple_tag
def grade_options(grades: Iterable[Any], chosen: str) -> SafeString:
    """The grade filter's options, by level, as "level name"."""
    language = get_language() or "zh-hans"
    return _options(
        (("%d" % g.level, "%d %s" % (g.level, g.display_name(language))) for g in grades), chosen
    )
