"""The rows of the body's list of submissions, written in Python, match the template they replace;
the list reads a fixed number of queries whatever the number of submissions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import translation

from pingan.reporting import submissions
from pingan.reporting.models import Kind, Status, Submission
from pingan.reporting.templatetags.reporting_rows import submission_rows

# The loop of reporting/my_submissions.html before its rows were written in Python.
ROWS_TEMPLATE = """{% load i18n %}{% for row in submissions %}{% with s=row.s %}
  <tr><td>{{ s.month }}</td><td>{{ row.body }}</td><td>{{ s.number }}</td><td>{{ s.get_kind_display }}</td>
    <td>{{ s.get_status_display }}{% if s.is_superseded %} · {% translate "superseded" %}{% endif %}{% if s.returned_reason and s.status == 'draft' %} · <span class="text-danger">{% translate "returned" %}: {{ s.returned_reason }}</span>{% endif %}</td>
    <td><a href="{% url 'reporting:submission' s.pk %}">{% translate "Open" %}</a></td></tr>
  {% endwith %}{% endfor %}"""


def _rows() -> list[dict[str, object]]:
    """Unsaved submissions of every kind and status, superseded or returned, names to escape."""
    rows = []
    for i, (kind, status) in enumerate((k, s) for k in Kind.values for s in Status.values):
        submission = Submission(
            pk=500 + i,
            month="2026-%02d" % (i % 12 + 1),
            number=i % 3 + 1,
            kind=kind,
            status=status,
            returned_reason="A<1> & 甲区" if i % 2 else "",
            superseded_at=dt.datetime(2026, 9, 1, tzinfo=dt.UTC) if i % 4 == 0 else None,
        )
        rows.append({"s": submission, "body": "公安局 <police>"})
    return rows


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_rows_are_the_templates_rows_character_for_character(language):
    rows = _rows()
    with translation.override(language):
        old = Template(ROWS_TEMPLATE).render(Context({"submissions": rows}))
        assert submission_rows(rows) == old
    assert old.count("<tr>") == 15
    assert "A&lt;1&gt; &amp; 甲区" in old and "公安局 &lt;police&gt;" in old


# The session's user (user; roles with the ended-session check), the due month's standing (the latest versions,
# units, bodies, submissions; the indicators and class rules are remembered by the process), the
# own submissions, the bodies and the reminders.
LIST_QUERIES = 9


def test_the_list_reads_a_fixed_number_of_queries(staff, police, django_assert_num_queries):
    clerk = Client()
    clerk.force_login(staff["clerk"].user)
    url = reverse("reporting:my_submissions")
    for month in ("2026-05", "2026-06"):
        submissions.create_submission(actor=staff["clerk"], body_id=police.pk, month=month)
    clerk.get(url)
    with django_assert_num_queries(LIST_QUERIES):
        assert clerk.get(url).status_code == 200
    for month in ("2026-07", "2026-08", "2026-09"):
        submissions.create_submission(actor=staff["clerk"], body_id=police.pk, month=month)
    with django_assert_num_queries(LIST_QUERIES):
        page = clerk.get(url).content.decode()
    assert page.count('<a href="/reporting/s/') == 5
