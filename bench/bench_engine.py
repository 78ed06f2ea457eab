"""Benchmark of the index engine on one synthetic class.

10,000 units x 60 indicators x 20 quarters, seeded. Times the full ``compute_class``
for the latest quarter (absolute, relative with 8-quarter GLMs, 1,000-draw rank
intervals with their pairwise confidence sets, tiers, funnel), the confidence sets
alone, and the absolute part against a bare numpy expression and DuckDB SQL over the
same data. Prints a table with wall and CPU seconds and the load average; writes
nothing.

With ``--mixed`` 15 of the 60 indicators are other kinds (5 survey rates, 5 per population,
5 year-on-year changes, weight 0 in the count rule) and ``compute_class`` gets their figures; with
``--domains`` it also computes four domain sub-indices (each with its own rank intervals) and one
special assessment.

Run: uv run python bench/bench_engine.py [--mixed] [--domains]
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from pingan.engine import (
    ChangeRule,
    ClassKinds,
    Group,
    PerPopulationRule,
    RateRule,
    Scheme,
    absolute_scores,
    bootstrap_rates,
    compute_class,
    rank_intervals,
    rate_shapes,
    relative_scores,
)
from pingan.engine.rank_sets import rank_sets, score_variances

UNITS, INDICATORS, QUARTERS, MONTHS = 10_000, 60, 20, 3
WEIGHTS = (0.1, 0.2, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)
REPEATS = 5


def synthetic(seed: int = 20261121) -> dict[str, Any]:
    """Counts whose rates grow with population and a covariate, with unit heterogeneity."""
    rng = np.random.default_rng(seed)
    population = rng.lognormal(mean=np.log(300_000), sigma=0.8, size=UNITS)
    growth = 1.0 + 0.004 * np.arange(QUARTERS)
    exposure = (population[:, None] * growth[None, :]) / 1e5
    log_gdp = rng.normal(0.0, 0.5, size=UNITS)
    urban = rng.uniform(0.0, 1.0, size=UNITS)
    covariates = np.column_stack([log_gdp, urban])
    weights = rng.choice(WEIGHTS, size=INDICATORS, p=[0.2, 0.2, 0.15, 0.15, 0.1, 0.1, 0.05, 0.05])
    caps = np.full(INDICATORS, np.inf)
    capped = rng.choice(INDICATORS, size=15, replace=False)
    caps[capped] = rng.choice([2.0, 5.0, 10.0], size=15)
    veto = np.zeros(INDICATORS, dtype=bool)
    veto[np.argsort(-weights)[:3]] = True
    per_exposure = 0.25 / weights / exposure.mean() * rng.lognormal(0.0, 0.5, INDICATORS)
    frailty = rng.gamma(20.0, 1.0 / 20.0, size=(UNITS, INDICATORS))
    effect = np.exp(0.3 * log_gdp - 0.4 * urban)[:, None] * frailty
    mean = exposure[:, None, :] * (per_exposure[None, :, None] * effect[:, :, None])
    monthly = rng.poisson(np.repeat(mean / MONTHS, MONTHS, axis=2)).astype(np.float64)
    quarterly = monthly.reshape(UNITS, INDICATORS, QUARTERS, MONTHS).sum(axis=3)
    return {
        "quarter": monthly[:, :, -MONTHS:].copy(),
        "window": quarterly,
        "exposure": exposure,
        "covariates": covariates,
        "weights": weights,
        "caps": caps,
        "veto": veto,
    }


def mixed_kinds(data: dict[str, Any], seed: int = 20261128) -> ClassKinds:
    """Indicators 45..49 per population, 50..54 year on year, and five survey rates."""
    rng = np.random.default_rng(seed)
    data["weights"] = data["weights"].copy()
    data["weights"][45:55] = 0.0
    data["caps"] = data["caps"].copy()
    data["caps"][45:55] = np.inf
    samples = rng.integers(400, 1200, size=(UNITS, 5)).astype(np.float64)
    positives = rng.binomial(samples.astype(np.int64), 0.92).astype(np.float64)
    return ClassKinds(
        per_population=tuple(range(45, 50)),
        per_population_rules=tuple(PerPopulationRule(deduction=0.5, cap=5.0) for _ in range(5)),
        population=data["exposure"][:, -1] * 1e5,
        change=tuple(range(50, 55)),
        change_rules=tuple(ChangeRule(per_point=0.05, min_count=5.0, cap=3.0) for _ in range(5)),
        previous=data["window"][:, 50:55, -5],
        rates=(
            RateRule(floor=80.0, target=98.0, cap=5.0),
            RateRule(mode="bands", bands=((95.0, 0.0), (90.0, 1.0), (0.0, 3.0))),
            RateRule(floor=60.0, target=90.0, cap=3.0),
            RateRule(floor=70.0, target=95.0, cap=2.0),
            RateRule(floor=85.0, target=99.0, cap=4.0),
        ),
        positives=positives,
        samples=samples,
    )


DOMAINS = (
    Group("social", tuple(range(0, 15)), rates=(0, 1, 2)),
    Group("police", tuple(range(15, 30)), rates=(3,)),
    Group("cases", tuple(range(30, 45)) + tuple(range(50, 55)), rates=(4,)),
    Group("opinion", tuple(range(45, 50)) + tuple(range(55, 60))),
)
SPECIAL = (Group("special", (50, 51, 52, 53), key_line=96.0, veto_line=90.0),)


def best_of(fn: Callable[[], Any], repeats: int = REPEATS) -> tuple[float, Any]:
    """Fastest wall time of ``repeats`` calls and the last result; CPU time goes to CPU_TIMES."""
    best, cpu, result = float("inf"), float("inf"), None
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()
        best = min(best, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    CPU_TIMES.append(cpu)
    return best, result


CPU_TIMES: list[float] = []
LOAD_AT_START = os.getloadavg()[0]


def duckdb_connection(data: dict[str, Any]) -> duckdb.DuckDBPyConnection:
    """DuckDB with ``counts(unit, indicator, quarter, count)`` and ``indicators``."""
    quarterly = data["window"]
    unit, indicator, quarter = np.indices(quarterly.shape).reshape(3, -1)
    counts = pd.DataFrame(
        {"unit": unit, "indicator": indicator, "quarter": quarter, "count": quarterly.ravel()}
    )
    indicators = pd.DataFrame(
        {"indicator": np.arange(INDICATORS), "weight": data["weights"], "cap": data["caps"]}
    )
    con = duckdb.connect()
    con.register("counts_df", counts)
    con.register("indicators_df", indicators)
    con.execute("CREATE TABLE counts AS SELECT * FROM counts_df")
    con.execute("CREATE TABLE indicators AS SELECT * FROM indicators_df")
    return con


DUCKDB_SQL = """
SELECT t.unit, greatest(0, 100 - sum(least(i.cap, i.weight * t.n))) AS score
FROM (SELECT unit, indicator, sum(count) AS n FROM counts WHERE quarter = ?
      GROUP BY unit, indicator) AS t
