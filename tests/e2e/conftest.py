"""Real Chromium (Debian's /usr/bin/chromium) driven by Playwright against a live test server."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("PINGAN_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(os.environ.get("PINGAN_TEST_OUTPUT", "test-output")) / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

pytestmark = pytest.mark.browser


def _require_chromium() -> None:
    if shutil.which(CHROMIUM) or Path(CHROMIUM).exists():
        return
    if os.environ.get("PINGAN_REQUIRE_SYSTEM_TOOLS") == "1":
        pytest.fail(
            "Chromium is required (PINGAN_REQUIRE_SYSTEM_TOOLS=1) but %s is missing" % CHROMIUM
        )
    pytest.skip("Chromium is not installed")


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session."""
    _require_chromium()
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class Page:
    """A browser tab that records console errors and failed requests, and takes screenshots."""

    def __init__(self, context, base_url: str) -> None:
        self.base_url = base_url
        self.tab = context.new_page()
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.tab.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.tab.on("pageerror", lambda e: self.errors.append(str(e)))
        self.tab.on("request", self._check_host)

    def _check_host(self, request) -> None:
        url = request.url
        if not (
            url.startswith(self.base_url) or url.startswith("data:") or url.startswith("blob:")
        ):
            self.outside.append(url)

    def go(self, path: str):
        """Open a path of the live server and wait until the network is quiet."""
        response = self.tab.goto(self.base_url + path)
        self.tab.wait_for_load_state("networkidle")
        return response

    def login(self, username: str, password: str) -> None:
        """Sign in through the form."""
        self.go("/login/")
        self.tab.fill("#id_username", username)
        self.tab.fill("#id_password", password)
        self.tab.click("main button[type=submit]")
        self.tab.wait_for_load_state("networkidle")

    def shot(self, name: str) -> Path:
        """Write a full-page screenshot for a person to look at."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / (name + ".png")
        self.tab.screenshot(path=str(path), full_page=True)
        return path


WARMED: set[str] = set()


def warm_up(base_url: str) -> None:
    """Answer one request before the browser's first: the server's first request imports every
    page module, which on a loaded machine can take longer than a browser navigation may."""
    if base_url in WARMED:
        return
    import urllib.request  # local import: only browser tests warm a server up

    with urllib.request.urlopen(base_url + "/login/", timeout=600) as response:  # noqa: S310 - the test server
        response.read()
    WARMED.add(base_url)


@pytest.fixture
def page_factory(browser, live_server):
    """Open tabs at a given viewport and language."""
    warm_up(live_server.url)
    contexts = []

    def make(width: int = 1366, height: int = 768, language: str = "zh-CN") -> Page:
        context = browser.new_context(
            viewport={"width": width, "height": height}, locale=language, accept_downloads=True
        )
        contexts.append(context)
        return Page(context, live_server.url)

    yield make
    for context in contexts:
        context.close()
