"""zh-Hans first: every message has a Chinese translation, and the catalogs match the code."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import pingan

SOURCE = Path(pingan.__file__).resolve().parent
CATALOGS = sorted(SOURCE.glob("*/locale/zh_Hans/LC_MESSAGES/django.po"))
ENTRY = re.compile(r'^(msgid(?:_plural)?|msgstr(?:\[\d\])?) ((?:".*"\n?)+)', re.M)


def entries(path: Path) -> list[tuple[str, str, bool]]:
    """(msgid, first msgstr, fuzzy) of every entry but the header."""
    found = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        parts = {key: "".join(re.findall(r'"(.*)"', value)) for key, value in ENTRY.findall(block)}
        if parts.get("msgid"):
            found.append(
                (
                    parts["msgid"],
                    parts.get("msgstr", parts.get("msgstr[0]", "")),
                    "#, fuzzy" in block,
                )
            )
    return found


def test_every_app_with_messages_has_a_catalog():
    apps_with_text = {
        p.parent.name
        for p in SOURCE.glob("*/*.py")
        if re.search(r"gettext", p.read_text(encoding="utf-8"))
    }
    apps_with_catalog = {p.parents[3].name for p in CATALOGS}
    assert sorted(apps_with_text - apps_with_catalog - {"settings"}) == []


TOP_LEVEL = SOURCE / "locale/zh_Hans/LC_MESSAGES/django.po"


@pytest.mark.parametrize("path", [*CATALOGS, TOP_LEVEL], ids=lambda p: p.parents[3].name)
def test_every_message_is_translated(path):
    untranslated = [msgid for msgid, msgstr, fuzzy in entries(path) if not msgstr or fuzzy]
    assert untranslated == []


@pytest.mark.parametrize("path", [*CATALOGS, TOP_LEVEL], ids=lambda p: p.parents[3].name)
def test_compiled_catalog_is_current(path):
    compiled = path.with_suffix(".mo")
    assert compiled.exists()
    assert compiled.stat().st_mtime >= path.stat().st_mtime - 1


@pytest.mark.skipif(
    not shutil.which("xgettext") and os.environ.get("PINGAN_REQUIRE_SYSTEM_TOOLS") != "1",
    reason="gettext tools not installed",
)
@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.parents[3].name)
def test_catalog_holds_every_message_of_the_code(path, tmp_path):
    app = path.parents[3]
    copy = tmp_path / app.name
    shutil.copytree(app, copy, ignore=shutil.ignore_patterns("locale", "__pycache__"))
    (copy / "locale").mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pingan.settings.base",
        "PINGAN_HOME": str(tmp_path / "home"),
    }
    subprocess.run(
        ["django-admin", "makemessages", "-l", "zh_Hans"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    fresh = {msgid for msgid, _s, _f in entries(copy / "locale/zh_Hans/LC_MESSAGES/django.po")}
    current = {msgid for msgid, _s, _f in entries(path)}
    assert sorted(fresh - current) == []


@pytest.mark.django_db
def test_pages_speak_chinese_by_default_and_english_on_request(client):
    from django.utils import translation

    with translation.override("zh-hans"):
        assert "登录" in client.get("/login/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert "Sign in" in client.get("/login/").content.decode()


@pytest.mark.django_db
def test_language_buttons_name_each_language_in_itself(client):
    from django.utils import translation

    with translation.override("zh-hans"):
        body = client.get("/login/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert 'value="en" type="submit" lang="en">English</button>' in body
    assert 'value="zh-hans" type="submit" lang="zh-hans">简体中文</button>' in body
