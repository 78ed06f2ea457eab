"""Units files of any depth: seven levels import from CSV and XLSX, levels given or derived."""

from __future__ import annotations

import io

import pytest
from django.utils import translation
from openpyxl import Workbook

from pingan.core.problems import InputRefused
from pingan.units.models import OrgUnit
from pingan.units.services import import_units
from pingan.units.tree import ancestors

SEVEN = (
    "code,name,name_en,class,parent_code,level\n"
    "P1,山东省,Shandong,,,province\n"
    "C1,滨州市,Binzhou,,P1,\n"
    "D1,惠民县,Huimin,,C1,county\n"
    "S1,何坊街道,Hefang,,D1,township\n"
    "V1,小吕村,Xiaolü,,S1,village\n"
    "G1,第一网格,Grid 1,,V1,grid\n"
    "M1,第一微网格,Micro-grid 1,,G1,\n"
)
CODES = ["P1", "C1", "D1", "S1", "V1", "G1", "M1"]


def _xlsx(text: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for line in text.strip().split("\n"):
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _levels() -> list[tuple[str, int, str, str]]:
    rows = []
    for unit in OrgUnit.objects.order_by("level"):
        with translation.override("zh-hans"):
            zh = unit.level_label
        with translation.override("en"):
            en = unit.level_label
        rows.append((unit.code, unit.level, zh, en))
    return rows


EXPECTED = [
    ("P1", 0, "省", "Province"),
    ("C1", 1, "市", "City"),
    ("D1", 2, "区县或部门", "District or department"),
    ("S1", 3, "社区或乡镇（街道）", "Community or township"),
    ("V1", 4, "村", "Village"),
    ("G1", 5, "网格", "Grid"),
    ("M1", 6, "微网格", "Micro-grid"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("encode", [str.encode, _xlsx], ids=["csv", "xlsx"])
def test_a_seven_level_file_imports_with_named_levels(binzhou, system_actor, encode):
    summary = import_units(actor=system_actor, data=encode(SEVEN))
    assert (summary.created, summary.updated, summary.unchanged) == (7, 0, 0)
    assert _levels() == EXPECTED
    deepest = OrgUnit.objects.get(code="M1")
    assert [OrgUnit.objects.get(pk=pk).code for pk in ancestors(deepest.pk)] == CODES[-2::-1]


@pytest.mark.django_db
def test_a_seven_level_dry_run_writes_nothing(binzhou, system_actor):
    summary = import_units(actor=system_actor, data=SEVEN.encode(), dry_run=True)
    assert (summary.created, summary.dry_run) == (7, True)
    assert OrgUnit.objects.count() == 0


@pytest.mark.django_db
def test_without_a_level_column_the_level_is_the_depth_below_a_city(binzhou, system_actor):
    rows = ["code,name,class,parent_code"] + [
        "U%d,单位%d,,%s" % (i, i, "U%d" % (i - 1) if i else "") for i in range(8)
    ]
    import_units(actor=system_actor, data=("\n".join(rows) + "\n").encode())
    assert list(OrgUnit.objects.order_by("code").values_list("code", "level")) == [
        ("U%d" % i, i + 1) for i in range(8)
    ]
    assert OrgUnit.objects.get(code="U7").level_label == "level 8"


@pytest.mark.django_db
def test_a_later_file_adds_a_level_below_stored_units(binzhou, system_actor):
    import_units(actor=system_actor, data=SEVEN.encode())
    import_units(actor=system_actor, data=b"code,name,class,parent_code\nM2,b,,M1\n")
    assert OrgUnit.objects.get(code="M2").level == 7


@pytest.mark.django_db
def test_bad_levels_are_listed(binzhou, system_actor):
    data = (
        "code,name,class,parent_code,level\n"
        "P1,省,,,province\n"
        "C1,市,,P1,county\n"
        "D1,县,,C1,city\n"
        "S1,乡,,D1,hamlet\n"
    ).encode()
    with pytest.raises(InputRefused) as refused:
        import_units(actor=system_actor, data=data)
    assert [(p.row, p.column, p.reason) for p in refused.value.problems] == [
        (4, "level", "level 1 is not below its parent's level 2"),
        (
            5,
            "level",
            "not a level: a whole number 0–32 or one of province, city, county, district, "
            "department, township, community, village, grid, micro_grid",
        ),
    ]
    assert OrgUnit.objects.count() == 0
