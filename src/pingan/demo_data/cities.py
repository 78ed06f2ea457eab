"""Demo cities for the built-in `longyan` and `hefei` schemes: units, covariates and figures.

County- and district-level names are the cities' real divisions; townships, stations and every
figure are synthetic (seeded draws). Survey rates are drawn once a quarter in its last month with a
sample size; counts are Poisson per 10,000 residents; a few units rise year on year so that the
change (同期比) and the special assessment have something to catch.
"""

from __future__ import annotations

import csv
import io
import zlib
from dataclasses import dataclass

import numpy as np

SEED = 20261128
NUMBERS = "一二三四五"


@dataclass(frozen=True)
class City:
    """A demo city: its own unit, its counties or districts, and how its units are classed."""

    city: tuple[str, str, str]
    counties: tuple[tuple[str, str, str], ...]
    county_class: str
    towns: int
    town_class: str
    stations: str = ""
    scale: float = 1.0
    """Multiplies every count rate (a county's many indicators must not take all its points)."""


CITIES = {
    "longyan": City(
        city=("LY", "龙岩市（演示）", "Longyan (demo)"),
        counties=(
            ("LY01", "新罗区", "Xinluo District"),
            ("LY02", "永定区", "Yongding District"),
            ("LY03", "长汀县", "Changting County"),
            ("LY04", "上杭县", "Shanghang County"),
            ("LY05", "武平县", "Wuping County"),
            ("LY06", "连城县", "Liancheng County"),
            ("LY07", "漳平市", "Zhangping City"),
        ),
        county_class="county",
        towns=3,
        town_class="town",
        scale=0.1,
    ),
    "hefei": City(
        city=("HF", "合肥市（演示）", "Hefei (demo)"),
        counties=(
            ("HF01", "瑶海区", "Yaohai District"),
            ("HF02", "庐阳区", "Luyang District"),
            ("HF03", "蜀山区", "Shushan District"),
            ("HF04", "包河区", "Baohe District"),
        ),
        county_class="",
        towns=5,
        town_class="T",
        stations="P",
    ),
}
SURVEY_MEANS = {"safety_sense": 0.95, "satisfaction": 0.92, "awareness": 0.8}
BASE_RATES = (0.02, 0.05, 0.1, 0.3, 0.8, 1.5)
"""Monthly incidents per 10,000 residents; each indicator takes one by a hash of its code."""
RATES = {
    "criminal": 4.0,
    "public_security": 8.0,
    "burglary": 1.5,
    "home_robbery": 0.03,
    "vehicle_theft": 0.6,
    "ebike_theft": 2.0,
}
"""Monthly incidents per 10,000 residents of the indicators that have their own."""


@dataclass(frozen=True)
class CityUnit:
    """A unit of a demo city with its synthetic population, risk and yearly trend."""

    code: str
    name_zh: str
    name_en: str
    eval_class: str
    parent: str
    population: float
    risk: float
    trend: float


def _rng(salt: int) -> np.random.Generator:
    return np.random.default_rng(SEED + salt)


def city_units(scheme: str) -> list[CityUnit]:
    """The units of a demo city: counties or districts, their townships and (Hefei) stations."""
    city = CITIES[scheme]
    rng = _rng(len(scheme))
    units = []
    for n, (code, zh, en) in enumerate(city.counties):
        units.append(
            CityUnit(
                code,
                zh,
                en,
                city.county_class,
                city.city[0],
                float(rng.integers(250_000, 900_000)),
                float(rng.lognormal(0, 0.25)),
                0.0,
            )
        )
        for t in range(city.towns):
            rising = 0.6 if (n + t) % 7 == 3 else 0.0
            town = CityUnit(
                "%s%02d" % (code, t + 1),
                "%s演示街道%s" % (zh, NUMBERS[t]),
                "%s demo street %d" % (en, t + 1),
                city.town_class,
                code,
                float(rng.integers(30_000, 120_000)),
                float(rng.lognormal(0, 0.3)),
                rising,
            )
            units.append(town)
            if city.stations:
                units.append(
                    CityUnit(
                        "%sP%02d" % (code, t + 1),
                        "%s演示派出所%s" % (zh, NUMBERS[t]),
                        "%s demo police station %d" % (en, t + 1),
                        city.stations,
                        code,
                        town.population,
                        float(rng.lognormal(0, 0.3)),
                        rising,
                    )
                )
    return units


def pairs(scheme: str) -> list[tuple[str, str]]:
    """Each township with its police station (同奖同罚); none for a city without stations."""
    codes = {u.code for u in city_units(scheme)}
    return [
        (u.code, u.code[:4] + "P" + u.code[4:])
        for u in city_units(scheme)
        if u.eval_class == "T" and u.code[:4] + "P" + u.code[4:] in codes
    ]


def units_csv(scheme: str) -> bytes:
    """The units file of a demo city."""
    city = CITIES[scheme]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["code", "name", "class", "parent_code", "opened_on", "closed_on", "name_en"])
    code, zh, en = city.city
    writer.writerow([code, zh, "", "", "", "", en])
    for unit in city_units(scheme):
        writer.writerow(
            [unit.code, unit.name_zh, unit.eval_class, unit.parent, "", "", unit.name_en]
        )
    return buffer.getvalue().encode("utf-8")


def covariates_csv(scheme: str, years: list[int]) -> bytes:
    """Yearly population of every evaluated unit, growing slowly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["unit_code", "year", "population"])
    for unit in city_units(scheme):
        if unit.eval_class:
            for k, year in enumerate(years):
                writer.writerow([unit.code, year, round(unit.population * (1.0 + 0.005 * k))])
    return buffer.getvalue().encode("utf-8")


def figures_csv(scheme: str, months: list[str], rules: dict[str, list[tuple[str, str]]]) -> bytes:
    """Approved history: counts every month, survey rates in each quarter's last month.

    ``rules`` class code → [(indicator code, kind)].
    """
    rng = _rng(7 + len(scheme))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["unit_code", "indicator_code", "period", "value", "sample_size"])
    for unit in city_units(scheme):
        if not unit.eval_class:
            continue
        size = unit.population / 10_000 * CITIES[scheme].scale
        for t, month in enumerate(months):
            level = unit.risk * (1.0 + unit.trend * t / 12)
            for code, kind in rules[unit.eval_class]:
                if kind == "rate":
                    if month[5:7] in ("03", "06", "09", "12"):
                        asked = int(rng.integers(400, 1_200))
                        share = min(0.995, SURVEY_MEANS.get(code, 0.9) + rng.normal(0, 0.02))
                        writer.writerow(
                            [unit.code, code, month, int(rng.binomial(asked, share)), asked]
                        )
                    continue
                base = RATES.get(code, BASE_RATES[zlib.crc32(code.encode()) % len(BASE_RATES)])
                rate = base * size * level
                writer.writerow([unit.code, code, month, int(rng.poisson(rate)), ""])
    return buffer.getvalue().encode("utf-8")
