"""Shared data of the scores tests: four universities and hospitals with hand-made figures."""

from __future__ import annotations

import pytest

from pingan.cli import main
from pingan.core.jobs import run_owed_jobs

MONTHS = ["2026-04", "2026-05", "2026-06"]
INDICATORS = [
    "criminal", "petition_unlawful", "safety_accident", "mass_incident", "media_incident",
    "extreme_incident",
]  # fmt: skip
# Incidents of the quarter (all in April) of four universities and hospitals (class C):
# in force I01 95 (criminal 4 x 0.5 + mass 1 x 3), I02 94, I03 92, I04 90.
COUNTS = {
    "I01": {"criminal": 4, "mass_incident": 1},
    "I02": {"criminal": 12},
    "I03": {"safety_accident": 1, "mass_incident": 2},
    "I04": {"criminal": 20},
}


@pytest.fixture
def figures(demo_units, tmp_path, monkeypatch):
    """Class C figures of 2026Q2 for I01-I04 (scored); every other unit is withheld."""
    monkeypatch.setenv("PINGAN_LANGUAGE", "en")
    lines = ["unit_code,indicator_code,period,value"]
    for unit, counts in COUNTS.items():
        for code in INDICATORS:
            for month in MONTHS:
                value = counts.get(code, 0) if month == "2026-04" else 0
                lines.append("%s,%s,%s,%d" % (unit, code, month, value))
    path = tmp_path / "f.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["figures", "import", str(path), "--approve", "--reason", "test"]) == 0
    run_owed_jobs()
