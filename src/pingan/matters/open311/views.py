"""Open311 GeoReport v2: services, service definitions, service requests and tokens, in JSON and XML.

Services are public. Posting a request needs an API key (as the specification says); listing and
reading requests and tokens also need one, because requests describe people's disputes. Reporter
fields are accepted on POST, stored encrypted, and never returned.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.xmlutils import SimplerXMLGenerator
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from pingan.accounts.models import ApiCredential
from pingan.core.access.actor import client_address
from pingan.core.access.decorators import public
from pingan.core.problems import InputRefused
from pingan.core.text import control_character_problems, fields_text, xml_safe
from pingan.matters import selectors
from pingan.matters.actions.api_keys import authenticate_api_key
from pingan.matters.actions.intake import intake_from_api
from pingan.matters.filters import CLOSED_FOR_OPEN311, PUBLIC_STATES, MatterFilter
from pingan.matters.models import Category, Matter
from pingan.units.models import OrgUnit

MAX_RESULTS = 1000
DEFAULT_DAYS = 90
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
NO_ATTRIBUTES: Any = {}
POST_TEXT_FIELDS = (
    "service_code", "description", "address_string", "address_id", "first_name", "last_name",
    "phone", "email", "device_id", "account_id", "api_key", "lat", "long",
)  # fmt: skip


class Open311Error(Exception):
    """An error answered as the specification says: an HTTP status and a list of code/description."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


# ---------------------------------------------------------------- rendering


def render(
    fmt: str, root: str, item: str, rows: list[dict[str, Any]], status: int = 200
) -> HttpResponse:
    """Answer a list of objects as a JSON array or as <root><item>…</item></root>."""
    body = json.dumps(rows, ensure_ascii=False) if fmt == "json" else _xml(root, item, rows)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def _xml(root: str, item: str, rows: list[dict[str, Any]]) -> str:
    stream = io.StringIO()
    xml = SimplerXMLGenerator(stream, "utf-8")
    xml.startDocument()
    xml.startElement(root, NO_ATTRIBUTES)
    for row in rows:
        _xml_element(xml, item, row)
    xml.endElement(root)
    xml.endDocument()
    return stream.getvalue()


def _xml_element(xml: SimplerXMLGenerator, name: str, value: Any) -> None:
    if isinstance(value, dict):
        xml.startElement(name, NO_ATTRIBUTES)
        for key, inner in value.items():
            _xml_element(xml, key, inner)
        xml.endElement(name)
    elif isinstance(value, list):
        xml.startElement(name, NO_ATTRIBUTES)
        for inner in value:
            _xml_element(xml, name[:-1] if name.endswith("s") else "item", inner)
        xml.endElement(name)
    else:
        text = (
            "" if value is None else (str(value).lower() if isinstance(value, bool) else str(value))
        )
        xml.addQuickElement(name, xml_safe(text))


def error_response(fmt: str, status: int, description: str) -> HttpResponse:
    """The specification's error list, as JSON or XML."""
    return render(
        fmt, "errors", "error", [{"code": status, "description": description}], status=status
    )


def answering(view: Any) -> Any:
    """Turn Open311Error, refusals and denials into the specification's error answers."""

    def wrapped(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, fmt=fmt, **kwargs)  # type: ignore[no-any-return]
        except Open311Error as error:
            return error_response(fmt, error.status, error.description)
        except PermissionDenied:
            return error_response(fmt, 403, "api_key is missing or not valid")
        except InputRefused as refused:
            return error_response(fmt, 400, "; ".join(str(p) for p in refused.problems))

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


# ---------------------------------------------------------------- services


def _service(category: Category) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "service_name": category.name_zh,
        "description": category.description or category.name_en or category.name_zh,
        "metadata": False,
        "type": "realtime",
        "keywords": category.name_en,
        "group": category.group.name_zh,
    }


@public
@require_GET
@answering
def service_list(request: HttpRequest, *, fmt: str) -> HttpResponse:
    """GET services: the active categories of the catalogue."""
    categories = selectors.active_categories()
    return render(fmt, "services", "service", [_service(c) for c in categories])


