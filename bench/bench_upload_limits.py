"""Benchmark: how fast oversized or hostile files are refused (the limits of docs/formats.md).

Run: `uv run python bench/bench_upload_limits.py`

In a temporary PINGAN_HOME with a migrated SQLite database and the binzhou scheme, each input is
given to the same service the command line and the web forms call (`import_units`, or
`read_path` for a file on disk), and the wall time until the refusal is printed with its message.
The 50 MB file is also posted to the units import form through Django's test client (the whole
request: multipart parsing, session, middleware, the view).
The default limits apply (20 MB, 500,000 rows, 1,000 columns, 200 MB / 100× XLSX expansion),
except for the "linear header" line, which raises PINGAN_MAX_COLUMNS so that a covariates file
with a 1,000,003-column header reaches the duplicate-column check.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

MB = 1024 * 1024


def _setup() -> None:
    home = tempfile.mkdtemp(prefix="pingan-bench-limits-")
    os.environ["PINGAN_HOME"] = home
    os.environ.pop("PINGAN_DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "pingan.settings.base"
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import translation

    translation.activate("en")
    call_command("migrate", verbosity=0)


def _timed(label: str, action: Callable[[], object]) -> None:
    from pingan.core.problems import InputRefused

    start = time.perf_counter()
    try:
        action()
    except InputRefused as refused:
        elapsed = time.perf_counter() - start
        print("%-52s %8.3f s  refused: %s" % (label, elapsed, refused.problems[0]))
        return
    raise SystemExit("%s was not refused" % label)


def _bomb(rows: int) -> bytes:
    """An XLSX-shaped zip whose sheet repeats one row `rows` times (about 1000:1 compression)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            b"<worksheet><sheetData>"
            + b'<row><c t="inlineStr"><is><t>X</t></is></c></row>' * rows
            + b"</sheetData></worksheet>",
        )
    return buffer.getvalue()


def _timed_web(label: str, data: bytes) -> None:
    """POST `data` as the file of the units import form, signed in as a system administrator."""
    from django.contrib.messages import get_messages
    from django.test import Client
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    from pingan.accounts.models import RoleAssignment, User

    user = User.objects.create(username="bench-admin")
    RoleAssignment.objects.create(user=user, role="system_admin")
    client = Client(HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    upload = io.BytesIO(data)
    upload.name = "units.csv"
    body = encode_multipart(BOUNDARY, {"file": upload})
    warm = time.perf_counter()
    client.get("/units/")  # the first request imports every view module; not part of the refusal
    print("(first request, warming up: %.1f s)" % (time.perf_counter() - warm))
    start = time.perf_counter()
    response = client.generic("POST", "/units/import/", body, content_type=MULTIPART_CONTENT)
    elapsed = time.perf_counter() - start
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    if response.status_code != 302 or len(shown) < 2:
        raise SystemExit("%s was not refused: %s %s" % (label, response.status_code, shown))
    print("%-52s %8.3f s  refused: %s" % (label, elapsed, shown[1]))


def main() -> None:
    _setup()
    from django.conf import settings

    from pingan.core.access.actor import command_line_actor
    from pingan.core.tabular import read_path
    from pingan.units.services import import_covariates, import_units

    actor = command_line_actor()
    workdir = Path(tempfile.mkdtemp(prefix="pingan-bench-files-"))

    big = workdir / "units-50mb.csv"
    line = b"U%07d,unit name,A,,,\n"
    with open(big, "wb") as handle:
        handle.write(b"code,name,class,parent_code,opened_on,closed_on\n")
        written, n = 0, 0
        while written < 50 * MB:
            chunk = b"".join(line % (n + i) for i in range(10_000))
            handle.write(chunk)
            written, n = written + len(chunk), n + 10_000
    data_50mb = big.read_bytes()
    _timed("50 MB units CSV, command line (read_path)", lambda: read_path(big))
    _timed(
        "50 MB units CSV already uploaded (import_units)",
        lambda: import_units(actor=actor, data=data_50mb),
    )

    _timed_web("50 MB units CSV, web upload form (whole request)", data_50mb)

    wide = (",".join("c%d" % i for i in range(1_000_000)) + "\n").encode()
    print("(1,000,000-column header: %.1f MB)" % (len(wide) / MB))
    _timed("1,000,000-column CSV (import_units)", lambda: import_units(actor=actor, data=wide))

    rows = b"code,name,class\n" + b"".join(b"U%07d,n,A\n" % i for i in range(600_000))
    print("(600,000-row CSV: %.1f MB)" % (len(rows) / MB))
    _timed(
        "600,000-row CSV, cap 500,000 (import_units)", lambda: import_units(actor=actor, data=rows)
    )

    bomb = _bomb(3_000_000)
    print("(zip of 3,000,000 sheet rows: %.2f MB)" % (len(bomb) / MB))
    _timed("XLSX zip bomb (import_units)", lambda: import_units(actor=actor, data=bomb))

    settings.PINGAN_MAX_COLUMNS = 2_000_000
    duplicated = (
        "unit_code,year," + ",".join("c%d" % i for i in range(1_000_000)) + ",c7\n"
    ).encode()
    _timed(
        "linear header: 1,000,003 columns, one duplicate",
        lambda: import_covariates(actor=actor, data=duplicated),
    )


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    main()
