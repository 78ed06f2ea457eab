"""The quick select renderer writes exactly what Django's select templates write."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from pingan.core.form_renderer import QuickSelectRenderer

CHOICES = [
    ("", "—"),
    ("a<b", 'Tom & "Jerry" <i>'),
    (7, gettext_lazy("Unit")),
    ("safe", mark_safe("<b>kept</b>")),
    ("Group 1 & 2", [(1, "one"), (2, "two")]),
    ("", [("x", "ungrouped in a nameless group")]),
]


class Everything(forms.Form):
    single = forms.ChoiceField(choices=CHOICES, required=False)
    typed = forms.TypedChoiceField(choices=CHOICES, coerce=str, required=True)
    many = forms.MultipleChoiceField(choices=CHOICES, required=False)
    styled = forms.ChoiceField(
        choices=CHOICES,
        widget=forms.Select(
            attrs={"class": "form-select", "data-n": 3, "disabled": True, "hidden": False}
        ),
    )


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"single": "a<b", "typed": "7", "many": ["1", "x"], "styled": "safe"},
        {"single": "nope", "many": ["2"]},
    ],
)
@pytest.mark.parametrize("name", ["single", "typed", "many", "styled"])
def test_select_boxes_are_written_as_the_templates_write_them(data, name):
    quick = Everything(data=data, renderer=QuickSelectRenderer())[name]
    template_form = Everything(data=data, renderer=DjangoTemplates())[name]
    assert quick.as_widget(attrs={"id": "id_x"}) == template_form.as_widget(attrs={"id": "id_x"})
    assert quick.as_widget() == template_form.as_widget()
    assert Everything(data=data)[name].as_widget() == quick.as_widget()  # the settings' renderer
    assert "&lt;i&gt;" in quick.as_widget() and "<b>kept</b>" in quick.as_widget()


def test_other_widgets_still_come_from_the_templates():
    class Text(forms.Form):
        text = forms.CharField()

    assert (
        Text(renderer=QuickSelectRenderer())["text"].as_widget()
        == Text(renderer=DjangoTemplates())["text"].as_widget()
        == '<input type="text" name="text" required id="id_text">'
    )


FLAT = [("", "—"), ("a<b", 'Tom & "Jerry" <i>'), ("7", "seven"), ("8", "eight")]


@pytest.mark.parametrize("value", [None, "", "a<b", "7", "8", "absent", 7])
def test_a_remembered_select_writes_what_a_select_writes(value):
    from django.core.cache import cache

    from pingan.core.form_renderer import RememberedSelect

    cache.clear()
    attrs = {"class": "form-select", "id": "id_unit", "required": True}
    for _ in range(2):  # written, then reused with the value marked
        remembered = RememberedSelect(choices=FLAT).render("unit", value, attrs)
        written = forms.Select(choices=FLAT).render("unit", value, attrs)
        assert remembered == written
    assert RememberedSelect(choices=FLAT[:3]).render("unit", "8", attrs) == forms.Select(
        choices=FLAT[:3]
    ).render("unit", "8", attrs)
