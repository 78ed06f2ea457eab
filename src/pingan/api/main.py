"""The NinjaAPI object: authentication, RFC 7807 problem responses and the apps' routers."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from pingan.accounts.denials import audit_denial
from pingan.api.auth import API_AUTH
from pingan.api.docs import LocalSwagger
from pingan.core.discovery import app_modules
from pingan.core.limits import size_reason
from pingan.core.problems import Conflict, InputRefused

api = NinjaAPI(
    title="pingan API",
    version="1",
    description="平安 — stability index, reporting, scores and matters. Errors follow RFC 7807.",
    auth=API_AUTH,
    urls_namespace="api",
    docs_url="/docs",
    docs=LocalSwagger(),
    docs_decorator=login_required,
)


def problem(
    request: HttpRequest, status: int, title: str, detail: str = "", **extra: Any
) -> HttpResponse:
    """An RFC 7807 `application/problem+json` response."""
    body = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.path,
        **extra,
    }
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = "application/problem+json"
    return response


@api.exception_handler(InputRefused)
def _input_refused(request: HttpRequest, exc: InputRefused) -> HttpResponse:
    return problem(
        request,
        422,
        _("The input was refused"),
        _("Nothing was written."),
        problems=[p.as_dict() for p in exc.problems],
    )


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    size = int(request.META.get("CONTENT_LENGTH") or 0)
    reason = size_reason(size) or str(exc)
    return problem(
        request,
        413,
        _("The input was refused"),
        _("Nothing was written."),
        problems=[{"row": None, "column": None, "reason": reason}],
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    cause = exc.__cause__
    if exc.status_code != 400 or cause is None:
        return problem(request, exc.status_code, str(exc))
    if isinstance(cause, ValueError) and "digits" in str(cause):
        reason = _("a number in the request is too large")  # beyond Python's 4,300-digit limit
    else:
        reason = _("the request body is not valid JSON")
    return problem(
        request,
        400,
        _("The input was refused"),
        _("Nothing was written."),
        problems=[{"row": None, "column": None, "reason": reason}],
    )


@api.exception_handler(PermissionDenied)
def _denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    audit_denial(request, str(exc), channel="api")
    return problem(request, 403, _("Forbidden"), str(exc))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem(request, 401, _("Sign in or send a token"))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(request, 404, _("Not found"), str(exc))


@api.exception_handler(Conflict)
def _conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
    return problem(request, 409, _("Conflict"), str(exc))


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = [
        {
            "row": None,
            "column": ".".join(str(p) for p in e.get("loc", [])),
            "reason": e.get("msg", ""),
        }
        for e in exc.errors
    ]
    return problem(
        request, 422, _("The input was refused"), _("Nothing was written."), problems=problems
    )


for _label, _module in app_modules("api"):
    # Each app's `api.py` (ADR 0001) adds its `router` at /api/<app>/, in the order of INSTALLED_APPS.
    api.add_router("/" + _label + "/", _module.router)
