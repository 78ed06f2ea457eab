"""The rows of a unit page's decomposition, written in Python, match the template they replace."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation

from pingan.scores.templatetags.scores_rows import decomposition_rows

# The loop of scores/_unit_body.html before its rows were written in Python.
ROWS_TEMPLATE = """{% load i18n %}{% for d in decomposition %}<tr{% if d.missing %} class="table-warning"{% elif d.imputed %} class="table-info"{% endif %}>
    <td>{{ d.indicator }}</td><td>{{ d.month }}</td><td class="num"{% if d.status %} title="{{ d.status }}"{% endif %}>{% if d.missing %}{% translate "missing" %}{% else %}{{ d.count }}{% endif %}</td><td class="num">{{ d.deduction }}</td>
    <td class="no-print small">{% if d.figure_url %}<a href="{{ d.figure_url }}">{% blocktranslate trimmed with id=d.figure_id %}approved figure #{{ id }}{% endblocktranslate %}</a> · <a href="{{ d.history_url }}">{% translate "history" %}</a>{% elif d.figure_id %}#{{ d.figure_id }}{% endif %}</td>
  </tr>{% endfor %}"""


def _rows() -> list[dict[str, object]]:
    """Reported, missing, imputed and closed cells, with and without figure links, text to escape."""
    rows = []
    for i, (missing, imputed, status) in enumerate(
        [(False, False, ""), (True, False, "missing"), (False, True, "imputed: <mean> & more"),
         (False, False, "unit not open"), (False, False, "")]
    ):  # fmt: skip
        rows.append(
            {
                "indicator": "刑事案件 <criminal> & 'cases'",
                "code": "criminal",
                "month": "cap" if i == 4 else "2026-0%d" % (i + 1),
                "count": "" if missing else (i * 3 if i != 2 else "1.50 (imputed)"),
                "missing": missing,
                "imputed": imputed,
                "status": status,
                "deduction": "-%d.00" % i,
                "figure_id": 7000 + i if i % 2 == 0 else None,
                "figure_url": "/reporting/s/%d/" % (40 + i) if i in (0, 2) else "",
                "history_url": "/reporting/history/?unit=U1&indicator=criminal&month=2026-0%d" % i
                if i in (0, 2)
                else "",
            }
        )
    return rows


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_rows_are_the_templates_rows_character_for_character(language):
    rows = _rows()
    with translation.override(language):
        old = Template(ROWS_TEMPLATE).render(Context({"decomposition": rows}))
        assert decomposition_rows(rows) == old
    assert old.count("<tr") == 5
    assert old.count('class="table-warning"') == 1 and old.count('class="table-info"') == 1
    assert "&lt;criminal&gt; &amp; &#x27;cases&#x27;" in old
    assert "?unit=U1&amp;indicator=criminal&amp;month=2026-00" in old
    assert "#7004" in old
