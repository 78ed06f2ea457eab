"""The OpenAPI document is a committed contract: any change must be deliberate.

Regenerate with `PINGAN_UPDATE_SNAPSHOTS=1 uv run pytest tests/api/test_openapi_snapshot.py`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

SNAPSHOT = Path(__file__).with_name("openapi.json")


def _document() -> str:
    from pingan.api.main import api

    return json.dumps(api.get_openapi_schema(), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def test_openapi_document_matches_the_snapshot():
    document = _document()
    if os.environ.get("PINGAN_UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(document, encoding="utf-8")
    assert SNAPSHOT.exists(), "no snapshot: run with PINGAN_UPDATE_SNAPSHOTS=1"
    assert json.loads(document) == json.loads(SNAPSHOT.read_text(encoding="utf-8"))
