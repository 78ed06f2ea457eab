"""PDF through LibreOffice headless, with the shipped CJK fonts and a private profile.

soffice runs with a private fontconfig configuration (`fonts.fontconfig_file`) that adds the
shipped font folder and the fallback chains of the official faces to the configuration in force
(FONTCONFIG_FILE when set, else the system's), so the PDF embeds a CJK font even on a machine
that has none.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.utils.translation import gettext as _

from pingan.core.documents.fonts import fontconfig_file

TIMEOUT_SECONDS = 180
SYSTEM_FONTCONFIG = "/etc/fonts/fonts.conf"


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
        source = folder / "document.docx"
        source.write_bytes(data)
        environment = dict(os.environ)
        environment["FONTCONFIG_FILE"] = str(
            fontconfig_file(folder, include=os.environ.get("FONTCONFIG_FILE") or SYSTEM_FONTCONFIG)
        )
        environment["HOME"] = str(folder)
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
            subprocess.run(  # noqa: S603
                command, check=False, capture_output=True, timeout=timeout, env=environment
            )
        except subprocess.TimeoutExpired:
            raise ConversionFailed(
                _("LibreOffice did not finish within %(n)d seconds.") % {"n": timeout}
            ) from None
        produced = folder / "out" / "document.pdf"
        if not produced.exists():
            raise ConversionFailed(_("LibreOffice produced no PDF."))
        return produced.read_bytes()
