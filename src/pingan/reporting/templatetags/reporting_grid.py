"""The entry grid's rows, written as strings instead of a template loop per cell (ADR 0022).

Each cell through the template engine (about fifteen tags, filters and translations) cost most of
the submission page's time; `grid_rows` writes the same HTML, character for character
(`tests/reporting/test_grid_rows.py` compares it with the loop it replaces), looking the words up
once per page and escaping every value.
"""

from __future__ import annotations

import html
from typing import Any

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()


def escape(text: object) -> str:
    """`text` escaped as `django.utils.html.escape` does, without its lazy wrapper and safe-string
    copy (a tenth of the tag's time when called for every value)."""
    return html.escape(str(text))


def _number(value: int | None, missing: str) -> str:
    """A figure as the template wrote it without localisation ("—" or "" when missing)."""
    return missing if value is None else str(value)


@register.simple_tag
def grid_rows(grid: dict[str, Any], month: str, editable: bool) -> SafeString:
    """The `<tr>` rows of the grid (`grid.grid` of a submission of `month`), each between newlines."""
    refused_words = escape(_("refused: the value must be a whole number ≥ 0"))
    sharp = '\n      <span class="badge text-bg-warning">%s</span>\n      ' % escape(
        _("sharp change")
    )
    no_sharp = "\n      \n      "
    last_month, last_year = escape(_("last month")), escape(_("last year"))
    history = escape(_("history"))
    changed = ' · <span class="text-warning">%s</span>' % escape(_("changed"))
    history_url = escape(reverse("reporting:history"))
    month = escape(month)
    html = []
    for row in grid["rows"]:
        name, code, pk = escape(row.name), escape(row.unit.code), row.unit.pk
        cells = []
        for column, cell in enumerate(row.cells):
            flagged = bool(cell["flags"])
            opening = '\n    <td class="table-warning flagged">' if flagged else "\n    <td>"
            if not cell["applies"]:
                cells.append(opening + '<span class="text-muted">·</span></td>\n    ')
                continue
            cell_code = escape(cell["code"])
            value, refused = cell["value"], cell["refused"]
            if editable:
                shown = _number(value, "") if refused is None else escape(refused)
                entry = (
                    '<input class="form-control form-control-sm cell%s" name="v:%s:%s" value="%s" '
                    'inputmode="numeric" autocomplete="off" aria-label="%s %s" '
                    'aria-describedby="st-%d-%s" data-col="%d" data-unit="%s" data-indicator="%s">\n'
                    '      <small class="cell-status d-block%s" id="st-%d-%s">%s</small>\n      '
                    % (
                        "" if refused is None else " is-invalid",
                        code,
                        cell_code,
                        shown,
                        name,
                        escape(cell["name"]),
                        pk,
                        cell_code,
                        column,
                        code,
                        cell_code,
                        "" if refused is None else " text-danger",
                        pk,
                        cell_code,
                        "" if refused is None else refused_words,
                    )
                )
            elif value is None:
                entry = '<span class="text-danger">—</span>'
            else:
                entry = '<span class="value">%d</span>' % value
            cells.append(
                '%s\n      %s%s<small class="text-muted d-block">%s: %s · %s: %s\n'
                '        · <a href="%s?unit=%s&amp;indicator=%s&amp;month=%s">%s</a>%s</small>\n'
                "    </td>\n    "
                % (
                    opening,
                    entry,
                    sharp if flagged else no_sharp,
                    last_month,
                    _number(cell["last"], "—"),
                    last_year,
                    _number(cell["last_year"], "—"),
                    history_url,
                    code,
                    cell_code,
                    month,
                    history,
                    changed if cell["changed"] else "",
                )
            )
        html.append(
            '\n  <tr><th scope="row">%s <small class="text-muted">%s</small></th>\n    %s'
            '\n    <td class="row-total">%d</td></tr>\n  ' % (name, code, "".join(cells), row.total)
        )
    return mark_safe("".join(html))  # noqa: S308 - every value above is escaped
