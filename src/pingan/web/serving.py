"""Serving the site: N gunicorn processes behind one port on Linux, waitress in one process otherwise.

`pingan serve --workers N` (default: the number of cores) binds the port itself, prints the
address, and hands the bound socket to gunicorn's arbiter, which forks N web processes sharing it
(threads in each, so a slow client holds one thread, not a process). The job worker then runs as
a process of its own, started beside the arbiter and stopped with it. With `--workers 1`, on
Windows, or where gunicorn is not installed, waitress serves in this process and the job worker
runs in a thread of it, as before (docs/adr/0005-serving.md).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from contextlib import nullcontext
from typing import Any

THREADS = 4
"""Threads of each gunicorn web process."""
KEEPALIVE_SECONDS = 5
"""How long a gunicorn process keeps an idle client connection open (an idle connection holds no
thread). Longer than a person's usual pause between two clicks, so that the server rarely closes a
connection at the moment the client sends its next request on it (a reset); gunicorn's default,
2 s, reset a few requests in every thousand under the load scenario."""


def default_workers() -> int:
    """The number of web processes when none is asked for: the cores of this machine."""
    return max(1, os.cpu_count() or 1)


def multiprocess_available() -> bool:
    """True where gunicorn can run (not on Windows, and installed)."""
    if sys.platform == "win32":
        return False
    try:
        import gunicorn  # noqa: F401  # local import: optional, absent on Windows
    except ImportError:
        return False
    return True


def serve(port: int, *, worker: bool = True, workers: int | None = None) -> int:
    """Serve on PINGAN_BIND (127.0.0.1) and `port` (0: a free one) until stopped.

    The line naming the address is printed once the socket is bound.
    """
    if hasattr(signal, "SIGPIPE"):
        # A client that resets its connection is an error on that connection, not the end of us.
        signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    host = os.environ.get("PINGAN_BIND", "127.0.0.1")
    count = workers or default_workers()
    if count > 1 and multiprocess_available():
        return _serve_gunicorn(host, port, count, worker=worker)
    return _serve_waitress(host, port, worker=worker)


def max_request_body() -> int:
    """The largest request body the server reads (bytes): four times PINGAN_MAX_UPLOAD_MB."""
    from django.conf import settings  # local import: only after django.setup()

    return int(4 * settings.PINGAN_MAX_UPLOAD_MB * 1024 * 1024)


def body_limited(app: Any, limit: int) -> Any:
    """`app` behind a check that answers 413 to a request declaring a body over `limit` bytes.

    Gunicorn has no limit of its own on the request body (waitress's is `max_request_body_size`);
    Django reads no more than the declared Content-Length, so refusing that is enough.
    """

    def limited(environ: dict[str, Any], start_response: Any) -> Any:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            start_response(
                "413 Request Entity Too Large",
                [("Content-Type", "text/plain; charset=utf-8"), ("Connection", "close")],
            )
            return [b"413 Request Entity Too Large\n"]
        return app(environ, start_response)

    return limited


def _serve_waitress(host: str, port: int, *, worker: bool) -> int:
    from waitress.server import create_server  # local import: the server of this mode only

    from pingan.core.jobs import worker_thread  # local import: only after django.setup()
    from pingan.wsgi import application  # local import: only after django.setup()

    server: Any = create_server(
        application, host=host, port=port, threads=8, max_request_body_size=max_request_body()
    )
    with worker_thread() if worker else nullcontext():
        _announce(host, getattr(server, "effective_port", port), 1, worker)
        server.run()
    return 0


def _announce(host: str, port: int, workers: int, worker: bool) -> None:
    print("pingan: http://%s:%s/  (Ctrl+C to stop)" % (host, port), flush=True)
    print("pingan: %d web process(es)" % workers, flush=True)
    if worker:
        print("pingan: job worker running beside the web server", flush=True)


def _serve_gunicorn(host: str, port: int, workers: int, *, worker: bool) -> int:
    from django.db import connections  # local import: only after django.setup()
    from gunicorn.app.base import BaseApplication  # local import: Linux only

    from pingan.wsgi import application  # local import: only after django.setup()

    listener = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    listener.listen(2048)
    listener.set_inheritable(True)
    options = {
        "bind": ["fd://%d" % listener.fileno()],
        "workers": workers,
        "worker_class": "gthread",
        "threads": THREADS,
        "keepalive": KEEPALIVE_SECONDS,
        "timeout": 120,
        "graceful_timeout": 30,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
    }

    class Application(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return body_limited(application, max_request_body())

    connections.close_all()  # forked processes open their own
    job_worker = _start_job_worker() if worker else None
    _announce(host, listener.getsockname()[1], workers, worker)
    try:
        Application().run()
    finally:
        if job_worker is not None:
            job_worker.terminate()
            job_worker.wait(timeout=60)
    return 0


def _start_job_worker() -> subprocess.Popen[bytes]:
    """`pingan worker` as a process of its own, with this process's environment."""
    return subprocess.Popen([sys.executable, "-m", "pingan.cli", "worker"], close_fds=True)
