"""The entry grid's rows, written in Python, match the template loop they replace, character for
character: editable or read-only, refused texts, flagged and changed cells, cells outside the form,
names and texts needing escape, a paged window with a filter, in both languages."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from pingan.reporting import drafts, filling, grid, submissions
from pingan.reporting.grid import grid as build_grid
from pingan.reporting.models import Submission
from pingan.reporting.templatetags.reporting_grid import grid_rows
from pingan.units.models import OrgUnit
from tests.reporting.conftest import MONTH, POLICE_CELLS, records
from tests.reporting.test_review import _history

pytestmark = pytest.mark.django_db

# The row loop of reporting/submission.html before the rows were written in Python.
ROWS_TEMPLATE = """{% load i18n l10n %}{% localize off %}{% for row in grid.rows %}
  <tr><th scope="row">{{ row.name }} <small class="text-muted">{{ row.unit.code }}</small></th>
    {% for cell in row.cells %}
    <td{% if cell.flags %} class="table-warning flagged"{% endif %}>{% if cell.applies %}
      {% if editable %}<input class="form-control form-control-sm cell{% if cell.refused is not None %} is-invalid{% endif %}" name="v:{{ row.unit.code }}:{{ cell.code }}" value="{% if cell.refused is not None %}{{ cell.refused }}{% else %}{{ cell.value|default_if_none:'' }}{% endif %}" inputmode="numeric" autocomplete="off" aria-label="{{ row.name }} {{ cell.name }}" aria-describedby="st-{{ row.unit.pk }}-{{ cell.code }}" data-col="{{ forloop.counter0 }}" data-unit="{{ row.unit.code }}" data-indicator="{{ cell.code }}">
      <small class="cell-status d-block{% if cell.refused is not None %} text-danger{% endif %}" id="st-{{ row.unit.pk }}-{{ cell.code }}">{% if cell.refused is not None %}{% translate "refused: the value must be a whole number ≥ 0" %}{% endif %}</small>
      {% elif cell.value is None %}<span class="text-danger">—</span>{% else %}<span class="value">{{ cell.value }}</span>{% endif %}
      {% if cell.flags %}<span class="badge text-bg-warning">{% translate "sharp change" %}</span>{% endif %}
      <small class="text-muted d-block">{% translate "last month" %}: {{ cell.last|default_if_none:"—" }} · {% translate "last year" %}: {{ cell.last_year|default_if_none:"—" }}
        · <a href="{{ history_url }}?unit={{ row.unit.code }}&amp;indicator={{ cell.code }}&amp;month={{ submission.month }}">{% translate "history" %}</a>{% if cell.changed %} · <span class="text-warning">{% translate "changed" %}</span>{% endif %}</small>
    {% else %}<span class="text-muted">·</span>{% endif %}</td>
    {% endfor %}
    <td class="row-total">{{ row.total }}</td></tr>
  {% endfor %}{% endlocalize %}"""


def _reference(data: dict, submission: Submission, editable: bool) -> str:
    return Template(ROWS_TEMPLATE).render(
        Context(
            {
                "grid": data,
                "editable": editable,
                "submission": submission,
                "history_url": reverse("reporting:history"),
            }
        )
    )


@pytest.fixture
def varied(staff, draft, system_actor):
    """A police draft with values, a sharp change, a refused text and names needing escape.

    August approved (168 each); September: A1 criminal 84, A2 criminal 0, A2
    public_security refused text, C1 criminal 1,234,567; A4 left empty; B1 is outside the form.
    """
    OrgUnit.objects.filter(code="A1").update(name_zh="甲区 <b>&\"'", name_en="A <1> & 'one'")
    _history(system_actor, "2026-08", 168)
    filling.put_cells(
        actor=staff["clerk"],
        submission_id=draft.pk,
        records=records(
            {("A1", "criminal"): 84, ("A2", "criminal"): 0, ("C1", "criminal"): 1234567}
        ),
    )
    drafts.save_draft_cells(
        actor=staff["clerk"],
        submission_id=draft.pk,
        entries=[("A2", "public_security", '<script>"x" & 1</script>')],
    )
    return draft


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("editable", [True, False])
def test_rows_are_the_templates_rows_character_for_character(varied, language, editable):
    with translation.override(language):
        data = build_grid(varied)
        old = _reference(data, varied, editable)
        assert grid_rows(data, varied.month, editable) == old
    assert old.count("<tr>") == 4
    # A1 84, A2 0 and C1 1234567 criminal cases against August's 168
    assert old.count('class="table-warning flagged"') == 3
    assert old.count('<span class="text-muted">·</span>') == 1  # C1's public_security
    if editable:
        assert 'value="&lt;script&gt;&quot;x&quot; &amp; 1&lt;/script&gt;"' in old
        assert old.count(" is-invalid") == 1
    else:
        assert '<span class="value">1234567</span>' in old
        assert '<span class="text-danger">—</span>' in old


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_changed_cell_of_a_correction_and_an_approved_grid(staff, approved, language):
    correction = submissions.start_correction(
        actor=staff["clerk"], body_id=approved.body_id, month=MONTH, reason="typo"
    )
    filling.put_cells(
        actor=staff["clerk"],
        submission_id=correction.pk,
        records=records({("A1", "criminal"): 3}),
    )
    for item, editable in ((correction, True), (approved, False)):
        with translation.override(language):
            data = build_grid(item)
            old = _reference(data, item, editable)
            assert grid_rows(data, item.month, editable) == old
    assert old.count('class="value"') == len(POLICE_CELLS)


def test_a_filtered_page_of_the_grid(staff, varied, monkeypatch):
    monkeypatch.setattr(grid, "CELLS_PER_PAGE", 4)
    monkeypatch.setattr(grid, "MIN_ROWS_PER_PAGE", 1)  # two units a page
    for page, query in ((1, ""), (2, ""), (1, "a"), (1, "no such unit")):
        data = build_grid(varied, page=page, query=query)
        assert data["window"].paged
        for editable in (True, False):
            assert grid_rows(data, varied.month, editable) == _reference(data, varied, editable)
    assert grid_rows(data, varied.month, True) == ""


def test_the_page_shows_the_rows_of_the_tag(staff, varied):
    from django.test import Client

    client = Client()
    client.force_login(staff["clerk"].user)
    page = client.get(reverse("reporting:submission", args=[varied.pk])).content.decode()
    with translation.override("en"):
        rows = grid_rows(build_grid(varied), varied.month, True)
    assert "<tbody>\n  %s\n  </tbody>" % rows in page
