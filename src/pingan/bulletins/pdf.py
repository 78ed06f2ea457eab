"""PDF through LibreOffice headless, when it is installed."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from django.utils.translation import gettext as _

TIMEOUT_SECONDS = 180


class ToolMissing(Exception):
    """A system tool the operation needs is not installed."""


class ConversionFailed(Exception):
    """LibreOffice ran but produced no PDF."""


def soffice() -> str | None:
    """The path of LibreOffice's `soffice`, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def missing_message() -> str:
    """What to tell the user when LibreOffice is not installed."""
    return _("LibreOffice (soffice) is not installed; install it or use --format docx/html")


def docx_to_pdf(data: bytes, *, timeout: int = TIMEOUT_SECONDS) -> bytes:
    """Convert .docx bytes to PDF with a private LibreOffice profile; ToolMissing when not installed."""
    program = soffice()
    if program is None:
        raise ToolMissing(missing_message())
    with tempfile.TemporaryDirectory(prefix="pingan-soffice-") as work:
        folder = Path(work)
        source = folder / "bulletin.docx"
        source.write_bytes(data)
        command = [
            program,
            "-env:UserInstallation=" + (folder / "profile").as_uri(),
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder / "out"),
            str(source),
        ]
        try:
            subprocess.run(command, check=False, capture_output=True, timeout=timeout)  # noqa: S603
        except subprocess.TimeoutExpired:
            raise ConversionFailed(
                _("LibreOffice did not finish within %(n)d seconds.") % {"n": timeout}
            ) from None
        produced = folder / "out" / "bulletin.pdf"
        if not produced.exists():
            raise ConversionFailed(_("LibreOffice produced no PDF."))
        return produced.read_bytes()
