"""`pingan figures import|export` through the real command line entry point."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from pingan.cli import main
from pingan.reporting.models import Figure, Kind, Status, Submission

pytestmark = pytest.mark.django_db

GOOD = """unit_code,indicator_code,period,value
A1,criminal,2026-08,3
A1,public_security,2026-08,0
A1,petition_unlawful,2026-08,1
A2,criminal,2026-08,2
A2,public_security,2026-08,5
B1,petition_unlawful,2026-08,4
C1,criminal,2026-08,1
A1,criminal,2026-09,4
A1,public_security,2026-09,0
"""

UNIT_NAMES = {"A1": "甲区", "A2": "乙区", "B1": "某局", "C1": "某医院"}
INDICATOR_NAMES = {
    "criminal": "Criminal cases",
    "public_security": "Public-security (administrative) cases",
    "petition_unlawful": "Unlawful petitioning acts",
}
# The export: the four columns as imported, then the unit's and the indicator's names.
EXPORTED = "unit_code,indicator_code,period,value,unit_name,indicator_name\n" + "".join(
    "%s,%s,%s\n" % (line, UNIT_NAMES[line.split(",")[0]], INDICATOR_NAMES[line.split(",")[1]])
    for line in GOOD.splitlines()[1:]
)

BAD = (
    GOOD.replace("A2,public_security,2026-08,5", "A2,public_security,2026-08,-5").replace(
        "B1,petition_unlawful,2026-08,4", "ZZ,petition_unlawful,2026-08,4"
    )
    + "A1,criminal,2026-09,4\n"
)


@pytest.fixture(autouse=True)
def cli_language(monkeypatch):
    """The command line speaks English in these tests."""
    monkeypatch.setenv("PINGAN_LANGUAGE", "en")


def test_bad_file_exits_1_listing_every_problem_and_writes_nothing(city, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text(BAD, encoding="utf-8")
    assert main(["figures", "import", str(path), "--approve", "--reason", "history"]) == 1
    err = capsys.readouterr().err
    assert "row 6, column value: the value must be a whole number ≥ 0" in err
    assert "row 7, column unit_code: unknown unit ZZ" in err
    assert "row 11, column indicator_code: duplicate cell, first given at row 9" in err
    assert (Submission.objects.count(), Figure.objects.count()) == (0, 0)


def test_fixed_file_imports_and_exports_back_with_names(city, tmp_path, score_calls, capsys):
    source, out = tmp_path / "good.csv", tmp_path / "out.csv"
    source.write_bytes(GOOD.encode("utf-8"))
    assert main(["figures", "import", str(source), "--approve", "--reason", "load 2026"]) == 0
    assert main(["figures", "export", "--from", "2026-08", "--to", "2026-09", "-o", str(out)]) == 0
    assert out.read_bytes() == EXPORTED.encode("utf-8")
    assert main(["figures", "import", str(out), "--approve", "--reason", "again"]) == 0
    assert "0 approved versions, 0 corrections, 3 unchanged" in capsys.readouterr().out
    assert sorted(
        Submission.objects.values_list("body__code", "month", "status", "kind", "is_current")
    ) == [
        ("petitions", "2026-08", Status.APPROVED, Kind.HISTORICAL, True),
        ("police", "2026-08", Status.APPROVED, Kind.HISTORICAL, True),
        ("police", "2026-09", Status.APPROVED, Kind.HISTORICAL, True),
    ]
    assert score_calls == [{"months": ["2026-08", "2026-09"], "reason": "figures.import"}]


def test_reimport_with_changed_values_is_a_correction(city, tmp_path, capsys):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text(GOOD, encoding="utf-8")
    second.write_text(
        GOOD.replace("A1,criminal,2026-09,4", "A1,criminal,2026-09,6"), encoding="utf-8"
    )
    assert main(["figures", "import", str(first), "--approve", "--reason", "load"]) == 0
    assert main(["figures", "import", str(second), "--approve", "--reason", "recount"]) == 0
    assert "0 approved versions, 1 corrections, 2 unchanged" in capsys.readouterr().out
    versions = list(
        Submission.objects.filter(body__code="police", month="2026-09")
        .order_by("number")
        .values_list("number", "kind", "is_current", "reason")
    )
    assert versions == [(1, Kind.HISTORICAL, False, "load"), (2, Kind.CORRECTION, True, "recount")]


def test_import_without_approve_makes_drafts_and_dry_run_writes_nothing(city, tmp_path, capsys):
    path = tmp_path / "good.csv"
    path.write_text(GOOD, encoding="utf-8")
    assert main(["figures", "import", str(path), "--dry-run"]) == 0
    assert Submission.objects.count() == 0
    assert main(["figures", "import", str(path)]) == 0
    assert "9 rows into 3 draft submissions" in capsys.readouterr().out
    assert set(Submission.objects.values_list("status", flat=True)) == {Status.DRAFT}
    assert Figure.objects.filter(is_locked=False).count() == 9


def test_approve_needs_a_reason(city, tmp_path):
    path = tmp_path / "good.csv"
    path.write_text(GOOD, encoding="utf-8")
    assert main(["figures", "import", str(path), "--approve"]) == 2


def test_xlsx_export_imports_back_unchanged(city, tmp_path, capsys):
    source, out = tmp_path / "good.csv", tmp_path / "out.xlsx"
    source.write_text(GOOD, encoding="utf-8")
    assert main(["figures", "import", str(source), "--approve", "--reason", "load"]) == 0
    assert (
        main(
            [
                "figures",
                "export",
                "--from",
                "2026-08",
                "--to",
                "2026-09",
                "--format",
                "xlsx",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    assert main(["figures", "import", str(out), "--approve", "--reason", "again"]) == 0
    assert "0 approved versions, 0 corrections, 3 unchanged" in capsys.readouterr().out
    sheet = load_workbook(out).active
    assert sheet.title == "2026-08 – 2026-09"
    assert [c.value for c in sheet[1]] == [
        "Unit code", "Indicator code", "Month", "Value", "Unit", "Indicator",
    ]  # fmt: skip
    assert [c.value for c in sheet[2]] == ["A1", "criminal", "2026-08", 3, "甲区", "Criminal cases"]
