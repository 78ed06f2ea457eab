"""Attachments are stored readable by the service account only."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from pingan.matters.actions import intake
from pingan.matters.models import Attachment


@pytest.mark.django_db
def test_an_uploaded_attachment_is_0600_in_a_0700_folder(new_matter):
    png = b"\x89PNG\r\n\x1a\n" + b"1" * 50
    matter = new_matter(uploads=[intake.Upload("p.png", "image/png", png)])
    stored = Path(Attachment.objects.get(matter=matter).file.path)
    assert stored.read_bytes() == png
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert stat.S_IMODE(stored.parent.stat().st_mode) == 0o700
