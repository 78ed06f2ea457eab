"""The bad-input catalogue: every input here is refused with its exact message and writes nothing.

Each case goes in through a real entry point — the command line (`pingan units|covariates|figures
import`, `pingan scheme load`), the web upload forms, the reporting API, or Open311 — and the test
checks the exact problems listed (in English) and that no row was added to the units, covariates,
submissions, figures, scheme versions, matters or audit tables. The number of cases is recorded in
docs/security.md ("Bad-input catalogue").
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook

from pingan.audit.models import AuditRecord
from pingan.cli import main
from pingan.core.problems import Problem
from pingan.matters.models import Matter
from pingan.reporting.models import Figure, Submission
from pingan.schemes.models import SchemeVersion
from pingan.units.models import Covariate, OrgUnit

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
MONTH = "2026-09"
UNITS_CSV = """code,name,class,parent_code,opened_on,closed_on
X,市,,,,
A1,甲区,A,X,,
A2,乙区,A,X,,
A3,丙区,A,X,,2026-06-30
B1,某局,B,X,,
C1,某医院,C,X,,
"""
UNITS_HEAD = "code,name,class,parent_code,opened_on,closed_on\n"
FIG_HEAD = "unit_code,indicator_code,period,value\n"
COV_HEAD = "unit_code,year,population\n"
REFUSED_CLI = "pingan: the input was refused; nothing was written:"
TABLES = (OrgUnit, Covariate, Submission, Figure, SchemeVersion, Matter, AuditRecord)


@dataclass(frozen=True)
class Case:
    """One bad input: how it goes in, what it holds, the problems expected (as printed)."""

    id: str
    channel: str
    data: bytes | str | dict[str, Any] | Callable[[], Any]
    expected: list[str] | Callable[[Any], list[str]]
    settings: dict[str, Any] = field(default_factory=dict)
    args: tuple[str, ...] = ()
    status: int | None = None


def _xlsx(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _bomb() -> bytes:
    """A 'workbook' whose sheet is 4 MB of zeros compressed about a thousand times."""
    return _zip({"[Content_Types].xml": b"<Types/>", "xl/worksheets/sheet1.xml": b"0" * (4 * MB)})


def _bomb_expected(data: bytes) -> list[str]:
    sheet = zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/worksheets/sheet1.xml")
    ratio = int(sheet.file_size / sheet.compress_size)
    return [
        "the workbook part xl/worksheets/sheet1.xml expands %d times, more than the limit of 100"
        % ratio
    ]


def _binzhou_toml() -> str:
    return (
        resources.files("pingan.schemes.builtin")
        .joinpath("binzhou.toml")
        .read_text(encoding="utf-8")
    )


def _million_columns() -> bytes:
    return (",".join("c%d" % i for i in range(1_000_000)) + "\n").encode()


SPARSE_50MB = "sparse-50mb"  # the command-line cases write a 50 MB file without filling the disk


def _open311(**fields: str) -> dict[str, str]:
    post = {
        "service_code": "property_fee",
        "address_id": "A1",
        "description": "物业公司擅自提高收费",
        "first_name": "五",
        "last_name": "王",
        "phone": "13912345678",
    }
    post.update(fields)
    return post


def _cells(*values: Any) -> dict[str, Any]:
    cells = [("A1", "criminal"), ("A1", "public_security"), ("A2", "criminal")]
    return {
        "cells": [
            {"unit_code": u, "indicator_code": c, "value": v}
            for (u, c), v in zip(cells, values, strict=False)
        ]
    }


LONG_NAME_EN = "x" * 5000
HUGE = "9" * 5000

CASES = [
    # ---- units import, command line
    Case("units-empty-file", "units", b"", ["the file is empty"]),
    Case(
        "units-missing-column",
        "units",
        "code,name\nX1,甲\n",
        ["row 1, column class: required column is missing"],
    ),
    Case(
        "units-unknown-column",
        "units",
        "code,name,class,colour\nX1,甲,A,red\n",
        ["row 1, column colour: unknown column"],
    ),
    Case(
        "units-duplicate-header",
        "units",
        "code,name,class,name\nX1,甲,A,乙\n",
        ["row 1, column name: column appears more than once"],
    ),
    Case(
        "units-bom-header-missing-column",
        "units",
        "\ufeffcode,name\nX1,甲\n".encode(),
        ["row 1, column class: required column is missing"],
    ),
    Case(
        "units-bad-code",
        "units",
        UNITS_HEAD + "bad code!,甲,A,,,\n",
        ["row 2, column code: a code is 1–32 letters, digits, '_', '.' or '-'"],
    ),
    Case(
        "units-empty-name",
        "units",
        UNITS_HEAD + "X1,,A,,,\n",
        ["row 2, column name: the name is empty"],
    ),
    Case(
        "units-name-too-long",
        "units",
        UNITS_HEAD + "X1,%s,A,,,\n" % ("名" * 101),
        ["row 2, column name: longer than 100 characters (101 given)"],
    ),
    Case(
        "units-name-en-5000-characters",
        "units",
        "code,name,class,name_en\nX1,甲,A,%s\n" % LONG_NAME_EN,
        ["row 2, column name_en: longer than 150 characters (5000 given)"],
    ),
    Case(
        "units-unknown-class",
        "units",
        UNITS_HEAD + "X1,甲,Q,,,\n",
        ["row 2, column class: no loaded scheme has class Q"],
    ),
    Case(
        "units-bad-date",
        "units",
        UNITS_HEAD + "X1,甲,A,,2026-13-01,\n",
        ["row 2, column opened_on: not a date in the form YYYY-MM-DD"],
    ),
    Case(
        "units-closes-before-opens",
        "units",
        UNITS_HEAD + "X1,甲,A,,2026-05-01,2026-04-01\n",
        ["row 2, column closed_on: closes before it opens"],
    ),
    Case(
        "units-unknown-parent",
        "units",
        UNITS_HEAD + "X1,甲,A,NOPE,,\n",
        ["row 2, column parent_code: unknown unit NOPE"],
    ),
    Case(
        "units-parent-cycle",
        "units",
        UNITS_HEAD + "P1,甲,A,P2,,\nP2,乙,A,P1,,\n",
        [
            "row 2, column parent_code: the parents form a cycle",
            "row 3, column parent_code: the parents form a cycle",
        ],
    ),
    Case(
        "units-duplicate-code",
        "units",
        UNITS_HEAD + "X1,甲,A,,,\nX1,乙,A,,,\n",
        ["row 3, column code: duplicate of row 2"],
    ),
    Case("units-header-only", "units", UNITS_HEAD, ["the file has no data rows"]),
    Case(
        "units-neither-utf8-nor-gb18030",
        "units",
        UNITS_HEAD.encode() + b"X1,\xff\xfe,A,,,\n",
        ["the file is neither UTF-8 nor GB18030 text (byte 51)"],
    ),
    Case(
        "units-gb18030-bad-row",
        "units",
        (UNITS_HEAD + "X1,甲区,Q,,,\n").encode("gb18030"),
        ["row 2, column class: no loaded scheme has class Q"],
    ),
    Case(
        "units-unterminated-quote",
        "units",
        UNITS_HEAD + 'X1,"甲区,A,,,\nX2,乙区,A,,,\n',
        ["row 2: a quoted field is not closed before the end of the file"],
    ),
    Case(
        "units-quote-inside-field",
        "units",
        UNITS_HEAD + 'X1,"甲"区,A,,,\n',
        ["row 2: a quote inside a field that is not quoted as a whole"],
    ),
    Case(
        "units-field-over-128-kib",
        "units",
        UNITS_HEAD + "X1,%s,A,,,\n" % ("名" * 140_000),
        ["row 2: a field is longer than 131072 characters"],
    ),
    Case(
        "units-a-million-columns",
        "units",
        _million_columns,
        ["row 1: 1000000 columns, more than the limit of 1000"],
    ),
    Case(
        "units-50-mb-file",
        "units",
        SPARSE_50MB,
        ["the file is 50.0 MB, more than the limit of 20 MB"],
    ),
    Case(
        "units-too-many-rows",
        "units",
        UNITS_HEAD + "".join("X%d,甲,A,,,\n" % i for i in range(6)),
        ["row 7: the file has more than 5 data rows"],
        settings={"PINGAN_MAX_ROWS": 5},
    ),
    Case(
        "units-xlsx-not-a-workbook",
        "units",
        b"PK\x03\x04 not really a zip",
        ["the file is not a readable XLSX workbook"],
    ),
    Case("units-xlsx-zip-bomb", "units", _bomb, _bomb_expected),
    Case(
        "units-xlsx-expands-too-much",
        "units",
        lambda: _zip({"xl/worksheets/sheet1.xml": b"<row/>" * (MB // 2)}),
        ["the workbook expands to 3.0 MB, more than the limit of 1 MB"],
        settings={"PINGAN_MAX_XLSX_EXPANDED_MB": 1},
    ),
    Case(
        "units-xlsx-too-many-rows",
        "units",
        lambda: _xlsx([UNITS_HEAD.strip().split(",")] + [["X%d" % i, "甲", "A"] for i in range(4)]),
        ["row 5: the file has more than 3 data rows"],
        settings={"PINGAN_MAX_ROWS": 3},
    ),
    Case(
        "units-missing-file",
        "units",
        "missing",
        ["cannot read {path}: No such file or directory"],
    ),
    # ---- units import, web upload
    Case(
        "web-units-name-en-5000-characters",
        "web-units",
        "code,name,class,name_en\nX1,甲,A,%s\n" % LONG_NAME_EN,
        ["row 2, column name_en: longer than 150 characters (5000 given)"],
    ),
    Case(
        "web-units-a-million-columns",
        "web-units",
        _million_columns,
        ["row 1: 1000000 columns, more than the limit of 1000"],
    ),
    Case(
        "web-units-too-large",
        "web-units",
        lambda: UNITS_HEAD.encode() + b"#" * (2 * MB),
        ["the file is 2.0 MB, more than the limit of 1 MB"],
        settings={"PINGAN_MAX_UPLOAD_MB": 1},
    ),
    # ---- covariates import, command line
    Case(
        "covariates-no-covariate-column",
        "covariates",
        "unit_code,year\nA1,2026\n",
        ["row 1: the file names no covariate column"],
    ),
    Case(
        "covariates-bad-name",
        "covariates",
        "unit_code,year,Pop-1\nA1,2026,5\n",
        ["row 1, column Pop-1: a covariate name is 1–32 letters, digits or '_'"],
    ),
    Case(
        "covariates-unknown-unit",
        "covariates",
        COV_HEAD + "NOPE,2026,5\n",
        ["row 2, column unit_code: unknown unit NOPE"],
    ),
    Case(
        "covariates-year-out-of-range",
        "covariates",
        COV_HEAD + "A1,1989,5\n",
        ["row 2, column year: not a year between 1990 and 2100"],
    ),
    Case(
        "covariates-year-5000-digits",
        "covariates",
        COV_HEAD + "A1,%s,5\n" % HUGE,
        ["row 2, column year: not a year between 1990 and 2100"],
    ),
    Case(
        "covariates-negative",
        "covariates",
        COV_HEAD + "A1,2026,-5\n",
        ["row 2, column population: must be a number ≥ 0"],
    ),
    Case(
        "covariates-not-a-number",
        "covariates",
        COV_HEAD + "A1,2026,many\n",
        ["row 2, column population: not a number"],
    ),
    Case(
        "covariates-nan",
        "covariates",
        COV_HEAD + "A1,2026,nan\n",
        ["row 2, column population: must be a number ≥ 0"],
    ),
    Case(
        "covariates-duplicate-row",
        "covariates",
        COV_HEAD + "A1,2026,5\nA1,2026,6\n",
        ["row 3, column unit_code: duplicate of row 2"],
    ),
    # ---- figures import, command line (historical load)
    Case(
        "figures-negative-unknown-unit-duplicate-cell",
        "figures",
        FIG_HEAD
        + "A1,criminal,2026-08,3\nA2,criminal,2026-08,-5\nZZ,criminal,2026-08,1\n"
        + "A1,public_security,2026-08,0\nA1,public_security,2026-08,0\n",
        [
            "row 3, column value: the value must be a whole number ≥ 0",
            "row 4, column unit_code: unknown unit ZZ",
            "row 6, column indicator_code: duplicate cell, first given at row 5",
        ],
    ),
    Case(
        "figures-bad-period",
        "figures",
        FIG_HEAD + "A1,criminal,2026-13,3\n",
        ["row 2, column period: 2026-13 is not a month in the form YYYY-MM"],
    ),
    Case(
        "figures-duplicate-value-column",
        "figures",
        "unit_code,indicator_code,period,value,value\nA1,criminal,2026-08,3,4\n",
        ["row 1, column value: column appears more than once"],
    ),
    Case(
        "figures-value-5000-digits",
        "figures",
        FIG_HEAD + "A1,criminal,2026-08,%s\n" % HUGE,
        ["row 2, column value: the value is too large"],
    ),
    Case(
        "figures-value-over-int32",
        "figures",
        FIG_HEAD + "A1,criminal,2026-08,2147483648\n",
        ["row 2, column value: the value is too large"],
    ),
    Case(
        "figures-decimal-value",
        "figures",
        FIG_HEAD + "A1,criminal,2026-08,1.5\n",
        ["row 2, column value: the value must be a whole number ≥ 0"],
    ),
    Case(
        "figures-unknown-indicator",
        "figures",
        FIG_HEAD + "A1,burglary,2026-08,1\n",
        ["row 2, column indicator_code: unknown indicator burglary"],
    ),
    Case(
        "figures-indicator-not-for-class",
        "figures",
        FIG_HEAD + "B1,criminal,2026-08,1\n",
        ["row 2, column indicator_code: indicator criminal does not apply to unit B1 (class B)"],
    ),
    Case(
        "figures-unit-closed",
        "figures",
        FIG_HEAD + "A3,criminal,2026-08,1\n",
        ["row 2, column period: unit A3 is not open in 2026-08"],
    ),
    Case("figures-header-only", "figures", FIG_HEAD, ["the file has no data rows"]),
    Case(
        "figures-unterminated-quote",
        "figures",
        FIG_HEAD + 'A1,criminal,2026-08,"3\n',
        ["row 2: a quoted field is not closed before the end of the file"],
    ),
    Case(
        "figures-month-not-ended",
        "figures",
        FIG_HEAD + "A1,criminal,2099-01,3\n",
        ["row 2, column period: 2099-01 has not ended yet"],
    ),
    # ---- figures, web upload into the police draft of 2026-09
    Case(
        "web-figures-negative",
        "web-figures",
        FIG_HEAD + "A1,criminal,2026-09,-1\n",
        ["row 2, column value: the value must be a whole number ≥ 0"],
    ),
    Case(
        "web-figures-corrupt-xlsx",
        "web-figures",
        lambda: _zip({"[Content_Types].xml": b"<Types/>"}),
        ["the file is not a readable XLSX workbook"],
    ),
    Case(
        "web-figures-too-large",
        "web-figures",
        lambda: FIG_HEAD.encode() + b"#" * (2 * MB),
        ["the file is 2.0 MB, more than the limit of 1 MB"],
        settings={"PINGAN_MAX_UPLOAD_MB": 1},
    ),
    Case(
        "web-figures-duplicate-value-column",
        "web-figures",
        "unit_code,indicator_code,period,value,value\nA1,criminal,2026-09,3,4\n",
        ["row 1, column value: column appears more than once"],
    ),
    # ---- figures, API (PUT cells of the police draft)
    Case(
        "api-json-true-as-value",
        "api",
        _cells(True),
        ["column body.payload.cells.0.value: the value must be a whole number ≥ 0"],
        status=422,
    ),
    Case(
        "api-negative-value",
        "api",
        _cells(-1),
        ["row 1, column value: the value must be a whole number ≥ 0"],
        status=422,
    ),
    Case(
        "api-value-5000-digits",
        "api",
        _cells(HUGE),
        ["row 1, column value: the value is too large"],
        status=422,
    ),
    Case(
        "api-too-many-cells",
        "api",
        _cells(1, 2, 3),
        ["more than 2 rows; split the input"],
        settings={"PINGAN_MAX_ROWS": 2},
        status=422,
    ),
    Case(
        "api-body-too-large",
        "api",
        lambda: {"cells": [{"unit_code": "A1", "indicator_code": "x" * (2 * MB), "value": 1}]},
        ["the file is 2.0 MB, more than the limit of 1 MB"],
        settings={"PINGAN_MAX_UPLOAD_MB": 1, "DATA_UPLOAD_MAX_MEMORY_SIZE": MB},
        status=413,
    ),
    Case(
        "api-json-integer-5000-digits",
        "api",
        '{"cells": [{"unit_code": "A1", "indicator_code": "criminal", "value": %s}]}' % HUGE,
        ["a number in the request is too large"],
        status=400,
    ),
    Case(
        "api-body-not-json",
        "api",
        '{"cells": [{"unit_code": "A1", "indicator_code": "criminal", "value": 3}',
        ["the request body is not valid JSON"],
        status=400,
    ),
    # ---- scheme load, command line
    Case(
        "scheme-not-toml",
        "scheme",
        "[scheme\ncode = 1\n",
        ["not valid TOML: Expected ']' at the end of a table declaration (at line 1, column 8)"],
    ),
    Case(
        "scheme-integer-5000-digits",
        "scheme",
        lambda: _binzhou_toml().replace("base_score = 100", "base_score = " + HUGE),
        ["the file holds a number too large"],
    ),
    Case(
        "scheme-not-utf8",
        "scheme",
        '[scheme]\nname_zh = "滨州"\n'.encode("gb18030"),
        ["the file is not UTF-8 text (byte 20)"],
    ),
    Case(
        "scheme-tiers-do-not-fall",
        "scheme",
        lambda: _binzhou_toml().replace("yellow = 90", "yellow = 10"),
        ["tiers: lines must fall: yellow > orange > red"],
    ),
    Case(
        "scheme-body-name-en-too-long",
        "scheme",
        lambda: _binzhou_toml().replace(
            'name_en = "Municipal Public Security Bureau"', 'name_en = "%s"' % ("x" * 151)
        ),
        ["bodies[0].name_en: longer than 150 characters (151 given)"],
    ),
    Case(
        "scheme-code-too-long",
        "scheme",
        lambda: _binzhou_toml().replace('code = "binzhou"', 'code = "%s"' % ("b" * 33), 1),
        ["scheme.code: longer than 32 characters (33 given)"],
    ),
    Case(
        "scheme-50-mb-file",
        "scheme",
        SPARSE_50MB,
        ["the file is 50.0 MB, more than the limit of 20 MB"],
    ),
    Case(
        "scheme-missing-file",
        "scheme",
        "missing",
        ["cannot read {path}: No such file or directory"],
    ),
    # ---- Open311 POST requests.json
    Case(
        "open311-phone-too-long",
        "open311",
        _open311(phone="1" * 31),
        ["column reporter_phone: longer than 30 characters (31 given)"],
        status=400,
    ),
    Case(
        "open311-name-too-long",
        "open311",
        _open311(first_name="名" * 50),
        ["column reporter_name: longer than 50 characters (51 given)"],
        status=400,
    ),
    Case(
        "open311-address-too-long",
        "open311",
        _open311(address_string="路" * 201),
        ["column address: longer than 200 characters (201 given)"],
        status=400,
    ),
    Case(
        "open311-unknown-service",
        "open311",
        _open311(service_code="nope"),
        ["service_code is missing or unknown"],
        status=404,
    ),
    Case(
        "open311-lat-not-a-number",
        "open311",
        _open311(lat="north", long="117.9"),
        ["lat is not a number"],
        status=400,
    ),
    Case(
        "open311-lat-out-of-range",
        "open311",
        _open311(lat="91", long="117.9"),
        ["column lat: latitude must lie between -90 and 90"],
        status=400,
    ),
    Case(
        "open311-unknown-address-id",
        "open311",
        _open311(address_id="NOPE"),
        ["address_id is not a known unit code"],
        status=400,
    ),
    Case(
        "open311-no-description",
        "open311",
        _open311(description="  "),
        ["column description: a description is required"],
        status=400,
    ),
    Case(
        "open311-bad-api-key",
        "open311",
        _open311(api_key="not-a-key"),
        ["api_key is missing or not valid"],
        status=403,
    ),
]


@pytest.fixture
def world(binzhou, system_actor, make_user, settings):
    """Six units, the police clerk's draft for 2026-09, a system administrator, an Open311 key."""
    from pingan.matters.actions import api_keys, catalogue
    from pingan.reporting import submissions as reporting
    from pingan.schemes.models import ReportingBody
    from pingan.units.services import import_units

    settings.LANGUAGE_CODE = "en"
    import_units(actor=system_actor, data=UNITS_CSV.encode())
    catalogue.ensure_defaults()
    police = ReportingBody.objects.get(code="police")
    clerk = make_user("clerk", body="police")
    draft = reporting.create_submission(
        actor=_actor(clerk), body_id=police.pk, month=MONTH, now=None
    )
    return {
        "admin": make_user("system_admin"),
        "clerk": clerk,
        "draft": draft,
        "key": api_keys.create_api_key(actor=system_actor, name="catalogue")[1],
    }