JOIN indicators AS i USING (indicator)
GROUP BY t.unit ORDER BY t.unit
"""


def main() -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--mixed", action="store_true", help="15 indicators of other kinds")
    parser.add_argument("--domains", action="store_true", help="four domains and a special")
    args = parser.parse_args()
    data = synthetic()
    kinds = mixed_kinds(data) if args.mixed or args.domains else None
    scheme = Scheme.of(data["weights"], data["caps"], data["veto"])
    quarter = data["quarter"]

    def full() -> Any:
        return compute_class(
            quarter,
            data["window"],
            data["exposure"],
            data["covariates"],
            weights=data["weights"],
            caps=data["caps"],
            veto=data["veto"],
            seed=1,
            draws=1000,
            kinds=kinds,
            domain_groups=DOMAINS if args.domains else (),
            special_groups=SPECIAL if args.domains else (),
        )

    def floor() -> Any:
        return np.maximum(
            0.0, 100.0 - np.minimum(scheme.caps, quarter.sum(axis=2) * scheme.weights).sum(axis=1)
        )

    con = duckdb_connection(data)

    def sql() -> Any:
        return con.execute(DUCKDB_SQL, [QUARTERS - 1]).fetchnumpy()["score"]

    full_time, result = best_of(full, repeats=3)
    history = data["window"].copy()
    history[:, :, -1] = result.absolute.totals
    relative_time, relative = best_of(
        lambda: relative_scores(history, data["exposure"], scheme, data["covariates"]), repeats=3
    )
    rates = bootstrap_rates(result.absolute, relative)
    ranks_time, _ = best_of(
        lambda: rank_intervals(result.absolute.score, rates, scheme, draws=1000, seed=1),
        repeats=3,
    )
    variances = score_variances(rates, rate_shapes(relative), scheme)
    sets_time, _ = best_of(lambda: rank_sets(result.absolute.score, variances), repeats=3)
    engine_time, engine = best_of(lambda: absolute_scores(quarter, scheme))
    floor_time, bare = best_of(floor)
    sql_time, via_sql = best_of(sql)
    assert np.allclose(engine.score, bare, rtol=0, atol=1e-9)
    assert np.allclose(engine.score, via_sql, rtol=0, atol=1e-9)
    methods = {f.method for f in result.relative.fits}
    full_cpu, relative_cpu, ranks_cpu, sets_cpu, engine_cpu, floor_cpu, sql_cpu = CPU_TIMES
    mode = "domains" if args.domains else "mixed" if args.mixed else "counts"
    print(f"units={UNITS} indicators={INDICATORS} quarters={QUARTERS} draws=1000 kinds={mode}")
    print(f"load average at start: {LOAD_AT_START:.2f}")
    print(f"relative fits: {sorted(methods)}; rank sampler: {result.ranks.method}")
    print(f"load average at end: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(f"{'task':<42}{'wall s':>9}{'cpu s':>9}{'ratio':>8}")
    rows = [
        ("compute_class (full, best of 3)", full_time, full_cpu, ""),
        ("  of which relative_scores (best of 3)", relative_time, relative_cpu, ""),
        ("  of which rank_intervals (best of 3)", ranks_time, ranks_cpu, ""),
        ("    of which rank_sets (best of 3)", sets_time, sets_cpu, ""),
        ("absolute_scores (best of 5)", engine_time, engine_cpu, "1.00"),
        (
            "bare numpy expression (best of 5)",
            floor_time,
            floor_cpu,
            f"{engine_time / floor_time:.2f}",
        ),
        ("DuckDB SQL (best of 5)", sql_time, sql_cpu, f"{engine_time / sql_time:.2f}"),
    ]
    for label, wall, cpu, ratio in rows:
        print(f"{label:<42}{wall:>9.4f}{cpu:>9.4f}{ratio:>8}")
    print("ratio = absolute_scores wall time / that row's wall time; scores agree to 1e-9")


if __name__ == "__main__":
    main()
