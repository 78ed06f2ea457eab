"""Rows of a unit page's decomposition table, written as strings instead of a template per row.

A quarter's decomposition has a row per indicator and month (180 at province size); each through
the template engine, with its translations and conditions, cost most of a unit page's first
rendering. `decomposition_rows` writes the same HTML, character for character
(`tests/scores/test_decomposition_rows.py` compares it with the template it replaces).
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()


def _escape(text: object) -> str:
    return html.escape(str(text))


@register.simple_tag
def decomposition_rows(rows: Iterable[dict[str, Any]]) -> SafeString:
    """The `<tr>` rows of the decomposition table (`scores.presentation.decomposition`)."""
    missing = _escape(_("missing"))
    history = _escape(_("history"))
    parts = []
    for d in rows:
        shade = (
            ' class="table-warning"'
            if d["missing"]
            else ' class="table-info"'
            if d["imputed"]
            else ""
        )
        title = ' title="%s"' % _escape(d["status"]) if d["status"] else ""
        count = missing if d["missing"] else _escape(d["count"])
        parts.append(
            '<tr%s>\n    <td>%s</td><td>%s</td><td class="num"%s>%s</td><td class="num">%s</td>\n'
            '    <td class="no-print small">%s</td>\n  </tr>'
            % (
                shade,
                _escape(d["indicator"]),
                _escape(d["month"]),
                title,
                count,
                _escape(d["deduction"]),
                _figure_cell(d, history),
            )
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


def _figure_cell(d: dict[str, Any], history: str) -> str:
    if d["figure_url"]:
        return '<a href="%s">%s</a> · <a href="%s">%s</a>' % (
            _escape(d["figure_url"]),
            _escape(_("approved figure #%(id)s") % {"id": d["figure_id"]}),
            _escape(d["history_url"]),
            history,
        )
    if d["figure_id"]:
        return "#%s" % _escape(d["figure_id"])
    return ""