@public
@require_GET
@answering
def service_definition(request: HttpRequest, service_code: str, *, fmt: str) -> HttpResponse:
    """GET services/{code}: the service definition (no extra attributes)."""
    if selectors.offered_category(service_code) is None:
        raise Open311Error(404, "service_code not found")
    definition = {"service_code": service_code, "attributes": []}
    if fmt == "json":
        return HttpResponse(json.dumps(definition), content_type=CONTENT_TYPES["json"])
    stream = io.StringIO()
    xml = SimplerXMLGenerator(stream, "utf-8")
    xml.startDocument()
    _xml_element(xml, "service_definition", definition)
    xml.endDocument()
    return HttpResponse(stream.getvalue(), content_type=CONTENT_TYPES["xml"])


# ---------------------------------------------------------------- requests


def _deadline(day: dt.date | None) -> str | None:
    if day is None:
        return None
    end = dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=timezone.get_current_timezone())
    return end.isoformat()


def _iso(moment: dt.datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def request_row(matter: Matter, current: Matter | None = None) -> dict[str, Any]:
    """One service request as Open311 shows it; no reporter or party data, ever.

    `current` is the matter carrying its work (followed through merges when not given).
    """
    current = current or selectors.resolve_merged(matter)
    notes = current.feedback_text or current.reject_reason or None
    if current.pk != matter.pk:
        notes = "merged into %s" % current.number
    return {
        "service_request_id": matter.number,
        "status": "closed" if current.status in CLOSED_FOR_OPEN311 else "open",
        "status_notes": notes,
        "service_name": matter.category.name_zh,
        "service_code": matter.category.code,
        "description": matter.description,
        "agency_responsible": current.responsible_unit.name_zh
        if current.responsible_unit
        else None,
        "service_notice": None,
        "requested_datetime": _iso(matter.received_at),
        "updated_datetime": _iso(current.closed_at or current.updated_at),
        "expected_datetime": _deadline(current.handle_due),
        "address": matter.address or None,
        "address_id": matter.place_unit.code,
        "zipcode": None,
        "lat": matter.lat,
        "long": matter.lon,
        "media_url": None,
    }


def _require_key(request: HttpRequest) -> ApiCredential:
    raw = request.POST.get("api_key") or request.GET.get("api_key") or ""
    key = authenticate_api_key(raw)
    if key is None:
        raise PermissionDenied
    return key


def _parse_moment(value: str, name: str) -> dt.datetime:
    """A W3C date-time, in UTC; one that UTC cannot hold (year 1 at +14:00) is refused.

    Converting to UTC also keeps an offset PostgreSQL refuses (beyond ±15:59) out of the query.
    """
    try:
        moment = parse_datetime(value)
        if moment is not None:
            moment = moment if timezone.is_aware(moment) else timezone.make_aware(moment)
            moment = moment.astimezone(dt.UTC)
    except (ValueError, OverflowError):
        moment = None
    if moment is None:
        raise Open311Error(400, "%s is not a valid W3C datetime" % name)
    return moment


def request_filter(params: Any) -> MatterFilter:
    """The filter of GET requests: ids alone, or service codes, a period (default: the last 90
    days) and open or closed."""
    ids = tuple(x.strip() for x in params.get("service_request_id", "").split(",") if x.strip())
    if ids:
        return MatterFilter(numbers=ids)
    codes = tuple(params["service_code"].split(",")) if params.get("service_code") else ()
    start = _parse_moment(params["start_date"], "start_date") if params.get("start_date") else None
    end = _parse_moment(params["end_date"], "end_date") if params.get("end_date") else None
    if start is None and end is None:
        start = timezone.now() - dt.timedelta(days=DEFAULT_DAYS)
    status = params.get("status", "")
    if status and status not in PUBLIC_STATES:
        raise Open311Error(400, "status must be open or closed")
    return MatterFilter(
        category_codes=codes, received_from=start, received_to=end, public_state=status
    )


@public
@csrf_exempt
@require_http_methods(["GET", "POST"])
@answering
def requests_endpoint(request: HttpRequest, *, fmt: str) -> HttpResponse:
    """GET requests (filtered list) or POST requests (a new service request)."""
    key = _require_key(request)
    if request.method == "POST":
        return _post_request(request, fmt)
    spec = request_filter(request.GET)
    size = _page_size(request.GET.get("page_size", ""))
    before = None
    if request.GET.get("before"):
        before = selectors.service_request_cursor(request.GET["before"])
        if before is None:
            raise Open311Error(400, "before is not a known service_request_id")
    matters = selectors.service_requests(key=key, spec=spec, limit=size, before=before)
    current = selectors.current_matters(matters)
    response = render(
        fmt, "service_requests", "request", [request_row(m, current[m.pk]) for m in matters]
    )
    if len(matters) == size and not spec.numbers:
        following = request.GET.copy()  # the key is not repeated in the answer
        following.pop("api_key", None)
        following["before"] = matters[-1].number
        response["Link"] = '<%s?%s>; rel="next"' % (request.path, following.urlencode())
    return response


def _page_size(value: str) -> int:
    """The `page_size` extension: 1 to MAX_RESULTS requests per answer (MAX_RESULTS when absent)."""
    if not value:
        return MAX_RESULTS
    try:
        size = int(value)
    except ValueError:
        size = 0
    if not 1 <= size <= MAX_RESULTS:
        raise Open311Error(400, "page_size must be a whole number from 1 to %d" % MAX_RESULTS)
    return size


def _float(value: str, name: str) -> float | None:
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise Open311Error(400, "%s is not a number" % name) from None


def _post_request(request: HttpRequest, fmt: str) -> HttpResponse:
    post = request.POST
    texts = {key: post.get(key, "") for key in POST_TEXT_FIELDS}
    control = control_character_problems(texts, multiline=["description"])
    if control:
        raise Open311Error(400, fields_text(control))
    code = post.get("service_code", "")
    if selectors.offered_category(code) is None:
        raise Open311Error(400 if not code else 404, "service_code is missing or unknown")
    lat, lon = _float(post.get("lat", ""), "lat"), _float(post.get("long", ""), "long")
    address, address_id = post.get("address_string", "").strip(), post.get("address_id", "").strip()
    if lat is None and not address and not address_id:
        raise Open311Error(
            400, "a location is required: lat and long, address_string or address_id"
        )
    place = _place(address_id)
    name = (post.get("last_name", "") + post.get("first_name", "")).strip()
    matter = intake_from_api(
        api_key=post.get("api_key", ""), source=client_address(request), category_code=code,
        description=post.get("description", ""), place_unit_code=place.code, address=address,
        lat=lat, lon=lon, reporter_name=name, reporter_phone=post.get("phone", ""),
    )  # fmt: skip
    row = {
        "service_request_id": matter.number,
        "token": matter.public_token,
        "service_notice": None,
        "account_id": None,
    }
    return render(fmt, "service_requests", "request", [row], status=201)


def _place(address_id: str) -> OrgUnit:
    if address_id:
        unit = selectors.unit_with_code(address_id)
        if unit is None:
            raise Open311Error(400, "address_id is not a known unit code")
        return unit
    root = selectors.jurisdiction()
    if root is None:
        raise Open311Error(400, "no jurisdiction is configured")
    return root


@public
@require_GET
@answering
def request_detail(request: HttpRequest, request_id: str, *, fmt: str) -> HttpResponse:
    """GET requests/{id}: one service request (as a one-element list)."""
    key = _require_key(request)
    matter = selectors.service_request(key=key, number=request_id)
    if matter is None:
        raise Open311Error(404, "service_request_id not found")
    return render(fmt, "service_requests", "request", [request_row(matter)])


@public
@require_GET
@answering
def token_detail(request: HttpRequest, token: str, *, fmt: str) -> HttpResponse:
    """GET tokens/{token}: the service request id created for a token."""
    key = _require_key(request)
    matter = selectors.matter_of_token(key=key, token=token)
    if matter is None:
        raise Open311Error(404, "token not found")
    return render(
        fmt, "service_requests", "request", [{"service_request_id": matter.number, "token": token}]
    )
