"""A scheme names the office that issues its bulletins: longyan and hefei never print binzhou's number."""

from __future__ import annotations

import pytest

from pingan.bulletins.config import issuer
from pingan.core.problems import InputRefused
from pingan.demo import builtin_source
from pingan.schemes.loader import parse_scheme
from tests.schemes.mixed import MIXED


@pytest.mark.parametrize(
    ("code", "header", "number"),
    [
        ("binzhou", "滨州市平安建设领导小组办公室文件", "滨平安办〔2026〕3号"),
        ("longyan", "龙岩市平安建设领导小组办公室文件", "岩平安办〔2026〕3号"),
        ("hefei", "合肥市平安建设领导小组办公室文件", "合平安办〔2026〕3号"),
    ],
)
def test_each_built_in_scheme_prints_its_own_office(code, header, number, monkeypatch):
    for name in ("ISSUER", "NUMBER_PREFIX", "MAIN_TO", "COPY_TO"):
        monkeypatch.delenv("PINGAN_BULLETIN_" + name, raising=False)
    office = issuer(parse_scheme(builtin_source(code)).get("bulletin"))
    assert (office.header_line, office.document_number(2026, 3)) == (header, number)


def test_the_environment_still_wins_over_the_scheme(monkeypatch):
    monkeypatch.setenv("PINGAN_BULLETIN_NUMBER_PREFIX", "某平安办")
    office = issuer(parse_scheme(builtin_source("longyan"))["bulletin"])
    assert (office.issuer, office.draft_number(2026)) == (
        "龙岩市平安建设领导小组办公室",
        "某平安办〔2026〕　号",
    )


def test_a_bad_bulletin_section_is_refused_with_its_place():
    source = MIXED + '\n[bulletin]\nnumber_prefix = ""\nprefix = "x"\n'
    with pytest.raises(InputRefused) as refused:
        parse_scheme(source)
    assert [(p.column, p.reason) for p in refused.value.problems] == [
        ("bulletin.prefix", "unknown key"),
        ("bulletin.number_prefix", "must be non-empty text"),
    ]
