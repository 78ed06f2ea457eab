"""Disconnects: a client that resets its connection mid-response never stops `pingan serve`.

A real server process is started on a free loopback port; 100 clients each send a request (a large
static file or a page), read the first bytes of the answer and reset the connection (SO_LINGER 0).
The server must answer the next request with 200 and log nothing fatal.
"""

from __future__ import annotations

import os
import re
import socket
import struct
import subprocess
import sys
from pathlib import Path

import pytest

RESETS = 100
STATIC = "/static/vendor/echarts/echarts.min.js"
PAGE = "/login/"


def _request(path: str) -> bytes:
    return ("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n" % path).encode()


def _reset_mid_response(port: int, path: str) -> bytes:
    """Send a request, read the first bytes of the answer, then close with an RST."""
    with socket.create_connection(("127.0.0.1", port), timeout=60) as client:
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        client.sendall(_request(path))
        return client.recv(64)


def _get(port: int, path: str) -> tuple[int, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=60) as client:
        client.sendall(_request(path))
        chunks = []
        while chunk := client.recv(65536):
            chunks.append(chunk)
    answer = b"".join(chunks)
    head, _sep, body = answer.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


@pytest.fixture
def server(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PINGAN_", "DJANGO_"))}
    env.update(PINGAN_HOME=str(tmp_path / "home"), PYTHONUNBUFFERED="1")
    stderr_path = tmp_path / "stderr.log"
    with stderr_path.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "pingan.cli", "serve", "--port", "0"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=stderr,
        )
    try:
        assert process.stdout is not None
        # The address line is printed once the socket is bound: no waiting on a clock.
        line = process.stdout.readline().decode()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert match, "server did not start: %r %s" % (line, stderr_path.read_text())
        yield process, int(match.group(1)), stderr_path
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)
        process.stdout.close()  # type: ignore[union-attr]


def test_server_survives_clients_resetting_mid_response(server):
    process, port, stderr_path = server
    status, body = _get(port, STATIC)
    assert status == 200
    assert len(body) > 512 * 1024  # large enough that the reset lands while it is being sent
    starts = {_reset_mid_response(port, STATIC if n % 2 else PAGE)[:12] for n in range(RESETS)}
    assert starts == {b"HTTP/1.1 200"}
    assert process.poll() is None, stderr_path.read_text()
    status, _body = _get(port, PAGE)
    assert status == 200
    status, body_again = _get(port, STATIC)
    assert (status, body_again) == (200, body)
    assert process.poll() is None
    log = stderr_path.read_text()
    assert "Traceback" not in log
    assert "CRITICAL" not in log
