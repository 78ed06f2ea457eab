"""Django's form renderer, with select boxes written out directly instead of one template per option.

A dispatch form offers every unit and every handler; rendering each `<option>` through Django's
widget templates cost most of a matter page's time. `QuickSelectRenderer` writes the same HTML
as `django/forms/widgets/select.html` (and its option and attribute templates), character for
character (`tests/core/test_form_renderer.py` compares both), and leaves every other widget to the
templates.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData, SafeString, mark_safe

from pingan.core.page_cache import remembered

SELECT_TEMPLATE = "django/forms/widgets/select.html"


class QuickSelectRenderer(DjangoTemplates):
    """The template renderer, except that select boxes are built as strings."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        """The widget's HTML; a select box without its templates, as the templates would write it."""
        widget = context.get("widget")
        if template_name == SELECT_TEMPLATE and widget is not None:
            return select_html(widget)
        return super().render(template_name, context, request)


def select_html(widget: dict[str, Any]) -> SafeString:
    """The `<select>` of a widget context, as Django's select.html renders it (stripped)."""
    parts = ['<select name="%s"%s>' % (_text(widget["name"]), _attributes(widget["attrs"]))]
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append('\n  <optgroup label="%s">' % _text(group_name))
        for option in group_choices:
            parts.append("\n  " + _option(option))
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


def _option(option: dict[str, Any]) -> str:
    return '<option value="%s"%s>%s</option>\n' % (
        _formatted(option["value"]),
        _attributes(option["attrs"]),
        _text(option["label"]),
    )


def _attributes(attrs: dict[str, Any]) -> str:
    return "".join(
        " %s" % _text(name) if value is True else ' %s="%s"' % (_text(name), _formatted(value))
        for name, value in attrs.items()
        if value is not False
    )


def _formatted(value: Any) -> str:
    """`{{ value|stringformat:'s' }}`: the value as text, escaped unless it is already safe."""
    return str(value) if isinstance(value, SafeData) else escape("%s" % value)


def _text(value: Any) -> str:
    """`{{ value }}` in an autoescaped template."""
    return str(conditional_escape(value))


NOTHING_CHOSEN = "\x00"
"""A value no choice has (a control character is refused in every input): nothing selected."""


class RememberedSelect(forms.Select):
    """A select box of many choices (every unit of a province) written once per process for the
    same choices, name and attributes, and reused with the chosen option marked in the text.

    Django builds a dictionary per option before any renderer sees it: for 2,000 units that cost a
    matter's page about 60 ms of CPU per view, to write the same options again.
    """

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        """The select box with the option of `value` selected, as `Select.render` writes it."""
        parts = (
            name,
            sorted((attrs or {}).items()),
            sorted(self.attrs.items()),
            list(self.choices),
        )
        write = super().render
        blank = remembered(
            "select", (repr(parts),), lambda: str(write(name, NOTHING_CHOSEN, attrs, renderer))
        )
        chosen = self.format_value(value)
        if not chosen:
            return mark_safe(blank)  # noqa: S308 - written by the widget, escaped there
        option = '<option value="%s">' % _formatted(chosen[0])
        marked = '<option value="%s" selected>' % _formatted(chosen[0])
        return mark_safe(blank.replace(option, marked, 1))  # noqa: S308 - as above
