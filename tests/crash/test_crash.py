"""kill -9 of real pingan processes: approved imports, corrections and the job worker.

The driver (tests/crash/driver.py) runs in a child process on a database of its own. CI runs a
bounded number of random kills per database; PINGAN_LONG_TESTS=1 runs 200 (tests/README.md).
The figures of each run are written to test-output/crash-<database>.json.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.crash

ROOT = Path(__file__).resolve().parents[2]


def drive(tmp_path: Path, *args: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [sys.executable, "-m", "tests.crash.driver", "--home", str(tmp_path / "home"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_kill_right_after_a_correction_leaves_the_recompute_owed_and_done_on_the_next_start(
    tmp_path,
):
    result = drive(tmp_path, "--scenario", "kill-after-correction")
    assert result["import_exit"] in (-9, 0)
    assert result["committed"] == 1
    assert result["owed"] == [{"quarters": ["2026Q1"], "reason": "figures.import"}]
    assert (result["stale"], result["lost"]) == (["2026Q1"], [])
    assert result["score_while_owed"] == result["before"]
    assert result["check_while_owed"] == 1
    # the recompute, the warnings watch of the corrected figures, the new run's index watch
    assert result["restart"] == [0, "jobs run: 3"]
    assert result["stale_after"] == []
    assert result["after"] == result["expected_after"] != result["before"]
    assert result["check_after"] == 0
    # the worker killed while recomputing: its claimed job is run again on the next start
    assert result["worker_killed_mid_job"] is True
    assert result["lost_after_worker_kill"] == []
    assert result["job_after_restart"] == ["SUCCESSFUL", 2]
    assert result["restart_after_worker_kill"][0] == 0
    assert result["stale_after_worker_restart"] == []


def test_kill_9_at_random_moments_of_imports_corrections_and_the_worker(tmp_path):
    iterations = 200 if os.environ.get("PINGAN_LONG_TESTS") == "1" else 12
    result = drive(tmp_path, "--scenario", "random", "--iterations", str(iterations))
    out = ROOT / "test-output"
    out.mkdir(exist_ok=True)
    (out / ("crash-%s.json" % result["database"])).write_text(json.dumps(result, indent=1))
    assert result["failure_messages"] == []
    assert result["failures"] == 0
    assert result["iterations"] == iterations
    assert result["imports_committed"] + result["imports_rolled_back"] == iterations
    assert result["import_kills"] + result["imports_finished_before_kill"] == iterations
