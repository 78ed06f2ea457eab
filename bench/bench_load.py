"""Benchmark: the locust scenario (bench/locustfile.py) against a served pingan, for 1, 10 and 50 users.

Run against a built demo (`pingan demo --no-serve` with the same PINGAN_HOME and database):

    PINGAN_HOME=… PINGAN_DATABASE_URL=… uv run python bench/bench_load.py \
        [--users 1,10,50] [--run-time 60s] [--port 8765] [--workers N]

First does the work the job queue owes (`pingan worker --once`: on a province, the warnings'
scans of every figure and matter), so that the runs measure a server in its steady state rather
than one catching up; the periodic jobs still run during the runs, as in service. Then starts
`pingan serve` on the port (with `--workers N` when given and the command has it), issues an
Open311 API key, runs locust headless and bounded (`--run-time`) for each user count, and prints one
Markdown table row per run: requests/s, p50/p95/p99 (ms), failures, and `uptime`'s load before and
after the run (the machine is shared); then a second table with the overview's and a unit page's
own p50/p95/p99 at each user count (the pages with a target); and a third table with where the
machine's CPU went during each run, per request served: the server's processes (web processes and
job worker, read from /proc by their session), locust (the load itself, on the same cores), the
rest (PostgreSQL and the system: the machine's busy time minus both), and the hypervisor's steal.
The server is stopped at the end. First it prints the CPU seconds a fixed pure-Python loop takes
here (`machine_speed`), so that runs on different machines can be compared.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent


def load_average() -> str:
    """The 1-minute load average from /proc/loadavg."""
    return Path("/proc/loadavg").read_text().split()[0]


TICKS = os.sysconf("SC_CLK_TCK")


def machine_times() -> tuple[float, float]:
    """Seconds the machine's cores were busy and seconds stolen by the hypervisor, since boot."""
    fields = [int(f) for f in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq) / TICKS, steal / TICKS


def session_cpu(session: int) -> float:
    """CPU seconds of the live processes of a session (the server: web processes and job worker)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[3]) == session:
            total += int(fields[11]) + int(fields[12])
    return total / TICKS


def machine_speed() -> float:
    """CPU seconds of ten million additions in a Python loop (about 0.5 s on a current desktop
    core): the yardstick printed with every run, as the same code runs slower on a slower core."""
    started = time.process_time()
    total = 0
    for step in range(10_000_000):
        total += step
    return time.process_time() - started


def children_cpu() -> float:
    """CPU seconds of this script's finished children (locust)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def pingan(*args: str) -> str:
    """Run a pingan command in the configured environment and return its output."""
    done = subprocess.run(
        ["uv", "run", "pingan", *args], capture_output=True, text=True, check=True
    )
    return done.stdout


def start_server(port: int, workers: int | None) -> subprocess.Popen[bytes]:
    """Start `pingan serve` in its own process group and wait until it answers."""
    command = ["uv", "run", "pingan", "serve", "--port", str(port)]
    if workers:
        command += ["--workers", str(workers)]
    log = open(Path(tempfile.gettempdir()) / ("pingan-serve-%d.log" % port), "wb")  # noqa: SIM115 - kept open for the server's life
    server = subprocess.Popen(command, start_new_session=True, stdout=log, stderr=subprocess.STDOUT)
    for _ in range(600):
        try:
            urllib.request.urlopen("http://127.0.0.1:%d/login/" % port, timeout=60)  # noqa: S310 - a local http URL
            return server
        except urllib.error.HTTPError as error:
            raise SystemExit("pingan serve answered /login/ with %s" % error.code) from None
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if server.poll() is not None:
                raise SystemExit("pingan serve exited with %s" % server.returncode) from None
            time.sleep(0.5)
    raise SystemExit("pingan serve did not answer within 5 minutes")


TARGET_PAGES = ("/scores/", "/scores/unit/[code]/")
"""The pages with a p95 target (docs/performance.md, "Load"), reported apart after the table."""


