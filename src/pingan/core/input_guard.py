"""Refuse, before any view runs, a request whose path, query, form fields or JSON hold a control character.

This is the backstop for every way in (pages, forms, the API, Open311): a control character
(C0 other than tab, line feed and carriage return, or DEL) is never stored, so no output built
from stored text can break on one. The answer names each field and the character: RFC 7807 under
/api/, the Open311 error list under /open311/, plain text elsewhere. Uploaded files are not
looked at here, nor the fields of multipart forms (an upload view may still set its upload
handlers): the imports check their cells, and the forms their fields (`guard_form_text`).
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.http.request import RawPostDataException
from django.utils.translation import gettext as _
from django.utils.xmlutils import SimplerXMLGenerator

from pingan.core.problems import Problem
from pingan.core.text import control_character_reason, fields_text, xml_safe

JSON_TYPES = ("application/json", "application/problem+json")
FORM_TYPES = ("application/x-www-form-urlencoded",)
NO_ATTRIBUTES: Any = {}


def request_problems(request: HttpRequest) -> list[Problem]:
    """Every field of the request (path, query, form, JSON body) that holds a control character."""
    problems = []
    for name, value in _fields(request):
        reason = control_character_reason(value, multiline=True)
        if reason is not None:
            problems.append(Problem(None, xml_safe(name) or "?", reason))
    return problems


def _fields(request: HttpRequest) -> Iterator[tuple[str, str]]:
    yield "path", request.path
    for key, values in request.GET.lists():
        yield key, key
        for value in values:
            yield key, value
    if request.method not in ("POST", "PUT", "PATCH"):
        return
    content_type = request.content_type or ""
    if content_type in FORM_TYPES:
        for key, values in request.POST.lists():
            yield key, key
            for value in values:
                yield key, value
    elif content_type in JSON_TYPES:
        try:
            document = json.loads(request.body)
        except (ValueError, RawPostDataException, RequestDataTooBig):
            return  # the view answers a body that is too large or not JSON
        yield from _json_strings(document, "")


def _json_strings(value: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield where or "body", value
    elif isinstance(value, dict):
        for key, inner in value.items():
            name = "%s.%s" % (where, key) if where else str(key)
            yield name, str(key)
            yield from _json_strings(inner, name)
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _json_strings(inner, "%s.%d" % (where, index) if where else str(index))


def refusal(request: HttpRequest, problems: list[Problem]) -> HttpResponse:
    """The answer to a refused request, in the form its interface uses for refusals."""
    path = request.path
    if path.startswith("/api/"):
        body = {
            "type": "about:blank",
            "title": _("The input was refused"),
            "status": 422,
            "detail": _("Nothing was written."),
            "instance": xml_safe(path),
            "problems": [p.as_dict() for p in problems],
        }
        return HttpResponse(
            json.dumps(body, ensure_ascii=False),
            status=422,
            content_type="application/problem+json",
        )
    text = fields_text(problems)
    if path.startswith("/open311/"):
        if path.endswith(".xml"):
            stream = io.StringIO()
            xml = SimplerXMLGenerator(stream, "utf-8")
            xml.startDocument()
            xml.startElement("errors", NO_ATTRIBUTES)
            xml.startElement("error", NO_ATTRIBUTES)
            xml.addQuickElement("code", "400")
            xml.addQuickElement("description", text)
            xml.endElement("error")
            xml.endElement("errors")
            xml.endDocument()
            return HttpResponse(
                stream.getvalue(), status=400, content_type="text/xml; charset=utf-8"
            )
        return HttpResponse(
            json.dumps([{"code": 400, "description": text}], ensure_ascii=False),
            status=400,
            content_type="application/json; charset=utf-8",
        )
    message = _("The input was refused; nothing was written: %(problems)s") % {"problems": text}
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


class ControlCharacterGuard:
    """Middleware: answer a request holding a control character with a refusal naming the field."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problems = request_problems(request)
        if problems:
            return refusal(request, problems)
        return self.get_response(request)