def _actor(user):
    from pingan.core.access.actor import actor_for_user

    return actor_for_user(user, channel="web", source="127.0.0.1")


def _payload(case: Case) -> Any:
    return case.data() if callable(case.data) else case.data


def _bytes(data: Any) -> bytes:
    return data.encode("utf-8") if isinstance(data, str) else data


def _client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


COMMANDS = {
    "units": ["units", "import"],
    "covariates": ["covariates", "import"],
    "figures": ["figures", "import"],
    "scheme": ["scheme", "load"],
}


def _run_cli(case: Case, data: Any, tmp_path: Path, capsys) -> list[str]:
    path = tmp_path / "input"
    if data == SPARSE_50MB:
        with open(path, "wb") as handle:
            handle.truncate(50 * MB)
    elif data == "missing":
        path = tmp_path / "no-such-file.csv"
    else:
        path.write_bytes(_bytes(data))
    args = list(case.args)
    if case.channel == "figures" and not args:
        args = ["--approve", "--reason", "historical load"]
    assert main([*COMMANDS[case.channel], str(path), *args]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == REFUSED_CLI
    return [line.removeprefix("  ") for line in err[1:]]


def _run_web(case: Case, data: Any, world: dict[str, Any]) -> list[str]:
    upload = SimpleUploadedFile("input.csv", _bytes(data))
    if case.channel == "web-units":
        client, url = _client(world["admin"]), "/units/import/"
    else:
        client, url = _client(world["clerk"]), "/reporting/s/%d/upload/" % world["draft"].pk
    response = client.post(url, {"file": upload})
    assert response.status_code == 302
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    if case.channel == "web-units":
        assert shown[0] == "The file was refused; nothing was written."
        return shown[1:]
    assert len(shown) == 1 and shown[0].startswith("Nothing was written. Problems: ")
    return shown[0].removeprefix("Nothing was written. Problems: ").split("; ")


def _run_api(case: Case, data: Any, world: dict[str, Any]) -> list[str]:
    response = _client(world["clerk"]).put(
        "/api/reporting/submissions/%d/cells" % world["draft"].pk,
        data=data if isinstance(data, str) else json.dumps(data),
        content_type="application/json",
    )
    assert (response.status_code, response["Content-Type"]) == (
        case.status,
        "application/problem+json",
    )
    body = response.json()
    assert body["detail"] == "Nothing was written."
    return [str(Problem(p["row"], p["column"], p["reason"])) for p in body["problems"]]


def _run_open311(case: Case, data: Any, world: dict[str, Any]) -> list[str]:
    post = {"api_key": world["key"], **data}
    response = Client().post("/open311/v2/requests.json", post)
    assert response.status_code == case.status
    [error] = response.json()
    assert error["code"] == case.status
    return str(error["description"]).split("; ")


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in TABLES}


