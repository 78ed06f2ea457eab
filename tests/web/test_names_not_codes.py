"""Names, not codes: every page and every download, in Chinese and in English, read as a person reads.

Walks every URL pattern of the site (as `test_access_matrix` does) with the parameters of a small
world — scored figures, a draft with a comment, a matter, a daily summary — GETs each as a role
that may see it, in zh-Hans and in English, and looks at the text a person reads (text nodes, plus
`title`, `aria-label` and `placeholder`; not scripts, styles, code or form values). It fails on:

- a code word (`media_incident`, `in_progress`, `alarm_high`: lowercase words joined by `_`);
- in Chinese, a raw value of a model's choices (`regular`, `received`, `open`) standing alone;
- `True`, `False` or `None` standing as a word;
- a unit or indicator code standing alone in a cell or line, where its name belongs (a code
  beside its name, as in a code column next to the name column, is fine);
- in English, a stored Chinese name whose English name is stored (units, indicators, bodies,
  classes, matter categories and grades …).

XLSX downloads are read cell by cell with the same rules, and must have a named sheet and numbers
stored as numbers; CSV downloads keep their codes and must carry the matching name columns;
DOCX downloads are read paragraph by paragraph.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone, translation
from docx import Document
from openpyxl import load_workbook

from pingan.core.access.permissions import allowed_roles
from pingan.core.access.roles import UNIT_ROLES
from tests.scores.conftest import figures  # noqa: F401 - the scored class C world
from tests.web.test_access_matrix import guarded_urls
from tests.web.walk_objects import PNG, QUARTER, walk_objects

pytestmark = pytest.mark.django_db

MONTH = "2026-10"
SUMMARY_DAY = "2026-11-02"
# The values of URL parameters in the world below (callables take the world; a list is each walked).
PARAMS = {
    "assessment_id": lambda w: w["assessment"].pk,
    "bulletin_id": lambda w: w["bulletins"],
    "warning_id": lambda w: w["warning"].pk,
    "problem_id": lambda w: w["problem"].pk,
    "scheme": lambda w: "binzhou",
    "period": lambda w: QUARTER,
    "submission_id": lambda w: w["draft"].pk,
    "matter_id": lambda w: w["matter"].pk,
    "unit_code": lambda w: "I01",
    "code": lambda w: "binzhou",
    "number": lambda w: 1,
    "route": lambda w: "phone",
    "day": lambda w: SUMMARY_DAY,
}
# Parameters that mean another thing under a route prefix (an office's code is a unit code).
PARAMS_UNDER = {
    "offices/": {"code": lambda w: "BZ"},
    "assessments/": {"attachment_id": lambda w: w["document"].pk},
    "matters/": {"attachment_id": lambda w: w["matter"].attachments.get().pk},
}
# Query strings a page needs to show something, or the variants of a download.
QUERIES = {
    "reporting/export/": [
        "from=2026-04&to=2026-06&format=csv",
        "from=2026-04&to=2026-06&format=xlsx",
    ],
    "reporting/history/": ["unit=I01&indicator=criminal&month=2026-04"],
    "scores/": ["quarter=2026Q2&class=C"],
    "scores/export.xlsx": ["quarter=2026Q2&class=C"],
    "scores/funnel/": ["quarter=2026Q2&class=C"],
    "scores/unit/<str:unit_code>/": ["quarter=2026Q2"],
    "matters/statistics/export.<slug:fmt>": [""],
    "assessments/statistics/export/": ["quarter=2026Q2&format=csv", "quarter=2026Q2&format=xlsx"],
}
# The formats of a download (a .pdf is the .docx converted by LibreOffice, with the same words).
FORMATS = {
    "matters/statistics/export.<slug:fmt>": ["csv", "xlsx"],
    "assessments/<int:assessment_id>/report.<str:fmt>": ["html", "docx"],
    "bulletins/<int:bulletin_id>/<str:fmt>/": ["docx"],
    "scores/stars/<str:scheme>/<str:period>.<str:fmt>": ["csv", "xlsx"],
}
# Pages not walked, and why (the walk fails when a page appears that is in neither list).
NOT_WALKED = {
    "accounts/revoke/<int:assignment_id>/": "a POST action",
    "assessments/<int:assessment_id>/analysis/<slug:step>/": "a POST action",
    "assessments/<int:assessment_id>/attach/": "a POST action",
    "assessments/<int:assessment_id>/review/<slug:step>/": "a POST action",
    "assessments/measures/<int:measure_id>/done/": "a POST action",
    "bulletins/<int:bulletin_id>/issue/": "a POST action",
    "matters/<int:matter_id>/centre/<slug:action>/": "a POST action",
    "matters/<int:matter_id>/review/<slug:action>/": "a POST action",
    "matters/<int:matter_id>/unit/<slug:action>/": "a POST action",
    "matters/settings/keys/<int:key_id>/revoke/": "a POST action",
    "matters/settings/rules/<int:rule_id>/delete/": "a POST action",
    "warnings/<int:warning_id>/acknowledge/": "a POST action",
    "warnings/<int:warning_id>/close/": "a POST action",
    "warnings/<int:warning_id>/respond/": "a POST action",
    "warnings/problems/<int:problem_id>/note/": "a POST action",
    "warnings/problems/<int:problem_id>/resolve/": "a POST action",
    "i18n/setlang/": "a POST action",
    "logout/": "ends the session",
}
# Pages and downloads that show codes or both stored names on purpose.
EXEMPT = {
    "/matters/settings/": "the catalogue editor edits the codes and both stored names",
    "/reporting/s/{draft}/template.xlsx": "the entry template: its code columns and code row are "
    "read back on upload; the Chinese headings stand beside them",
}
# Stored documents of record, read by the Chinese rules in both languages: the report of a
# concluded assessment (always Chinese) and a bulletin issued in Chinese, as stored at issue.
IN_CHINESE = {
    "/assessments/{assessment}/report.docx": "the stored report, in the language of record",
    "/bulletins/{issued}/docx/": "the issued edition as stored, in the language it was issued in",
}
# The role that walks pages of an action, in this order of preference, with its scope.
PREFERENCE = ["analyst", "office_head", "system_admin", "dispatcher", "reviewer", "clerk",
              "leader", "handler", "approver", "unit_viewer", "security_admin", "audit_admin",
              "assessor", "department_head", "proposer"]  # fmt: skip
SCOPES = {"clerk": {"body": "police"}, "reviewer": {"body": "police"},
          "approver": {"body": "police"}, "handler": {"unit": "BZ01"},
          "unit_viewer": {"unit": "I01"}}  # fmt: skip
# CSV: a code column and the name column that must stand beside it.
NAME_COLUMNS = {
    "unit_code": "unit_name",
    "indicator_code": "indicator_name",
    "tier": "tier_name",
    "funnel_flag": "funnel_flag_name",
    "breakdown": "breakdown_name",
    "grouping": "grouping_name",
}
CODE_WORD = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
PYTHON_WORD = re.compile(r"^(True|False|None)$")
NUMBER_TEXT = re.compile(r"^-?\d+(\.\d+)?%?$")


class VisibleText(HTMLParser):
    """The pieces of text a person reads on a page, one per text node or labelling attribute."""

    HIDDEN = {"script", "style", "code", "pre", "textarea", "template", "svg"}
    LABELS = ("title", "aria-label", "placeholder", "alt")

    def __init__(self) -> None:
        super().__init__()
        self.pieces: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1
        for name, value in attrs:
            if name in self.LABELS and value:
                self.pieces.append(value)

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.pieces.append(data.strip())


def choice_values() -> set[str]:
    """The stored values of every model field with choices (lowercase words only)."""
    values = set()
    for model in apps.get_models():
        if not model.__module__.startswith("pingan."):
            continue
        for field in model._meta.get_fields():
            for value, _label in getattr(field, "flatchoices", None) or []:
                if isinstance(value, str) and re.fullmatch(r"[a-z][a-z_]*", value):
                    values.add(value)
    return values


def chinese_names_with_english() -> set[str]:
    """Stored Chinese names whose English name is stored too (English pages must show that)."""
    names = set()
    for model in apps.get_models():
        fields = {f.name for f in model._meta.get_fields()}
        if {"name_zh", "name_en"} <= fields:
            for zh, en in model.objects.values_list("name_zh", "name_en"):
                if zh and en and zh != en:
                    names.add(zh)
    return names


def code_names() -> dict[str, set[str]]:
    """Each unit and indicator code with its stored names (a code beside its name is fine)."""
    from pingan.schemes.models import Indicator
    from pingan.units.models import OrgUnit

    names: dict[str, set[str]] = {}
    for model in (OrgUnit, Indicator):
        for code, zh, en in model.objects.values_list("code", "name_zh", "name_en"):
            names.setdefault(code, set()).update({zh, en} - {""})
    return names


def beside_its_name(pieces: list[str], index: int, names: set[str]) -> bool:
    """Whether the piece before or after `pieces[index]` holds one of `names`."""
    near = pieces[max(index - 1, 0) : index] + pieces[index + 1 : index + 2]
    return any(name in piece for piece in near for name in names)


def leaks(pieces: list[str], language: str, rules: dict) -> list[str]:
    """The pieces of text that show a code or a raw value, each with what was found."""
    found = []
    for index, piece in enumerate(pieces):
        coded = piece in rules["codes"]
        if coded and beside_its_name(pieces, index, rules["codes"][piece]):
            continue
        why = CODE_WORD.findall(piece) + PYTHON_WORD.findall(piece)
        if language == "zh-hans" and piece in rules["choices"]:
            why.append("raw value")
        if coded and not why:
            why.append("code without its name")
        if language == "en":
            why += [name for name in rules["chinese"] if name in piece]
        if why:
            found.append("%r: %s" % (piece[:80], ", ".join(why)))
    return found


@pytest.fixture
def world(figures, make_user, actor_of, system_actor):  # noqa: F811
    """The scored class C world, a police draft of MONTH with a comment, a dispatched matter with a
    photo, a generated daily summary, and the objects of `walk_objects`."""
    from pingan.matters.actions import catalogue, intake, workflow
    from pingan.matters.actions.summaries import generate_daily_summary
    from pingan.reporting import comments, filling, submissions
    from pingan.schemes.models import ReportingBody
    from pingan.units.models import OrgUnit

    police = ReportingBody.objects.get(code="police")
    clerk = actor_of(make_user("clerk", body="police"))
    draft = submissions.create_submission(actor=clerk, body_id=police.pk, month=MONTH)
    filling.put_cells(
        actor=clerk, submission_id=draft.pk, records=[(1, "I01", "criminal", MONTH, 2)]
    )
    reviewer = actor_of(make_user("reviewer", body="police"))
    comments.add_comment(actor=reviewer, submission_id=draft.pk, text="请核对")
    catalogue.ensure_defaults()
    dispatcher = actor_of(make_user("dispatcher"))
    received = timezone.make_aware(dt.datetime(2026, 11, 2, 9))
    matter = intake.intake_matter(
        actor=dispatcher, category_code="neighbour_noise", grade_level=2,
        description="楼上装修噪音", place_unit_code="BZ0101", channel="phone",
        parties="王某与李某", uploads=[intake.Upload("现场照片.png", "image/png", PNG)],
        now=received,
    )  # fmt: skip
    workflow.dispatch(actor=dispatcher, matter_id=matter.pk,
                      unit_id=OrgUnit.objects.get(code="BZ01").pk, handler_id=None,
                      now=received + dt.timedelta(hours=1))  # fmt: skip
    generate_daily_summary(actor=dispatcher, day=dt.date.fromisoformat(SUMMARY_DAY))
    objects = walk_objects(make_user, actor_of)
    return {"draft": draft, "matter": matter, "make_user": make_user, **objects}


def walk_paths(world) -> tuple[list[tuple[str, str, str]], set[str]]:
    """(route, path, action) of every page to walk, and the routes not walked."""
    walked, skipped = [], set()
    for route, callback, _name in guarded_urls():
        if route in NOT_WALKED:
            skipped.add(route)
            continue
        params = re.findall(r"<(?:\w+:)?(\w+)>", route)
        given = dict(PARAMS)
        for prefix, special in PARAMS_UNDER.items():
            if route.startswith(prefix):
                given.update(special)
        values = [{}]
        for param in params:
            if param == "fmt":
                values = [{**v, "fmt": f} for v in values for f in FORMATS.get(route, [])]
            elif param in given:
                given_value = given[param](world)
                each = given_value if isinstance(given_value, list) else [given_value]
                values = [{**v, param: one} for v in values for one in each]
            else:
                skipped.add(route)
                values = []
        for value in values:
            path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m, v=value: str(v[m.group(1)]), route)
            for query in QUERIES.get(route, [""]):
                action = getattr(callback, "pingan_action", None) or ""
                walked.append((route, path + ("?" + query if query else ""), action))
    return walked, skipped


def client_for(action: str, world, cache: dict) -> Client:
    """A signed-in client of the preferred role allowed `action` (anonymous for public pages)."""
    if not action:
        return Client()
    allowed = allowed_roles(action)
    role = next(r for r in PREFERENCE if r in allowed)
    if role not in cache:
        scope = SCOPES.get(role, {"unit": "BZ01"} if role in UNIT_ROLES else {})
        client = Client()
        client.force_login(
            world["make_user"](role, username="walker-" + role.replace("_", "-"), **scope)
        )
        cache[role] = client
    return cache[role]


def read_download(response, language: str, rules: dict) -> list[str]:
    """What is wrong with a downloaded file."""
    kind = response["Content-Type"]
    data = response.content
    if kind == "image/png":
        return [] if data == PNG else ["the uploaded photo is not served as stored"]
    if "spreadsheetml" in kind:
        book = load_workbook(io.BytesIO(data))
        problems = [
            "sheet named %r" % s.title for s in book.worksheets if s.title.startswith("Sheet")
        ]
        for sheet in book.worksheets:
            rows = list(sheet.iter_rows(values_only=True))
            header = [str(c) for c in rows[0]] if rows else []
            coded = {i for i, h in enumerate(header) if "代码" in h or "code" in h.lower()}
            pieces = []
            for row in rows:
                for i, cell in enumerate(row):
                    if isinstance(cell, bool):
                        problems.append("boolean cell %r" % cell)
                    elif isinstance(cell, str) and i not in coded:
                        if NUMBER_TEXT.match(cell):
                            problems.append("number stored as text %r" % cell)
                        pieces.append(cell)
            problems += leaks(pieces, language, rules)
        return problems
    if "wordprocessingml" in kind:
        document = Document(io.BytesIO(data))
        pieces = [p.text for p in document.paragraphs if p.text.strip()]
        pieces += [c.text for t in document.tables for r in t.rows for c in r.cells if c.text]
        return leaks(pieces, language, rules)
    if kind.startswith("text/csv"):
        header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        return [
            "column %s without %s" % (code, name)
            for code, name in NAME_COLUMNS.items()
            if code in header and name not in header
        ]
    return ["unexpected download %s" % kind]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_page_and_download_shows_names_not_codes(world, language):
    walked, skipped = walk_paths(world)
    assert sorted(skipped) == sorted(NOT_WALKED)
    rules = {
        "choices": choice_values(),
        "chinese": chinese_names_with_english(),
        "codes": code_names(),
    }
    exempt = {path.format(draft=world["draft"].pk) for path in EXEMPT}
    ids = {"assessment": world["assessment"].pk, "issued": world["bulletins"][0]}
    in_chinese = {path.format(**ids) for path in IN_CHINESE}
    cache: dict[str, Client] = {}
    found: dict[str, list[str]] = {}
    statuses: dict[str, int] = {}
    for _route, path, action in walked:
        client = client_for(action, world, cache)
        with translation.override(language):
            response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
        statuses[path] = response.status_code
        if response.status_code != 200 or path in exempt:
            continue
        if response["Content-Type"].startswith("application/json"):
            continue
        if response.has_header("Content-Disposition"):
            read_as = "zh-hans" if path in in_chinese else language
            problems = read_download(response, read_as, rules)
        else:
            parser = VisibleText()
            parser.feed(response.content.decode())
            problems = leaks(parser.pieces, language, rules)
        if problems:
            found[path] = problems
    assert not found, "\n".join("%s\n    %s" % (p, "\n    ".join(f)) for p, f in found.items())
    assert {p: s for p, s in statuses.items() if s not in (200, 302, 405)} == {}


def test_the_rules_find_codes_raw_values_and_chinese_names():
    rules = {
        "choices": {"received"},
        "chinese": {"噪音扰民"},
        "codes": {"BZ01": {"滨城区", "Bincheng District"}, "BZ02": {"沾化区"}},
    }
    pieces = ["滨城区", "BZ01", "media_incident", "BZ02", "received", "True", "噪音扰民", "None."]
    assert leaks(pieces, "zh-hans", rules) == [
        "'media_incident': media_incident",
        "'BZ02': code without its name",
        "'received': raw value",
        "'True': True",
    ]
    assert leaks(pieces, "en", rules) == [
        "'media_incident': media_incident",
        "'BZ02': code without its name",
        "'True': True",
        "'噪音扰民': 噪音扰民",
    ]


def test_visible_text_leaves_out_scripts_code_and_form_values():
    parser = VisibleText()
    parser.feed(
        '<p title="提示">正文 <code>media_incident</code></p><script>var a_b = 1;</script>'
        '<input value="raw_value" placeholder="请输入"><textarea>kept_text</textarea>'
    )
    assert parser.pieces == ["提示", "正文", "请输入"]
