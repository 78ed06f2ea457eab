"""The command-line contract: the demo, scheme show, units export and exit statuses."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter

import pytest

from pingan.cli import main


@pytest.mark.django_db
def test_units_import_refusal_exits_1_listing_rows(binzhou, tmp_path, capsys, monkeypatch):
    bad = tmp_path / "units.csv"
    bad.write_bytes(
        "code,name,class,parent_code,opened_on,closed_on\nQ1,市,,,,\nQ2,区,A,Q1,2020-02-30,\n".encode(
            "gb18030"
        )
    )
    assert main(["units", "import", str(bad)]) == 1
    assert "第 3 行，opened_on 列：不是 YYYY-MM-DD 格式的日期" in capsys.readouterr().err
    good = tmp_path / "good.csv"
    good.write_bytes(
        "code,name,class,parent_code,opened_on,closed_on\nQ1,市,,,,\nQ2,区,A,Q1,2020-02-28,\n".encode(
            "gb18030"
        )
    )
    assert main(["units", "import", str(good), "--dry-run"]) == 0
    assert (
        capsys.readouterr().out
        == "试运行，未写入任何数据：单位 将新增 2 个，更新 0 个，未变 0 个\n"
    )
    monkeypatch.setenv("PINGAN_LANGUAGE", "en")
    assert main(["units", "import", str(good)]) == 0
    assert capsys.readouterr().out == "units: 2 created, 0 updated, 0 unchanged\n"
    assert main(["units", "export", "--format", "json"]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert exported == [
        {
            "code": "Q1",
            "name": "市",
            "class": "",
            "parent_code": "",
            "opened_on": "",
            "closed_on": "",
            "name_en": "",
        },
        {
            "code": "Q2",
            "name": "区",
            "class": "A",
            "parent_code": "Q1",
            "opened_on": "2020-02-28",
            "closed_on": "",
            "name_en": "",
        },
    ]


def test_usage_error_exits_2():
    with pytest.raises(SystemExit) as exit_info:
        main(["units", "frobnicate"])
    assert exit_info.value.code == 2


@pytest.mark.django_db
def test_demo_then_scheme_show_and_units_export(capsys, monkeypatch, anchor_as_committed):
    assert main(["demo", "--no-serve"]) == 0
    capsys.readouterr()
    assert main(["scheme", "show", "binzhou", "--format", "json"]) == 0
    scheme = json.loads(capsys.readouterr().out)
    assert [(c["code"], len(c["indicators"])) for c in scheme["classes"]] == [
        ("A", 10),
        ("B", 7),
        ("C", 6),
    ]
    assert main(["units", "export", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert Counter(r["class"] for r in rows if r["class"]) == {"A": 10, "B": 90, "C": 8}
    assert main(["demo", "--no-serve"]) == 0
    anchor_as_committed()
    assert main(["audit", "verify"]) == 0
    capsys.readouterr()
    monkeypatch.setenv("PINGAN_LANGUAGE", "en")
    assert main(["check", "--older-than", "0"]) == 0
    assert capsys.readouterr().out == "check ok: no work owed for more than 0 minutes\n"
