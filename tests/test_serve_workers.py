"""`pingan serve --workers N`: N web processes behind one port, plus the job worker process.

A real server is started on a free loopback port; the test reads the address line, then polls
(against a deadline, never a fixed sleep) until the server's child processes are the N web
processes and the job worker, and the site answers.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="gunicorn runs on Linux")

DEADLINE_SECONDS = 120


def _children(pid: int) -> list[tuple[int, str]]:
    """Process ids and command lines of the direct children of `pid` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append((int(entry.name), cmdline))
    return found


def _status(port: int, path: str) -> int:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as client:
        client.sendall(
            ("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n" % path).encode()
        )
        head = client.recv(64)
    return int(head.split(b" ", 2)[1])


def test_serve_runs_n_web_processes_and_the_job_worker(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PINGAN_", "DJANGO_"))}
    env.update(PINGAN_HOME=str(tmp_path / "home"), PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [sys.executable, "-m", "pingan.cli", "serve", "--port", "0", "--workers", "3"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().decode()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert match, line
        assert process.stdout.readline().decode().strip() == "pingan: 3 web process(es)"
        port = int(match.group(1))
        deadline = time.monotonic() + DEADLINE_SECONDS
        children: list[tuple[int, str]] = []
        while time.monotonic() < deadline:
            children = _children(process.pid)
            if len(children) == 4:
                break
            with pytest.raises(subprocess.TimeoutExpired):  # the server must stay up meanwhile
                process.wait(timeout=0.1)
        workers = [c for _pid, c in children if "pingan.cli worker" in c]
        assert (len(children), len(workers)) == (4, 1), children
        assert _status(port, "/login/") == 200
    finally:
        process.terminate()
        process.wait(timeout=60)
        process.stdout.close()  # type: ignore[union-attr]
    assert [pid for pid, _c in children if Path("/proc/%d" % pid).exists()] == []
