"""Units and covariates import: encodings, XLSX, dry run, every bad row listed, nothing written."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from pingan.core.problems import InputRefused, Problem
from pingan.units.models import Covariate, OrgUnit
from pingan.units.services import import_covariates, import_units

GOOD = "code,name,class,parent_code,opened_on,closed_on\nC1,测试市,,,,\nX01,新区,A,C1,2020-01-01,\nX02,老城区,A,C1,2019-05-01,2024-12-31\n"


@pytest.fixture
def scheme(binzhou):
    return binzhou


@pytest.mark.django_db
def test_gb18030_file_imports(scheme, system_actor):
    summary = import_units(actor=system_actor, data=GOOD.encode("gb18030"))
    assert (summary.created, summary.updated, summary.unchanged) == (3, 0, 0)
    unit = OrgUnit.objects.get(code="X02")
    assert (unit.name_zh, unit.eval_class, unit.parent.code, unit.level, str(unit.closed_on)) == (
        "老城区",
        "A",
        "C1",
        2,
        "2024-12-31",
    )


@pytest.mark.django_db
def test_utf8_with_bom_imports_and_second_import_changes_nothing(scheme, system_actor):
    import_units(actor=system_actor, data=b"\xef\xbb\xbf" + GOOD.encode("utf-8"))
    again = import_units(actor=system_actor, data=GOOD.encode("utf-8"))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


@pytest.mark.django_db
def test_xlsx_imports(scheme, system_actor):
    workbook = Workbook()
    sheet = workbook.active
    for line in GOOD.strip().split("\n"):
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    workbook.save(buffer)
    summary = import_units(actor=system_actor, data=buffer.getvalue())
    assert summary.created == 3
    assert OrgUnit.objects.get(code="X01").opened_on.isoformat() == "2020-01-01"


@pytest.mark.django_db
def test_every_bad_row_is_listed_and_nothing_written(scheme, system_actor):
    bad = (
        "code,name,class,parent_code,opened_on,closed_on\n"
        "C1,测试市,,,,\n"
        "X01,,A,C1,,\n"  # row 3: empty name
        "X02,城区,Z,C1,,\n"  # row 4: unknown class
        "X03,城区,A,NOPE,,\n"  # row 5: unknown parent
        "X04,城区,A,C1,2021-13-01,\n"  # row 6: bad date
        "X05,城区,A,C1,2022-01-01,2021-01-01\n"  # row 7: closes before opening
        "C1,重复,,,,\n"  # row 8: duplicate code
    )
    with pytest.raises(InputRefused) as refused:
        import_units(actor=system_actor, data=bad.encode("gb18030"))
    assert [(p.row, p.column) for p in refused.value.problems] == [
        (3, "name"),
        (4, "class"),
        (5, "parent_code"),
        (6, "opened_on"),
        (7, "closed_on"),
        (8, "code"),
    ]
    assert OrgUnit.objects.count() == 0


@pytest.mark.django_db
def test_dry_run_writes_nothing(scheme, system_actor):
    summary = import_units(actor=system_actor, data=GOOD.encode(), dry_run=True)
    assert (summary.created, summary.dry_run) == (3, True)
    assert OrgUnit.objects.count() == 0


@pytest.mark.django_db
def test_missing_column_and_unknown_column_are_named(scheme, system_actor):
    with pytest.raises(InputRefused) as refused:
        import_units(actor=system_actor, data=b"code,name,colour\nX,Y,red\n")
    assert refused.value.problems == [
        Problem(1, "class", "required column is missing"),
        Problem(1, "colour", "unknown column"),
    ]


@pytest.mark.django_db
def test_parent_cycle_is_refused(scheme, system_actor):
    data = b"code,name,class,parent_code\nP1,a,,P2\nP2,b,,P1\n"
    with pytest.raises(InputRefused) as refused:
        import_units(actor=system_actor, data=data)
    assert [(p.row, p.column, p.reason) for p in refused.value.problems] == [
        (2, "parent_code", "the parents form a cycle"),
        (3, "parent_code", "the parents form a cycle"),
    ]


@pytest.mark.django_db
def test_covariates_import_named_columns(scheme, system_actor):
    import_units(actor=system_actor, data=GOOD.encode())
    summary = import_covariates(
        actor=system_actor,
        data=b'unit_code,year,population,gdp\nX01,2025,"350,000",1.5e10\nX02,2025,120000,\n',
    )
    assert (summary.created, summary.updated) == (3, 0)
    assert sorted(Covariate.objects.values_list("unit__code", "name", "value")) == [
        ("X01", "gdp", 1.5e10),
        ("X01", "population", 350000.0),
        ("X02", "population", 120000.0),
    ]


@pytest.mark.django_db
def test_covariates_bad_rows_listed(scheme, system_actor):
    import_units(actor=system_actor, data=GOOD.encode())
    bad = b"unit_code,year,population\nX01,2025,-5\nNOPE,2025,10\nX01,1890,10\nX02,2025,many\n"
    with pytest.raises(InputRefused) as refused:
        import_covariates(actor=system_actor, data=bad)
    assert [(p.row, p.column) for p in refused.value.problems] == [
        (2, "population"),
        (3, "unit_code"),
        (4, "year"),
        (5, "population"),
    ]
    assert Covariate.objects.count() == 0


@pytest.mark.django_db
def test_import_requires_system_admin(scheme):
    from django.core.exceptions import PermissionDenied

    from tests.conftest import actor_with

    with pytest.raises(PermissionDenied):
        import_units(actor=actor_with("analyst"), data=GOOD.encode())
