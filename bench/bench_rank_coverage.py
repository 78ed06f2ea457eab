"""Simulation study of the coverage of the 95% rank intervals.

One class of 30 units and 4 indicators (0.5, 1, 2 and 5 points per incident, no caps),
expected counts per indicator 8, 5, 3 and 1 for a unit of size 1. Sizes are equal (1)
or unequal (fixed log-normal sizes, sd 0.6 on the log scale, scaled to mean 1). The
true rate of a unit and indicator is ``E_uc theta_uc``:

- "Poisson": theta fixed for the whole study (drawn once, log-normal with sd 0.25), so
  the true ranks do not change and the counts vary only as Poisson counts do;
- "phi = f": theta redrawn in every replication from a gamma law with mean 1 and
  variance (f - 1) / mean_u(E_uc), so the counts have variance about f times their
  mean (over-dispersion f), f = 1.25, 2, 5 and 10.

Each replication draws the three monthly counts of the quarter (Poisson), runs
``compute_class`` (expected counts from the pooled rate, empirical-Bayes smoothing,
1,000-draw rank intervals) and checks, for every true-rank position, whether the
interval of the unit at that position contains it. The true rank orders the units by
their true expected deduction ``sum_c w_c E_uc theta_uc``. Besides the published
interval (the union) the two parts are tallied on their own: the bootstrap interval
and the pairwise confidence set.

Prints the tables of ``docs/performance.md``; writes nothing.
Run: uv run python bench/bench_rank_coverage.py [--replications N]
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass

import numpy as np

from pingan.engine import competition_ranks, compute_class

UNITS = 30
WEIGHTS = np.array([0.5, 1.0, 2.0, 5.0])
BASE_RATES = np.array([8.0, 5.0, 3.0, 1.0])
CAPS = np.full(4, np.inf)
VETO = np.zeros(4, dtype=bool)
TRUTHS: tuple[float | None, ...] = (None, 1.25, 2.0, 5.0, 10.0)
DRAWS = 1000


@dataclass
class Tally:
    """Per-position hits and summed widths of one scenario and method."""

    hits: np.ndarray
    width: float = 0.0
    count: int = 0

    def add(self, low: np.ndarray, high: np.ndarray, true_rank: np.ndarray) -> None:
        """Record one replication: unit u holds true rank true_rank[u]."""
        covered = (low <= true_rank) & (true_rank <= high)
        np.add.at(self.hits, true_rank - 1, covered)
        self.width += float((high - low + 1).mean())
        self.count += 1

    def coverage(self) -> np.ndarray:
        """Coverage per true-rank position 1..U."""
        return self.hits / self.count


def sizes(equal: bool, rng: np.random.Generator) -> np.ndarray:
    """Unit sizes with mean 1."""
    if equal:
        return np.ones(UNITS)
    s = np.exp(rng.normal(0.0, 0.6, UNITS))
    return s / s.mean()


def scenario(equal: bool, phi: float | None, replications: int, seed: int) -> list[Tally]:
    """Run one scenario; returns the tallies of the published, bootstrap and set intervals."""
    rng = np.random.default_rng(seed)
    size = sizes(equal, rng)
    expected = size[:, None] * BASE_RATES[None, :]
    fixed = np.exp(rng.normal(0.0, 0.25, expected.shape))
    tallies = [Tally(np.zeros(UNITS)) for _ in range(3)]
    for rep in range(replications):
        if phi is None:
            theta = fixed
        else:
            variance = (phi - 1.0) / expected.mean(axis=0)
            shape = 1.0 / variance
            theta = rng.gamma(shape[None, :], 1.0 / shape[None, :], size=expected.shape)
        truth = expected * theta
        true_rank = competition_ranks(-(truth @ WEIGHTS))
        months = rng.poisson(np.repeat(truth[:, :, None] / 3.0, 3, axis=2)).astype(float)
        result = compute_class(
            months,
            months.sum(axis=2)[:, :, None],
            size[:, None],
            weights=WEIGHTS,
            caps=CAPS,
            veto=VETO,
            seed=rep,
            draws=DRAWS,
        )
        r = result.ranks
        tallies[0].add(r.rank_low, r.rank_high, true_rank)
        tallies[1].add(r.bootstrap_low, r.bootstrap_high, true_rank)
        tallies[2].add(r.set_low, r.set_high, true_rank)
    return tallies


def main() -> None:
    """Run every scenario and print the summary and the per-position table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=500)
    args = parser.parse_args()
    start, start_cpu = time.perf_counter(), time.process_time()
    columns: list[tuple[str, np.ndarray]] = []
    print(f"units={UNITS} replications={args.replications} draws={DRAWS} level=0.95")
    print(
        "| sizes | truth | min coverage | position 1 | position 30 | mean width "
        "| bootstrap: min coverage | bootstrap: mean width "
        "| set: min coverage | set: mean width |"
    )
    print("|---" * 10 + "|")
    for equal in (True, False):
        for index, phi in enumerate(TRUTHS):
            seed = 1000 * int(equal) + index
            union, boot, sets = scenario(equal, phi, args.replications, seed)
            cov = union.coverage()
            label = "Poisson" if phi is None else f"phi = {phi:g}"
            sizes_label = "equal" if equal else "unequal"
            parts = " | ".join(
                f"{t.coverage().min():.1%} | {t.width / t.count:.1f}" for t in (boot, sets)
            )
            print(
                f"| {sizes_label} | {label} | {cov.min():.1%} | {cov[0]:.1%} | {cov[-1]:.1%} "
                f"| {union.width / union.count:.1f} | {parts} |",
                flush=True,
            )
            columns.append((f"{sizes_label[0]} {label}", cov))
    print()
    print("| position | " + " | ".join(name for name, _ in columns) + " |")
    print("|---" * (len(columns) + 1) + "|")
    for position in range(UNITS):
        cells = " | ".join(f"{100 * cov[position]:.1f}" for _, cov in columns)
        print(f"| {position + 1} | {cells} |")
    print()
    wall, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    print(f"wall {wall:.0f} s, CPU {cpu:.0f} s")


if __name__ == "__main__":
    main()
