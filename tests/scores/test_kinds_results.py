"""Stored results of a scheme with every kind: exact scores, a special assessment's key management
and veto, a linked pair sharing the veto, and a yearly result from the year's figures."""

from __future__ import annotations

import pytest

from pingan.core.problems import InputRefused
from pingan.reporting.bulk_load import import_figures
from pingan.reporting.models import SurveySample
from pingan.schemes.services import load_scheme
from pingan.scores.cells import explanation_cells
from pingan.scores.models import QuarterResult
from pingan.scores.services import compute_period
from pingan.units.services import import_covariates, import_units
from tests.schemes.mixed import MIXED

PAIRED = MIXED.replace(
    'classes = ["T", "P"]',
    'classes = ["T", "P"]\npairs = [["T1", "P1"], ["T2", "P2"], ["T3", "P3"]]',
).replace(
    "key_management_below = 98\nveto_below = 95", "key_management_below = 99.5\nveto_below = 98"
)
UNITS = "code,name,class,parent_code,opened_on,closed_on\n" + "".join(
    "%s,%s,%s,,,\n" % (code, code, code[0]) for code in ("T1", "T2", "T3", "P1", "P2", "P3")
)
COVARIATES = "unit_code,year,population\n" + "".join(
    "%s,%d,100000\n" % (code, year)
    for code in ("T1", "T2", "T3", "P1", "P2", "P3")
    for year in (2024, 2025)
)
COUNTS = {"T": ("burglary", "criminal", "mass_incident"), "P": ("burglary", "mass_incident")}
SPECIAL = {
    # (unit, indicator, month): count; every other count cell is 0
    ("T1", "burglary", "2025-10"): 12,
    ("T1", "burglary", "2024-10"): 10,
    ("T2", "burglary", "2025-10"): 10,
    ("T2", "burglary", "2024-10"): 10,
    ("T3", "burglary", "2025-10"): 30,
    ("T3", "burglary", "2024-10"): 10,
    ("T1", "criminal", "2025-10"): 30,
    ("T2", "criminal", "2025-10"): 10,
    ("T3", "criminal", "2025-10"): 20,
    ("T2", "mass_incident", "2025-11"): 1,
    ("T1", "mass_incident", "2025-03"): 1,
    ("P1", "burglary", "2025-10"): 10,
    ("P1", "burglary", "2024-10"): 10,
    ("P2", "burglary", "2025-10"): 4,
    ("P2", "burglary", "2024-10"): 4,
    ("P3", "burglary", "2025-10"): 5,
    ("P3", "burglary", "2024-10"): 5,
}
SURVEYS = {"T1": 114, "T2": 105, "T3": 96, "P1": 114, "P2": 108, "P3": 60}


def figures_csv() -> bytes:
    lines = ["unit_code,indicator_code,period,value,sample_size"]
    months = ["%d-%02d" % (y, m) for y in (2024, 2025) for m in range(1, 13)]
    for unit in ("T1", "T2", "T3", "P1", "P2", "P3"):
        for month in months:
            for code in COUNTS[unit[0]]:
                lines.append(
                    "%s,%s,%s,%d," % (unit, code, month, SPECIAL.get((unit, code, month), 0))
                )
        lines.append("%s,security,2025-12,%d,120" % (unit, SURVEYS[unit]))
    return ("\n".join(lines) + "\n").encode()


def load_city(actor, source: str) -> None:
    load_scheme(actor=actor, source=MIXED.replace('period = "quarter"', 'period = "%s"' % source))
    import_units(actor=actor, data=UNITS.encode())
    import_covariates(actor=actor, data=COVARIATES.encode())
    paired = PAIRED.replace('period = "quarter"', 'period = "%s"' % source)
    load_scheme(actor=actor, source=paired)
    import_figures(actor=actor, data=figures_csv(), approve=True, reason="survey and counts")