def test_the_catalogue_holds_at_least_forty_distinct_inputs():
    assert len({case.id for case in CASES}) == len(CASES) >= 40


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_refused_with_its_message_and_writes_nothing(
    case, world, settings, tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv("PINGAN_LANGUAGE", "en")
    for name, value in case.settings.items():
        setattr(settings, name, value)
    data = _payload(case)
    before = _counts()
    if case.channel in COMMANDS:
        shown = _run_cli(case, data, tmp_path, capsys)
    elif case.channel.startswith("web-"):
        shown = _run_web(case, data, world)
    elif case.channel == "api":
        shown = _run_api(case, data, world)
    else:
        shown = _run_open311(case, data, world)
    expected = case.expected(data) if callable(case.expected) else case.expected
    path = tmp_path / ("no-such-file.csv" if data == "missing" else "input")
    assert shown == [line.format(path=path) for line in expected]
    assert _counts() == before


def test_the_server_reads_at_most_four_times_the_upload_limit(monkeypatch, settings):
    import waitress.server

    from pingan import cli

    seen: dict[str, Any] = {}

    class Server:
        effective_port = 8123

        def run(self) -> None:
            seen["ran"] = True

    def create_server(app, **options):
        seen.update(options)
        return Server()

    monkeypatch.setattr(waitress.server, "create_server", create_server)
    settings.PINGAN_MAX_UPLOAD_MB = 3
    assert cli.serve(8123, worker=False, workers=1) == 0
    assert (seen["max_request_body_size"], seen["ran"]) == (12 * MB, True)


def test_gunicorn_processes_refuse_a_body_over_four_times_the_upload_limit():
    from pingan.web.serving import body_limited

    calls: list[tuple[str, int]] = []

    def app(environ, start_response):
        start_response("200 OK", [])
        return [b"read %d" % int(environ.get("CONTENT_LENGTH") or 0)]

    def start_response(status, headers):
        calls.append((status, len(headers)))

    limited = body_limited(app, 12 * MB)
    assert limited({"CONTENT_LENGTH": str(12 * MB)}, start_response) == [b"read %d" % (12 * MB)]
    assert limited({"CONTENT_LENGTH": str(12 * MB + 1)}, start_response) == [
        b"413 Request Entity Too Large\n"
    ]
    assert limited({}, start_response) == [b"read 0"]
    assert calls == [("200 OK", 0), ("413 Request Entity Too Large", 2), ("200 OK", 0)]


def test_the_command_line_refuses_in_chinese_by_default(world, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("PINGAN_LANGUAGE", raising=False)
    path = tmp_path / "units.csv"
    with open(path, "wb") as handle:
        handle.truncate(50 * MB)
    before = _counts()
    assert main(["units", "import", str(path)]) == 1
    assert capsys.readouterr().err.splitlines()[1] == "  文件大小为 50.0 MB，超过上限 20 MB"
    assert _counts() == before
