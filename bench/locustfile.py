"""Load scenario (locust): clerks, reviewers, analysts, dispatchers and Open311 clients.

Run headless and bounded against a served pingan (the demo accounts, password DEMO_PASSWORD);
`bench/bench_load.py` starts the server and runs this file for 1, 10 and 50 users:

    uv run locust -f bench/locustfile.py --headless -u 10 -r 10 --run-time 60s \
        --host http://127.0.0.1:8765

Open311 clients need an API key: `PINGAN_BENCH_API_KEY` (`pingan apikey create bench`).
Each simulated person waits 0.5–1.5 s between requests (a busy office, not a crawler). The users
are locust's FastHttpUser (geventhttpclient): the load runs on the server's own cores, and this
client spends about a fifth of the CPU per request that a python-requests client does.
"""

from __future__ import annotations

import os
import random
import re
from typing import Any
from urllib.parse import urlencode

import requests
from locust import FastHttpUser, between, events, task

PASSWORD = os.environ.get("PINGAN_BENCH_PASSWORD", "Demo-pingan-2026")
API_KEY = os.environ.get("PINGAN_BENCH_API_KEY", "")
UNIT_LINK = re.compile(r'href="/scores/unit/([^/"]+)/[?"]')
SUBMISSION_LINK = re.compile(r'href="/reporting/s/(\d+)/"')
MATTER_LINK = re.compile(r'href="/matters/(\d+)/"')
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


_SESSIONS: dict[str, requests.cookies.RequestsCookieJar] = {}


def session_of(host: str, username: str) -> requests.cookies.RequestsCookieJar:
    """Sign in through the login form once per account, as a browser does, outside the statistics.

    Signing in checks an Argon2id hash (deliberately slow) and happens once a working day, so it is
    left out of the request figures; the users of one account share its signed session cookie.
    """
    if username not in _SESSIONS:
        with requests.Session() as browser:
            form = browser.get(host + "/login/")
            token = CSRF_FIELD.search(form.text)
            browser.post(
                host + "/login/",
                {
                    "username": username,
                    "password": PASSWORD,
                    "csrfmiddlewaretoken": token.group(1) if token else "",
                },
                headers={"Referer": host + "/login/"},
            )
            _SESSIONS[username] = browser.cookies
    return _SESSIONS[username]


@events.test_start.add_listener
def sign_in_everyone(environment: Any, **_kwargs: Any) -> None:
    """Before the users start, sign in each account the scenario uses."""
    for user_class in environment.user_classes:
        if getattr(user_class, "username", ""):
            session_of(environment.host, user_class.username)


class Person(FastHttpUser):
    """A signed-in user of the web pages; subclasses name the account and what it looks at."""

    abstract = True
    wait_time = between(0.5, 1.5)
    username = ""

    def on_start(self) -> None:
        """Take the account's session, signed in once for all users of the account."""
        for cookie in session_of(self.host, self.username):
            self.client.cookiejar.set_cookie(cookie)

    def links(self, path: str, pattern: re.Pattern[str], name: str) -> list[str]:
        """GET a page and return the ids its links name."""
        page = self.client.get(path, name=name)
        return pattern.findall(page.text) if page.ok else []


class Analyst(Person):
    """The office's analyst: the overview, unit pages, the map, now and then the export."""

    weight = 3
    username = "analyst"
    units: list[str] = []

    @task(4)
    def overview(self) -> None:
        """The class overview, remembering the units it links to."""
        self.units = self.links("/scores/", UNIT_LINK, "/scores/") or self.units

    @task(4)
    def unit_page(self) -> None:
        """One unit's page."""
        if self.units:
            code = random.choice(self.units)
            self.client.get("/scores/unit/%s/" % code, name="/scores/unit/[code]/")

    @task(1)
    def tier_map(self) -> None:
        """The tier map."""
        self.client.get("/scores/map/", name="/scores/map/")

    @task(1)
    def export(self) -> None:
        """The overview as XLSX."""
        self.client.get("/scores/export.xlsx", name="/scores/export.xlsx")


class Clerk(Person):
    """A reporting body's clerk: the list of submissions and one submission."""

    weight = 2
    username = "clerk"

    @task
    def submissions(self) -> None:
        """The clerk's submissions and one of them."""
        ids = self.links("/reporting/", SUBMISSION_LINK, "/reporting/")
        if ids:
            self.client.get(
                "/reporting/s/%s/" % random.choice(ids),
                name="/reporting/s/[id]/",
            )


class Reviewer(Person):
    """A body's reviewer: the submissions to sign and one of them."""

    weight = 1
    username = "reviewer"

    @task
    def waiting(self) -> None:
        """The reviewer's list and one submission."""
        ids = self.links("/reporting/", SUBMISSION_LINK, "/reporting/")
        if ids:
            self.client.get("/reporting/s/%s/" % random.choice(ids), name="/reporting/s/[id]/")


class Dispatcher(Person):
    """The centre's dispatcher: the matters list, the to-do list, one matter, statistics."""

    weight = 2
    username = "dispatcher"

    @task(3)
    def matters(self) -> None:
        """The matters list and one matter."""
        ids = self.links("/matters/", MATTER_LINK, "/matters/")
        if ids:
            self.client.get(
                "/matters/%s/" % random.choice(ids),
                name="/matters/[id]/",
            )

    @task(2)
    def todo(self) -> None:
        """The to-do list."""
        self.client.get("/matters/todo/", name="/matters/todo/")

    @task(1)
    def statistics(self) -> None:
        """Matter statistics."""
        self.client.get("/matters/statistics/", name="/matters/statistics/")


class Open311Client(FastHttpUser):
    """A hotline system: lists services, files a request now and then, follows its requests."""

    weight = 2
    wait_time = between(0.5, 1.5)
    services: list[str] = []

    def on_start(self) -> None:
        """Read the services once."""
        answer = self.client.get("/open311/v2/services.json", name="/open311/v2/services.json")
        if answer.ok:
            self.services = [s["service_code"] for s in answer.json()]

    @task(1)
    def file_request(self) -> None:
        """POST a service request."""
        if not self.services or not API_KEY:
            return
        form = {
            "api_key": API_KEY,
            "service_code": random.choice(self.services),
            "address_string": "滨城区 市中街道 负载测试",
            "description": "负载测试：邻里噪音纠纷",
        }
        self.client.post(
            "/open311/v2/requests.json",
            data=urlencode(form),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            name="/open311/v2/requests.json (POST)",
        )

    @task(3)
    def follow(self) -> None:
        """GET the recent open service requests, a page of 100 as a client that pages asks."""
        if API_KEY:
            query = urlencode({"api_key": API_KEY, "status": "open", "page_size": 100})
            self.client.get("/open311/v2/requests.json?" + query, name="/open311/v2/requests.json")
