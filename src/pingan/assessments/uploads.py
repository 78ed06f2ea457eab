"""Documents attached to an assessment: recognised by their content, size-checked, stored under PINGAN_HOME.

The type is read from the first bytes of the file, never trusted from its name or the browser:
PDF, PNG, JPEG, Word (.docx) and Excel (.xlsx) files are accepted, and only with a name whose
extension matches the content. Programs (Windows, Linux and macOS executables, scripts) are
refused whatever their name. Files are kept under `PINGAN_HOME/assessments/` with a random
name, readable by the service account only.
"""

from __future__ import annotations

import hashlib
import io
import os
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from pingan.core.limits import size_reason
from pingan.core.problems import Problem

EXECUTABLE_MAGIC = (
    b"MZ",  # Windows PE / DOS
    b"\x7fELF",  # Linux
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # macOS (and Java classes)
    b"#!",  # scripts
)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXTENSIONS = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    DOCX: (".docx",),
    XLSX: (".xlsx",),
}


@dataclass(frozen=True)
class Upload:
    """A file offered for the file of an assessment: its name and bytes."""

    name: str
    data: bytes


def sniff(data: bytes) -> str | None:
    """The content type read from the bytes, "executable", or None when not recognised."""
    if data.startswith(EXECUTABLE_MAGIC):
        return "executable"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"PK\x03\x04"):
        return _office_type(data)
    return None


def _office_type(data: bytes) -> str | None:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if any(n.lower().endswith((".exe", ".dll", ".bat", ".cmd", ".js", ".vbs")) for n in names):
        return "executable"
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def upload_problems(upload: Upload) -> list[Problem]:
    """Why a file is refused (empty when it is accepted)."""
    place = upload.name or "?"
    too_big = size_reason(len(upload.data))
    if too_big:
        return [Problem(None, place, too_big)]
    if not upload.data:
        return [Problem(None, place, _("the file is empty"))]
    kind = sniff(upload.data)
    if kind == "executable":
        return [Problem(None, place, _("programs and scripts are refused, whatever their name"))]
    if kind is None:
        return [
            Problem(
                None,
                place,
                _("only PDF, PNG, JPEG, Word (.docx) and Excel (.xlsx) files are accepted"),
            )
        ]
    if not upload.name.lower().endswith(EXTENSIONS[kind]):
        return [Problem(None, place, _("the file name's extension does not match its content"))]
    if len(upload.name) > 200:
        return [Problem(None, place, _("the file name is longer than 200 characters"))]
    return []


def folder() -> Path:
    """Where attachments are kept."""
    return Path(settings.PINGAN_HOME) / "assessments"


@dataclass(frozen=True)
class Stored:
    """A file written to the folder of attachments."""

    stored_name: str
    content_type: str
    size: int
    sha256: str


def store(upload: Upload) -> Stored:
    """Write an accepted file under a random name, readable by the service account only."""
    kind = sniff(upload.data) or ""
    name = uuid.uuid4().hex + EXTENSIONS[kind][0]
    target = folder()
    target.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(target / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(upload.data)
    return Stored(name, kind, len(upload.data), hashlib.sha256(upload.data).hexdigest())


def discard(names: list[str]) -> None:
    """Remove files written by a write that was then refused."""
    for name in names:
        (folder() / name).unlink(missing_ok=True)


def read(stored_name: str) -> bytes:
    """The bytes of a stored attachment."""
    return (folder() / Path(stored_name).name).read_bytes()