def run_locust(
    port: int, users: int, run_time: str, api_key: str, out: Path
) -> dict[str, dict[str, str]]:
    """Run the scenario for `users` users and return locust's statistics rows by name."""
    prefix = out / ("u%d" % users)
    env = {**os.environ, "PINGAN_BENCH_API_KEY": api_key}
    subprocess.run(
        [
            "uv",
            "run",
            "locust",
            "-f",
            str(HERE / "locustfile.py"),
            "--headless",
            "-u",
            str(users),
            "-r",
            str(users),
            "--run-time",
            run_time,
            "--host",
            "http://127.0.0.1:%d" % port,
            "--csv",
            str(prefix),
            "--only-summary",
        ],
        env=env,
        check=False,
    )
    with open(str(prefix) + "_stats.csv", encoding="utf-8") as stats:
        return {row["Name"]: row for row in csv.DictReader(stats)}


def cpu_row(
    users: int, requests: int, start: tuple[tuple[float, float], float, float], server: int
) -> str:
    """One row of the CPU table: milliseconds of each part's CPU per request served."""
    (busy0, steal0), server0, locust0 = start
    busy1, steal1 = machine_times()
    served = session_cpu(server) - server0
    locust = children_cpu() - locust0
    rest = busy1 - busy0 - served - locust
    per = 1000.0 / max(requests, 1)
    return "| %d | %.1f | %.1f | %.1f | %.1f |" % (
        users, served * per, locust * per, rest * per, (steal1 - steal0) * per,
    )  # fmt: skip


def main() -> None:
    """Serve, run every user count, print the table, stop the server."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", default="1,10,50")
    parser.add_argument("--run-time", default="60s")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    print("machine: ten million additions in a Python loop took %.2f s of CPU" % machine_speed())
    api_key = pingan("apikey", "create", "bench-load-%d" % os.getpid()).strip().splitlines()[-1]
    started = time.perf_counter()
    pingan("worker", "--once")
    print("owed jobs done first: %.0f s" % (time.perf_counter() - started), flush=True)
    server = start_server(args.port, args.workers)
    out = Path(tempfile.mkdtemp(prefix="pingan-load-"))
    print(
        "| users | requests | req/s | p50 ms | p95 ms | p99 ms | failures | load before → after |"
    )
    print("|---|---|---|---|---|---|---|---|")
    pages: list[str] = []
    cpu: list[str] = []
    try:
        for users in [int(n) for n in args.users.split(",")]:
            before = load_average()
            start = (machine_times(), session_cpu(server.pid), children_cpu())
            rows = run_locust(args.port, users, args.run_time, api_key, out)
            row = rows["Aggregated"]
            cpu.append(cpu_row(users, int(row["Request Count"]), start, server.pid))
            pages += [
                "| %d | %s | %s | %s | %s | %s |"
                % (users, name, rows[name]["Request Count"], rows[name]["50%"],
                   rows[name]["95%"], rows[name]["99%"])
                for name in TARGET_PAGES
                if name in rows
            ]  # fmt: skip
            print(
                "| %d | %s | %.1f | %s | %s | %s | %s | %s → %s |"
                % (
                    users,
                    row["Request Count"],
                    float(row["Requests/s"]),
                    row["50%"],
                    row["95%"],
                    row["99%"],
                    row["Failure Count"],
                    before,
                    load_average(),
                ),
                flush=True,
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    print("\n| users | page | requests | p50 ms | p95 ms | p99 ms |\n|---|---|---|---|---|---|")
    print("\n".join(pages))
    print(
        "\n| users | CPU ms per request: server | locust | rest (PostgreSQL, system) | steal |"
        "\n|---|---|---|---|---|"
    )
    print("\n".join(cpu))
    print("per-request statistics: %s" % out, file=sys.stderr)


if __name__ == "__main__":
    main()
