"""Text that is safe to store and to write out.

At input, control characters (C0 and DEL; multi-line text may keep tab, line feed and carriage
return) are refused with a message naming the field. At output, characters XML 1.0 cannot hold
are dropped (XML, XLSX and DOCX are all XML inside), so data stored before the input check never
breaks a download; spreadsheet cells that would start a formula get the OWASP single-quote prefix.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from pingan.core.problems import Problem

SINGLE_LINE_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MULTI_LINE_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def control_character_reason(value: str, *, multiline: bool = False) -> str | None:
    """Why `value` is refused (the first control character and where it is), or None."""
    match = (MULTI_LINE_CONTROL if multiline else SINGLE_LINE_CONTROL).search(value)
    if match is None:
        return None
    return _("contains a control character (U+%(code)s) at character %(position)s") % {
        "code": "%04X" % ord(match.group()),
        "position": match.start() + 1,
    }


def control_character_problems(
    fields: Mapping[str, Any], *, multiline: Iterable[str] = (), row: int | None = None
) -> list[Problem]:
    """A problem for every text field holding a control character (non-text values are skipped)."""
    multi = set(multiline)
    problems = []
    for name, value in fields.items():
        if isinstance(value, str):
            reason = control_character_reason(value, multiline=name in multi)
            if reason is not None:
                problems.append(Problem(row, name, reason))
    return problems


def fields_text(problems: Iterable[Problem]) -> str:
    """Problems about named fields as one line: `field description: contains …; field …`."""
    return "; ".join(
        _("field %(field)s: %(reason)s") % {"field": p.column, "reason": p.reason} for p in problems
    )


def xml_safe(value: str) -> str:
    """`value` without the characters XML 1.0 cannot hold (NUL, other C0 controls, U+FFFE/FFFF)."""
    return NOT_IN_XML.sub("", value)


def spreadsheet_text(value: str) -> str:
    """A text cell that a spreadsheet shows as text: XML-safe, and never the start of a formula.

    A cell starting with = + - @ tab or carriage return gets a leading single quote (the OWASP
    rule against CSV and formula injection); a plain number written as text is left alone.
    """
    text = xml_safe(value)
    if text.startswith(FORMULA_START) and not PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def spreadsheet_cell(value: Any) -> Any:
    """A value for a CSV or XLSX cell: text made safe by spreadsheet_text, anything else as is."""
    return spreadsheet_text(value) if isinstance(value, str) else value


def validate_single_line(value: str) -> None:
    """Form validator: refuse any control character (tab and line breaks included)."""
    reason = control_character_reason(value)
    if reason is not None:
        raise ValidationError(reason, code="control_character")


def validate_multi_line(value: str) -> None:
    """Form validator for multi-line text: refuse control characters other than tab and line breaks."""
    reason = control_character_reason(value, multiline=True)
    if reason is not None:
        raise ValidationError(reason, code="control_character")


def guard_form_text(form: Any) -> None:
    """Give every text field of a Django form the control-character validator that fits its widget."""
    from django import forms

    for field in form.fields.values():
        if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput):
            multi = isinstance(field.widget, forms.Textarea)
            field.validators.append(validate_multi_line if multi else validate_single_line)
