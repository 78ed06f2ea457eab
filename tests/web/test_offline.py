"""Offline: no template, static file or served page loads anything from another host."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import pingan

SOURCE = Path(pingan.__file__).resolve().parent
# A reference that makes the browser fetch: src/href attributes, CSS url()/@import, JS import/fetch.
LOADS = re.compile(
    r"""(?:\b(?:src|href|action|poster|data)\s*=\s*["']?\s*|url\(\s*["']?|@import\s+["']|\bimport\s*\(\s*["']|\bfetch\s*\(\s*["'])(?:https?:)?//(?!localhost|127\.0\.0\.1)""",
    re.IGNORECASE,
)


def asset_files():
    for path in SOURCE.rglob("*"):
        if path.suffix in (".html", ".css", ".js", ".svg", ".txt") and path.is_file():
            yield path


def test_there_are_assets_to_check():
    names = {p.name for p in asset_files()}
    assert {"base.html", "bootstrap.min.css", "htmx.min.js", "echarts.min.js"} <= names


@pytest.mark.parametrize("path", sorted(asset_files()), ids=lambda p: str(p.relative_to(SOURCE)))
def test_asset_loads_nothing_from_another_host(path):
    text = path.read_text(encoding="utf-8", errors="replace")
    found = [m.group(0) for m in LOADS.finditer(text)]
    assert found == []


def test_the_pattern_catches_outside_loads():
    for sample in [
        '<script src="https://cdn.example/x.js">',
        "<link href='//fonts.example/css'>",
        "background: url(http://x.example/a.png)",
        '@import "https://x.example/a.css"',
    ]:
        assert LOADS.search(sample), sample
    for sample in [
        '<a href="/units/">',
        "xmlns='http://www.w3.org/2000/svg'",
        '<img src="data:image/png;base64,AA">',
        'src="http://127.0.0.1:8000/x"',
    ]:
        assert not LOADS.search(sample), sample


@pytest.mark.django_db
def test_served_pages_reference_no_outside_host(client, make_user, demo_units):
    user = make_user("analyst")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    for path in ["/", "/units/", "/schemes/", "/login/"]:
        body = client.get(path).content.decode()
        assert LOADS.findall(body) == [], path
