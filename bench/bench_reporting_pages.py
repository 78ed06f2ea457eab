"""Benchmark: CPU per request of the clerk's and reviewer's pages on a built demo.

Run (the demo built first with `pingan demo --no-serve` in the same PINGAN_HOME and database):

    PINGAN_HOME=… PINGAN_DATABASE_URL=postgresql://…/demo uv run python bench/bench_reporting_pages.py \
        [--views 12] [--save-html DIR]

Signs in as `clerk` and `reviewer` with Django's test Client (in-process, production settings)
and times `/reporting/` and every submission of the list (`/reporting/s/<id>/`, in both
languages) with `time.process_time`: one view first (not counted), then `--views` views; prints
the median and the range in milliseconds with the load average. With `--save-html DIR` it also
writes each page's HTML (the CSRF token blanked) to DIR, to compare two versions of the code.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=|"X-CSRFToken": )"[^"]*"')
LINK = re.compile(r'href="/reporting/s/(\d+)/"')


def load_average() -> str:
    """The load averages over 1, 5 and 15 minutes."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def setup() -> None:
    """Django under the production settings, answering the test client's host."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "pingan.settings.production"
    os.environ.setdefault("PINGAN_ALLOWED_HOSTS", "testserver")
    import django

    django.setup()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--views", type=int, default=12)
    parser.add_argument("--save-html", type=Path)
    parser.add_argument("--users", default="clerk,reviewer")
    parser.add_argument("--query", default="0", help="the unit filter of the paged grid")
    args = parser.parse_args()
    setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    print("load average before: %s" % load_average())
    for username in args.users.split(","):
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        listing = client.get("/reporting/").content.decode()
        ids = list(dict.fromkeys(LINK.findall(listing)))
        chosen = ids[:4] + ids[-2:] if len(ids) > 6 else ids
        urls = ["/reporting/s/%s/" % pk for pk in chosen]
        if chosen:  # a page of the grid found by a unit filter
            urls.append("/reporting/s/%s/?q=%s&page=1" % (chosen[0], args.query))
        pages = [("/reporting/", "zh-hans"), ("/reporting/", "en")] + [
            (url, language) for url in urls for language in ("zh-hans", "en")
        ]
        for url, language in pages:
            client.cookies["django_language"] = language
            times = []
            for i in range(args.views + 1):
                start = time.process_time()
                response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
                spent = (time.process_time() - start) * 1000
                if i:
                    times.append(spent)
            assert response.status_code == 200, (url, response.status_code)
            html = response.content.decode()
            print(
                "%-9s %-7s %-22s %7d B  median %5.1f ms  (%4.1f–%4.1f)"
                % (
                    username,
                    language,
                    url,
                    len(html),
                    statistics.median(times),
                    min(times),
                    max(times),
                )
            )
            if args.save_html:
                args.save_html.mkdir(parents=True, exist_ok=True)
                name = "%s_%s_%s.html" % (username, language, re.sub(r"\W+", "_", url.strip("/")))
                (args.save_html / name).write_text(TOKEN.sub(r'\1""', html))
    print("load average after: %s" % load_average())
    return 0


if __name__ == "__main__":
    sys.exit(main())
