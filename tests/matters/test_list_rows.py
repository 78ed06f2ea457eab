"""The matters list's and the to-do list's rows, written in Python, match the templates they replace;
the list pages read a fixed number of queries whatever the number of matters."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from pingan.matters.actions import workflow
from pingan.matters.models import Category, Grade, Matter, Notice, Status
from pingan.matters.templatetags.matters_rows import (
    category_options,
    grade_options,
    matter_list_rows,
    notice_items,
    status_options,
    todo_rows,
)
from pingan.units.models import OrgUnit

# The loops of matters/list.html and matters/todo.html before their rows were written in Python.
LIST_TEMPLATE = """{% load i18n matters_tags %}{% translate 'Category' as l_category %}{% translate 'Grade' as l_grade %}{% translate 'Handle by' as l_handle_by %}{% translate 'Number' as l_number %}{% translate 'Place' as l_place %}{% translate 'Received' as l_received %}{% translate 'Responsible unit' as l_responsible %}{% translate 'Status' as l_status %}{% for m in page %}{% with label=m|deadline %}
<tr><td data-label="{{ l_number }}"><a href="{% url 'matters:detail' m.pk %}">{{ m.number }}</a></td><td data-label="{{ l_received }}">{{ m.received_at|date:"Y-m-d H:i" }}</td><td data-label="{{ l_category }}">{{ m.category|local_name }}</td><td data-label="{{ l_grade }}">{{ m.grade.level }} {{ m.grade|local_name }}</td>
<td data-label="{{ l_place }}">{{ m.place_unit|local_name }}</td><td data-label="{{ l_responsible }}">{{ m.responsible_unit|local_name|default:"—" }}</td><td data-label="{{ l_status }}">{{ m|status_label }}</td><td data-label="{{ l_handle_by }}">{{ m.handle_due|date:"Y-m-d"|default:"—" }}{% if label %} <span class="badge {{ label.css }}">{{ label.text }}</span>{% endif %}</td></tr>
{% endwith %}{% endfor %}"""
TODO_TEMPLATE = """{% load i18n matters_tags %}{% for m in matters %}{% with label=m|deadline %}
<tr><td data-label="{% translate 'Deadline' %}">{% if label %}{{ label.due|date:"Y-m-d" }} <span class="badge {{ label.css }}" data-testid="due-label">{{ label.text }}</span>{% else %}—{% endif %}</td>
<td data-label="{% translate 'Number' %}"><a href="{% url 'matters:detail' m.pk %}">{{ m.number }}</a></td><td data-label="{% translate 'Status' %}">{{ m.get_status_display }}</td>
<td data-label="{% translate 'Category' %}">{{ m.category|local_name }}</td><td data-label="{% translate 'Grade' %}">{{ m.grade.level }} {{ m.grade|local_name }}</td><td data-label="{% translate 'Place' %}">{{ m.place_unit|local_name }}</td></tr>
{% endwith %}{% endfor %}"""

# The notices and the filters' options of matters/list.html before they were written in Python.
NOTICES_TEMPLATE = """{% load i18n matters_tags %}{% for notice in notices %}{% with label=notice.matter|deadline %}
<li>{% if notice.kind == "escalation" %}{% translate "Escalated to the leadership:" %}{% else %}{% translate "Reminder:" %}{% endif %}
<a href="{% url 'matters:detail' notice.matter_id %}">{{ notice.matter.number }}</a>{% if label %} <span class="badge {{ label.css }}">{{ label.text }}</span>{% endif %} ({% translate "handle by" %} {{ notice.due|date:"Y-m-d" }})</li>
{% endwith %}{% endfor %}"""
OPTIONS_TEMPLATE = """{% load matters_tags %}{% for value, label in statuses %}<option value="{{ value }}"{% if chosen.status == value %} selected{% endif %}>{{ label }}</option>{% endfor %}|{% for c in categories %}<option value="{{ c.code }}"{% if chosen.category == c.code %} selected{% endif %}>{{ c|local_name }}</option>{% endfor %}|{% for g in grades %}<option value="{{ g.level }}"{% if chosen.grade == g.level|stringformat:"d" %} selected{% endif %}>{{ g.level }} {{ g|local_name }}</option>{% endfor %}"""


def _matters() -> list[Matter]:
    """Unsaved matters in every status, with and without deadlines, names needing escaping."""
    today = timezone.localdate()
    category = Category(code="noise", name_zh="噪音<纠纷>", name_en="Noise & nuisance")
    other = Category(code="land", name_zh="土地", name_en="")
    grade = Grade(level=2, name_zh="较大", name_en="Major")
    place = OrgUnit(code="P1", name_zh="市中街道", name_en='Shizhong "Street"')
    unit = OrgUnit(code="U1", name_zh="司法所", name_en="")
    received = dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC)  # the next day in Beijing
    matters = []
    for i, status in enumerate(Status.values):
        matters.append(
            Matter(
                pk=1000 + i,
                number="M2026-%04d<%d>" % (i, i),
                category=other if i % 3 == 0 else category,
                grade=grade,
                place_unit=place,
                responsible_unit=unit if i % 2 else None,
                status=status,
                received_at=received + dt.timedelta(days=i),
                handle_due=today + dt.timedelta(days=i - 4) if i % 4 else None,
                sign_due=today + dt.timedelta(days=i - 6),
            )
        )
    return matters


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_rows_are_the_templates_rows_character_for_character(language):
    matters = _matters()
    with translation.override(language):
        old_list = Template(LIST_TEMPLATE).render(Context({"page": matters}))
        old_todo = Template(TODO_TEMPLATE).render(Context({"matters": matters}))
        assert matter_list_rows(matters) == old_list
        assert todo_rows(matters) == old_todo
    assert old_list.count("<tr>") == len(Status.values) == 11
    assert "M2026-0000&lt;0&gt;" in old_list and "—" in old_list and "badge" in old_list


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_notices_and_filter_options_are_the_templates_character_for_character(language):
    matters = _matters()
    notices = [
        Notice(
            matter=m,
            kind=Notice.ESCALATION if i % 2 else Notice.REMINDER,
            due=timezone.localdate() + dt.timedelta(days=i - 3),
        )
        for i, m in enumerate(matters)
    ]
    categories = [
        Category(code="noise<1>", name_zh="噪音<纠纷>", name_en="Noise & nuisance"),
        Category(code="land", name_zh="土地", name_en=""),
    ]
    grades = [
        Grade(level=1, name_zh="一般", name_en=""),
        Grade(level=2, name_zh="较大", name_en="Major"),
    ]
    with translation.override(language):
        old = Template(NOTICES_TEMPLATE).render(Context({"notices": notices}))
        assert notice_items(notices) == old
        for chosen in (
            {"status": "", "category": "", "grade": ""},
            {"status": Status.values[3], "category": "noise<1>", "grade": "2"},
            {"status": "nonsense", "category": "land", "grade": "1"},
        ):
            context = {"statuses": Status.choices, "categories": categories, "grades": grades}
            expected = Template(OPTIONS_TEMPLATE).render(Context({**context, "chosen": chosen}))
            written = "|".join(
                [
                    status_options(Status.choices, chosen["status"]),
                    category_options(categories, chosen["category"]),
                    grade_options(grades, chosen["grade"]),
                ]
            )
            assert written == expected
    assert old.count("<li>") == 11 and "badge" in old
    assert expected.count(" selected") == 2


@pytest.fixture
def some_matters(people, units, new_matter):
    """Six matters at the centre, two of them dispatched to BZ01's handler."""
    made = [new_matter(now=timezone.now() - dt.timedelta(hours=n)) for n in range(6)]
    dispatcher = people["dispatcher"][1]
    for matter in made[:2]:
        workflow.dispatch(
            actor=dispatcher,
            matter_id=matter.pk,
            unit_id=units["BZ01"].pk,
            handler_id=people["handler"][0].pk,
        )
    return made


# The list: the session's user, the page's ids and rows, the notices, the categories, the grades, the count.
# The to-do page: the session's user, its roles (with the session check), the counts, the page's ids and rows (test_todo_rule).
LIST_QUERIES = 8
TODO_QUERIES = 6


def test_list_and_todo_read_a_fixed_number_of_queries(
    people, some_matters, new_matter, django_assert_num_queries
):
    dispatcher = Client()
    dispatcher.force_login(people["dispatcher"][0])
    for url, queries in (
        (reverse("matters:list"), LIST_QUERIES),
        (reverse("matters:todo"), TODO_QUERIES),
    ):
        dispatcher.get(url)
        with django_assert_num_queries(queries):
            page = dispatcher.get(url)
        assert page.status_code == 200
        for _ in range(4):
            new_matter()
        with django_assert_num_queries(queries):
            assert dispatcher.get(url).status_code == 200
    page = dispatcher.get(reverse("matters:list")).content.decode()
    assert page.count('href="/matters/%d/"' % some_matters[0].pk) == 1