def results(run) -> dict[str, QuarterResult]:
    return {r.unit.code: r for r in QuarterResult.objects.filter(run=run).select_related("unit")}


@pytest.mark.django_db
def test_every_kind_special_assessment_and_linked_veto(system_actor):
    load_city(system_actor, "quarter")
    assert SurveySample.objects.count() == 6
    run = compute_period(actor=system_actor, period="2025Q4", reason="test", scheme_code="mixed")
    rows = results(run)
    assert {code: r.absolute_score for code, r in rows.items()} == {
        "T1": 97.0,
        "T2": 95.0,
        "T3": 91.0,
        "P1": 100.0,
        "P2": 99.0,
        "P3": 97.0,
    }
    # the special assessment of burglary: T1 98 -> key management, T3 97 -> veto
    special = {code: r.detail["special"]["preventable"] for code, r in rows.items()}
    assert special["T1"] == {"score": 98.0, "deduction": 2.0, "key_management": True, "veto": False}
    assert special["T3"] == {"score": 97.0, "deduction": 3.0, "key_management": True, "veto": True}
    assert {code: (r.veto, r.key_management, r.tier, r.stars) for code, r in rows.items()} == {
        "T1": (False, True, "", 5),
        "T2": (False, False, "", 5),
        "T3": (True, True, "red", 1),
        "P1": (False, True, "", 5),
        "P2": (False, False, "", 5),
        "P3": (True, True, "red", 1),
    }
    assert rows["P3"].linked_unit.code == "T3" and rows["T1"].linked_unit.code == "P1"
    kinds = {k["code"]: k for k in rows["T2"].detail["kinds"]}
    assert kinds["security"]["rate"] == 87.5 and kinds["security"]["deduction"] == 3.0
    assert kinds["criminal"] == {
        "code": "criminal",
        "kind": "per_population",
        "count": 10.0,
        "rate": 1.0,
        "reference": 2.0,
        "deduction": 0.0,
    }
    assert {
        k["code"]: k["scored"] for k in rows["P2"].detail["kinds"] if k["kind"] == "change"
    } == {"burglary": False}
    assert rows["T1"].detail["domains"]["cases"]["score"] == 97.0
    assert rows["T2"].detail["domains"]["social"]["score"] == 97.0
    assert [
        (c.indicator_code, c.deduction) for c in explanation_cells(rows["T3"]) if c.month == "kind"
    ] == [("burglary", 3.0), ("criminal", 0.0), ("security", 6.0)]


@pytest.mark.django_db
def test_a_yearly_result_comes_from_the_year_s_figures(system_actor):
    load_city(system_actor, "year")
    run = compute_period(actor=system_actor, period="2025", reason="test", scheme_code="mixed")
    rows = results(run)
    # T1's mass incident of March counts in the year: 97 - 2
    assert {code: r.absolute_score for code, r in rows.items()} == {
        "T1": 95.0,
        "T2": 95.0,
        "T3": 91.0,
        "P1": 100.0,
        "P2": 99.0,
        "P3": 97.0,
    }
    with pytest.raises(InputRefused):
        compute_period(actor=system_actor, period="2025Q4", reason="test", scheme_code="mixed")


@pytest.mark.django_db
def test_a_rate_line_needs_its_sample_size(system_actor):
    load_city(system_actor, "quarter")
    bad = b"unit_code,indicator_code,period,value,sample_size\nT1,security,2025-09,130,120\nT2,security,2025-09,50,\nT1,mass_incident,2025-09,0,5\n"
    with pytest.raises(InputRefused) as refused:
        import_figures(actor=system_actor, data=bad, approve=True, reason="x")
    assert [(p.row, p.column, p.reason) for p in refused.value.problems] == [
        (2, "sample_size", "the positive answers exceed the sample size"),
        (3, "sample_size", "a survey rate needs its sample size, a whole number ≥ 1"),
        (4, "sample_size", "only a survey rate has a sample size"),
    ]
