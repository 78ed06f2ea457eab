"""Deterministic synthetic data for the demo city: units, covariates and monthly counts.

Every number here is synthetic (seeded random draws) and is labelled so wherever it is shown.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

import numpy as np

from pingan.demo_data.names import CITY, COUNTIES, DEPARTMENTS, INSTITUTIONS, TOWNSHIPS

SEED = 20240101

# Monthly incidents per unit of exposure (A: per 100,000 residents; B: per 100 staff; C: per 1,000 staff).
RATES = {
    "A": {
        "criminal": 8.0,
        "public_security": 25.0,
        "petition_unlawful": 0.6,
        "safety_accident": 0.15,
        "mass_incident": 0.05,
        "civil_litigation": 30.0,
        "admin_litigation": 2.0,
        "media_incident": 0.01,
        "duty_crime": 0.1,
        "extreme_incident": 0.005,
    },
    "B": {
        "petition_unlawful": 0.3,
        "internal_safety_accident": 0.05,
        "mass_incident": 0.01,
        "admin_litigation": 0.2,
        "media_incident": 0.01,
        "duty_crime": 0.01,
        "extreme_incident": 0.002,
    },
    "C": {
        "criminal": 1.0,
        "petition_unlawful": 0.3,
        "safety_accident": 0.1,
        "mass_incident": 0.02,
        "media_incident": 0.03,
        "extreme_incident": 0.005,
    },
}
LEVEL = {"A": 0.55, "B": 0.8, "C": 1.0}
EXPOSURE_SCALE = {"A": 100_000.0, "B": 100.0, "C": 1_000.0}


@dataclass(frozen=True)
class DemoUnit:
    """An evaluated unit of the demo city with its synthetic size and risk."""

    code: str
    eval_class: str
    exposure: float
    gdp: float
    risk: float
    trend: float


def _rng(salt: int = 0) -> np.random.Generator:
    return np.random.default_rng(SEED + salt)


def demo_units() -> list[DemoUnit]:
    """The 108 evaluated units with seeded sizes, risks and (for a few) a rising trend."""
    rng = _rng(1)
    units = []
    for i, (code, _zh, _en) in enumerate(COUNTIES):
        population = (
            float(rng.integers(300_000, 1_300_000))
            if i < 7
            else float(rng.integers(120_000, 400_000))
        )
        gdp = population * float(rng.uniform(6.0, 14.0)) * 10_000
        units.append(
            DemoUnit(
                code,
                "A",
                population,
                gdp,
                float(rng.lognormal(0, 0.3)),
                0.03 if i in (2, 8) else 0.0,
            )
        )
    for i in range(len(DEPARTMENTS)):
        staff = float(rng.integers(40, 900))
        units.append(
            DemoUnit(
                "D%03d" % (i + 1),
                "B",
                staff,
                0.0,
                float(rng.lognormal(0, 0.4)),
                0.02 if i % 23 == 5 else 0.0,
            )
        )
    for i in range(len(INSTITUTIONS)):
        staff = float(rng.integers(800, 5_000))
        units.append(
            DemoUnit("I%02d" % (i + 1), "C", staff, 0.0, float(rng.lognormal(0, 0.3)), 0.0)
        )
    return units


def units_csv() -> bytes:
    """The units file of the demo city (city, 10 class-A, 90 class-B, 8 class-C, some townships)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["code", "name", "class", "parent_code", "opened_on", "closed_on", "name_en"])
    writer.writerow([CITY[0], CITY[1], "", "", "", "", CITY[2]])
    for code, zh, en in COUNTIES:
        writer.writerow([code, zh, "A", CITY[0], "", "", en])
    for i, (zh, en) in enumerate(DEPARTMENTS):
        writer.writerow(["D%03d" % (i + 1), zh, "B", CITY[0], "", "", en])
    for i, (zh, en) in enumerate(INSTITUTIONS):
        writer.writerow(["I%02d" % (i + 1), zh, "C", CITY[0], "", "", en])
    for county, towns in TOWNSHIPS.items():
        for j, (zh, en) in enumerate(towns):
            writer.writerow(["%s%02d" % (county, j + 1), zh, "", county, "", "", en])
    return buffer.getvalue().encode("utf-8")


def covariates_csv(years: list[int]) -> bytes:
    """Yearly population (class A) or staff (B, C) and GDP (class A), growing slowly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["unit_code", "year", "population", "staff", "gdp"])
    for unit in demo_units():
        for k, year in enumerate(years):
            growth = 1.0 + 0.005 * k
            if unit.eval_class == "A":
                writer.writerow(
                    [
                        unit.code,
                        year,
                        round(unit.exposure * growth),
                        "",
                        round(unit.gdp * (1.05**k)),
                    ]
                )
            else:
                writer.writerow([unit.code, year, "", round(unit.exposure * growth), ""])
    return buffer.getvalue().encode("utf-8")


def month_sequence(last: dt.date, count: int) -> list[str]:
    """`count` months ending with the month of `last`, as YYYY-MM."""
    months = []
    year, month = last.year, last.month
    for _ in range(count):
        months.append("%04d-%02d" % (year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def monthly_counts(
    months: list[str], indicators_by_class: dict[str, list[str]], first_step: int = 0
) -> list[tuple[str, str, str, int]]:
    """Seeded Poisson counts (unit_code, indicator_code, period, value) for every unit, indicator and month.

    A unit's level grows by its trend each month from month ``-first_step`` of ``months`` (a
    negative ``first_step`` puts earlier months below that level).
    """
    rng = _rng(2)
    rows = []
    for unit in demo_units():
        size = unit.exposure / EXPOSURE_SCALE[unit.eval_class]
        for t, period in enumerate(months, start=first_step):
            level = unit.risk * (1.0 + unit.trend) ** t * LEVEL[unit.eval_class]
            for code in indicators_by_class[unit.eval_class]:
                rate = RATES[unit.eval_class].get(code, 0.1) * size * level
                rows.append((unit.code, code, period, int(rng.poisson(rate))))
    return rows
